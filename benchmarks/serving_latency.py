"""Served segmentation on loopback: latency and requests/s of the built-in REST server for
1024x512 PNG images (tiny DeepLabv3+), against calling the SavedModel directly in the same
run (the ratio is the HTTP/JSON overhead); 1 and 2 concurrent clients. Under load: 64 clients
for 20 s (every request must be answered), and a small predict's latency while two clients
keep large (2500x2500) images in segmentation."""
from __future__ import annotations

import os
import tempfile
import threading
import time

import numpy as np

__all__ = ["run"]


def run(images: int = 20) -> list[dict]:
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    from image_datasets import image_files  # pylint: disable=g-import-not-at-top
    from image_datasets.texture_city import scene  # pylint: disable=g-import-not-at-top
    from keras_models.segmentation import config as deeplab_config, deeplab, export  # pylint: disable=g-import-not-at-top
    from serving.client import ServingClient  # pylint: disable=g-import-not-at-top
    from serving.server import ModelRepository, make_server  # pylint: disable=g-import-not-at-top

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        net = deeplab.build_deeplab(deeplab_config.preset("tiny", num_classes=19))
        export.export(net, os.path.join(tmp, "segmenter", "1"), 19)
        image, _ = scene.render_scene(1024, 512, np.random.default_rng(0))
        png = image_files.encode_png(image)
        loaded = tf.saved_model.load(os.path.join(tmp, "segmenter", "1"))
        direct = loaded.signatures["serving_default"]
        direct(images=tf.constant([png]))
        start = time.perf_counter()
        for _ in range(images):
            direct(images=tf.constant([png]))
        direct_s = (time.perf_counter() - start) / images
        rows.append({"case": "SavedModel called directly", "clients": 1, "latency_ms": round(1000 * direct_s),
                     "requests_per_s": round(1 / direct_s, 2)})
        server = make_server(ModelRepository(tmp), port=0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        client = ServingClient(f"http://127.0.0.1:{server.server_address[1]}")
        client.segment("segmenter", png)
        for clients in (1, 2):
            latencies = []

            def worker():
                c = ServingClient(client.url)
                for _ in range(images // clients):
                    t = time.perf_counter()
                    c.segment("segmenter", png)
                    latencies.append(time.perf_counter() - t)

            start = time.perf_counter()
            threads = [threading.Thread(target=worker) for _ in range(clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - start
            rows.append({"case": "built-in REST server, loopback", "clients": clients,
                         "latency_ms": round(1000 * float(np.median(latencies))),
                         "p90_latency_ms": round(1000 * float(np.percentile(latencies, 90))),
                         "requests_per_s": round(len(latencies) / wall, 2),
                         "overhead_vs_direct": round(float(np.median(latencies)) / direct_s, 2)})
        rows += _under_load(client.url, png, image_files.encode_png(
            scene.render_scene(2500, 2500, np.random.default_rng(1))[0]), image_files.encode_png(image[:128, :256]))
        server.shutdown()
    return rows


def _under_load(url: str, png: bytes, large_png: bytes, small_png: bytes, seconds: float = 20.0) -> list[dict]:
    from serving.client import ServingClient  # pylint: disable=g-import-not-at-top
    rows = []
    # 64 clients for ``seconds``: every request answered, none lost or failed.
    counts = {"sent": 0, "answered": 0, "failed": 0}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client_loop():
        c = ServingClient(url)
        while time.perf_counter() < deadline:
            with lock:
                counts["sent"] += 1
            try:
                c.segment("segmenter", small_png)
                with lock:
                    counts["answered"] += 1
            except Exception:  # pylint: disable=broad-except  # a lost or failed request is what this counts
                with lock:
                    counts["failed"] += 1

    threads = [threading.Thread(target=client_loop) for _ in range(64)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rows.append({"case": f"64 clients for {seconds:g} s, 256x128 PNG", "clients": 64,
                 "requests_per_s": round(counts["answered"] / seconds, 2),
                 "sent": counts["sent"], "answered": counts["answered"], "failed": counts["failed"]})
    # Two clients keep 2500x2500 images in segmentation; a third sends small predicts.
    stop = threading.Event()
    large_done = []

    def large_loop():
        c = ServingClient(url, timeout=600)
        while not stop.is_set():
            t = time.perf_counter()
            c.segment("segmenter", large_png)
            large_done.append(time.perf_counter() - t)

    large = [threading.Thread(target=large_loop) for _ in range(2)]
    for t in large:
        t.start()
    time.sleep(2.0)  # both large requests are in
    small = ServingClient(url)
    latencies = []
    for _ in range(10):
        t = time.perf_counter()
        small.segment("segmenter", small_png)
        latencies.append(time.perf_counter() - t)
    stop.set()
    for t in large:
        t.join()
    rows.append({"case": "256x128 PNG while two clients segment 2500x2500 PNGs", "clients": 3,
                 "latency_ms": round(1000 * float(np.median(latencies))),
                 "p90_latency_ms": round(1000 * float(np.percentile(latencies, 90))),
                 "max_latency_ms": round(1000 * max(latencies)),
                 "large_latency_s": round(float(np.median(large_done)), 1) if large_done else None})
    return rows

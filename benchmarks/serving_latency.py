"""Served segmentation on loopback: latency and requests/s of the built-in REST server for
1024x512 PNG images (tiny DeepLabv3+), against calling the SavedModel directly in the same
run (the ratio is the HTTP/JSON overhead); 1 and 2 concurrent clients."""
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
    from keras_models.segmentation import deeplab, export  # pylint: disable=g-import-not-at-top
    from serving.client import ServingClient  # pylint: disable=g-import-not-at-top
    from serving.server import ModelRepository, make_server  # pylint: disable=g-import-not-at-top

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        net = deeplab.build_deeplab(deeplab.preset("tiny", num_classes=19))
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
        server.shutdown()
    return rows

"""The client against the built-in server on loopback, over a pushed segmentation model."""
import base64
import json
import os
import socket
import threading
import time
import urllib.request

import numpy as np
import pytest
import tensorflow as tf

from image_datasets import image_files
from keras_models.segmentation import config as deeplab_config, deeplab, export
from serving import layout
from serving.client import ServingClient, ServingError
from serving.server import Admission, ModelRepository, make_server


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("serving_models")
    tf.keras.utils.set_random_seed(0)
    net = deeplab.build_deeplab(deeplab_config.preset("tiny", num_classes=3, aspp_filters=8, decoder_filters=8,
                                               low_level_filters=4))
    export.export(net, str(root / "segmenter" / "1700000000"), 3)
    config = layout.write_models_config(str(root))
    server = make_server(ModelRepository(str(root)), port=0, max_body_bytes=200_000, max_connections=8, timeout=2)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", str(root), config
    server.shutdown()


def _png(seed=0, shape=(40, 56, 3)):
    return image_files.encode_png(np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8))


def test_models_config_lists_the_model_with_an_absolute_base_path(served):
    _, root, config = served
    text = open(config).read()
    assert 'name: "segmenter"' in text and f'base_path: "{os.path.join(root, "segmenter")}"' in text


def test_status_and_metadata(served):
    client = ServingClient(served[0])
    status = client.status("segmenter")["model_version_status"][0]
    assert status["state"] == "AVAILABLE" and status["version"] == "1700000000"
    sigs = client.metadata("segmenter")["metadata"]["signature_def"]["signature_def"]
    assert sigs["serving_default"]["inputs"]["images"]["dtype"] == "DT_STRING"
    assert "tfexample_image" in sigs


def test_predict_equals_the_saved_model_called_directly(served):
    url, root, _ = served
    png = _png()
    mask = ServingClient(url).segment("segmenter", png)
    loaded = tf.saved_model.load(os.path.join(root, "segmenter", "1700000000"))
    direct = loaded.signatures["serving_default"](images=tf.constant([png]))["class_map"].numpy()[0]
    np.testing.assert_array_equal(mask, direct)
    columnar = ServingClient(url).predict("segmenter", inputs={"images": [png]})["outputs"]
    np.testing.assert_array_equal(np.asarray(columnar, np.uint8)[0], direct)
    versioned = ServingClient(url).segment("segmenter", png, version=1700000000)
    np.testing.assert_array_equal(versioned, direct)


def _raw(url, path, body: bytes, headers=None):
    request = urllib.request.Request(url + path, data=body, method="POST", headers=headers or {})
    try:
        with urllib.request.urlopen(request) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.mark.parametrize("path,body,status,message", [
    ("/v1/models/segmenter:predict", b"{not json", 400, "not valid JSON"),
    ("/v1/models/segmenter:predict", b'{"instances": []}', 400, "non-empty list"),
    ("/v1/models/segmenter:predict", b'{"instances": [{"b64": "@@@"}]}', 400, "invalid base64"),
    ("/v1/models/segmenter:predict", b'{"instances": [{"b64": "aGVsbG8="}]}', 400, "rejected the input"),
    ("/v1/models/segmenter:predict", b'{"signature_name": "nope", "instances": [1]}', 400, "no signature"),
    ("/v1/models/segmenter:predict", b'{"inputs": [1], "instances": [1]}', 400, "exactly one of"),
    ("/v1/models/other:predict", b'{"instances": [1]}', 404, "no model named"),
    ("/v1/models/segmenter/versions/7:predict", b'{"instances": [1]}', 404, "no servable version 7"),
    ("/v2/nothing", b"{}", 404, "unknown path"),
    ("/v1/models/segmenter/versions/" + "9" * 5000 + ":predict", b"{}", 404, "unknown path"),
    ("/v1/models/segmenter:predict", b"[" * 100_000 + b"]" * 100_000, 400, "nested too deeply"),
])
def test_bad_requests_get_4xx_with_a_message_and_the_server_keeps_serving(served, path, body, status, message):
    url = served[0]
    got, payload = _raw(url, path, body)
    assert got == status and message in payload["error"]
    assert ServingClient(url).status("segmenter")["model_version_status"][0]["state"] == "AVAILABLE"


def test_oversized_body_is_refused_with_413(served):
    url = served[0]
    big = json.dumps({"instances": [{"b64": base64.b64encode(b"x" * 300_000).decode()}]}).encode()
    status, payload = _raw(url, "/v1/models/segmenter:predict", big)
    assert status == 413 and "exceeds the limit" in payload["error"]
    with pytest.raises(ServingError, match="HTTP 404"):
        ServingClient(url).status("missing")


def test_concurrent_requests_all_answer(served):
    url = served[0]
    results = []

    def call(seed):
        results.append(ServingClient(url).segment("segmenter", _png(seed)).shape)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [(40, 56)] * 6


def test_dsr_predict_writes_the_served_mask(served, tmp_path):
    from dsr.main import main
    url, root, _ = served
    png = _png(5)
    (tmp_path / "in.png").write_bytes(png)
    assert main(["predict", "--url", url, "--model", "segmenter", str(tmp_path / "in.png"),
                 "--out", str(tmp_path / "mask.png"), "--color"]) == 0
    mask = image_files.read_mask(str(tmp_path / "mask.png"))
    np.testing.assert_array_equal(mask, ServingClient(url).segment("segmenter", png))
    assert (tmp_path / "mask_color.png").exists()
    assert main(["predict", "--url", url, "--model", "nope", str(tmp_path / "in.png"),
                 "--out", str(tmp_path / "m2.png")]) == 1
    (tmp_path / "bad.png").write_bytes(b"junk")
    assert main(["predict", "--url", url, str(tmp_path / "bad.png"), "--out", str(tmp_path / "m3.png")]) == 2


def _exchange(url, request: bytes, read_timeout=10.0) -> bytes:
    """Sends raw bytes on a fresh connection and returns everything the server answers."""
    host, port = url.rsplit(":", 1)
    with socket.create_connection((host.split("//")[1], int(port)), timeout=read_timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                data = sock.recv(65536)
            except socket.timeout:
                break
            if not data:
                break
            chunks.append(data)
        return b"".join(chunks)


@pytest.mark.parametrize("length,status,message", [
    ("-1", 400, "not a non-negative whole number"),
    ("abc", 400, "not a non-negative whole number"),
    ("9" * 30, 400, "not a non-negative whole number"),
    ("1000000000000", 413, "exceeds the limit"),
])
def test_bad_content_length_is_refused_before_reading(served, length, status, message):
    head = (f"POST /v1/models/segmenter:predict HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n\r\n").encode()
    answer = _exchange(served[0], head + b"{}" * 10)
    assert answer.startswith(f"HTTP/1.1 {status}".encode()) and message.encode() in answer, answer[:300]


def test_a_short_body_times_out_with_408_and_the_connection_closes(served):
    head = b"POST /v1/models/segmenter:predict HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"
    start = time.monotonic()
    answer = _exchange(served[0], head)  # returns when the server closes
    assert answer.startswith(b"HTTP/1.1 408") and b"did not arrive within 2 s" in answer, answer[:300]
    assert time.monotonic() - start < 8


def test_an_image_over_the_pixel_budget_gets_413_before_decoding(served):
    from tests.image_datasets.test_pixel_budget import png_header_only  # pylint: disable=import-outside-toplevel
    body = json.dumps({"instances": [{"b64": base64.b64encode(png_header_only(20000, 20000)).decode()}]}).encode()
    status, payload = _raw(served[0], "/v1/models/segmenter:predict", body)
    assert status == 413 and "input 'images': declares 20000x20000" in payload["error"], payload


def test_idle_connections_hold_no_thread_and_do_not_delay_a_request(served):
    url = served[0]
    host, port = url.split("//")[1].split(":")
    threads = threading.active_count()
    idle = [socket.create_connection((host, int(port))) for _ in range(200)]  # 25 x max_connections
    try:
        keep_alive = ServingClient(url)
        assert keep_alive.segment("segmenter", _png()).shape == (40, 56)
        assert threading.active_count() - threads < 10  # idle connections wait in the selector
        for s in idle:  # the request was answered while every idle connection was still open
            s.setblocking(False)
            with pytest.raises(BlockingIOError):
                s.recv(1)  # b"" would mean the server had closed it
        time.sleep(3)  # the 2 s timeout closes silent connections
        for s in idle:
            s.setblocking(True)
            s.settimeout(5)
            assert s.recv(1) == b""
        assert keep_alive.segment("segmenter", _png(1)).shape == (40, 56)
    finally:
        for s in idle:
            s.close()


def test_a_keep_alive_connection_serves_requests_in_turn(served):
    """Two requests on one connection, the second sent while the first is answered: each is
    answered once, in order (unbuffered reads leave the second in the socket)."""
    url = served[0]
    host, port = url.split("//")[1].split(":")
    get = f"GET /v1/models/segmenter HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(get + get)
        answers = b""
        while answers.count(b"AVAILABLE") < 2:  # both bodies (a recv may end between head and body)
            answers += sock.recv(65536)
    assert answers.count(b"HTTP/1.1 200") == 2


def test_large_requests_leave_a_slot_for_small_ones():
    admission = Admission(slots=2, large_pixels=1000)
    first_large_in, release = threading.Event(), threading.Event()

    def hold_large():
        with admission.admit(5000):
            first_large_in.set()
            release.wait(10)

    holder = threading.Thread(target=hold_large)
    holder.start()
    assert first_large_in.wait(5)
    second_large = threading.Event()
    waiting = threading.Thread(target=lambda: (admission.admit(5000).__enter__(), second_large.set()))
    waiting.daemon = True
    waiting.start()
    try:
        assert not second_large.wait(0.3)  # the second large request waits for the first ...
        with admission.admit(999):  # ... while a small one gets the free slot at once
            pass
    finally:
        release.set()
        holder.join()
    assert second_large.wait(5)  # and it runs once the first is done


def test_a_request_counts_the_pixels_its_images_declare(served):
    from serving.server import ModelRepository as Repo  # pylint: disable=import-outside-toplevel
    model = Repo(served[1]).get("segmenter", None)
    request = model.prepare({"instances": [{"b64": base64.b64encode(_png(0, (40, 56, 3))).decode()},
                                           {"b64": base64.b64encode(_png(1, (20, 30, 3))).decode()}]})
    assert request.pixels == 40 * 56 + 20 * 30

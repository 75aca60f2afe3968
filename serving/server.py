"""A built-in REST server speaking TF Serving's API subset (``serving.rest_api``) over the
SavedModels in a TF Serving model directory, for machines without ``tensorflow_model_server``.

Serves the latest version of each model, on loopback by default. Limits, each answered with a
4xx and a message while the server keeps serving:
  - ``Content-Length`` missing 411; not a non-negative number 400; above ``max_body_bytes`` 413
    (the body is not read);
  - a connection waits for its request (and a keep-alive one for its next) in one selector
    thread, not a handler thread, and closes after ``timeout`` silent seconds; at most
    ``WAITING_CONNECTIONS`` wait (the longest silent one closes first). At most
    ``max_connections`` requests are handled at once; a body silent for ``timeout`` seconds
    gets 408 and the connection closes;
  - JSON nested deeper than Python can parse: 400;
  - an image input whose header declares more pixels than the pixel budget
    (``image_datasets.pixel_budget``, ``$DSR_MAX_PIXELS``): 413, before anything is decoded;
  - at most ``max_concurrent`` inferences run at a time, and requests whose images hold more than
    ``large_pixels`` pixels take at most ``max_concurrent - 1`` of them, so a small request never
    waits behind large ones (``Admission``).
Malformed requests get 400, unknown models, versions or paths 404.
"""
from __future__ import annotations

import contextlib
import dataclasses
import http.server
import json
import logging
import os
import selectors
import socket
import threading
import time
from typing import Any

import numpy as np
import tensorflow as tf

from image_datasets import pixel_budget
from serving import layout
from serving.rest_api import RequestError, decode_json_value, dumps, encode_tensor, parse_path

__all__ = ["ModelRepository", "Admission", "make_server", "DEFAULT_MAX_BODY", "DEFAULT_LARGE_PIXELS"]

DEFAULT_MAX_BODY = 64 << 20
DEFAULT_LARGE_PIXELS = 2_000_000  # a 2048x1024 Cityscapes frame is 2.1 Mpx: large
BACKLOG = 128
WAITING_CONNECTIONS = 4096  # open connections waiting for their next request, without a thread


def _image_pixels(name: str, value: Any) -> int:
    """The pixels the encoded images among ``value``'s bytes declare; 413 for one over the budget."""
    if isinstance(value, bytes):
        try:
            size = pixel_budget.check_image_bytes(value, f"input {name!r}")
        except pixel_budget.PixelBudgetError as e:
            raise RequestError(413, str(e)) from e
        return size[0] * size[1] if size else 0
    if isinstance(value, list):
        return sum(_image_pixels(name, v) for v in value)
    return 0


class Admission:
    """Inference slots: at most ``slots`` inferences at once, of which requests over
    ``large_pixels`` take at most ``slots - 1`` (one when ``slots`` is 1): while large images are
    segmented, a free slot stays for small requests."""

    def __init__(self, slots: int, large_pixels: int):
        if slots < 1:
            raise ValueError(f"at least one inference slot is needed, got {slots}")
        self._all = threading.BoundedSemaphore(slots)
        self._large = threading.BoundedSemaphore(max(1, slots - 1))
        self.large_pixels = large_pixels

    @contextlib.contextmanager
    def admit(self, pixels: int):
        gate = self._large if pixels > self.large_pixels else contextlib.nullcontext()
        with gate, self._all:
            yield


@dataclasses.dataclass
class _Request:
    """A predict request checked against its signature, ready to run."""

    signature: str
    tensors: dict
    row_format: bool
    pixels: int


class _Model:
    def __init__(self, name: str, version: int, path: str):
        self.name, self.version = name, version
        self.module = tf.saved_model.load(path)
        self.signatures = dict(self.module.signatures)

    def input_specs(self, signature: str) -> dict[str, tf.TensorSpec]:
        return self.signatures[signature].structured_input_signature[1]

    def metadata(self) -> dict:
        def tensor_info(spec):
            dims = [{"size": str(d if d is not None else -1)} for d in spec.shape] if spec.shape.rank is not None else []
            return {"dtype": f"DT_{spec.dtype.name.upper()}", "tensor_shape": {"dim": dims}, "name": spec.name or ""}

        defs = {}
        for name, fn in self.signatures.items():
            defs[name] = {"inputs": {k: tensor_info(s) for k, s in self.input_specs(name).items()},
                          "outputs": {k: tensor_info(s) for k, s in fn.structured_outputs.items()},
                          "method_name": "tensorflow/serving/predict"}
        return {"model_spec": {"name": self.name, "signature_name": "", "version": str(self.version)},
                "metadata": {"signature_def": {"signature_def": defs}}}

    def prepare(self, body: Any) -> _Request:
        """Checks a predict body against the signature and builds its tensors (400/413 on error)."""
        if not isinstance(body, dict):
            raise RequestError(400, "the request body must be a JSON object")
        signature = body.get("signature_name", "serving_default")
        if signature not in self.signatures:
            raise RequestError(400, f"model {self.name!r} has no signature {signature!r}; it has "
                                    f"{sorted(self.signatures)}")
        specs = self.input_specs(signature)
        row_format = "instances" in body
        if row_format == ("inputs" in body):
            raise RequestError(400, 'the request must hold exactly one of "instances" or "inputs"')
        if row_format:
            raw = body["instances"]
            if not isinstance(raw, list) or not raw:
                raise RequestError(400, '"instances" must be a non-empty list')

            def named(instance):  # an object of named inputs, not a {"b64"} value
                return isinstance(instance, dict) and set(instance) != {"b64"}

            if len(specs) == 1 and not any(named(i) for i in raw):
                values = {next(iter(specs)): decode_json_value(raw)}
            else:
                if not all(named(i) for i in raw):
                    raise RequestError(400, f"signature {signature!r} takes {sorted(specs)}: each instance must be "
                                            "an object with those keys")
                values = {k: [decode_json_value(i[k]) for i in raw if k in i] for k in specs}
                values = {k: v for k, v in values.items() if len(v) == len(raw)}
        else:
            inputs = body["inputs"]
            values = ({k: decode_json_value(v) for k, v in inputs.items()} if isinstance(inputs, dict)
                      and set(inputs) <= set(specs) and "b64" not in inputs
                      else {next(iter(specs)): decode_json_value(inputs)} if len(specs) == 1 else None)
            if values is None:
                raise RequestError(400, f"signature {signature!r} takes inputs {sorted(specs)}")
        missing = sorted(set(specs) - set(values))
        if missing:
            raise RequestError(400, f"missing inputs {missing} for signature {signature!r}")
        tensors, pixels = {}, 0
        for k, spec in specs.items():
            if spec.dtype == tf.string:
                pixels += _image_pixels(k, values[k])
            try:
                tensors[k] = tf.constant(values[k], dtype=spec.dtype)
            except (ValueError, TypeError) as e:
                raise RequestError(400, f"input {k!r} is not a {spec.dtype.name} tensor: {e}") from e
            if not spec.shape.is_compatible_with(tensors[k].shape):
                raise RequestError(400, f"input {k!r} has shape {tensors[k].shape.as_list()}, signature "
                                        f"{signature!r} expects {spec.shape}")
            if spec.dtype != tf.string and tensors[k].shape.rank >= 3:  # [..., H, W, C] pixel arrays
                pixels += tensors[k].shape.num_elements() // max(1, tensors[k].shape[-1])
        return _Request(signature, tensors, row_format, pixels)

    def run(self, request: _Request) -> dict:
        """The prepared request's outputs in the REST response's format."""
        signature, tensors, row_format = request.signature, request.tensors, request.row_format
        try:
            outputs = {k: v.numpy() for k, v in self.signatures[signature](**tensors).items()}
        except (tf.errors.InvalidArgumentError, tf.errors.UnimplementedError) as e:
            raise RequestError(400, f"the model rejected the input: {e.message.splitlines()[0]}") from e
        if row_format:
            if len(outputs) == 1:
                (array,) = outputs.values()
                return {"predictions": encode_tensor(array)}
            n = len(next(iter(outputs.values())))
            return {"predictions": [{k: encode_tensor(np.asarray(v[i])) for k, v in outputs.items()} for i in range(n)]}
        if len(outputs) == 1:
            return {"outputs": encode_tensor(next(iter(outputs.values())))}
        return {"outputs": {k: encode_tensor(v) for k, v in outputs.items()}}


class ModelRepository:
    """The latest version of every model under a TF Serving model directory."""

    def __init__(self, serving_dir: str):
        self.models = {}
        for name, versions in layout.list_models(serving_dir).items():
            path = os.path.join(serving_dir, name, str(versions[-1]))
            logging.info("serving %s version %d from %s", name, versions[-1], path)
            self.models[name] = _Model(name, versions[-1], path)
        if not self.models:
            raise FileNotFoundError(f"{serving_dir}: no models to serve")

    def get(self, name: str, version: int | None) -> _Model:
        model = self.models.get(name)
        if model is None:
            raise RequestError(404, f"no model named {name!r}; serving {sorted(self.models)}")
        if version is not None and version != model.version:
            raise RequestError(404, f"model {name!r} has no servable version {version} (serving {model.version})")
        return model


class _WaitingRoom:
    """Connections with nothing to read wait here, all in one selector thread, instead of each
    holding a handler thread: a connection reaches a handler when the first bytes of its next
    request arrive, and is closed after ``timeout`` silent seconds. When ``capacity``
    connections wait, the one silent longest is closed to admit a new one."""

    def __init__(self, dispatch, timeout: float, capacity: int):
        self._dispatch, self._timeout, self._capacity = dispatch, timeout, capacity
        self._selector = selectors.DefaultSelector()
        self._arrivals: list = []  # (socket, address), registered by the room's own thread
        self._lock = threading.Lock()
        self._wake_read, self._wake_write = socket.socketpair()
        self._selector.register(self._wake_read, selectors.EVENT_READ)
        self._closed = False
        threading.Thread(target=self._run, name="waiting-room", daemon=True).start()

    def add(self, sock: socket.socket, address) -> None:
        with self._lock:
            self._arrivals.append((sock, address))
        self._wake_write.send(b"\0")

    def close(self) -> None:
        self._closed = True
        self._wake_write.send(b"\0")

    def _run(self) -> None:
        # socket -> (deadline, address). Every wait is ``timeout`` long and entries are added as
        # they arrive, so the dict is in deadline order: the first entry expires first.
        deadlines: dict = {}
        while not self._closed:
            first = next(iter(deadlines.values()), (time.monotonic() + 60, None))[0]
            wait = first - time.monotonic()
            ready = [key.fileobj for key, _ in self._selector.select(max(wait, 0))]
            if self._wake_read in ready:
                self._wake_read.recv(4096)
                ready.remove(self._wake_read)
            with self._lock:
                arrivals, self._arrivals = self._arrivals, []
            for sock, address in arrivals:
                while len(deadlines) >= self._capacity:
                    self._drop(next(iter(deadlines)), deadlines)
                deadlines[sock] = (time.monotonic() + self._timeout, address)
                self._selector.register(sock, selectors.EVENT_READ)
            for sock in ready:
                if sock in deadlines:
                    address = deadlines.pop(sock)[1]
                    self._selector.unregister(sock)
                    self._dispatch(sock, address)
            now = time.monotonic()
            while deadlines and next(iter(deadlines.values()))[0] <= now:
                self._drop(next(iter(deadlines)), deadlines)
        for sock in list(deadlines):
            self._drop(sock, deadlines)

    def _drop(self, sock: socket.socket, deadlines: dict) -> None:
        del deadlines[sock]
        self._selector.unregister(sock)
        with contextlib.suppress(OSError):
            sock.close()


class _BoundedServer(http.server.ThreadingHTTPServer):
    """Accepted connections wait in a ``_WaitingRoom`` until they send a request; then a handler
    thread serves that one request (at most ``max_connections`` at once), and a keep-alive
    connection goes back to the waiting room. Idle or silent clients hold a socket, not a thread."""

    request_queue_size = BACKLOG
    daemon_threads = True

    def __init__(self, address, handler, max_connections: int, timeout: float):
        super().__init__(address, handler)
        self._connections = threading.BoundedSemaphore(max_connections)
        self._kept: dict = {}  # socket -> client address: keep-alive connections whose handler is ending
        self.waiting_room = _WaitingRoom(self._start_handler, timeout, WAITING_CONNECTIONS)

    def process_request(self, request, client_address):
        self.waiting_room.add(request, client_address)

    def _start_handler(self, request, client_address):
        threading.Thread(target=self.process_request_thread, args=(request, client_address), daemon=True).start()

    def process_request_thread(self, request, client_address):
        with self._connections:
            super().process_request_thread(request, client_address)

    def keep_open(self, request, client_address) -> None:
        """Called by a handler whose connection stays open; when that handler's thread is done
        with it, the connection waits for its next request in the waiting room."""
        self._kept[request] = client_address

    def shutdown_request(self, request):
        # The handler thread's last step: only now can another thread take the connection.
        client_address = self._kept.pop(request, None)
        if client_address is None:
            super().shutdown_request(request)
        else:
            self.waiting_room.add(request, client_address)

    def server_close(self):
        super().server_close()
        self.waiting_room.close()


def make_server(repository: ModelRepository, host: str = "127.0.0.1", port: int = 8501,
                max_body_bytes: int = DEFAULT_MAX_BODY, max_concurrent: int = 2, max_connections: int = 64,
                timeout: float = 30.0, large_pixels: int = DEFAULT_LARGE_PIXELS) -> http.server.ThreadingHTTPServer:
    """A ready HTTP server (call ``serve_forever``); ``port`` 0 picks a free port."""
    admission = Admission(max_concurrent, large_pixels)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Unbuffered reads: the bytes of a next request stay in the socket, where the waiting room sees them.
        rbufsize = 0

        def handle(self):
            """One request; a keep-alive connection then goes back to the waiting room."""
            self.close_connection = True
            self.handle_one_request()
            if not self.close_connection:
                self.server.keep_open(self.request, self.client_address)

        def setup(self):
            self.timeout = timeout  # a socket timeout on every read: slow or short bodies, idle keep-alives
            super().setup()

        def handle_one_request(self):
            try:
                super().handle_one_request()
            except (socket.timeout, TimeoutError):
                self.close_connection = True  # idle between requests: close quietly

        def _send(self, status: int, payload: dict):
            data = dumps(payload)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _handle(self, method: str):
            try:
                name, version, verb = parse_path(self.path)
                model = repository.get(name, version)
                if method == "GET":
                    if verb == "predict":
                        raise RequestError(405, "predict needs POST")
                    if verb == "metadata":
                        return self._send(200, model.metadata())
                    return self._send(200, {"model_version_status": [{
                        "version": str(model.version), "state": "AVAILABLE",
                        "status": {"error_code": "OK", "error_message": ""}}]})
                if verb != "predict":
                    raise RequestError(405, f"POST is only for :predict, not {verb}")
                raw = self._read_body()
                try:
                    body = json.loads(raw)
                except (json.JSONDecodeError, UnicodeDecodeError) as e:
                    raise RequestError(400, f"the body is not valid JSON: {e}") from e
                except RecursionError as e:
                    raise RequestError(400, "the body's JSON is nested too deeply") from e
                request = model.prepare(body)
                with admission.admit(request.pixels):
                    return self._send(200, model.run(request))
            except RequestError as e:
                if e.status in (400, 408, 411, 413):
                    self.close_connection = True  # the rest of the stream cannot be trusted
                return self._send(e.status, {"error": str(e)})
            except Exception as e:  # pylint: disable=broad-except
                logging.exception("internal error on %s", self.path)
                return self._send(500, {"error": f"{type(e).__name__}: {e}"})

        def _read_body(self) -> bytes:
            length = self.headers.get("Content-Length")
            if length is None:
                raise RequestError(411, "Content-Length is required")
            if not length.strip().isdigit() or len(length.strip()) > 18:
                raise RequestError(400, f"Content-Length {length[:40]!r} is not a non-negative whole number")
            n = int(length)
            if n > max_body_bytes:
                raise RequestError(413, f"request body of {n} bytes exceeds the limit of {max_body_bytes} bytes")
            raw = bytearray()
            try:
                while len(raw) < n:  # an unbuffered read returns what one recv brings
                    chunk = self.rfile.read(min(n - len(raw), 1 << 20))
                    if not chunk:
                        break
                    raw += chunk
            except (socket.timeout, TimeoutError) as e:
                raise RequestError(408, f"the body did not arrive within {timeout:g} s") from e
            if len(raw) != n:
                raise RequestError(400, f"the body ended after {len(raw)} of the {n} bytes Content-Length announced")
            return bytes(raw)

        def do_GET(self):  # noqa: N802
            self._handle("GET")

        def do_POST(self):  # noqa: N802
            self._handle("POST")

        def log_message(self, fmt, *args):
            logging.info("%s %s", self.address_string(), fmt % args)

    return _BoundedServer((host, port), Handler, max_connections, timeout)

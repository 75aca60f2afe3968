"""Hostile inputs: what each decoder and the built-in REST server spend on forged sizes and
abusive requests. ``seconds`` is the decode's time, or the server's time to its answer.

Decoders: every case runs in a fresh process that first loads its codec (and model) and
decodes a genuine small input, then resets the kernel's peak-RSS counter and decodes the
forged one as bytes from outside are decoded (``guarded.checked_decode``: the codec's check
of the stream, then its decode; ``dsr codec decode`` adds only a child process for MSH). ``growth_mib`` is that peak minus the RSS before: what the input made the process
allocate. ``helper_peak_mib`` is the largest helper process (ffmpeg) of the case.

Server: ``dsr serve --builtin`` over a tiny DeepLabv3+ in its own process; before each abuse
its peak-RSS counter is reset, and ``growth_mib`` is its peak during the abuse minus its RSS
before. Every abuse must get its 4xx (or, for idle connections, leave the server answering).
"""
from __future__ import annotations

import base64
import dataclasses
import io
import json
import os
import resource
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zlib

import numpy as np

from benchmarks.isolated import DSR, run_isolated

__all__ = ["run", "DECODER_CASES"]

_BPG = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "data", "bpg",
                    "gray_120x90_q30.bpg")
_MIB = 1 << 20
HANG_S = 120  # a decode that takes longer is a hang


def _status_kib(pid, field: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def _reset_peak(pid) -> None:
    with open(f"/proc/{pid}/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM, the peak resident set size, to the current RSS


def _png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares width x height, with a token image stream (68 bytes): the
    decoder must refuse it from the header alone."""
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b""))


def _bpg(width: int, height: int, sps: bool = False) -> tuple[bytes, bytes]:
    """The genuine vector and a forgery: its header's size rewritten, or (``sps``) its header
    kept and an SPS of that size put in front of its HEVC payload."""
    from image_codecs.bpg import container, hevc  # pylint: disable=g-import-not-at-top
    data = open(_BPG, "rb").read()
    f = container.parse(data)
    if sps:
        h = f.header
        payload = hevc.build_sps(f.hevc_header, width, height, h.chroma_format_idc, h.bit_depth) + b"\x00\x00\x01"
        return data, container.serialize(h, f.hevc_header, payload + f.hevc_data)
    return data, container.serialize(dataclasses.replace(f.header, width=width, height=height), f.hevc_header,
                                     f.hevc_data)


def _jpeg(width: int, height: int) -> tuple[bytes, bytes]:
    from PIL import Image  # pylint: disable=g-import-not-at-top
    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (90, 70, 3), dtype=np.uint8)).save(buffer, "JPEG")
    data = bytearray(buffer.getvalue())
    sof = data.index(b"\xff\xc0")
    genuine = bytes(data)
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return genuine, bytes(data)


def _neural(kind: str, side: int, tmp: str):
    """A briefly trained tiny model's genuine 70x90 stream and the same stream with its size
    rewritten to side x side; returns (codec, genuine, forged)."""
    import tensorflow as tf  # pylint: disable=g-import-not-at-top
    from image_codecs import ir2i, msh, registry  # pylint: disable=g-import-not-at-top
    rng = np.random.default_rng(0)
    data = tf.data.Dataset.from_tensor_slices(rng.integers(0, 256, (4, 64, 64, 3), dtype=np.uint8))
    image = rng.integers(0, 256, (90, 70, 3), dtype=np.uint8)
    if kind == "msh":
        from keras_models.msh import config, export, training  # pylint: disable=g-import-not-at-top
        export.export(training.train(config.preset("tiny", crop=32, batch_size=2), data, 5), tmp)
        codec = registry.make_codec("msh", 1, model=tmp)
        genuine = codec.encode(image)
        tensors = msh.unpack(genuine)
        tensors[-1] = np.array([side, side], np.int32)
        return codec, genuine, msh.pack(tensors)
    from keras_models.ir2i import config, export, training  # pylint: disable=g-import-not-at-top
    export.export(training.train(config.preset("ir2i-tiny", stages=2), data, 2), tmp)
    codec = registry.make_codec("ir2i", 2, model=tmp)
    genuine = codec.encode(image)
    header, _ = ir2i.parse_header(genuine)
    forged = ir2i.Header(side, side, header.stages, header.bits, header.patch, header.first_stages)
    # A consistent forgery: whole stage blocks of random bits for the declared size (512 KB at 4096x4096).
    payload = rng.integers(0, 256, forged.block_bytes * header.first_stages, dtype=np.uint8).tobytes()
    return codec, genuine, forged.to_bytes() + payload


def _decode_case(name: str) -> dict:
    """Runs one decoder case in this (fresh) process."""
    from image_codecs import guarded, registry  # pylint: disable=g-import-not-at-top
    from image_datasets import image_files  # pylint: disable=g-import-not-at-top
    kind, size = name.split(" ", 1)
    width, height = (int(v) for v in size.split("x"))
    with tempfile.TemporaryDirectory() as tmp:
        if kind in ("bpg", "bpg+sps"):
            codec = registry.make_codec("bpg", 30, backend="builtin")
            genuine, forged = _bpg(width, height, sps=kind == "bpg+sps")
        elif kind == "jpeg":
            codec, (genuine, forged) = registry.make_codec("jpeg", 50), _jpeg(width, height)
        elif kind == "png":
            genuine, forged = image_files.encode_png(np.zeros((90, 70, 3), np.uint8)), _png_declaring(width, height)

            def decode(data):
                path = os.path.join(tmp, "image.png")
                with open(path, "wb") as f:
                    f.write(data)
                return image_files.read_image(path)
        else:
            codec, genuine, forged = _neural(kind, width, os.path.join(tmp, "model"))
        if kind != "png":
            decode = lambda data: guarded.checked_decode(codec, data)  # pylint: disable=unnecessary-lambda-assignment
        decode(genuine)
        before = _status_kib("self", "VmRSS")
        _reset_peak("self")
        start = time.perf_counter()
        try:
            outcome = "decoded {1}x{0}".format(*decode(forged).shape)
        except Exception as e:  # pylint: disable=broad-except  # the outcome is the record
            outcome = f"{type(e).__name__}: {str(e)[:90]}"
        seconds = time.perf_counter() - start
        peak = _status_kib("self", "VmHWM")
    case = f"BPG with an SPS of {size} in its payload" if kind == "bpg+sps" else f"{kind.upper()} declaring {size}"
    return {"case": case, "input_bytes": len(forged), "outcome": outcome,
            "seconds": round(seconds, 2), "rss_before_mib": before // 1024, "growth_mib": (peak - before) // 1024,
            "helper_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024}


DECODER_CASES = (
    "bpg 4096x4096", "bpg 6320x6320", "bpg 8192x8192", "bpg+sps 16384x16384",
    "jpeg 6320x6320", "jpeg 16000x11000",
    "png 20000x20000",
    "msh 4096x4096", "msh 6320x6320", "msh 8192x8192",
    "ir2i 4096x4096", "ir2i 16384x16384",
)


def _exchange(port: int, request: bytes, timeout: float = 20.0) -> tuple[bytes, float]:
    """Sends ``request`` on a fresh connection; (the answer's status line, seconds to its first byte)."""
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(request)
        except OSError:
            pass  # the server answered and closed before the whole body was sent
        try:
            answer = sock.recv(65536)
        except (socket.timeout, ConnectionResetError):
            answer = b""
    return answer.split(b"\r\n", 1)[0], time.perf_counter() - start


def _post(path: str, body: bytes, length=None) -> bytes:
    length = len(body) if length is None else length
    return (f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}\r\n\r\n").encode() + body


def _server_cases(tmp: str, idle_connections: int) -> list[dict]:
    from keras_models.segmentation import config as deeplab_config, deeplab, export  # pylint: disable=g-import-not-at-top
    export.export(deeplab.build_deeplab(deeplab_config.preset("tiny", num_classes=19)),
                  os.path.join(tmp, "segmenter", "1"), 19)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    timeout = 5
    server = subprocess.Popen([DSR, "serve", "--builtin", "--models", tmp, "--port", str(port),
                               "--timeout", str(timeout)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    predict = "/v1/models/segmenter:predict"
    small = json.dumps({"instances": [{"b64": base64.b64encode(open(_BPG[:-8] + ".png", "rb").read()).decode()}]})
    try:
        for _ in range(600):
            try:
                if b"200 OK" in _exchange(port, _post(predict, small.encode()), timeout=60)[0]:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"dsr serve did not answer a predict on port {port}")
        bomb = json.dumps({"instances": [{"b64": base64.b64encode(_png_declaring(20000, 20000)).decode()}]})
        huge_body = b"[" * (300 * _MIB)
        abuses = [
            ("PNG declaring 20000x20000 in a predict", lambda: _exchange(port, _post(predict, bomb.encode()))),
            ("Content-Length -1 and a 300 MB body", lambda: _exchange(port, _post(predict, huge_body, -1))),
            ("Content-Length 70 MB over the 64 MB limit", lambda: _exchange(port, _post(predict, b"{}", 70 * _MIB))),
            ("Content-Length larger than the body", lambda: _exchange(port, _post(predict, b"{}", 100))),
            ("Content-Length not a number", lambda: _exchange(port, _post(predict, b"{}", "abc"))),
            ("JSON nested 100000 deep", lambda: _exchange(port, _post(predict, b"[" * 100_000 + b"]" * 100_000))),
            ("version number of 5000 digits",
             lambda: _exchange(port, _post("/v1/models/segmenter/versions/" + "9" * 5000 + ":predict", b"{}"))),
        ]
        rows = []
        for name, abuse in abuses:
            before = _status_kib(server.pid, "VmRSS")
            _reset_peak(server.pid)
            answer, seconds = abuse()
            rows.append({"case": f"server: {name}", "input_bytes": "",
                         "outcome": answer.decode(errors="replace")[9:] or "no answer",
                         "seconds": round(seconds, 2), "rss_before_mib": before // 1024,
                         "growth_mib": (_status_kib(server.pid, "VmHWM") - before) // 1024})
        before = _status_kib(server.pid, "VmRSS")
        _reset_peak(server.pid)
        idle = []
        for _ in range(idle_connections):
            try:
                idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))
            except OSError:
                break
        threads = _status_kib(server.pid, "Threads")
        answer, seconds = _exchange(port, _post(predict, small.encode()), timeout=120)
        rows.append({"case": f"server: {len(idle)} idle connections, then a small predict", "input_bytes": "",
                     "outcome": f"{answer.decode(errors='replace')[9:] or 'no answer'}; server threads {threads}",
                     "seconds": round(seconds, 2), "rss_before_mib": before // 1024,
                     "growth_mib": (_status_kib(server.pid, "VmHWM") - before) // 1024})
        for s in idle:
            s.close()
        return rows
    finally:
        server.terminate()
        server.wait(30)


def run(images: int = 1000) -> list[dict]:
    """Every decoder case, each in a fresh process, then the server's abuses; ``images`` is the
    number of idle connections opened against the server."""
    rows = []
    for name in DECODER_CASES:
        print(f"hostile_inputs: {name}", file=sys.stderr, flush=True)
        try:
            row = run_isolated(_decode_case, name, timeout=HANG_S)
            row.pop("peak_rss_mib", None)
        except TimeoutError:
            row = {"case": name, "outcome": f"HANG: no answer in {HANG_S} s (process killed)"}
        rows.append(row)
    with tempfile.TemporaryDirectory() as tmp:
        rows += _server_cases(tmp, images)
    return rows

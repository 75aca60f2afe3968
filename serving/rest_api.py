"""The subset of TF Serving's REST API that the built-in server implements and the client
speaks (https://www.tensorflow.org/tfx/serving/api_rest):

  GET  /v1/models/NAME[/versions/V]            model status
  GET  /v1/models/NAME[/versions/V]/metadata   signatures
  POST /v1/models/NAME[/versions/V]:predict    {"signature_name"?, "instances": [...]}
                                               or {"signature_name"?, "inputs": ...}
Binary values travel as ``{"b64": "<base64>"}``. Request-independent: JSON <-> tensors.
"""
from __future__ import annotations

import base64
import json
import re
from typing import Any

import numpy as np

__all__ = ["RequestError", "parse_path", "decode_json_value", "encode_tensor", "dumps", "PATH"]

_CHUNK = 4096  # scalars per json.dumps call when a flat list is long

PATH = re.compile(r"^/v1/models/(?P<name>[A-Za-z0-9_.\-]{1,256})(?:/versions/(?P<version>\d{1,18}))?"
                  r"(?P<verb>:predict|/metadata)?$")


class RequestError(ValueError):
    """A bad request: HTTP ``status`` with a message for the caller."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def parse_path(path: str) -> tuple[str, int | None, str]:
    """``/v1/models/seg/versions/2:predict`` -> ("seg", 2, "predict")."""
    match = PATH.match(path.split("?")[0])
    if not match:
        raise RequestError(404, f"unknown path {path!r}; expected /v1/models/NAME[/versions/N][:predict|/metadata]")
    verb = {None: "status", ":predict": "predict", "/metadata": "metadata"}[match.group("verb")]
    version = int(match.group("version")) if match.group("version") else None
    return match.group("name"), version, verb


def decode_json_value(value: Any) -> Any:
    """JSON value -> nested lists with ``{"b64": ...}`` replaced by bytes."""
    if isinstance(value, dict):
        if set(value) == {"b64"}:
            try:
                return base64.b64decode(value["b64"], validate=True)
            except (ValueError, TypeError) as e:
                raise RequestError(400, f"invalid base64 in a b64 value: {e}") from e
        raise RequestError(400, f"unexpected object {sorted(value)} where a value was expected (only {{\"b64\"}})")
    if isinstance(value, list):
        return [decode_json_value(v) for v in value]
    return value


def encode_tensor(array: np.ndarray) -> Any:
    """Tensor -> JSON value (bytes as ``{"b64": ...}``)."""
    if array.dtype.kind in ("S", "O"):
        flat = [{"b64": base64.b64encode(v).decode()} if isinstance(v, bytes) else v for v in array.ravel().tolist()]
        return np.array(flat, dtype=object).reshape(array.shape).tolist()
    if array.dtype.kind == "f":
        return np.where(np.isfinite(array), array, None).tolist() if not np.isfinite(array).all() else array.tolist()
    return array.tolist()


def dumps(payload: Any) -> bytes:
    """The JSON of a response, encoded piece by piece: ``json.dumps`` holds Python's GIL for a
    whole call (0.6 s for a 2500x2500 class map), which stalls every other request's thread;
    one call per row or per 4096 values lets them run in between. Same text as ``json.dumps``."""
    parts: list[str] = []
    _encode(payload, parts)
    return "".join(parts).encode()


def _encode(value: Any, parts: list) -> None:
    if isinstance(value, dict):
        parts.append("{")
        for i, (key, item) in enumerate(value.items()):
            parts.append(", " if i else "")
            parts.append(json.dumps(str(key)) + ": ")
            _encode(item, parts)
        parts.append("}")
    elif isinstance(value, list) and value and isinstance(value[0], (list, dict)):
        parts.append("[")
        for i, item in enumerate(value):
            parts.append(", " if i else "")
            _encode(item, parts)
        parts.append("]")
    elif isinstance(value, list) and len(value) > _CHUNK:
        parts.append("[" + ", ".join(json.dumps(value[i:i + _CHUNK])[1:-1] for i in range(0, len(value), _CHUNK))
                     + "]")
    else:
        parts.append(json.dumps(value))

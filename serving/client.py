"""A client for TF Serving's REST API (works against ``tensorflow_model_server`` and the
built-in server alike)."""
from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Any, Optional

import numpy as np

__all__ = ["ServingClient", "ServingError"]


class ServingError(RuntimeError):
    """The server answered with an error: ``status`` and its message; or no server answered
    (``status`` None): nothing listens at the address, or no answer came within the timeout."""

    def __init__(self, status: Optional[int], message: str, url: str):
        super().__init__(f"{url}: HTTP {status}: {message}" if status is not None else f"{url}: {message}")
        self.status = status


class ServingClient:
    def __init__(self, url: str = "http://127.0.0.1:8501", timeout: float = 300.0):
        self.url = url.rstrip("/")
        self.timeout = timeout

    def _request(self, path: str, body: Optional[dict] = None) -> dict:
        url = f"{self.url}{path}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as e:
            payload = e.read()
            try:
                message = json.loads(payload).get("error", payload.decode(errors="replace"))
            except (json.JSONDecodeError, AttributeError):
                message = payload.decode(errors="replace")
            raise ServingError(e.code, message, url) from None
        except urllib.error.URLError as e:  # no HTTP answer: refused, unknown host, ...
            raise ServingError(None, f"no server answers ({e.reason}); `dsr serve --models DIR` starts one",
                               url) from None
        except TimeoutError:
            raise ServingError(None, f"no answer within {self.timeout:g} s", url) from None

    @staticmethod
    def _model_path(name: str, version: Optional[int]) -> str:
        return f"/v1/models/{name}" + (f"/versions/{version}" if version is not None else "")

    def status(self, name: str, version: Optional[int] = None) -> dict:
        return self._request(self._model_path(name, version))

    def metadata(self, name: str, version: Optional[int] = None) -> dict:
        return self._request(self._model_path(name, version) + "/metadata")

    def predict(self, name: str, instances: Any = None, inputs: Any = None, signature: Optional[str] = None,
                version: Optional[int] = None) -> dict:
        """Row (``instances``) or columnar (``inputs``) predict; bytes are sent as b64."""
        if (instances is None) == (inputs is None):
            raise ValueError("give exactly one of instances or inputs")
        body = {"instances": _encode(instances)} if instances is not None else {"inputs": _encode(inputs)}
        if signature:
            body["signature_name"] = signature
        return self._request(self._model_path(name, version) + ":predict", body)

    def segment(self, name: str, image_bytes: bytes, version: Optional[int] = None) -> np.ndarray:
        """The class map uint8 [H, W] of one encoded image (signature ``serving_default``)."""
        predictions = self.predict(name, instances=[image_bytes], version=version)["predictions"]
        first = predictions[0]
        if isinstance(first, dict):
            first = first["class_map"]
        return np.asarray(first, dtype=np.uint8)


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"b64": base64.b64encode(value).decode()}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, np.ndarray):
        return _encode(value.tolist()) if value.dtype.kind in ("S", "O") else value.tolist()
    return value

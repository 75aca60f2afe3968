"""The REST responses' JSON, encoded piece by piece so that a large class map does not hold the
GIL in one call, is the same text ``json.dumps`` writes."""
import json

import numpy as np
import pytest

from serving import rest_api


@pytest.mark.parametrize("payload", [
    {"predictions": np.arange(3 * 50 * 70).reshape(3, 50, 70).tolist()},
    {"outputs": list(range(10_001))},  # a flat list longer than one chunk
    {"predictions": [{"class_map": [[1, 2], [3, 4]], "scores": [0.5, None, 1e-9]}, {"class_map": [], "scores": []}]},
    {"model_version_status": [{"version": "1", "state": "AVAILABLE", "status": {"error_code": "OK"}}]},
    {"outputs": [{"b64": "AAE="}, {"b64": ""}], 'ünïcode "key"': "välue"},
    {"empty": [[], [[]]], "nested": {"a": {"b": [1.5, -2]}}},
])
def test_dumps_writes_what_json_dumps_writes(payload):
    assert rest_api.dumps(payload) == json.dumps(payload).encode()
    assert json.loads(rest_api.dumps(payload)) == payload

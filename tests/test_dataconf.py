import dataclasses
from typing import Literal, Optional

import pytest

import dataconf


@dataclasses.dataclass
class Inner:
    cities: tuple[str, ...] = ("a",)
    size: tuple[int, int] = (2, 3)


@dataclasses.dataclass
class Outer:
    name: str
    kind: Literal["x", "y"] = "x"
    rate: float = 1.0
    inner: Inner = dataclasses.field(default_factory=Inner)
    maybe: Optional[Inner] = None


def test_round_trip_through_json_keeps_values():
    config = Outer(name="n", kind="y", rate=2, inner=Inner(("p", "q"), (4, 5)), maybe=Inner())
    assert dataconf.from_json(Outer, dataconf.to_json(config)) == config


@pytest.mark.parametrize("data, message", [
    ({}, "missing required key 'name'"),
    ({"name": "n", "nmae": 1}, "unknown key(s) ['nmae']"),
    ({"name": "n", "kind": "z"}, "Outer.kind: 'z' is not one of ['x', 'y']"),
    ({"name": "n", "rate": "fast"}, "Outer.rate: expected a number"),
    ({"name": "n", "inner": {"size": [1]}}, "Outer.inner.size: expected 2 items"),
    ({"name": "n", "inner": {"cities": [3]}}, "Outer.inner.cities[0]: expected str"),
])
def test_errors_name_the_key_path(data, message):
    with pytest.raises(dataconf.ConfigError, match=None) as info:
        dataconf.from_dict(Outer, data)
    assert message in str(info.value)

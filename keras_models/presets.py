"""Named presets of a model family's config dataclass, one helper for every family: the
preset's fields replaced by overrides, a dict replacing fields of a nested config
(``generator={"filters": 32}``), lists becoming tuples (YAML has no tuples), and unknown
names refused with the names that exist."""
from __future__ import annotations

import dataclasses
from typing import TypeVar

__all__ = ["preset"]

Config = TypeVar("Config")


def preset(presets: dict[str, Config], family: str, name: str, **overrides) -> Config:
    """``presets[name]`` with ``overrides`` applied.

    Raises:
      ValueError: ``name`` is not a preset, or an override names no field of the config.
    """
    if name not in presets:
        raise ValueError(f"unknown {family} preset {name!r}; expected one of {sorted(presets)}")
    base = presets[name]
    fields = {f.name for f in dataclasses.fields(base)}
    unknown = sorted(set(overrides) - fields)
    if unknown:
        raise ValueError(f"unknown {family} config fields {unknown}; expected some of {sorted(fields)}")
    for key, value in overrides.items():
        nested = getattr(base, key)
        if isinstance(value, dict) and dataclasses.is_dataclass(nested):
            overrides[key] = dataclasses.replace(nested, **value)
        elif isinstance(value, list):
            overrides[key] = tuple(value)
    return dataclasses.replace(base, **overrides)

"""What a Trainer ``run_fn`` reads from TFX's ``FnArgs`` besides its files: its typed
``custom_config`` and its number of steps, both required (the pipeline always sets them, so a
missing one is a wiring error, not a cue for a hidden default)."""
from __future__ import annotations

from typing import TypeVar

import dataconf

__all__ = ["custom_config", "train_steps"]

T = TypeVar("T")


def custom_config(cls: type[T], fn_args) -> T:
    """``fn_args.custom_config`` as dataclass ``cls``; a missing or unknown key is a
    ``dataconf.ConfigError`` naming it."""
    return dataconf.from_dict(cls, fn_args.custom_config or {}, "custom_config")


def train_steps(fn_args) -> int:
    if not fn_args.train_steps:
        raise ValueError("the Trainer needs train_args.num_steps (the number of training steps)")
    return int(fn_args.train_steps)

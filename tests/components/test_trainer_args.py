"""Trainer arguments: the typed custom_config and the step count are required, and wrong keys are named."""
import argparse

import pytest

import dataconf
from components import msh_trainer, trainer_args


def _args(custom=None, steps=10):
    return argparse.Namespace(custom_config=custom, train_steps=steps)


def test_custom_config_parses_into_the_trainers_dataclass():
    parsed = trainer_args.custom_config(msh_trainer.MshTrainerConfig, _args({"preset": "tiny", "lambdas": [0.02, 0.01]}))
    assert parsed == msh_trainer.MshTrainerConfig("tiny", (0.02, 0.01), {}, 0)


@pytest.mark.parametrize("custom, message", [({"preset": "tiny"}, "missing required key 'lambdas'"),
                                             ({"preset": "tiny", "lambdas": [0.01], "lamdas": [1]},
                                              r"unknown key\(s\) \['lamdas'\]"),
                                             (None, "missing required key 'preset'")])
def test_a_missing_or_unknown_key_is_named(custom, message):
    with pytest.raises(dataconf.ConfigError, match=message):
        trainer_args.custom_config(msh_trainer.MshTrainerConfig, _args(custom))


@pytest.mark.parametrize("steps", [None, 0])
def test_steps_are_required(steps):
    with pytest.raises(ValueError, match="num_steps"):
        trainer_args.train_steps(_args(steps=steps))
    assert trainer_args.train_steps(_args(steps=7)) == 7

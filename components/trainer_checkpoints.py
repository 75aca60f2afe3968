"""Where a Trainer keeps its checkpoints, so that a later execution of the same work resumes them.

TFX gives every Trainer execution a fresh ``model_run`` folder
(``<pipeline root>/<component id>/model_run/<execution id>``), so checkpoints written there are
lost to the execution that reruns an interrupted one. TFX 1.15's ``stateful_working_dir`` does
not fill the gap under the portable launcher that LocalDagRunner and the Kubeflow V2 launcher
use: its folder is named by a UUID that the launcher draws afresh for each new execution (only
the experimental async orchestrator carries it over to a retried execution), and the launcher
deletes it once the execution succeeds.

So checkpoints live in ``<pipeline root>/<component id>/checkpoints/<fingerprint>``, where the
fingerprint hashes what determines the trained model: the input split URIs (a re-executed
upstream writes new ones), the custom config (presets, overrides, seeds) and the number of
steps. A rerun of the same work finds the folder again; a changed config starts afresh in a new
one. Policy: a Trainer removes its folder once its model is exported (TensorBoard logs stay in
``model_run``); folders of interrupted runs whose config then changed stay until removed by hand.
Paths go through ``tf.io.gfile``, so ``gs://`` pipeline roots work.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os

import tensorflow as tf

__all__ = ["checkpoint_dir", "release"]


def _fingerprint(fn_args) -> str:
    key = {"train_files": sorted(fn_args.train_files or []), "custom_config": fn_args.custom_config or {},
           "train_steps": fn_args.train_steps}
    return hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()[:16]


def checkpoint_dir(fn_args, *parts: str) -> str:
    """The checkpoint folder of this Trainer's work (``parts`` name a sub-model, e.g. ``q1``)."""
    # model_run_dir is <pipeline root>/<component id>/model_run/<execution id>.
    node_dir = os.path.dirname(os.path.dirname(fn_args.model_run_dir.rstrip("/")))
    return os.path.join(node_dir, "checkpoints", _fingerprint(fn_args), *parts)


def release(fn_args) -> None:
    """Removes this Trainer's checkpoints once its model is exported."""
    path = checkpoint_dir(fn_args)
    if tf.io.gfile.exists(path):
        tf.io.gfile.rmtree(path)
        logging.info("removed the checkpoints in %s (the model is exported)", path)

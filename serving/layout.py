"""TF Serving's model layout: ``<dir>/<model name>/<integer version>/saved_model.pb``, and
the ``models.config`` that ``tensorflow_model_server --model_config_file`` reads."""
from __future__ import annotations

import os

__all__ = ["list_models", "latest_version", "write_models_config", "MODELS_CONFIG"]

MODELS_CONFIG = "models.config"


def _versions(model_dir: str) -> list[int]:
    return sorted(int(v) for v in os.listdir(model_dir)
                  if v.isdigit() and os.path.exists(os.path.join(model_dir, v, "saved_model.pb")))


def list_models(serving_dir: str) -> dict[str, list[int]]:
    """{model name: [versions]} of the servable models under ``serving_dir``."""
    if not os.path.isdir(serving_dir):
        raise FileNotFoundError(f"{serving_dir}: no such models directory")
    models = {}
    for name in sorted(os.listdir(serving_dir)):
        path = os.path.join(serving_dir, name)
        if os.path.isdir(path) and _versions(path):
            models[name] = _versions(path)
    return models


def latest_version(serving_dir: str, name: str) -> int:
    versions = list_models(serving_dir).get(name)
    if not versions:
        raise FileNotFoundError(f"no servable versions of model {name!r} under {serving_dir}")
    return versions[-1]


def write_models_config(serving_dir: str) -> str:
    """Writes ``models.config`` (text protobuf ModelServerConfig) listing every model with
    an absolute base path; returns its path."""
    models = list_models(serving_dir)
    if not models:
        raise FileNotFoundError(f"{serving_dir}: no models in TF Serving's <name>/<version>/ layout")
    entries = "".join(
        f'  config {{\n    name: "{name}"\n    base_path: "{os.path.abspath(os.path.join(serving_dir, name))}"\n'
        f'    model_platform: "tensorflow"\n  }}\n' for name in models)
    path = os.path.join(serving_dir, MODELS_CONFIG)
    with open(path, "w") as f:
        f.write(f"model_config_list {{\n{entries}}}\n")
    return path

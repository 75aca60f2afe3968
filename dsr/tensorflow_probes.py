"""Optional packages hidden from TensorFlow's own import, for the short ``dsr`` commands.

``import tensorflow`` (2.15) tries to import three packages it can use but does not need, and
goes on without them: ``googleapiclient`` (the GCE and Cloud TPU cluster resolvers), ``pandas``
(Keras ``fit`` on DataFrames and Series) and ``scipy`` (scipy.sparse inputs of Keras' v1 training
loops; the legacy ``ImageDataGenerator``'s affine transforms). All three are installed here, as
TFX's dependencies, and importing them is a sixth to a quarter of TensorFlow's import: 0.5-0.9 s
and 70 MB of every such command's start-up on 2 cores (docs/BENCHMARKS.md, "IR2I speed"). A ``dsr
codec`` command uses none of those features, so the installed ``dsr`` command hides the three
while TensorFlow imports (``dsr.main.main(..., own_process=True)``; a program that calls ``main``
itself keeps its imports as they are).

Only imports made *during* TensorFlow's import are refused, and only of packages not loaded
yet: once TensorFlow is imported, ``import pandas`` (or scipy, googleapiclient) works as
always, and a package loaded before TensorFlow is what TensorFlow gets. In that process Keras
then does not accept pandas inputs to ``fit``, and TensorFlow's GCE/TPU cluster resolvers report
googleapiclient missing.
"""
from __future__ import annotations

import importlib.abc
import sys

__all__ = ["OPTIONAL_PROBES", "hide_optional_probes"]

OPTIONAL_PROBES = ("googleapiclient", "pandas", "scipy")


def _tensorflow_importing() -> bool:
    module = sys.modules.get("tensorflow")
    # CPython marks a module's spec as initializing while its code runs (importlib._bootstrap).
    return module is not None and bool(getattr(getattr(module, "__spec__", None), "_initializing", False))


class _HiddenWhileTensorflowImports(importlib.abc.MetaPathFinder):
    """First on sys.meta_path: refuses the probes while TensorFlow imports, defers otherwise."""

    def find_spec(self, fullname, path=None, target=None):  # pylint: disable=unused-argument
        if fullname.partition(".")[0] in OPTIONAL_PROBES and _tensorflow_importing():
            raise ModuleNotFoundError(f"{fullname} is hidden while TensorFlow imports (dsr.tensorflow_probes)",
                                      name=fullname)
        return None


def hide_optional_probes() -> None:
    """Hides ``OPTIONAL_PROBES`` from TensorFlow's import in this process, if it is still to come;
    once is enough (a second call, or a call after TensorFlow was imported, changes nothing)."""
    if "tensorflow" in sys.modules or any(isinstance(f, _HiddenWhileTensorflowImports) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _HiddenWhileTensorflowImports())

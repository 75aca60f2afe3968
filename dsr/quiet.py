"""Library noise filtered at the source for the ``dsr`` command, so that a person's terminal
shows which stage runs, how far it is and where the results are; ``dsr --verbose`` keeps it all.

Only known third-party messages are filtered, by their text and origin; the project's own
warnings and every error still reach the terminal."""
from __future__ import annotations

import logging
import os
import re
import warnings

__all__ = ["apply", "KNOWN_WARNINGS", "KNOWN_LOG_RECORDS"]

# (category, message regex) of Python warnings dependencies raise at import, about themselves.
KNOWN_WARNINGS = (
    (FutureWarning, r"You are using a Python version .* which Google will stop supporting"),
    (FutureWarning, r"Support for google-cloud-storage < 3\.0\.0 will be removed"),
    (UserWarning, r"\s*TensorFlow Addons \(TFA\) has ended development"),
)
# (logger name, regex matched at the message's start) of dependencies' log records that need no action.
KNOWN_LOG_RECORDS = (
    ("root", r"crcmod package not found"),  # apache-beam: google-crc32c is installed and used
    ("absl", r"ArtifactQuery\.property_predicate is not supported"),  # TFX 1.15's resolver, per component
    # tensorflow-compression, when an exported compress() estimates its quantization offsets:
    # advice for models that change after export; ours are fixed when exported.
    ("absl", r"Computing quantization offsets using offset heuristic within a tf\.function"),
    # Keras, saving subclassed models: they are reloaded as SavedModels, never from a config.
    ("tensorflow", r"Model's `__init__\(\)` arguments contain non-serializable objects"),
    # TFMA, loading an exported segmenter through Keras; its signatures are what TFMA calls.
    ("tensorflow", r"SavedModel saved prior to TF 2\.5 detected when loading Keras model"),
    ("tensorflow", r"From \S*tensorflow_model_analysis\S*: tf_record_iterator .* is deprecated"),
    # TFX's Pusher of the restorer: a restorer has no Evaluator blessing (what it is judged by
    # is the segmenter trained on its output, evaluated in the same run).
    ("absl", r"Pusher is going to push the model without validation"),
    # TFX 1.15's Kubeflow V2 compiler, given a per-component image map (--trainer-image): its
    # check is inverted and warns when the default key it requires is present.
    ("absl", r"DEFAULT_IMAGE_PATH_KEY is not found in default_image"),
)


class _KnownRecords(logging.Filter):
    def __init__(self):
        super().__init__()
        self._known = [(name, re.compile(pattern, re.S)) for name, pattern in KNOWN_LOG_RECORDS]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(record.name == name and pattern.match(message) for name, pattern in self._known)


def apply(verbose: bool) -> None:
    """Sets TensorFlow's C++ log level and the filters; call once, before TensorFlow is imported
    and after logging is configured."""
    if verbose:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "0")
        return
    # 3 also drops the C++ "Unable to register cuDNN/cuFFT/cuBLAS factory" lines of CPU builds;
    # TensorFlow's errors still arrive as Python exceptions.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    for category, message in KNOWN_WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=category)
    for handler in logging.getLogger().handlers:
        handler.addFilter(_KnownRecords())

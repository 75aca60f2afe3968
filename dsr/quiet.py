"""Library noise filtered at the source for the ``dsr`` command, so that a person's terminal
shows which stage runs, how far it is and where the results are; ``dsr --verbose`` keeps it all.

Only known third-party messages are filtered, by their text and origin; the project's own
warnings and every error still reach the terminal."""
from __future__ import annotations

import logging
import os
import warnings

__all__ = ["apply", "KNOWN_WARNINGS", "KNOWN_LOG_RECORDS"]

# (category, message regex) of Python warnings dependencies raise at import, about themselves.
KNOWN_WARNINGS = (
    (FutureWarning, r"You are using a Python version .* which Google will stop supporting"),
    (FutureWarning, r"Support for google-cloud-storage < 3\.0\.0 will be removed"),
    (UserWarning, r"\s*TensorFlow Addons \(TFA\) has ended development"),
)
# (logger name, message start) of dependencies' log records that need no action.
KNOWN_LOG_RECORDS = (
    ("root", "crcmod package not found"),  # apache-beam: google-crc32c is installed and used
    ("absl", "ArtifactQuery.property_predicate is not supported"),  # TFX 1.15's resolver, per component
)


class _KnownRecords(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(record.name == name and message.startswith(start) for name, start in KNOWN_LOG_RECORDS)


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

"""Learning and inference with compressed images: a TFX system.

Install through ``scripts/setup.sh`` (a uv-resolved lock file, then this package in
editable mode); plain ``pip install`` of tfx 1.15.1 on Python 3.11 backtracks for a long
time. See README.md.
"""
import setuptools

PACKAGES = [
    "components",
    "dataconf",
    "dsr",
    "image_codecs",
    "image_datasets",
    "keras_models",
    "pipelines",
    "serving",
]

setuptools.setup(
    name="dataset-restoration",
    version="0.1.0",
    description="TFX pipelines for learning and inference with compressed images",
    python_requires=">=3.11,<3.12",
    packages=setuptools.find_packages(include=[p for n in PACKAGES for p in (n, n + ".*")]),
    package_data={"pipelines": ["configs/*.yaml"]},
    # Dependencies are pinned in requirements.lock and installed by scripts/setup.sh.
    install_requires=[],
    entry_points={"console_scripts": ["dsr = dsr.main:console"]},
)

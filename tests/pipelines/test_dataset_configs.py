"""The shipped inria and sdd configs run end to end on small fixtures in the real layouts: the
same stages, codec pairing, restorers and configurations, with tiny models and few steps.

Both compress with MSH and with BPG paired to it; each carries one of the two specs through
restoration, segmentation and evaluation (inria the paired BPG spec, sdd the MSH one): the
stages after compression run the same code for every spec, and each spec costs about three
minutes of fixed per-component cost on 2 cores."""
import glob
import os

import pytest
import yaml

from pipelines import beam_args, config as config_lib, local_runner

TINY_RESTORER = {"preset": "finenet-tiny", "steps": 2, "overrides": {
    "crop": 16, "batch_size": 1, "generator": {"filters": 4, "res_blocks": 1},
    "discriminator": {"filters": 4, "scales": [1, 2]}}}


def _miniature(name: str, root: str, dataset_options: dict, spec: str, tmp_path) -> config_lib.ExperimentConfig:
    """The shipped config ``name`` with its data at ``root``, CPU-sized models and steps, and
    ``spec`` (one of the two compression specs) restored and segmented; its stages, restorer
    sources and configurations as shipped."""
    with open(os.path.join(config_lib.CONFIG_DIR, f"{name}.yaml")) as f:
        data = yaml.safe_load(f)
    data["ingest"]["root"] = root
    data["ingest"][data["ingest"]["dataset"]] = {**data["ingest"].get(data["ingest"]["dataset"], {}),
                                                 **dataset_options}
    data["beam_args"] = list(beam_args.IN_PROCESS)
    data["codec_training"].update(preset="tiny", lambdas=[0.01], steps=2, overrides={"crop": 16, "batch_size": 2})
    data["compression"]["specs"] = [{"codec": "msh", "quality": 1}, {"codec": "bpg", "match": "msh_q1"}]
    specs = [spec]
    data["restoration"].update(specs=specs, tile=32, margin=8, overlap=8)
    data["restoration"]["restorers"] = [{**r, **TINY_RESTORER} for r in data["restoration"]["restorers"]]
    data["segmentation"].update(specs=specs, steps=2, seeds=1, training={
        "preset": "tiny", "crop": [16, 16], "batch_size": 2,
        "overrides": {"aspp_filters": 8, "decoder_filters": 8, "low_level_filters": 4}})
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data))
    return config_lib.load_config(str(path))


@pytest.mark.e2e
@pytest.mark.parametrize("name, options, spec", [
    ("inria", {"val_cities": ["vienna"]}, "bpg_mmsh_q1"),
    ("sdd", {"grid": [2, 2], "tile_size": [24, 16], "split_counts": [4, 2, 2]}, "msh_q1"),
])
def test_shipped_dataset_config_runs_end_to_end(name, options, spec, tmp_path, request):
    root = request.getfixturevalue(f"{name}_root")
    config = _miniature(name, root, options, spec, tmp_path)
    shipped = config_lib.load_config(name)
    assert [c.name for c in config.segmentation.parsed] == [c.name for c in shipped.segmentation.parsed]
    paths = local_runner.run(config, str(tmp_path / "run"))
    root_dir = paths.pipeline_root
    compressed = glob.glob(os.path.join(root_dir, "Compression", "compressed_examples", "*", "Split-train__*"))
    assert sorted(os.path.basename(p) for p in compressed) == ["Split-train__bpg_mmsh_q1", "Split-train__msh_q1"]
    for restorer in ("finenet", "finenet-extra"):
        assert glob.glob(os.path.join(root_dir, f"DatasetRestoration.{restorer}.{spec}", "restored_examples", "*",
                                      f"Split-train__{spec}", "*.gz")), restorer
    evaluated = {os.path.basename(p)[len("Evaluator."):] for p in glob.glob(os.path.join(root_dir, "Evaluator.*"))
                 if glob.glob(os.path.join(p, "evaluation", "*", "metrics*"))}
    # Figs. 12 and 14's configurations, and AO
    assert evaluated == {"orig-on-orig", f"comp-on-orig.{spec}", f"comp-on-comp.{spec}", f"orig-on-comp.{spec}",
                         f"rest-on-orig.{spec}.finenet", f"orig-on-rest.{spec}.finenet",
                         f"auxrest-on-orig.{spec}.finenet-extra"}, evaluated

import argparse
import dataclasses
import glob
import io
import json
import os
import re

import pytest
import tensorflow_model_analysis as tfma
import yaml

import dataconf
from pipelines import beam_args, config as config_lib, local_runner, pipeline, report
from serving import layout


def test_shipped_configs_load():
    assert "demo" in config_lib.shipped_configs()
    for name in config_lib.shipped_configs():
        config = config_lib.load_config(name)
        assert config.name


def test_bad_key_is_named(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump({"name": "x", "ingest": {"dataset": "cityscapes", "root": "r", "privileged": 1}}))
    with pytest.raises(dataconf.ConfigError, match=r"bad.yaml.ingest: unknown key\(s\) \['privileged'\]"):
        config_lib.load_config(str(path))


def test_unknown_config_name_lists_shipped():
    with pytest.raises(FileNotFoundError, match="demo"):
        config_lib.load_config("no-such-config")


def _tiny_config(tmp_path, auxiliary_restorer=False):
    """The small config of these tests; ``auxiliary_restorer`` adds AO (a restorer trained on
    the auxiliary dataset, restoring the training set)."""
    data = {
        "name": "tiny",
        "demo_data": {"train": 4, "val": 2, "auxiliary": 2, "width": 64, "height": 32},
        "ingest": {"dataset": "cityscapes", "root": str(tmp_path / "data"), "privileged_fraction": 0.5,
                   "auxiliary": {"root": str(tmp_path / "data" / "auxiliary")}},
        "beam_args": list(beam_args.IN_PROCESS),
        "codec_training": {"split": "auxiliary", "preset": "tiny", "lambdas": [0.01], "steps": 3,
                           "overrides": {"crop": 32, "batch_size": 2}},
        "compression": {"specs": [{"codec": "jpeg", "quality": 10}, {"codec": "msh", "quality": 1},
                                  {"codec": "bpg", "quality": 40}], "splits": ["train", "val", "privileged"]},
        "restoration": {"restorers": [{"name": "finenet", "preset": "finenet-tiny", "steps": 2, "overrides": {
            "crop": 16, "batch_size": 1, "generator": {"filters": 4, "res_blocks": 1},
            "discriminator": {"filters": 4, "scales": [1, 2]}}}],
            "specs": ["jpeg_q10"], "splits": ["train", "val"], "tile": 32, "margin": 8, "overlap": 8},
        "segmentation": {"configurations": ["OO", "CO", "CC", "RO", "o+cO"], "specs": ["jpeg_q10"], "steps": 2,
                         "seeds": 2,
                         "training": {"preset": "tiny", "crop": [32, 64], "batch_size": 2, "overrides": {
                             "aspp_filters": 8, "decoder_filters": 8, "low_level_filters": 4}}},
        "serving": {"model_name": "segmenter", "configuration": "RO"},
    }
    if auxiliary_restorer:
        data["compression"]["splits"].append("auxiliary")
        data["restoration"]["restorers"].append({**data["restoration"]["restorers"][0], "name": "finenet-aux",
                                                 "source": "auxiliary"})
        data["segmentation"]["configurations"].append("AO")
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(data))
    return config_lib.load_config(str(path))


@pytest.mark.parametrize("codec, message", [("msh", "codec_training must be configured"),
                                            ("ir2i", "ir2i without options.model")])
def test_learned_codec_without_a_model_is_rejected(tmp_path, codec, message):
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump({"name": "x", "ingest": {"dataset": "cityscapes", "root": "r"},
                                    "compression": {"specs": [{"codec": codec, "quality": 2}]}}))
    with pytest.raises(dataconf.ConfigError, match=message):
        config_lib.load_config(str(path))


@pytest.mark.parametrize("specs, message", [
    ([{"codec": "bpg", "match": "msh_q1"}], "match must name a spec with one quality for the set"),
    ([{"codec": "jpeg", "qualities": [5, 50]}, {"codec": "bpg", "match": "jpeg_q5-50"}], "match must name"),
])
def test_a_match_must_name_a_single_rate_spec_of_the_run(tmp_path, specs, message):
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump({"name": "x", "ingest": {"dataset": "cityscapes", "root": "r"},
                                    "compression": {"specs": specs}}))
    with pytest.raises(dataconf.ConfigError, match=message):
        config_lib.load_config(str(path))


def test_cityscapes_paper_pairs_each_msh_rate_with_a_bpg_rate():
    config = config_lib.load_config("cityscapes_paper")
    pairs = {s.key: s.match for s in config.compression.specs if s.codec == "bpg"}
    assert pairs == {f"bpg_mmsh_q{k}": f"msh_q{k}" for k in (1, 2, 3, 4)}
    assert {r.preset for r in config.restoration.restorers} == {"finenet-paper", "rdn-psnr-paper", "rdn-msssim-paper"}


def test_create_pipeline_wires_the_components(tmp_path):
    config = _tiny_config(tmp_path)
    config.segmentation.seeds = 1
    p = pipeline.create_pipeline(config, str(tmp_path / "run"))
    assert {c.id for c in p.components} == {"ImageExampleGen", "StatisticsGen", "CodecTrainer", "Compression",
                                            "RestorationTrainer.finenet.jpeg_q10",
                                            "DatasetRestoration.finenet.jpeg_q10",
                                            "SegmentationTrainer.orig", "SegmentationTrainer.comp.jpeg_q10",
                                            "SegmentationTrainer.rest.jpeg_q10.finenet",
                                            "SegmentationTrainer.priv-comp.jpeg_q10",
                                            "Evaluator.orig-on-orig", "Evaluator.comp-on-orig.jpeg_q10",
                                            "Evaluator.comp-on-comp.jpeg_q10", "Evaluator.rest-on-orig.jpeg_q10.finenet",
                                            "Evaluator.priv-comp-on-orig.jpeg_q10",
                                            "Pusher.segmenter", "Pusher.restorer-finenet-jpeg_q10"}


def test_every_trainer_gets_the_typed_custom_config_its_run_fn_reads(tmp_path):
    """The pipeline writes each Trainer's custom_config from the dataclass its run_fn parses,
    so the keys cannot drift apart."""
    from tfx import v1 as tfx  # pylint: disable=g-import-not-at-top
    from components import msh_trainer, restoration_trainer, segmentation_trainer, trainer_args
    config = _tiny_config(tmp_path)
    kinds = {"components.msh_trainer.run_fn": msh_trainer.MshTrainerConfig,
             "components.restoration_trainer.run_fn": restoration_trainer.RestorationTrainerConfig,
             "components.segmentation_trainer.run_fn": segmentation_trainer.SegmentationTrainerConfig}
    seen = set()
    for c in pipeline.create_pipeline(config, str(tmp_path / "run")).components:
        if isinstance(c, tfx.components.Trainer):
            run_fn, custom = c.exec_properties["run_fn"], json.loads(c.exec_properties["custom_config"])
            parsed = trainer_args.custom_config(kinds[run_fn], argparse.Namespace(custom_config=custom))
            seen.add(type(parsed).__name__)
    assert seen == {"MshTrainerConfig", "RestorationTrainerConfig", "SegmentationTrainerConfig"}


def test_privileged_fractions_of_figure_8_and_table_iii_share_one_run(tmp_path):
    """With the ingestion's 50%, rO and oO at 12.5% and 25%, RO (= rO at 50%) and the hybrids at
    12.5% train in one pipeline: one extra restorer per smaller fraction, learning from that
    fraction's pairs; the segmenters select their privileged images by the same fraction."""
    config = _tiny_config(tmp_path)
    config.segmentation.seeds = 1
    config.segmentation.configurations = ("CO", "RO", "rO@0.5", "rO@0.25", "rO@0.125", "oO@0.25", "oO@0.125",
                                          "o+cO@0.125", "o+rO@0.125")
    # A restorer kept at the ingestion's fraction (the paper's RDN baselines) serves RO only.
    config.restoration.restorers.append(config_lib.RestorerSpec("rdn", "rdn-tiny", steps=2, fractions=False))
    components = {c.id: c for c in pipeline.create_pipeline(config, str(tmp_path / "run")).components}

    def custom(component_id):
        return json.loads(components[component_id].exec_properties["custom_config"])

    assert sorted(i for i in components if i.startswith("RestorationTrainer.")) == [
        "RestorationTrainer.finenet.jpeg_q10", "RestorationTrainer.finenet.jpeg_q10.f0_125",
        "RestorationTrainer.finenet.jpeg_q10.f0_25", "RestorationTrainer.rdn.jpeg_q10"]
    assert "Evaluator.rest-on-orig.jpeg_q10.rdn" in components
    assert "Evaluator.privrest-on-orig.jpeg_q10.rdn.f0_5" in components  # rO@0.5 is RO: the rdn serves it
    assert not [i for i in components if ".rdn.f0_25" in i or ".rdn.f0_125" in i]
    assert custom("RestorationTrainer.finenet.jpeg_q10")["privileged_fraction"] is None
    assert custom("RestorationTrainer.finenet.jpeg_q10.f0_125")["privileged_fraction"] == 0.125
    for trainer, fraction in (("rest.jpeg_q10.finenet", 0.5), ("privrest.jpeg_q10.finenet.f0_5", 0.5),
                              ("privrest.jpeg_q10.finenet.f0_25", 0.25), ("priv.f0_125", 0.125),
                              ("priv-comp.jpeg_q10.f0_125", 0.125), ("priv-rest.jpeg_q10.finenet.f0_125", 0.125),
                              ("comp.jpeg_q10", 0.0)):
        assert custom(f"SegmentationTrainer.{trainer}")["privileged_fraction"] == fraction, trainer
    # Each rO trains on the set restored by its fraction's restorer; rO@0.5 on RO's.
    for trainer, restorer in (("privrest.jpeg_q10.finenet.f0_25", "DatasetRestoration.finenet.jpeg_q10.f0_25"),
                              ("priv-rest.jpeg_q10.finenet.f0_125", "DatasetRestoration.finenet.jpeg_q10.f0_125"),
                              ("privrest.jpeg_q10.finenet.f0_5", "DatasetRestoration.finenet.jpeg_q10")):
        examples = components[f"SegmentationTrainer.{trainer}"].inputs["examples"]
        assert examples.producer_component_id == restorer, trainer
    assert "Evaluator.privrest-on-orig.jpeg_q10.finenet.f0_125" in components


def test_a_fraction_above_the_ingestions_is_named(tmp_path):
    _tiny_config(tmp_path)
    data = yaml.safe_load((tmp_path / "tiny.yaml").read_text())
    data["segmentation"]["configurations"] = ["RO", "rO@0.75"]
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(dataconf.ConfigError, match=r"\['rO@0.75'\] ask for more privileged images than "
                                                   r"ingest.privileged_fraction \(0.5\)"):
        config_lib.load_config(str(tmp_path / "bad.yaml"))


def test_every_configuration_trains_and_evaluates_once_per_seed(tmp_path):
    config = _tiny_config(tmp_path)
    config.segmentation.configurations = ("OO", "CO", "RO")
    config.segmentation.seed, config.segmentation.seeds = 0, 3
    components = {c.id: c for c in pipeline.create_pipeline(config, str(tmp_path / "run")).components}
    trainers = sorted(i for i in components if i.startswith("SegmentationTrainer."))
    assert trainers == sorted(f"SegmentationTrainer.{t}{s}" for t in ("orig", "comp.jpeg_q10", "rest.jpeg_q10.finenet")
                              for s in ("", ".seed1", ".seed2"))
    evaluators = sorted(i for i in components if i.startswith("Evaluator."))
    assert len(evaluators) == 9 and "Evaluator.rest-on-orig.jpeg_q10.finenet.seed2" in evaluators
    assert '"seed": 2' in components["SegmentationTrainer.comp.jpeg_q10.seed2"].exec_properties["custom_config"]
    # Upstream work is shared: one restorer, one compression, whatever the seeds.
    assert [i for i in components if i.startswith("RestorationTrainer.")] == ["RestorationTrainer.finenet.jpeg_q10"]
    # The pushed model is the first seed's.
    pusher = components["Pusher.segmenter"]
    assert pusher.inputs["model"].producer_component_id == "SegmentationTrainer.rest.jpeg_q10.finenet"


def _sweep_config(tmp_path, **segmentation):
    _tiny_config(tmp_path)
    data = yaml.safe_load((tmp_path / "tiny.yaml").read_text())
    data["compression"]["specs"] += [{"codec": "webp", "qualities": [5, 20, 50, 80]},
                                     {"codec": "jpeg", "qualities": [5, 20, 50, 80]}]
    data["segmentation"].update({"configurations": ["OO", "OC", "CO"], "sweeps": ["webp_q5-20-50-80",
                                                                                   "jpeg_q5-20-50-80"]})
    data["segmentation"].update(segmentation)
    data["serving"]["configuration"] = "OO"
    (tmp_path / "sweep.yaml").write_text(yaml.safe_dump(data))
    return config_lib.load_config(str(tmp_path / "sweep.yaml"))


def test_a_sweep_tests_the_model_trained_on_originals_once_per_sweep_without_retraining(tmp_path):
    config = _sweep_config(tmp_path, seeds=1)
    ids = {c.id for c in pipeline.create_pipeline(config, str(tmp_path / "run")).components}
    assert sorted(i for i in ids if i.startswith("Evaluator.orig-on-comp")) == [
        "Evaluator.orig-on-comp.jpeg_q10", "Evaluator.orig-on-comp.jpeg_q5-20-50-80",
        "Evaluator.orig-on-comp.webp_q5-20-50-80"]
    assert sorted(i for i in ids if i.startswith("SegmentationTrainer.")) == [
        "SegmentationTrainer.comp.jpeg_q10", "SegmentationTrainer.orig"]


@pytest.mark.parametrize("segmentation, message", [
    ({"specs": ["jpeg_q10", "webp_q5-20-50-80"]}, "are rate sweeps, which only test models"),
    ({"sweeps": ["jpeg_q10"]}, r"segmentation.sweeps \['jpeg_q10'\] are not rate-sweep compression specs"),
    ({"configurations": ["OO", "CO"]}, "needs a configuration trained on original images and tested on compressed"),
])
def test_a_misused_sweep_is_named(tmp_path, segmentation, message):
    with pytest.raises(dataconf.ConfigError, match=message):
        _sweep_config(tmp_path, **segmentation)


@pytest.mark.parametrize("section,change,message", [
    ("segmentation", {"seeds": 0}, "seeds >= 1"),
    ("restoration", {"restorers": [{"name": "seed2"}]}, "reserved for segmentation seeds"),
    ("segmentation", {"configurations": ["AO"]}, "needs a restorer trained on auxiliary data"),
    ("segmentation", {"configurations": ["XO"]}, "is not a configuration"),
    ("segmentation", {"specs": []}, "use compressed images: set segmentation.specs"),
    ("segmentation", {"specs": ["bpg_q40"]}, r"needs restored sets for \['bpg_q40'\]"),
    ("restoration", {"specs": ["bpg_q1"]}, r"restoration.specs \['bpg_q1'\] are not compression spec keys"),
    ("restoration", {"splits": ["test"]}, r"needs the compressed splits \['test'\]"),
    ("restoration", {"restorers": [{"name": "a", "source": "train"}]}, "would train on the segmentation set"),
    ("restoration", {"restorers": [{"name": "a"}, {"name": "a"}]}, "restorer names must be unique"),
])
def test_bad_restoration_or_segmentation_stage_is_named(tmp_path, section, change, message):
    _tiny_config(tmp_path)
    data = yaml.safe_load((tmp_path / "tiny.yaml").read_text())
    data[section].update(change)
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(dataconf.ConfigError, match=message):
        config_lib.load_config(str(tmp_path / "bad.yaml"))


@pytest.mark.e2e
def test_local_run_writes_examples_statistics_and_metadata(tmp_path):
    config = _tiny_config(tmp_path, auxiliary_restorer=True)
    local_runner.prepare_demo_data(config)
    stages = io.StringIO()
    paths = local_runner.run(config, str(tmp_path / "run"), stages=stages)
    assert os.path.exists(paths.metadata)
    lines = stages.getvalue().splitlines()  # one line as each stage starts, one as it ends
    total = int(lines[0].split("/")[1].split("]")[0])
    assert len(lines) == 2 * total and lines[0] == f"[1/{total}] ImageExampleGen ..."
    assert re.fullmatch(rf"\[{total}/{total}\] \S+: done in \d+ s", lines[-1]), lines[-1]
    root = paths.pipeline_root
    for split in ("train", "val", "privileged", "auxiliary"):
        assert glob.glob(os.path.join(root, "ImageExampleGen", "examples", "*", f"Split-{split}", "*.gz"))
        assert glob.glob(os.path.join(root, "StatisticsGen", "statistics", "*", f"Split-{split}", "FeatureStats.pb"))
    assert glob.glob(os.path.join(root, "CodecTrainer", "model", "*", "Format-Serving", "q1", "saved_model.pb"))
    compressed = glob.glob(os.path.join(root, "Compression", "compressed_examples", "*", "Split-*"))
    assert sorted(os.path.basename(p) for p in compressed) == sorted(
        f"Split-{s}__{k}" for s in ("train", "val", "privileged", "auxiliary") for k in ("jpeg_q10", "msh_q1", "bpg_q40"))
    assert glob.glob(os.path.join(root, "Compression", "rate_distortion", "*", "rate_distortion.png"))
    restorer = "finenet.jpeg_q10"
    for trainer in (restorer, "finenet-aux.jpeg_q10"):  # AO's restorer learned from the auxiliary pairs
        model = glob.glob(os.path.join(root, f"RestorationTrainer.{trainer}", "model", "*", "Format-Serving"))
        assert model and os.path.exists(os.path.join(model[0], "saved_model.pb"))
        pairs = json.load(open(os.path.join(model[0], "restorer.json")))["pairs"]
        wanted = "Split-auxiliary__jpeg_q10" if "aux" in trainer else "Split-privileged__jpeg_q10"
        assert pairs and all(wanted in p for p in pairs), pairs
    for split in ("train", "val"):
        assert glob.glob(os.path.join(root, f"DatasetRestoration.{restorer}", "restored_examples", "*",
                                      f"Split-{split}__jpeg_q10", "*.gz"))
    assert glob.glob(os.path.join(root, f"DatasetRestoration.{restorer}", "restoration_measures", "*",
                                  "restoration.json"))
    for evaluator in ("orig-on-orig", "comp-on-comp.jpeg_q10", "rest-on-orig.jpeg_q10.finenet",
                      "priv-comp-on-orig.jpeg_q10", "auxrest-on-orig.jpeg_q10.finenet-aux"):
        evaluation = glob.glob(os.path.join(root, f"Evaluator.{evaluator}", "evaluation", "*"))
        assert evaluation, evaluator
        result = tfma.load_eval_result(evaluation[0])
        overall = dict(result.slicing_metrics)[()][""][""]
        assert 0 <= overall["miou"]["doubleValue"] <= 1 and overall["example_count"]["doubleValue"] == 2
        assert glob.glob(os.path.join(root, f"Evaluator.{evaluator}", "blessing", "*", "BLESSED"))
    md, html = report.write_report([paths.run_dir], os.path.join(paths.run_dir, "report"))
    text = open(md).read()
    assert "## The paper's orderings at this number of seeds" in text and "OO > CO jpeg_q10" in text
    summary = open(os.path.join(paths.run_dir, "report", report.SUMMARY_FILE)).read()
    assert "OO > CO jpeg_q10: " in summary and "(Table IV)" in summary
    for section in ("Segmentation per configuration", "How sure: mIoU over segmentation seeds", "Per-class IoU",
                    "Hybrid training sets", "Rate-distortion",
                    "Restoration: distortion and naturalness", "Feature alignment", "data-collection cost",
                    "Table V on jpeg_q10", "Captured, compressed and restored (Figs. 2 and 13)",
                    "Naturalness of each image (Fig. 10)", "collection cost (% of OO)",
                    "Where each difference comes from: per-class contributions"):
        assert section in text, section
    for plot in ("miou_vs_bpp.png", "miou_vs_cost.png", "rate_distortion.png", "feature_alignment.png",
                 "image_strips.png", "naturalness.png", "class_contributions.png"):
        assert os.path.getsize(os.path.join(paths.run_dir, "report", plot)) > 1000
    assert "<table>" in open(html).read()
    _run_notebook(paths.run_dir)
    models = layout.list_models(paths.serving_models)
    assert set(models) == {"segmenter", "restorer-finenet-jpeg_q10", "restorer-finenet-aux-jpeg_q10"}
    assert os.path.exists(os.path.join(paths.serving_models, layout.MODELS_CONFIG))


def _run_notebook(run_dir):
    """Executes notebooks/inspect_evaluation.ipynb headless on ``run_dir``."""
    import nbclient
    import nbformat
    notebook = os.path.join(os.path.dirname(__file__), "..", "..", "notebooks", "inspect_evaluation.ipynb")
    nb = nbformat.read(notebook, as_version=4)
    os.environ["DSR_RUN_DIR"] = run_dir
    try:
        nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": os.path.dirname(notebook)}}).execute()
    finally:
        del os.environ["DSR_RUN_DIR"]
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("miou" in str(o.get("data", {})) for o in outputs)


@pytest.mark.e2e
def test_beam_dag_runner_runs_the_same_pipeline(tmp_path):
    config = dataclasses.replace(_tiny_config(tmp_path), codec_training=None, compression=None, restoration=None,
                                 segmentation=None, serving=None)
    local_runner.prepare_demo_data(config)
    paths = local_runner.run(config, str(tmp_path / "run"), runner="beam")
    assert glob.glob(os.path.join(paths.pipeline_root, "StatisticsGen", "statistics", "*", "Split-train",
                                  "FeatureStats.pb"))

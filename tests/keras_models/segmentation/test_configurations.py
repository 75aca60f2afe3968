import pytest

from image_datasets import features
from keras_models.segmentation.configurations import Configuration, TrainingSource

PAPER = ["OO", "CO", "CC", "OC", "RO", "OR", "AO", "oO", "rO", "o+cO", "o+rO"]


@pytest.mark.parametrize("name", PAPER)
def test_every_paper_configuration_parses_and_prints_back(name):
    assert Configuration.parse(name).name == name


@pytest.mark.parametrize("bad", ["", "O", "XO", "OX", "o+O", "c+oO", "COO", "oc O"])
def test_malformed_names_are_rejected_with_the_grammar(bad):
    with pytest.raises(ValueError, match="training domain"):
        Configuration.parse(bad)


@pytest.mark.parametrize("name,sources,test", [
    ("OO", [TrainingSource(features.IMAGE)], features.IMAGE),
    ("CO", [TrainingSource(features.DECODED)], features.IMAGE),
    ("CC", [TrainingSource(features.DECODED)], features.DECODED),
    ("OC", [TrainingSource(features.IMAGE)], features.DECODED),
    ("RO", [TrainingSource(features.RESTORED)], features.IMAGE),
    ("OR", [TrainingSource(features.IMAGE)], features.RESTORED),
    ("AO", [TrainingSource(features.RESTORED)], features.IMAGE),
    ("oO", [TrainingSource(features.IMAGE, "privileged")], features.IMAGE),
    ("o+cO", [TrainingSource(features.IMAGE, "privileged", 5.0), TrainingSource(features.DECODED, "not_privileged")],
     features.IMAGE),
    ("o+rO", [TrainingSource(features.IMAGE, "privileged", 5.0),
              TrainingSource(features.RESTORED, "not_privileged")], features.IMAGE),
])
def test_data_selection_and_loss_weights(name, sources, test):
    c = Configuration.parse(name)
    assert list(c.sources) == sources and c.test_feature == test


def test_restorer_and_codec_needs():
    assert Configuration.parse("AO").needs_restorer == "auxiliary"
    assert Configuration.parse("OR").needs_restorer == "privileged"
    assert Configuration.parse("CC").needs_restorer is None
    assert not Configuration.parse("OO").needs_codec and not Configuration.parse("oO").needs_codec
    assert Configuration.parse("OC").needs_codec
    assert Configuration.parse("OO").training_key == Configuration.parse("OC").training_key

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


def test_each_domain_word_is_unique_per_kind_and_parses_back():
    from keras_models.segmentation import configurations
    for table in (configurations.TRAINING, configurations.TEST):
        words = [d.word for d in table.values()]
        assert len(set(words)) == len(words)
        assert all(configurations.domain_letter(d.word) == d.letter for d in table.values())
    with pytest.raises(ValueError, match="unknown domain word 'nope'"):
        configurations.domain_letter("nope")


def test_domains_read_the_artifact_their_images_come_from():
    from keras_models.segmentation import configurations as c
    assert {k: d.reads for k, d in c.TRAINING.items()} == {
        "O": "ingested", "o": "ingested", "C": "compressed", "o+c": "compressed",
        "R": "restored", "r": "restored", "o+r": "restored", "A": "restored"}
    assert {k: d.restorer for k, d in c.TRAINING.items() if d.restorer} == {
        "R": "privileged", "r": "privileged", "o+r": "privileged", "A": "auxiliary"}

import pytest

from image_datasets import features
from keras_models.segmentation import configurations
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


@pytest.mark.parametrize("name,letters,fraction", [("rO@0.125", "rO", 0.125), ("o+cO@0.25", "o+cO", 0.25),
                                                   ("RO@0.5", "RO", 0.5), ("oO@1", "oO", 1.0), ("rO", "rO", None)])
def test_a_privileged_fraction_follows_the_name_and_prints_back(name, letters, fraction):
    c = Configuration.parse(name)
    assert (c.letters, c.fraction) == (letters, fraction)
    assert Configuration.parse(c.name) == c


@pytest.mark.parametrize("bad,message", [
    ("CO@0.5", "only applies to training domains that use privileged images"),
    ("AO@0.5", "only applies"), ("OR@0.5", "only applies"),
    ("rO@0", r"must be in \(0, 1\]"), ("rO@1.5", r"must be in \(0, 1\]"), ("rO@half", "must be a number"),
])
def test_a_fraction_where_it_means_nothing_is_rejected(bad, message):
    with pytest.raises(ValueError, match=message):
        Configuration.parse(bad)


def test_the_fraction_a_configuration_trains_with_and_its_restorer_learns_from():
    parse = Configuration.parse
    assert parse("CO").privileged_fraction(0.5) == 0.0 and parse("RO").privileged_fraction(0.5) == 0.5
    assert parse("o+cO@0.125").privileged_fraction(0.5) == 0.125
    # Only a privileged restorer at a fraction other than the ingestion's is a restorer of its own.
    assert parse("rO@0.125").restorer_fraction(0.5) == 0.125 and parse("o+rO@0.25").restorer_fraction(0.5) == 0.25
    assert parse("rO@0.5").restorer_fraction(0.5) is None and parse("RO").restorer_fraction(0.5) is None
    assert parse("o+cO@0.125").restorer_fraction(0.5) is None and parse("AO").restorer_fraction(0.5) is None


@pytest.mark.parametrize("name,spec,restorer,seed,ids", [
    ("OO", None, None, 0, ("SegmentationTrainer.orig", "Evaluator.orig-on-orig")),
    ("CC", "jpeg_q5", None, 1, ("SegmentationTrainer.comp.jpeg_q5.seed1", "Evaluator.comp-on-comp.jpeg_q5.seed1")),
    ("OR", "jpeg_q5", "finenet", 0, ("SegmentationTrainer.orig", "Evaluator.orig-on-rest.jpeg_q5.finenet")),
    ("rO@0.125", "bpg_mbpp0.0674", "rdn", 2, ("SegmentationTrainer.privrest.bpg_mbpp0.0674.rdn.f0_125.seed2",
                                              "Evaluator.privrest-on-orig.bpg_mbpp0.0674.rdn.f0_125.seed2")),
    ("oO@0.25", None, None, 0, ("SegmentationTrainer.priv.f0_25", "Evaluator.priv-on-orig.f0_25")),
    ("o+cO@0.125", "msh_q1", None, 0, ("SegmentationTrainer.priv-comp.msh_q1.f0_125",
                                       "Evaluator.priv-comp-on-orig.msh_q1.f0_125")),
])
def test_component_ids_name_every_part_and_parse_back(name, spec, restorer, seed, ids):
    from keras_models.segmentation import configurations
    c = Configuration.parse(name)
    assert configurations.component_ids(c, spec, restorer, seed) == ids
    assert configurations.parse_evaluator_id(ids[1]) == (c, spec, restorer if c.needs_restorer else None, seed)


def test_fraction_words_have_no_dot_and_parse_back():
    from keras_models.segmentation import configurations
    for fraction in (0.125, 0.25, 0.5, 1.0, 0.0625, 0.3):
        word = configurations.fraction_word(fraction)
        assert "." not in word and configurations.parse_fraction_word(word) == fraction
    assert configurations.parse_fraction_word("finenet") is None and configurations.parse_fraction_word("f1") is None


@pytest.mark.parametrize("restorer, key, fraction", [("finenet", "jpeg_q5", None), ("finenet", "msh_q1", 0.125),
                                                     ("rdn-psnr", "jpeg_bpp0.1", None), ("finenet-aux", "bpg_mmsh_q1", 0.25)])
def test_restoration_ids_parse_back_to_their_parts(restorer, key, fraction):
    component = configurations.restoration_id("DatasetRestoration", restorer, key, fraction)
    assert configurations.parse_restoration_id(component) == ("DatasetRestoration", restorer, key, fraction)

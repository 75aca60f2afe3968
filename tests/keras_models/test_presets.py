"""One preset helper for every model family: overrides replace fields, dicts replace fields of
nested configs, lists become tuples, and unknown names are refused with what exists."""
import pytest

from keras_models import presets
from keras_models.ir2i import config as ic
from keras_models.msh import config as mc
from keras_models.restoration import config as rc
from keras_models.segmentation import config as deeplab_config


def test_overrides_replace_fields_and_nested_configs_and_lists_become_tuples():
    c = rc.preset("finenet-tiny", gan_loss="lsgan", generator={"downsamples": 2}, decay_steps=[500])
    assert (c.gan_loss, c.generator.downsamples, c.generator.filters, c.decay_steps) == ("lsgan", 2, 16, (500,))
    assert rc.PRESETS["finenet-tiny"].generator.downsamples == 3  # the preset itself is untouched


@pytest.mark.parametrize("family, build, name", [("MSH", mc.preset, "tiny"), ("restoration", rc.preset, "rdn-tiny"),
                                                 ("DeepLab", deeplab_config.preset, "tiny"), ("IR2I", ic.preset, "ir2i-tiny")])
def test_every_family_names_unknown_presets_and_fields(family, build, name):
    assert build(name) is not None
    with pytest.raises(ValueError, match=f"unknown {family} preset 'nope'; expected one of"):
        build("nope")
    with pytest.raises(ValueError, match=rf"unknown {family} config fields \['colour'\]"):
        build(name, colour=1)


def test_the_helper_works_on_any_dataclass_table():
    import dataclasses  # pylint: disable=g-import-not-at-top

    @dataclasses.dataclass
    class Toy:
        size: int = 1
        shape: tuple = (1, 2)

    assert presets.preset({"a": Toy()}, "toy", "a", shape=[3, 4]) == Toy(1, (3, 4))

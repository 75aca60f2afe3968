import pytest

from pipelines.report import collection_cost
from pipelines.report_data import parse_evaluator_id


@pytest.mark.parametrize("configuration,expected", [
    ("OO", 16.0), ("CO", 0.2), ("AO", 0.2), ("RO", 0.2 + 0.25 * 16), ("oO", 0.25 * 16),
    ("o+cO", 0.25 * 16 + 0.75 * 0.2), ("o+rO", 0.25 * 16 + 0.2)])
def test_collection_cost_counts_privileged_at_png_rate_and_auxiliary_as_free(configuration, expected):
    assert collection_cost(configuration, 0.2, 16.0, 0.25) == pytest.approx(expected)


@pytest.mark.parametrize("component,parsed", [
    ("Evaluator.orig-on-orig", ("OO", None, None)),
    ("Evaluator.comp-on-comp.jpeg_q5", ("CC", "jpeg_q5", None)),
    ("Evaluator.rest-on-orig.bpg_mbpp0.0674.finenet", ("RO", "bpg_mbpp0.0674", "finenet")),
    ("Evaluator.priv-rest-on-orig.msh_q1.rdn", ("o+rO", "msh_q1", "rdn")),
    ("Evaluator.orig-on-rest.jpeg_q5.finenet", ("OR", "jpeg_q5", "finenet")),
])
def test_evaluator_ids_parse_back_to_configurations(component, parsed):
    assert parse_evaluator_id(component) == parsed

"""The benchmark runner records a section per benchmark and replaces it on a rerun."""
import pytest

from benchmarks import run as bench_run


def test_record_writes_then_replaces_one_section(tmp_path, monkeypatch):
    doc = tmp_path / "BENCHMARKS.md"
    doc.write_text("# Benchmarks\n\nOur notes stay.\n")
    monkeypatch.setattr(bench_run, "DOC", str(doc))
    info = {"cpu": "cpu", "cores": 2, "memory_gib": 24, "python": "3.11", "date": "2026-11-22"}
    bench_run.record("ingest", "cmd one", [{"mode": "a", "images_per_s": 1.0}], info)
    bench_run.record("ingest", "cmd two", [{"mode": "b", "images_per_s": 2.0}], info)
    text = doc.read_text()
    assert text.count("<!-- bench:ingest -->") == 1 and "cmd two" in text and "cmd one" not in text
    assert "| b | 2.0 |" in text and "Our notes stay." in text


def test_every_listed_benchmark_imports_and_has_run():
    import importlib
    import inspect

    for name, (module, _) in bench_run.BENCHMARKS.items():
        run = getattr(importlib.import_module(module), "run", None)
        assert callable(run), name
        assert "images" in inspect.signature(run).parameters, name  # what --images passes


def test_models_option_is_refused_by_a_benchmark_without_models(capsys):
    with pytest.raises(SystemExit):
        bench_run.main(["ingest", "--models", "original"])
    assert "--models does not apply to the ingest benchmark" in capsys.readouterr().err


def test_seed_and_schedule_options_are_refused_where_they_do_not_apply(capsys):
    with pytest.raises(SystemExit):
        bench_run.main(["ir2i", "--first-seed", "4"])
    assert "--first-seed does not apply to the ir2i benchmark" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        bench_run.main(["ingest", "--schedule", "paper"])
    assert "--schedule does not apply to the ingest benchmark" in capsys.readouterr().err

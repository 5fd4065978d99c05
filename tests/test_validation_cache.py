"""validation_cache: validation runs once per state of its inputs; later runs copy the stored outputs."""
from __future__ import annotations

from pathlib import Path

import pytest

from analysis import validate, validation_cache


@pytest.fixture()
def fake_inputs(tmp_path, monkeypatch):
    """Validation inputs reduced to one file, and a run_validation that counts its calls."""
    model = tmp_path / "inputs" / "model.json"
    model.parent.mkdir()
    model.write_text("{}")
    monkeypatch.setattr(validation_cache, "_input_files", lambda: [model])
    monkeypatch.setattr(validation_cache.config, "REPO_ROOT", tmp_path)
    calls = []

    def fake_run_validation(methods=None, out_dir=None, figures_dir=None):
        calls.append(methods)
        (Path(out_dir) / validate.VALIDATION_CSV_NAME).write_text(f"run,{len(calls)}\n")
        (Path(figures_dir) / "validation_f1.png").write_bytes(b"png")
    monkeypatch.setattr(validate, "run_validation", fake_run_validation)
    return model, calls


def _run(tmp_path, name, methods=None):
    out, figures = tmp_path / name / "processed", tmp_path / name / "figures"
    out.mkdir(parents=True)
    figures.mkdir()
    hit = validation_cache.cached_validation(out, figures, methods=methods, cache_dir=tmp_path / "cache")
    return hit, (out / validate.VALIDATION_CSV_NAME).read_text(), (figures / "validation_f1.png").read_bytes()


def test_second_run_copies_the_stored_outputs(tmp_path, fake_inputs):
    _, calls = fake_inputs
    assert _run(tmp_path, "first") == (False, "run,1\n", b"png")
    assert _run(tmp_path, "second") == (True, "run,1\n", b"png")
    assert len(calls) == 1
    assert not list((tmp_path / "cache").glob(".in-progress-*"))


def test_a_changed_input_or_method_list_revalidates(tmp_path, fake_inputs):
    model, calls = fake_inputs
    _run(tmp_path, "first")
    model.write_text('{"retrained": true}')
    assert _run(tmp_path, "after_change")[:2] == (False, "run,2\n")
    assert _run(tmp_path, "methods", methods=["vader_sentence"])[:2] == (False, "run,3\n")
    assert _run(tmp_path, "again", methods=["vader_sentence"])[:2] == (True, "run,3\n")


def test_a_failed_validation_leaves_no_entry(tmp_path, fake_inputs, monkeypatch):
    def failing(**kwargs):
        raise RuntimeError("benchmark missing")
    monkeypatch.setattr(validate, "run_validation", failing)
    with pytest.raises(RuntimeError):
        _run(tmp_path, "failed")
    assert list((tmp_path / "cache").iterdir()) == []


def test_key_covers_the_real_inputs():
    names = {path.name for path in validation_cache._input_files()}
    assert {"tone.py", "validate.py", "minilm_logreg.json", "actors.yaml", "requirements.lock"} <= names

"""Notebook cells that read the report's relation and top-frame helpers: generated output-free, and
the relations cell run in-process on hand-made tables (with and without a relations table)."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pandas as pd

from analysis import config, frames, plots, relation_tables, report
from test_plots import synthetic_tables
from test_report import RELATIONS

SCRIPT = config.REPO_ROOT / "scripts" / "make_notebooks.py"
spec = importlib.util.spec_from_file_location("make_notebooks", SCRIPT)
make_notebooks = importlib.util.module_from_spec(spec)
sys.modules["make_notebooks"] = make_notebooks
spec.loader.exec_module(make_notebooks)


def _sources(name):
    return [c.source for c in make_notebooks.build(make_notebooks.NOTEBOOKS[name]).cells]


def test_committed_notebooks_have_the_generator_cells_and_make_run_outputs():
    # make run executes the generated notebooks into notebooks/ with their outputs (see README)
    for name, cells in make_notebooks.NOTEBOOKS.items():
        committed = json.loads((config.NOTEBOOKS_DIR / name).read_text())
        assert [c["source"] if isinstance(c["source"], str) else "".join(c["source"]) for c in committed["cells"]] == \
            [c.source for c in make_notebooks.build(cells).cells], name
        assert any(c.get("outputs") for c in committed["cells"] if c["cell_type"] == "code"), name


def test_notebook_02_shows_tone_evidence_and_relations_03_uses_the_evidence_rule():
    tone = _sources("02-actor-tone.ipynb")
    assert make_notebooks.show("tone_evidence") in tone
    assert tone.index(make_notebooks.show("tone_evidence")) == tone.index(make_notebooks.show("tone_ci")) + 2
    assert make_notebooks.RELATIONS_CODE in tone
    framing = _sources("03-framing.ipynb")
    assert any("report.top_frame_table(tables)" in s for s in framing)
    assert not any("compare.top_frames" in s for s in framing)


def _run_relations_cell(tables, figures_dir: Path) -> list:
    shown = []
    namespace = {"tables": tables, "figures_dir": figures_dir, "report": report, "plots": plots,
                 "display": shown.append, "Markdown": lambda text: ("markdown", text),
                 "Image": lambda filename: ("image", Path(filename).name)}
    exec(make_notebooks.RELATIONS_CODE, namespace)
    return shown


def test_relations_cell_shows_narrative_figure_and_edges(tmp_path):
    tables = synthetic_tables()
    tables.update(relation_tables.relation_tables(RELATIONS, tables["articles"]))
    shown = _run_relations_cell(tables, tmp_path)
    markdown = [item[1] for item in shown if isinstance(item, tuple) and item[0] == "markdown"]
    assert markdown[0].startswith("6 relations between actors in 3 outlets: 4 directed edges")
    assert ("image", "relation_matrix.png") in shown and (tmp_path / "relation_matrix.png").exists()
    edges = next(item for item in shown if isinstance(item, pd.DataFrame))
    assert edges["n"].tolist() == [1, 1, 3, 1]


def test_relations_cell_without_relations_is_a_note(tmp_path):
    shown = _run_relations_cell(synthetic_tables(), tmp_path)
    assert shown == [("markdown", "No `relations` table in this run: relations between actors were not extracted.")]
    assert not list(tmp_path.iterdir())


def test_top_frame_table_of_notebook_03_from_outlet_frame_rates():
    tables = synthetic_tables()
    tables["outlet_frame_rates"] = frames.outlet_frame_rates(tables["frame_rates"])
    top = report.top_frame_table(tables).set_index("outlet")
    # bnn: conflict 2 hits / 31 words = 64.5 per 1,000 (exact Poisson [7.8, 233.1]) vs diplomacy 1 hit
    assert top.at["bnn", "text"] == "conflict 64.5 [7.8, 233.1] vs diplomacy 32.3 [0.8, 179.7]: no clear top frame"
    assert set(top["top_frame"]) == {report.NO_CLEAR_TOP}

"""Per-outlet relation matrices and cross-outlet edges from a hand-made relations table (issue 14)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import plots, relation_tables, tone


def _relation(article_id, index, source, target, stance):
    label = "supportive" if stance > 0.1 else ("hostile" if stance < -0.1 else "neutral")
    return {"article_id": article_id, "sentence_index": index, "source": source, "target": target,
            "source_start": 0, "source_end": 1, "target_start": 2, "target_end": 3, "verb": "v",
            "kind": "verbal", "quad": "verbal cooperation", "stance": stance, "stance_label": label,
            "voice": "author", "sentence": "s", "unit_id": f"{article_id}:{index}"}


ARTICLES = pd.DataFrame({"article_id": ["a1", "a2", "b1", "c1"], "outlet": ["A", "A", "B", "C"],
                         "outlet_label": ["Outlet A", "Outlet A", "Outlet B", "Outlet C"]})
RELATIONS = pd.DataFrame([
    # Outlet A: Russia -> US hostile in two articles (3 relations), Russia -> DPRK supportive once.
    _relation("a1", 0, "Russia", "US", -0.8), _relation("a1", 1, "Russia", "US", -0.6),
    _relation("a2", 4, "Russia", "US", -0.7), _relation("a2", 5, "Russia", "DPRK", 0.9),
    # Outlet B: Russia -> US supportive, four relations in one article; the outlet's own voice on NATO.
    _relation("b1", 0, "Russia", "US", 0.6), _relation("b1", 1, "Russia", "US", 0.7),
    _relation("b1", 2, "Russia", "US", 0.5), _relation("b1", 3, "Russia", "US", 0.8),
    _relation("b1", 7, "(outlet)", "NATO", -0.2),
])


def test_relation_matrix_cells_by_hand():
    tables = relation_tables.relation_tables(RELATIONS, ARTICLES)
    matrix = tables["relation_matrix"].set_index(["outlet", "source", "target"])
    a = matrix.loc[("A", "Russia", "US")]
    assert (a["n"], a["n_articles"], a["ci_method"]) == (3, 2, tone.CI_ARTICLE_CLUSTER)
    assert np.isclose(a["stance_mean"], -0.7) and a["share_hostile"] == 1.0 and a["enough_evidence"]
    b = matrix.loc[("B", "Russia", "US")]
    assert (b["n"], b["ci_method"]) == (4, tone.CI_SENTENCE)
    assert (b["ci_low"], b["ci_high"]) == tone.bootstrap_mean_ci([0.6, 0.7, 0.5, 0.8])
    single = matrix.loc[("A", "Russia", "DPRK")]
    assert single["n"] == 1 and single["ci_method"] == "" and not single["enough_evidence"]
    assert matrix.loc[("B", "(outlet)", "NATO"), "share_hostile"] == 1.0
    assert len(matrix) == 4                                           # observed pairs only


def test_relation_edges_compare_outlets_and_flag_clear_differences():
    edges = relation_tables.relation_tables(RELATIONS, ARTICLES)["relation_edges"]
    russia_us = edges[edges["edge"] == "Russia -> US"].set_index("outlet")
    assert list(russia_us.index) == ["A", "B", "C"]
    assert russia_us.at["C", "n"] == 0 and np.isnan(russia_us.at["C", "stance_mean"])
    # A (hostile, interval within [-0.8, -0.6]) and B (supportive, within [0.5, 0.8]) do not overlap.
    assert russia_us["outlets_clearly_differ"].all() and (russia_us["n_outlets_with_evidence"] == 2).all()
    assert not edges.loc[edges["edge"] == "Russia -> DPRK", "outlets_clearly_differ"].any()


def test_relation_matrix_figure_draws_one_panel_per_outlet(tmp_path):
    tables = {"articles": ARTICLES, **relation_tables.relation_tables(RELATIONS, ARTICLES)}
    captured = {}
    original = plots.save_figure

    def spy(fig, data, name, out_dir):
        captured[name] = (fig, data.copy())
        return original(fig, data, name, out_dir)

    import pytest
    mp = pytest.MonkeyPatch()
    mp.setattr(plots, "save_figure", spy)
    try:
        first = plots.relation_matrix(tables, tmp_path / "one")
        second = plots.relation_matrix(tables, tmp_path / "two")
    finally:
        mp.undo()
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]      # deterministic
    fig, data = captured["relation_matrix"]
    panels = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in panels] == ["Outlet A", "Outlet B"]            # outlets with relations
    texts = [t.get_text() for ax in panels for t in ax.texts]
    assert "-0.70\nn = 3" in texts and "(+0.90)\nn = 1" in texts                 # rule applied to n = 1
    assert len(data) == 4

"""Tests for analysis.compare: log-odds keyness, TF-IDF similarity, per-outlet summaries."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import compare


def test_log_odds_dirichlet_hand_computed():
    # y_a = [2, 0], y_b = [1, 3], prior a = [1, 1]  ->  n_a = 2, n_b = 4, a0 = 2
    # word 0: delta = log((2+1)/(2+2-2-1)) - log((1+1)/(4+2-1-1)) = log(3/1) - log(2/4) = log 6
    #         var   = 1/(2+1) + 1/(1+1) = 5/6         z = log 6 / sqrt(5/6) = 1.962774
    # word 1: delta = log((0+1)/(2+2-0-1)) - log((3+1)/(4+2-3-1)) = log(1/3) - log(2) = -log 6
    #         var   = 1/1 + 1/4 = 1.25                z = -log 6 / sqrt(1.25) = -1.602598
    out = compare.log_odds_dirichlet(pd.Series([2, 0], index=["w0", "w1"]),
                                     pd.Series([1, 3], index=["w0", "w1"]),
                                     pd.Series([1.0, 1.0], index=["w0", "w1"]))
    assert list(out.index) == ["w0", "w1"]
    assert out.loc["w0", "log_odds_delta"] == pytest.approx(math.log(6))
    assert out.loc["w1", "log_odds_delta"] == pytest.approx(-math.log(6))
    assert out.loc["w0", "variance"] == pytest.approx(5 / 6)
    assert out.loc["w1", "variance"] == pytest.approx(1.25)
    assert out.loc["w0", "z"] == pytest.approx(1.962774, abs=1e-6)
    assert out.loc["w1", "z"] == pytest.approx(-1.602598, abs=1e-6)


def test_log_odds_rejects_zero_prior():
    with pytest.raises(ValueError):
        compare.log_odds_dirichlet([1, 0], [0, 1], [1, 0])


def test_distinctive_words_ranks_and_counts():
    s = pd.DataFrame({"outlet": ["a", "a", "b"],
                      "sentence": ["The treaty was signed.", "Treaty!", "Sanctions and sanctions."]})
    out = compare.distinctive_words(s, top_k=2)
    assert list(out.columns) == ["group", "word", "count_group", "count_rest",
                                 "log_odds_delta", "z", "rank"]
    a = out[out["group"] == "a"]
    # corpus counts: sanctions 2, signed 1, treaty 2 (prior = those counts x 1)
    # a: treaty delta = log((2+2)/(3+5-2-2)) - log((0+2)/(2+5-0-2)) = log(1) - log(0.4) = 0.916291
    #    var = 1/4 + 1/2 = 0.75  -> z = 1.058041
    assert a["word"].tolist() == ["treaty", "signed"]
    assert a["rank"].tolist() == [1, 2]
    row = a.iloc[0]
    assert (row["count_group"], row["count_rest"]) == (2, 0)
    assert row["log_odds_delta"] == pytest.approx(0.916291, abs=1e-6)
    assert row["z"] == pytest.approx(1.058041, abs=1e-6)
    b = out[out["group"] == "b"]
    assert b["word"].tolist() == ["sanctions"]  # only words the group uses; "and"/"the" are stop words


def test_similarity_identical_and_disjoint():
    s = pd.DataFrame({"outlet": ["x", "y", "z"],
                      "sentence": ["treaty signed pyongyang", "treaty signed pyongyang",
                                   "sanctions ukraine weapons"]})
    sim = compare.outlet_similarity(s).set_index(["outlet_a", "outlet_b"])["cosine"]
    assert len(sim) == 9
    assert sim[("x", "y")] == pytest.approx(1.0)
    assert sim[("x", "z")] == pytest.approx(0.0)
    for g in "xyz":
        assert sim[(g, g)] == pytest.approx(1.0)


def test_similarity_symmetric_partial_overlap():
    s = pd.DataFrame({"outlet": ["a", "b", "c"],
                      "sentence": ["treaty signed kim putin", "treaty sanctions putin",
                                   "summit putin pyongyang airport"]})
    sim = compare.outlet_similarity(s)
    m = sim.pivot(index="outlet_a", columns="outlet_b", values="cosine").to_numpy()
    assert np.allclose(m, m.T)
    assert np.allclose(np.diag(m), 1.0)
    off = m[~np.eye(3, dtype=bool)]
    assert (off > 0).all() and (off < 1).all()


def test_actor_salience_per_thousand_words():
    articles = pd.DataFrame({"article_id": ["a1", "a2"], "outlet": ["o1", "o2"],
                             "n_words": [500, 250]})
    mentions = pd.DataFrame({"article_id": ["a1", "a1", "a2"], "actor": ["Russia", "DPRK", "Russia"]})
    out = compare.actor_salience(mentions, articles, actors=["Russia", "DPRK", "US"])
    got = out.set_index(["outlet", "actor"])
    assert got.loc[("o1", "Russia"), "per_1000_words"] == pytest.approx(2.0)   # 1 / 500 * 1000
    assert got.loc[("o2", "Russia"), "per_1000_words"] == pytest.approx(4.0)   # 1 / 250 * 1000
    assert got.loc[("o2", "DPRK"), "n_mentions"] == 0
    assert len(out) == 6


def test_frame_profile_pools_articles_and_top_frame():
    fr = pd.DataFrame({"article_id": ["a1", "a1", "a2", "a2"], "outlet": ["o", "o", "o", "o"],
                       "frame": ["conflict", "economy", "conflict", "economy"],
                       "hits": [3, 1, 1, 0], "n_words": [1000, 1000, 1000, 1000]})
    prof = compare.frame_profile(fr)
    got = prof.set_index("frame")
    assert got.loc["conflict", "hits"] == 4
    assert got.loc["conflict", "n_words"] == 2000
    assert got.loc["conflict", "rate_per_1000_words"] == pytest.approx(2.0)
    top = compare.top_frames(prof)
    assert top["top_frame"].tolist() == ["conflict"]


def test_actor_frame_association_nan_when_not_mentioned():
    af = pd.DataFrame({"article_id": ["a1", "a2", "a1"], "outlet": ["o1", "o2", "o1"],
                       "actor": ["US", "US", "NATO"], "frame": ["conflict"] * 3,
                       "n_actor_sentences": [3, 1, 0], "n_cooccur_sentences": [1, 1, 0]})
    out = compare.actor_frame_association(af).set_index("actor")
    assert out.loc["US", "share"] == pytest.approx(0.5)    # (1 + 1) / (3 + 1)
    assert np.isnan(out.loc["NATO", "share"])

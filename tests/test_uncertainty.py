"""Intervals at the right unit: article-cluster bootstrap for pooled cells, sentence bootstrap inside one article."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import config, tone

N_PER_ARTICLE = 30


def _mentions(tones_by_article: dict[str, list[float]], actor: str = "Russia") -> pd.DataFrame:
    rows = []
    for article_id, tones in tones_by_article.items():
        for index, value in enumerate(tones):
            rows.append({"article_id": article_id, "sentence_index": index, "actor": actor, "voice": "author",
                         "tone": value, "tone_label": "positive" if value > 0 else "negative"})
    return pd.DataFrame(rows)


def test_two_opposite_articles_give_a_wide_cluster_interval_and_a_narrow_sentence_one():
    # Outlet X: article a all +0.8, article b all -0.8 (30 sentences each). Pooled mean 0.
    # Resampling sentences: each resample ~ 60 draws from {+0.8, -0.8}: sd of the mean = 0.8/sqrt(60)
    # ~ 0.10, so the interval is about +-0.2. Resampling articles: a quarter of resamples are (a, a)
    # = +0.8, a quarter (b, b) = -0.8, so the 95% interval runs from -0.8 to +0.8.
    mentions = _mentions({"a": [0.8] * N_PER_ARTICLE, "b": [-0.8] * N_PER_ARTICLE})
    articles = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "X"]})
    row = tone.outlet_actor_tone(mentions, articles, ["Russia"], "m").iloc[0]
    assert row["ci_method"] == tone.CI_ARTICLE_CLUSTER and row["n_articles_mentioning"] == 2
    assert abs(row["tone_mean"]) < 1e-12
    assert np.isclose(row["ci_low"], -0.8) and np.isclose(row["ci_high"], 0.8)
    sentence_low, sentence_high = tone.bootstrap_mean_ci(mentions["tone"].tolist())
    assert -0.3 < sentence_low < -0.1 and 0.1 < sentence_high < 0.3
    assert row["enough_evidence"]


def test_one_article_cell_keeps_the_sentence_interval_and_says_so():
    mentions = _mentions({"a": [0.1, 0.5, -0.2, 0.4], "b": [0.3]}, actor="DPRK")
    articles = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"]})
    table = tone.outlet_actor_tone(mentions, articles, ["DPRK", "US"], "m").set_index(["outlet", "actor"])
    x = table.loc[("X", "DPRK")]
    assert x["ci_method"] == tone.CI_SENTENCE and x["n_articles_mentioning"] == 1
    assert (x["ci_low"], x["ci_high"]) == tone.bootstrap_mean_ci([0.1, 0.5, -0.2, 0.4])
    y = table.loc[("Y", "DPRK")]                      # one sentence: no interval, not enough evidence
    assert y["ci_method"] == "" and np.isnan(y["ci_low"]) and not y["enough_evidence"]
    us = table.loc[("X", "US")]                       # not mentioned
    assert us["n_sentences"] == 0 and us["ci_method"] == "" and not us["enough_evidence"]


def test_enough_evidence_follows_the_one_constant():
    n = config.MIN_EVIDENCE_SENTENCES
    mentions = _mentions({"a": [0.2] * n, "b": [0.2] * (n - 1)})
    articles = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"]})
    table = tone.article_actor_tone(mentions, articles, ["Russia"], "m").set_index("article_id")
    assert table.at["a", "enough_evidence"] and not table.at["b", "enough_evidence"]


def test_cluster_bootstrap_draws_articles_then_sentences():
    # Two articles of one unit each, values 0 and 1: every resample is a pair of articles, so its
    # mean is 0, 0.5 or 1 with probabilities 1/4, 1/2, 1/4.
    means = tone.cluster_bootstrap_means(np.array([0.0, 1.0]), np.array([0, 1]), np.array([1, 1]),
                                         resamples=4000)
    shares = [np.mean(means == v) for v in (0.0, 0.5, 1.0)]
    assert np.allclose(shares, [0.25, 0.5, 0.25], atol=0.03)
    # One article of two units 0 and 1: the second stage resamples inside it (same distribution).
    inside = tone.cluster_bootstrap_means(np.array([0.0, 1.0]), np.array([0]), np.array([2]), resamples=4000)
    assert np.allclose([np.mean(inside == v) for v in (0.0, 0.5, 1.0)], [0.25, 0.5, 0.25], atol=0.03)


def test_cluster_interval_depends_on_the_cell_only():
    first = _mentions({"a": [0.1, 0.7, -0.3], "b": [0.5, 0.2]})
    more = pd.concat([first, _mentions({"c": [0.9, -0.9]}, actor="US")], ignore_index=True)
    articles = pd.DataFrame({"article_id": ["a", "b", "c"], "outlet": ["X", "X", "X"]})
    alone = tone.outlet_actor_tone(first, articles, ["Russia"], "m")
    together = tone.outlet_actor_tone(more, articles, ["Russia", "US"], "m").query("actor == 'Russia'")
    assert alone[["ci_low", "ci_high"]].to_numpy().tolist() == together[["ci_low", "ci_high"]].to_numpy().tolist()

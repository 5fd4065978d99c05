"""The minimum-evidence rule, top-frame wording and outlet x frame rates with intervals."""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis import config, evidence, frames, lexicons


def _rates(rows):
    return pd.DataFrame(rows, columns=["article_id", "outlet", "frame", "hits", "n_words", "rate_per_1000_words"])


def test_outlet_frame_rates_poisson_for_one_article_cluster_for_several():
    lexicon = lexicons.load_frames()
    rows = []
    for frame in lexicon.names:
        rows.append(("a1", "One", frame, 10 if frame == "security_military" else 0, 368, np.nan))
        rows.append(("b1", "Two", frame, 4 if frame == "partnership" else 0, 1000, np.nan))
        rows.append(("b2", "Two", frame, 0, 1000, np.nan))
    table = frames.outlet_frame_rates(_rates(rows), lexicon).set_index(["outlet", "frame"])
    one = table.loc[("One", "security_military")]
    assert one["ci_method"] == frames.CI_POISSON_EXACT and one["hits"] == 10
    assert np.isclose(one["rate_per_1000_words"], 10 / 368 * 1000)
    # Garwood: chi2(0.025, 20) / 2 and chi2(0.975, 22) / 2 events, over 368 words, per 1,000.
    assert np.isclose(one["ci_low"], stats.chi2.ppf(0.025, 20) / 2 / 368 * 1000)
    assert np.isclose(one["ci_high"], stats.chi2.ppf(0.975, 22) / 2 / 368 * 1000)
    assert one["frame_label"] == "Security & military" and one["enough_evidence"]
    two = table.loc[("Two", "partnership")]
    # Resampling the two articles: (b1, b1) -> 4.0, mixed -> 2.0, (b2, b2) -> 0.0 per 1,000 words.
    assert two["ci_method"] == frames.CI_ARTICLE_CLUSTER and two["n_articles"] == 2
    assert two["rate_per_1000_words"] == 2.0 and (two["ci_low"], two["ci_high"]) == (0.0, 4.0)
    assert not table.loc[("Two", "isolation"), "enough_evidence"]


def test_top_frame_needs_a_gap_beyond_the_intervals():
    # Outlet D's case in the README: security 10 hits vs ceremony 9 over 368 words -- no clear top frame.
    lexicon = lexicons.load_frames()
    counts = {"security_military": 10, "ceremony_spectacle": 9}
    rows = [("d", "D", f, counts.get(f, 0), 368, np.nan) for f in lexicon.names]
    rows += [("e", "E", f, 40 if f == "ceremony_spectacle" else 2, 1000, np.nan) for f in lexicon.names]
    table = frames.outlet_frame_rates(_rates(rows), lexicon)
    assert evidence.top_frame(table, "D") == evidence.NO_CLEAR_TOP_FRAME
    assert evidence.top_frame(table, "E") == "Ceremony & spectacle"
    assert evidence.top_frame(table, "E", label=False) == "ceremony_spectacle"
    summary = evidence.top_frames(table).set_index("outlet")
    assert summary.at["D", "frame"] == "security_military" and summary.at["D", "runner_up"] == "ceremony_spectacle"


def test_a_leader_below_the_evidence_rule_is_never_named():
    n = config.MIN_EVIDENCE_SENTENCES - 1
    table = pd.DataFrame({"outlet": "X", "frame": ["a", "b"], "frame_label": ["A", "B"], "hits": [n, 0],
                          "rate_per_1000_words": [50.0, 0.0], "ci_low": [40.0, 0.0], "ci_high": [60.0, 1.0],
                          "enough_evidence": [False, False]})
    assert evidence.top_frame(table, "X") == evidence.NO_CLEAR_TOP_FRAME
    assert evidence.enough_evidence([n, n + 1]).tolist() == [False, True]

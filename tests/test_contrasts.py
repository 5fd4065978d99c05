"""Group and outlet contrasts: article-level intervals, permutation p-values, Holm; end to end via the CLI."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from analysis import config, contrasts, tone


def _tables(tone_by_article: dict[str, list[float]], group_of: dict[str, str], hits: dict[str, int],
            words: int = 1000) -> dict[str, pd.DataFrame]:
    mentions = pd.DataFrame([{"article_id": a, "sentence_index": i, "actor": "Russia", "voice": "author",
                              "tone": t, "tone_label": "positive" if t > 0 else "negative"}
                             for a, tones in tone_by_article.items() for i, t in enumerate(tones)])
    articles = pd.DataFrame({"article_id": list(group_of), "outlet": [f"o_{a}" for a in group_of],
                             "outlet_group": list(group_of.values())})
    rates = pd.DataFrame({"article_id": list(group_of), "outlet": [f"o_{a}" for a in group_of],
                          "frame": "isolation", "hits": [hits[a] for a in group_of], "n_words": words,
                          "rate_per_1000_words": [hits[a] / words * 1000 for a in group_of]})
    return {"mentions": mentions, "articles": articles, "frame_rates": rates}


def test_three_against_three_articles_by_hand():
    # Group "a": three articles at +0.5 (3 sentences each); group "b": three at -0.5. Difference 1.0;
    # every bootstrap resample gives 1.0; of the 20 ways to split six articles 3/3 only the observed
    # split and its mirror are as extreme, so p ~ 2/20 = 0.1.
    tones = {f"a{i}": [0.5] * 3 for i in range(3)} | {f"b{i}": [-0.5] * 3 for i in range(3)}
    groups = {a: a[0] for a in tones}
    hits = {"a0": 6, "a1": 4, "a2": 5, "b0": 1, "b1": 2, "b2": 0}
    table = contrasts.group_contrasts(_tables(tones, groups, hits), {"isolation": "Isolation"})
    row = table.set_index("measure").loc["tone"]
    assert (row["group_a"], row["group_b"], row["n_articles_a"], row["n_a"]) == ("a", "b", 3, 9)
    assert row["difference"] == pytest.approx(1.0) and (row["ci_low"], row["ci_high"]) == pytest.approx((1.0, 1.0))
    assert abs(row["p_value"] - 0.1) < 0.03 and row["n_permutations"] == config.PERMUTATIONS
    frame = table.set_index("measure").loc["frame_rate"]
    assert frame["item_label"] == "Isolation"
    assert frame["difference"] == pytest.approx(5.0 - 1.0)        # 15 / 3,000 vs 3 / 3,000 words, per 1,000
    assert frame["ci_low"] <= 4.0 <= frame["ci_high"] and frame["ci_method"] == tone.CI_ARTICLE_CLUSTER
    assert set(table["correction"]) == {"holm"}
    # Holm over two tests: the smaller p doubled, the larger kept at least that.
    p = table["p_value"].to_numpy()
    assert table["p_adjusted"].min() == pytest.approx(min(1.0, 2 * p.min()))


def test_a_side_with_one_article_is_described_not_tested():
    tones = {"a0": [0.5, 0.4, 0.6], "b0": [-0.5, -0.4, -0.3], "b1": [0.1, 0.2, 0.0]}
    table = contrasts.group_contrasts(_tables(tones, {"a0": "a", "b0": "b", "b1": "b"}, {"a0": 1, "b0": 1, "b1": 1}))
    row = table.set_index("measure").loc["tone"]
    assert row["difference"] == pytest.approx(0.5 - (-1.2 + 0.3) / 6)     # 0.5 - (-0.15)
    assert np.isnan(row["p_value"]) and np.isnan(row["ci_low"]) and row["note"] == contrasts.NOTE_TOO_FEW
    assert row["correction"] == ""


def test_outlet_contrasts_skipped_when_every_outlet_has_one_article(caplog):
    tones = {"a0": [0.5], "b0": [-0.5]}
    tables = _tables(tones, {"a0": "a", "b0": "b"}, {"a0": 0, "b0": 0})
    with caplog.at_level("INFO"):
        assert contrasts.outlet_contrasts(tables) is None
    assert "every outlet has one article" in caplog.text
    assert contrasts.group_contrasts({**tables, "articles": tables["articles"].assign(outlet_group="")}) is None


def test_holm_adjust_by_hand():
    # p = 0.01, 0.02, 0.04 (m = 3): 0.03, max(0.03, 0.04), max(0.04, 0.04) = 0.03, 0.04, 0.04
    assert contrasts.holm_adjust([0.04, 0.01, 0.02]).tolist() == pytest.approx([0.04, 0.03, 0.04])


ARTICLE_TEXTS = {
    "s1": "State Daily\nRussia and North Korea signed a partnership of friendship and cooperation. "
          "The visit was a great success for Russia. Russia praised the warm welcome.",
    "s2": "State Daily\nPutin hailed the strategic partnership with the DPRK. Russia welcomed the friendship. "
          "Kim thanked Russia for its support.",
    "s3": "State Wire\nRussia offered cooperation and partnership. The alliance of friends grew stronger. "
          "Russia was thanked by Kim.",
    "s4": "State Wire\nThe partnership of Russia and North Korea deepened. Russia enjoyed the ceremony.",
    "i1": "Free Press\nSanctions on Russia were tightened after the isolated regime signed a pact. "
          "Russia faced criticism over weapons. The US warned Russia.",
    "i2": "Free Press\nRussia is a pariah under sanctions. The isolated state sought arms. "
          "Critics condemned Russia for the threat.",
    "i3": "Open News\nSanctions against Russia failed to stop the weapons trade. Russia was condemned.",
    "i4": "Open News\nThe isolated Kremlin turned to Pyongyang. Russia threatened the US with more weapons.",
}
GROUP = {"s": "state-affiliated", "i": "independent"}
OUTLET = {"s1": "state_daily", "s2": "state_daily", "s3": "state_wire", "s4": "state_wire",
          "i1": "free_press", "i2": "free_press", "i3": "open_news", "i4": "open_news"}


def test_run_with_outlet_groups_writes_the_contrast_tables_and_figures(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for article_id, body in ARTICLE_TEXTS.items():
        (folder / f"{article_id}.txt").write_text(body + "\n", encoding="utf-8")
    pd.DataFrame({"article_id": list(ARTICLE_TEXTS), "outlet": [OUTLET[a] for a in ARTICLE_TEXTS],
                  "outlet_group": [GROUP[a[0]] for a in ARTICLE_TEXTS]}).to_csv(folder / "articles.csv", index=False)
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "analysis", "run", "--corpus", str(folder), "--out", str(out),
                             "--skip-validation", "--no-notebooks", "--tone-method", "vader_sentence", "--quiet"],
                            capture_output=True, text=True, cwd=config.REPO_ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    processed, figures = out / "processed", out / "figures"
    groups = pd.read_csv(processed / "group_contrasts.csv", keep_default_na=False, na_values=[""])
    assert set(groups["group_a"]) == {"independent"} and set(groups["group_b"]) == {"state-affiliated"}
    # Frame rates count every article; tone cells the articles mentioning the actor (Russia: all 8).
    counted = groups[(groups["measure"] == "frame_rate") | (groups["item"] == "Russia")]
    assert (counted["n_articles_a"] == 4).all() and (counted["n_articles_b"] == 4).all()
    # The independent articles use more isolation terms: their rate minus the state articles' (zero).
    rates = pd.read_csv(processed / "frame_rates.csv")
    articles = pd.read_csv(processed / "articles.csv")
    rates = rates.merge(articles[["article_id", "outlet_group"]], on="article_id")
    iso = rates[rates["frame"] == "isolation"].groupby("outlet_group")[["hits", "n_words"]].sum()
    expected = (iso.at["independent", "hits"] / iso.at["independent", "n_words"]
                - iso.at["state-affiliated", "hits"] / iso.at["state-affiliated", "n_words"]) * 1000
    row = groups[(groups["measure"] == "frame_rate") & (groups["item"] == "isolation")].iloc[0]
    assert row["difference"] == pytest.approx(expected) and expected > 0
    assert row["item_label"] == "Isolation" and row["ci_low"] <= row["difference"] <= row["ci_high"]
    # Tested rows (two or more articles a side): p in (0, 1]; 4 vs 4 articles allow 70 splits, so
    # the smallest p is about 2/70. Rows with fewer articles a side (US, DPRK here) say so instead.
    tested = groups[groups["p_value"].notna()]
    assert len(tested) >= 8 and tested["p_value"].between(2 / 70 - 0.01, 1).all()
    assert set(tested["correction"]) == {"holm"} and (tested["p_adjusted"] >= tested["p_value"]).all()
    assert set(groups.loc[groups["p_value"].isna(), "note"]) <= {contrasts.NOTE_TOO_FEW, contrasts.NOTE_NOT_PRESENT}
    # Two outlets per group, two articles each: pairwise outlet contrasts exist (6 pairs).
    outlets = pd.read_csv(processed / "outlet_contrasts.csv", keep_default_na=False, na_values=[""])
    assert len(outlets.drop_duplicates(["group_a", "group_b"])) == 6
    # Outlet tone cells pool two articles: article-cluster intervals.
    tone_table = pd.read_csv(processed / "outlet_actor_tone.csv", keep_default_na=False, na_values=[""])
    assert set(tone_table.loc[tone_table["actor"] == "Russia", "ci_method"]) == {tone.CI_ARTICLE_CLUSTER}
    for name in ("group_contrasts", "outlet_contrasts", "tone_evidence"):
        assert all((figures / f"{name}.{ext}").stat().st_size > 0 for ext in ("png", "svg", "csv")), name

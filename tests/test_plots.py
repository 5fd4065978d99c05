"""Tests for analysis.plots: deterministic saving, palette, figure functions on synthetic tables."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from analysis import config, io, plots

# A CSV value is the plotted value rounded to io.FLOAT_DECIMALS places: at most half a unit off.
CSV_ROUNDING = 0.5 * 10.0 ** -io.FLOAT_DECIMALS


def _simple_figure():
    plots.apply_style()
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2], [0.5, -0.25, 1.0], marker="o")
    ax.set_title("t")
    return fig


def test_save_figure_writes_three_files_byte_identical(tmp_path):
    data = pd.DataFrame({"x": [0, 1, 2], "y": [0.5, -0.25, 1 / 3]})
    paths_a = plots.save_figure(_simple_figure(), data, "demo", tmp_path / "a")
    paths_b = plots.save_figure(_simple_figure(), data, "demo", tmp_path / "b")
    assert [p.name for p in paths_a] == ["demo.png", "demo.svg", "demo.csv"]
    for pa, pb in zip(paths_a, paths_b):
        assert pa.read_bytes() == pb.read_bytes(), pa.name
    csv = paths_a[2].read_bytes()
    assert b"\r\n" not in csv
    # floats rounded to 4 decimals (io.FLOAT_DECIMALS), no index column
    assert csv.decode() == "x,y\n0,0.5\n1,-0.25\n2,0.3333\n"
    svg = paths_a[1].read_text()
    assert "<dc:date>" not in svg
    assert b"Software" not in paths_a[0].read_bytes()
    assert not list((tmp_path / "a").glob(".*tmp"))


def test_outlet_palette_sorted_and_stable():
    p1 = plots.outlet_palette(["c", "a", "b"])
    p2 = plots.outlet_palette(["b", "a", "c", "a"])
    assert p1 == p2
    assert list(p1) == ["a", "b", "c"]
    assert p1["a"] == plots.OKABE_ITO[0] and p1["c"] == plots.OKABE_ITO[2]


def test_outlet_labels_fall_back_to_id():
    a = pd.DataFrame({"outlet": ["x", "y"], "outlet_label": ["X News", None]})
    assert plots.outlet_labels(a) == {"x": "X News", "y": "y"}


# --- synthetic study tables with exactly the columns of docs/ARCHITECTURE.md ----------------

OUTLETS = [("a000", "bnn", "BNN Breaking (inferred from template and byline)"),
           ("a001", "unknown_bbc", "Unidentified (BBC-derived)"),
           ("a002", "almayadeen", "Al Mayadeen English"),
           ("a003", "unknown_3", "Unidentified outlet 3")]
ACTORS = ["Russia", "DPRK", "US", "NATO"]
FRAMES = ["conflict", "diplomacy", "economic_consequences"]
TEXTS = {
    "a000": ["Putin arrived in Pyongyang for a historic visit.",
             "Kim greeted Putin warmly at the airport.",
             "\"We will fight the imperialist US together,\" Kim said.",
             "Analysts fear the treaty threatens regional security."],
    "a001": ["Russian President Vladimir Putin has arrived in North Korea.",
             "The US and its allies condemned weapons deals.",
             "A guard of honour welcomed the Russian leader."],
    "a002": ["Putin's historic state visit to the DPRK kicks off.",
             "\"NATO expansion is a threat,\" Putin said.",
             "The partnership strengthens cooperation and friendship."],
    "a003": ["Russian President Vladimir Putin received a warm welcome.",
             "Sanctions by the US were criticised by both leaders."],
}
# (article_id, sentence_index, actor, alias, tone, voice)
MENTIONS = [("a000", 0, "Russia", "Putin", 0.2, "author"),
            ("a000", 1, "Russia", "Putin", 0.6, "author"),
            ("a000", 1, "DPRK", "Kim", 0.6, "author"),
            ("a000", 2, "DPRK", "Kim", -0.4, "quoted"),
            ("a000", 2, "US", "US", -0.7, "quoted"),
            ("a001", 0, "Russia", "Vladimir Putin", 0.0, "author"),
            ("a001", 0, "DPRK", "North Korea", 0.0, "author"),
            ("a001", 1, "US", "US", -0.3, "author"),
            ("a002", 0, "Russia", "Putin", 0.5, "author"),
            ("a002", 0, "DPRK", "DPRK", 0.5, "author"),
            ("a002", 1, "NATO", "NATO", -0.6, "quoted"),
            ("a002", 1, "Russia", "Putin", -0.6, "quoted"),
            ("a003", 0, "Russia", "Vladimir Putin", 0.7, "author"),
            ("a003", 1, "US", "US", -0.5, "author")]


def _tone_row(key, tones):
    n = len(tones)
    mean = float(np.mean(tones)) if n else np.nan
    lo, hi = ((min(tones) - 0.1, max(tones) + 0.1) if n >= 2 else (np.nan, np.nan))
    return {**key, "n_mentions": n, "n_sentences": n, "tone_mean": mean, "ci_low": lo,
            "ci_high": hi, "share_pos": np.nan if not n else float(np.mean(np.array(tones) > 0.05)),
            "share_neg": np.nan if not n else float(np.mean(np.array(tones) < -0.05)),
            "n_sentences_author": n, "tone_mean_author": mean, "ci_low_author": lo,
            "ci_high_author": hi, "tone_method": "lexicon_attribution"}


def synthetic_tables() -> dict[str, pd.DataFrame]:
    rows, srows = [], []
    for aid, outlet, label in OUTLETS:
        sents = TEXTS[aid]
        n_words = sum(len(s.split()) for s in sents)
        rows.append({"article_id": aid, "outlet": outlet, "outlet_label": label,
                     "outlet_confidence": "inferred", "published": "2024-06-19",
                     "title": f"Title {aid}", "raw_path": f"raw/{aid}.txt", "text": " ".join(sents),
                     "n_words": n_words, "n_sentences": len(sents), "status": "scored"})
        pos = 0
        for i, s in enumerate(sents):
            srows.append({"article_id": aid, "sentence_index": i, "char_start": pos,
                          "char_end": pos + len(s), "sentence": s,
                          "voice": "quoted" if s.startswith('"') else "author",
                          "n_words": len(s.split()), "compound": round(0.3 * ((i % 3) - 1), 3)})
            pos += len(s) + 1
    articles = pd.DataFrame(rows)
    sentences = pd.DataFrame(srows)
    outlet_of = dict(zip(articles["article_id"], articles["outlet"]))
    mrows = []
    for aid, si, actor, alias, tone, voice in MENTIONS:
        sent = TEXTS[aid][si]
        start = sent.index(alias)
        mrows.append({"article_id": aid, "sentence_index": si, "actor": actor, "alias": alias,
                      "start": start, "end": start + len(alias), "sentence": sent, "tone": tone,
                      "tone_label": "positive" if tone > 0.05 else
                      ("negative" if tone < -0.05 else "neutral"), "voice": voice})
    mentions = pd.DataFrame(mrows)
    aat, oat = [], []
    for aid, outlet, _ in OUTLETS:
        for actor in ACTORS:
            tones = [m[4] for m in MENTIONS if m[0] == aid and m[2] == actor]
            aat.append(_tone_row({"article_id": aid, "outlet": outlet, "actor": actor}, tones))
            oat.append(_tone_row({"outlet": outlet, "actor": actor}, tones))
    frame_terms = {"conflict": ["threat", "fight", "weapons"], "diplomacy": ["visit", "partnership"],
                   "economic_consequences": ["sanctions"]}
    hrows = []
    for s in srows:
        for frame, terms in frame_terms.items():
            for term in terms:
                low = s["sentence"].lower()
                if term in low:
                    st = low.index(term)
                    hrows.append({"article_id": s["article_id"], "sentence_index": s["sentence_index"],
                                  "frame": frame, "term": term, "match": s["sentence"][st:st + len(term)],
                                  "start": st, "end": st + len(term),
                                  "left_context": s["sentence"][:st], "right_context": s["sentence"][st + len(term):],
                                  "sentence": s["sentence"], "voice": s["voice"]})
    frame_hits = pd.DataFrame(hrows)
    fr, af = [], []
    for aid, outlet, _ in OUTLETS:
        n_words = int(articles.loc[articles["article_id"] == aid, "n_words"].iloc[0])
        for frame in FRAMES:
            hits = int(((frame_hits["article_id"] == aid) & (frame_hits["frame"] == frame)).sum())
            fr.append({"article_id": aid, "outlet": outlet, "frame": frame, "hits": hits,
                       "n_words": n_words, "rate_per_1000_words": 1000 * hits / n_words})
            fsent = set(frame_hits.loc[(frame_hits["article_id"] == aid)
                                       & (frame_hits["frame"] == frame), "sentence_index"])
            for actor in ACTORS:
                asent = {m[1] for m in MENTIONS if m[0] == aid and m[2] == actor}
                af.append({"article_id": aid, "outlet": outlet, "actor": actor, "frame": frame,
                           "n_actor_sentences": len(asent),
                           "n_cooccur_sentences": len(asent & fsent),
                           "share": len(asent & fsent) / len(asent) if asent else np.nan})
    manifest = articles[["article_id", "raw_path"]].assign(sha256="0" * 64, status="scored")
    return {"articles": articles, "sentences": sentences, "mentions": mentions,
            "article_actor_tone": pd.DataFrame(aat), "outlet_actor_tone": pd.DataFrame(oat),
            "frame_hits": frame_hits, "frame_rates": pd.DataFrame(fr),
            "actor_frames": pd.DataFrame(af), "manifest": manifest}


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """Run make_all_figures once, capturing each figure + data handed to save_figure."""
    captured = {}
    original = plots.save_figure
    out = tmp_path_factory.mktemp("figs")

    def spy(fig, data, name, out_dir):
        captured[name] = (fig, data.copy())
        return original(fig, data, name, out_dir)

    mp = pytest.MonkeyPatch()
    mp.setattr(plots, "save_figure", spy)
    try:
        paths = plots.make_all_figures(synthetic_tables(), out)
    finally:
        mp.undo()
    return paths, captured


def _csv(paths, name):
    return pd.read_csv(next(p for p in paths if p.name == f"{name}.csv"))


def test_make_all_figures_writes_every_file(drawn):
    paths, captured = drawn
    assert sorted(captured) == sorted(plots.FIGURES)
    assert len(paths) == 3 * len(plots.FIGURES)
    assert all(p.exists() and p.stat().st_size > 0 for p in paths)


def test_tone_heatmap_csv_equals_plotted_cells(drawn):
    paths, captured = drawn
    fig, _ = captured["tone_heatmap"]
    csv = _csv(paths, "tone_heatmap")
    image = fig.axes[0].images[0].get_array()
    outlets = sorted(csv["outlet"].unique())
    actors = ["Russia", "DPRK", "US", "NATO"]
    expected = csv.pivot(index="outlet", columns="actor", values="tone_mean").reindex(
        index=outlets, columns=actors).to_numpy()
    enough = csv.pivot(index="outlet", columns="actor", values="enough_evidence").reindex(
        index=outlets, columns=actors).to_numpy(dtype=bool)
    # Only cells with enough evidence are drawn in colour (here every cell has n <= 2: none).
    assert np.allclose(np.ma.filled(image, np.nan), np.where(enough, expected, np.nan), atol=1e-6, equal_nan=True)
    assert not enough.any() and (csv["enough_evidence"] == (csv["n_sentences"] >= config.MIN_EVIDENCE_SENTENCES)).all()
    # hand-checked cell: BNN mentions Russia in 2 sentences with tones 0.2 and 0.6
    row = csv[(csv["outlet"] == "bnn") & (csv["actor"] == "Russia")].iloc[0]
    assert row["tone_mean"] == pytest.approx(0.4) and row["n_sentences"] == 2
    # not mentioned: almayadeen-US, bnn-NATO, unknown_3-DPRK, unknown_3-NATO, unknown_bbc-NATO
    assert (~csv["mentioned"]).sum() == 5
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts.count(plots.NOT_MENTIONED_TEXT) == 5
    assert "(+0.40)\nn = 2" in texts          # below the evidence rule: value in brackets, grey


def test_tone_heatmap_colours_only_cells_with_enough_evidence(tmp_path):
    tables = synthetic_tables()
    oat = tables["outlet_actor_tone"]
    strong = (oat["outlet"] == "bnn") & (oat["actor"] == "Russia")
    tables["outlet_actor_tone"] = oat.assign(n_sentences=np.where(strong, config.MIN_EVIDENCE_SENTENCES, oat["n_sentences"]))
    captured = {}
    original = plots.save_figure

    def spy(fig, data, name, out_dir):
        captured[name] = fig
        return original(fig, data, name, out_dir)

    mp = pytest.MonkeyPatch()
    mp.setattr(plots, "save_figure", spy)
    try:
        plots.tone_heatmap(tables, tmp_path)
    finally:
        mp.undo()
    image = np.ma.filled(captured["tone_heatmap"].axes[0].images[0].get_array(), np.nan)
    assert np.count_nonzero(~np.isnan(image)) == 1 and np.nanmax(image) == pytest.approx(0.4)
    texts = [t.get_text() for t in captured["tone_heatmap"].axes[0].texts]
    assert f"+0.40\nn = {config.MIN_EVIDENCE_SENTENCES}" in texts


def test_tone_ci_points_equal_csv(drawn):
    paths, captured = drawn
    fig, _ = captured["tone_ci"]
    csv = _csv(paths, "tone_ci")
    plotted = sorted(round(float(line.get_xdata()[0]), 6) for ax in fig.axes
                     for line in ax.lines if line.get_marker() == "o")
    assert plotted == sorted(round(v, 6) for v in csv["tone_mean"].dropna())
    assert len(plotted) == 11  # 16 outlet x actor cells - 5 not mentioned


def test_salience_bars_equal_csv(drawn):
    paths, captured = drawn
    fig, _ = captured["actor_salience"]
    csv = _csv(paths, "actor_salience")
    widths = [p.get_width() for ax in fig.axes for p in ax.patches]
    assert np.allclose(sorted(widths), sorted(csv["per_1000_words"]), atol=1e-4)
    # Al Mayadeen: 2 Russia mentions in 9 + 7 + 6 = 22 words -> 90.909 per 1,000
    row = csv[(csv["outlet"] == "almayadeen") & (csv["actor"] == "Russia")].iloc[0]
    assert row["per_1000_words"] == pytest.approx(2000 / 22, abs=1e-3)


def test_heatmaps_equal_csv(drawn):
    paths, captured = drawn
    fig, _ = captured["outlet_similarity"]
    csv = _csv(paths, "outlet_similarity")
    outlets = sorted(csv["outlet_a"].unique())
    expected = csv.pivot(index="outlet_a", columns="outlet_b", values="cosine").reindex(
        index=outlets, columns=outlets).to_numpy()
    expected = expected.copy()
    np.fill_diagonal(expected, np.nan)        # the diagonal (always 1) is masked
    assert np.allclose(np.ma.filled(fig.axes[0].images[0].get_array(), np.nan), expected,
                       atol=CSV_ROUNDING, equal_nan=True)
    fig, _ = captured["frame_profile"]
    csv = _csv(paths, "frame_profile")
    got = np.ma.filled(fig.axes[0].images[0].get_array(), np.nan)
    shown = csv["rate_per_1000_words"].where(csv["hits"] >= config.MIN_EVIDENCE_SENTENCES)
    assert np.allclose(np.sort(got.ravel()), np.sort(shown), atol=1e-3, equal_nan=True)
    assert set(csv["ci_method"]) == {"poisson_exact"}          # one article per outlet
    fig, _ = captured["actor_frames"]
    csv = _csv(paths, "actor_frames")
    got = np.ma.filled(fig.axes[0].images[0].get_array(), np.nan)
    shown = csv["share"].where(csv["n_actor_sentences"] >= config.MIN_EVIDENCE_SENTENCES)
    assert np.allclose(np.sort(got.ravel()), np.sort(shown), atol=CSV_ROUNDING, equal_nan=True)
    assert csv.loc[csv["actor"] == "US", "enough_evidence"].all()
    # US: 3 sentences (a000/2, a001/1, a003/1); conflict terms in a000/2 ("fight") and a001/1
    # ("weapons") -> 2/3
    us = csv[(csv["actor"] == "US") & (csv["frame"] == "conflict")].iloc[0]
    assert (us["n_cooccur_sentences"], us["n_actor_sentences"]) == (2, 3)


def test_distinctive_words_bars_equal_csv(drawn):
    paths, captured = drawn
    fig, _ = captured["distinctive_words"]
    csv = _csv(paths, "distinctive_words")
    widths = [p.get_width() for ax in fig.axes for p in ax.patches
              if isinstance(p, plt.Rectangle) and p.get_height() < 1]
    assert np.allclose(sorted(widths), sorted(csv["z"]), atol=1e-4)
    assert csv.groupby("outlet")["rank"].max().max() <= plots.DISTINCTIVE_TOP_K


def test_tone_along_article_points_equal_csv(drawn):
    paths, captured = drawn
    fig, _ = captured["tone_along_article"]
    csv = _csv(paths, "tone_along_article")
    ys = [y for ax in fig.axes for line in ax.lines if line.get_marker() in ("o", "s")
          for y in line.get_ydata()]
    # The study's tone per sentence x actor unit (not VADER), numbered from 0 as the evidence tables.
    assert sorted(np.round(ys, 6)) == sorted(np.round(csv["tone"], 6))
    assert len(csv) == len(MENTIONS) and (csv["voice"] == "quoted").sum() == 4
    assert csv["sentence_index"].min() == 0


def test_tone_evidence_has_one_dot_per_unit_and_the_cell_mean(drawn):
    paths, captured = drawn
    fig, _ = captured["tone_evidence"]
    csv = _csv(paths, "tone_evidence")
    assert len(csv) == len(MENTIONS)           # one unit per mention here (no actor twice in a sentence)
    dots = sum(len(c.get_offsets()) for ax in fig.axes for c in ax.collections)
    assert dots == len(csv)
    bnn = csv[(csv["outlet"] == "bnn") & (csv["actor"] == "Russia")]
    assert sorted(bnn["tone"]) == [0.2, 0.6] and bnn["cell_tone_mean"].iloc[0] == pytest.approx(0.4)
    assert (bnn["jitter"].abs() < plots.JITTER_HEIGHT / 2).all() and bnn["jitter"].nunique() == 2

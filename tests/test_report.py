"""Tests for analysis.report: sections, escaping, evidence, byte-identical rebuilds."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import io, plots, report
from test_plots import synthetic_tables


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    root = tmp_path_factory.mktemp("study")
    processed, figures = root / "processed", root / "figures"
    tables = synthetic_tables()
    # an outlet label with markup must come out escaped
    tables["articles"].loc[0, "outlet_label"] = "BNN <Breaking> & Co"
    for name, table in tables.items():
        io.write_csv_atomic(table, processed / f"{name}.csv")
    plots.tone_heatmap(report.load_processed(processed), figures)
    # validation.csv in the tidy format of analysis.validate: the best rw_dev method is minilm_logreg
    io.write_csv_atomic(pd.DataFrame({
        "method": ["lexicon_attribution", "minilm_logreg"], "benchmark": ["newsmtsc", "newsmtsc"],
        "split": ["rw_dev", "rw_dev"], "metric": ["f1_macro", "f1_macro"], "value": [0.5, 0.7],
        "n": [343, 343]}), processed / "validation.csv")
    return processed, figures


def test_report_sections_and_byte_identical(study, tmp_path):
    processed, figures = study
    a = report.build_report(processed, figures, tmp_path / "a.html")
    b = report.build_report(processed, figures, tmp_path / "b.html")
    assert a.read_bytes() == b.read_bytes()
    text = a.read_text()
    for section in ("Summary of findings", "Corpus", "Figures", "Methods", "Limitations",
                    "Evidence", "Validation against human labels"):
        assert f">{section}<" in text, section
    assert "data:image/png;base64," in text
    assert not re.search(r"(src|href)=\"(https?:|//)", text)   # no external assets
    assert "BNN &lt;Breaking&gt; &amp; Co" in text and "<Breaking>" not in text
    assert "VADER is a lexicon built for social-media text" in text
    # synthetic corpus: 4 outlets, all 'inferred', one article each
    assert "4 of 4 outlets are not confirmed" in text
    assert "With one article per outlet" in text
    # the synthetic tables were scored with lexicon_attribution, not the best method on rw dev
    assert "Best method on NewsMTSC-rw dev (the split methods are chosen on): minilm_logreg (F1 macro 0.700)" in text
    assert "was not available here" in text


def test_summary_table_cells(study):
    processed, _ = study
    tables = report.load_processed(processed)
    summary = report.summary_table(tables).set_index("outlet")
    bnn = summary.loc["BNN <Breaking> & Co"]
    # synthetic CI for n >= 2 is [min - 0.1, max + 0.1] of tones 0.2, 0.6
    assert bnn["Russia"] == "+0.40 [+0.10, +0.70] (n = 2)"
    assert bnn["NATO"] == report.NOT_MENTIONED
    assert bnn["US"] == "-0.70 [no interval, n < 2] (n = 1)"
    # Al Mayadeen: diplomacy 2 hits / 22 words = 90.9 per 1,000 beats conflict 1 hit
    assert summary.loc["Al Mayadeen English", "top frame (rate)"].startswith("diplomacy (90.9")


def test_evidence_sentences_group_mentions_by_sentence(study):
    processed, _ = study
    tables = report.load_processed(processed)
    ev = report.evidence_sentences(tables, "almayadeen", "Russia")
    assert ev["sentence_index"].tolist() == [0, 1]
    assert ev["tone"].tolist() == [0.5, -0.6]
    assert ev["voice"].tolist() == ["author", "quoted"]
    assert report.evidence_sentences(tables, "almayadeen", "US").empty
    kwic = report.kwic_table(tables["frame_hits"], tables["articles"], "unknown_3")
    assert kwic == [("economic_consequences", "", "Sanctions", " by the US were criticised by both leaders.",
                     "author")]

"""Validation metrics on hand-computed tiny examples, and a small end-to-end run into tmp_path."""
import json

import numpy as np
import pandas as pd
import pytest

from analysis import validate
from analysis.attribution import LexiconAttributionTone, VaderSentenceTone


def test_confusion_and_f1_hand_computed():
    true = ["negative", "negative", "neutral", "positive", "positive", "positive"]
    pred = ["negative", "neutral", "neutral", "positive", "positive", "negative"]
    m = validate.classification_metrics(true, pred)
    # rows = true (neg, neu, pos), cols = predicted
    assert m["confusion_matrix"] == [[1, 1, 0], [0, 1, 0], [1, 0, 2]]
    assert m["accuracy"] == pytest.approx(4 / 6, abs=1e-6)
    # F1 neg: P=1/2, R=1/2 -> 0.5; neu: P=1/2, R=1 -> 2/3; pos: P=1, R=2/3 -> 0.8
    assert m["f1_macro"] == pytest.approx((0.5 + 2 / 3 + 0.8) / 3, abs=1e-6)
    assert m["labels"] == ["negative", "neutral", "positive"] and m["n"] == 6


def test_article_level_aggregation_hand_computed():
    f = pd.DataFrame({"article_id": ["1", "1", "2", "3"], "tone": [0.5, -0.1, -0.4, 0.9],
                      "rating": [2.0, 0.0, -1.5, 3.0]})
    a = validate.article_level(f)
    # article 1: tone (0.5-0.1)/2 = 0.2, rating 1.0; article 2: -0.4, -1.5; article 3: 0.9, 3.0
    assert a["article_id"].tolist() == ["1", "2", "3"]
    assert a["tone"].tolist() == pytest.approx([0.2, -0.4, 0.9])
    assert a["rating"].tolist() == pytest.approx([1.0, -1.5, 3.0])
    assert a["n_sentences"].tolist() == [2, 1, 1]
    # ranks agree exactly -> Spearman 1; Pearson < 1 because the spacing differs
    r = validate.correlations(a["tone"], a["rating"])
    assert r["spearman_r"] == pytest.approx(1.0)
    assert 0.99 < r["pearson_r"] < 1.0


def test_correlations_constant_input_is_nan():
    assert np.isnan(validate.correlations([1, 1, 1], [1, 2, 3])["pearson_r"])


def test_document_tone_averages_sentences_then_documents():
    m = pd.DataFrame({"document_id": ["a", "a", "a", "b"], "sentence_index": [0, 0, 3, 1]})
    # doc a: sentence 0 mean (1.0 + 0.0)/2 = 0.5, sentence 3 = -0.3 -> (0.5 - 0.3)/2 = 0.1
    out = validate.document_tone(m, [1.0, 0.0, -0.3, 0.4], ["a", "b", "c"])
    assert out.loc["a"] == pytest.approx(0.1) and out.loc["b"] == pytest.approx(0.4)
    assert np.isnan(out.loc["c"])


def test_threshold_tuning_and_labels():
    tone = [-0.3, -0.1, 0.05, 0.2, 0.4]
    labels = ["negative", "neutral", "neutral", "positive", "positive"]
    neg, pos, f1 = validate.tune_document_thresholds(tone, labels, grid=[-0.2, 0.0, 0.1, 0.3])
    # (-0.2, 0.1) separates all five: -0.3 <= -0.2 neg; -0.1, 0.05 neutral; 0.2, 0.4 >= 0.1 pos
    assert (neg, pos, f1) == (-0.2, 0.1, 1.0)
    assert validate.labels_with([float("nan"), 0.5], neg, pos).tolist() == ["neutral", "positive"]


def test_persent_mentions_follow_sentences():
    docs = pd.DataFrame({"document_id": ["9"], "entity": ["Bo Li"],
                         "masked_document": ["Rain fell. [TGT] won and [TGT] smiled.\n[TGT] left."]})
    m = validate.persent_mentions(docs)
    assert m["sentence_index"].tolist() == [1, 1, 2]
    assert [s[a:b] for s, a, b in zip(m["sentence"], m["start"], m["end"])] == ["Bo Li"] * 3


def test_evaluate_and_run_validation_on_fixtures(tmp_path, monkeypatch, capsys):
    # A two-sentence NewsMTSC fixture, served through the validate data cache.
    s = "The senator praised Smith but condemned Jones."
    frame = pd.DataFrame({"sentence_id": ["a", "a"], "sentence": [s, s], "start": [20, 40],
                          "end": [25, 45], "label": ["positive", "negative"]})
    others = [[(20, 25), (40, 45)]] * 2
    monkeypatch.setattr(validate, "_DATA_CACHE", {("newsmtsc", "rw_test"): (frame, others),
                                                   ("newsmtsc", "mt_test"): (frame, others)})
    # lexicon attribution separates the two targets (see test_attribution) -> F1m 2/3 over 3 labels
    # (neutral has no support and no predictions, so its F1 is 0 under zero_division=0).
    r = validate.evaluate_method(LexiconAttributionTone(), "newsmtsc:rw_test")
    assert r["confusion_matrix"] == [[1, 0, 0], [0, 0, 0], [0, 0, 1]]
    assert r["f1_macro"] == pytest.approx(2 / 3, abs=1e-6)
    # the sentence baseline gives both the same label -> at most one right
    assert validate.evaluate_method(VaderSentenceTone(), "newsmtsc:rw_test")["accuracy"] == 0.5

    results = validate.run_validation(["vader_sentence", "lexicon_attribution"], out_dir=tmp_path,
                                      figures_dir=tmp_path / "fig", json_output=True,
                                      benchmark_list=[("newsmtsc", "rw_test"), ("newsmtsc", "mt_test")])
    printed = json.loads(capsys.readouterr().out)
    assert printed["lexicon_attribution"]["newsmtsc:rw_test"]["f1_macro"] == pytest.approx(2 / 3, abs=1e-6)
    table = pd.read_csv(tmp_path / "validation.csv")
    assert list(table.columns) == ["method", "benchmark", "split", "metric", "value", "n"]
    row = table[(table.method == "vader_sentence") & (table.split == "rw_test") & (table.metric == "accuracy")]
    assert row["value"].tolist() == [0.5] and row["n"].tolist() == [2]
    assert (tmp_path / "fig" / "validation_f1.png").is_file()
    assert (tmp_path / "fig" / "validation_confusion.csv").is_file()
    assert results["_timings"]["texts_scored"]["lexicon_attribution"] == 4


def test_unavailable_method_is_marked_not_crashing(tmp_path, monkeypatch):
    def refuse(name):
        raise validate.MethodUnavailable("extra missing")
    monkeypatch.setattr(validate, "load_method", refuse)
    results = validate.run_validation(["minilm_logreg"], out_dir=tmp_path, figures_dir=None,
                                      benchmark_list=[("newsmtsc", "rw_test")])
    assert results["minilm_logreg"] == {"available": False, "reason": "extra missing"}
    table = pd.read_csv(tmp_path / "validation.csv")
    assert table[["metric", "value"]].values.tolist() == [["available", 0.0]]

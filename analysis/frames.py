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

from analysis.lexicons import ActorLexicon, FrameLexicon, matching_copy

__all__ = ["FRAME_HIT_COLUMNS", "FRAME_RATE_COLUMNS", "ACTOR_FRAME_COLUMNS", "KWIC_WINDOW_WORDS",
           "PER_WORDS", "find_frame_hits", "frame_rates", "actor_frames"]

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
    left = sentence[:start].split()
    right = sentence[end:].split()
    return " ".join(left[-window:] if window else []), " ".join(right[:window])


def find_frame_hits(sentences: pd.DataFrame, frames: FrameLexicon) -> pd.DataFrame:
    """One row per frame-term hit with KWIC context; ``sentence[start:end] == match``.

    One regex pass per sentence over all frames: where terms overlap, the longest (leftmost)
    match wins, so a span of text counts once (within a frame and across frames).
    """
    matcher, entries = frames.term_matcher, frames.group_entries
    rows = []
    # Plain lists: iterating pandas' Arrow-backed string columns element by element is slow.
    for art, idx, sent, voice in zip(*(sentences[c].tolist() for c in ("article_id", "sentence_index",
                                                                       "sentence", "voice"))):
        if not isinstance(sent, str) or not sent:
            continue
        for m in matcher.finditer(matching_copy(sent)):
            term = entries[m.lastindex - 1]
            start, end = m.span()
            left, right = _kwic(sent, start, end)
            rows.append((art, idx, term.frame, term.text, sent[start:end], start, end, left, right,
                         sent, voice))
    df = pd.DataFrame(rows, columns=FRAME_HIT_COLUMNS)
    for col in ("article_id", "frame", "term", "match", "left_context", "right_context", "sentence", "voice"):
        df[col] = df[col].astype("str")
    for col in ("sentence_index", "start", "end"):
        df[col] = df[col].astype("int64")
    return df.sort_values(["article_id", "sentence_index", "start", "frame"], kind="stable").reset_index(drop=True)


def _sorted_articles(articles: pd.DataFrame) -> pd.DataFrame:
    """One row per article (the first), sorted by ``article_id`` (stable)."""
    return articles.drop_duplicates("article_id").sort_values("article_id", kind="stable")


def frame_rates(frame_hits: pd.DataFrame, articles: pd.DataFrame, frames: FrameLexicon) -> pd.DataFrame:
    """Every article x frame: ``hits``, ``n_words`` and ``hits / n_words * 1000`` (NaN if no words).

    ``articles`` needs ``article_id, outlet, n_words``. Rows sorted by article, then lexicon order.
    """
    grid = (_sorted_articles(articles[["article_id", "outlet", "n_words"]])
            .merge(pd.DataFrame({"frame": list(frames.names)}), how="cross"))
    hits = frame_hits.groupby(["article_id", "frame"]).size().rename("hits").reset_index()
    out = grid.merge(hits, on=["article_id", "frame"], how="left")
    out["hits"] = out["hits"].fillna(0).astype("int64")
    n_words = out["n_words"].astype("float64")
    out["rate_per_1000_words"] = np.where(n_words > 0, out["hits"] / n_words.where(n_words > 0) * PER_WORDS,
                                          np.nan)
    return out[FRAME_RATE_COLUMNS].reset_index(drop=True)


def actor_frames(mentions: pd.DataFrame, frame_hits: pd.DataFrame, articles: pd.DataFrame,
                 actors: ActorLexicon, frames: FrameLexicon) -> pd.DataFrame:
    """Every article x actor x frame: sentences mentioning the actor, how many also carry the frame.

    ``share = n_cooccur_sentences / n_actor_sentences``; NaN where the actor is not mentioned.
    """
    # Articles sorted first: the cross products then list rows in the final order (by article,
    # then lexicon order), which the left merges below keep.
    grid = (_sorted_articles(articles[["article_id", "outlet"]])
            .merge(pd.DataFrame({"actor": list(actors.names)}), how="cross")
            .merge(pd.DataFrame({"frame": list(frames.names)}), how="cross"))
    actor_sents = mentions[["article_id", "sentence_index", "actor"]].drop_duplicates()
    frame_sents = frame_hits[["article_id", "sentence_index", "frame"]].drop_duplicates()
    n_actor = actor_sents.groupby(["article_id", "actor"]).size().rename("n_actor_sentences").reset_index()
    both = actor_sents.merge(frame_sents, on=["article_id", "sentence_index"])
    n_both = both.groupby(["article_id", "actor", "frame"]).size().rename("n_cooccur_sentences").reset_index()
    out = (grid.merge(n_actor, on=["article_id", "actor"], how="left")
           .merge(n_both, on=["article_id", "actor", "frame"], how="left"))
    for col in ("n_actor_sentences", "n_cooccur_sentences"):
        out[col] = out[col].fillna(0).astype("int64")
    denom = out["n_actor_sentences"].astype("float64")
    out["share"] = out["n_cooccur_sentences"] / denom.where(denom > 0)
    return out[ACTOR_FRAME_COLUMNS].reset_index(drop=True)

"""Find actor mentions in sentences with the actor lexicon (one regex pass over all sentences).

>>> import pandas as pd
>>> from analysis.lexicons import load_actors
>>> s = pd.DataFrame({"article_id": ["a"], "sentence_index": [0], "voice": ["author"],
...                   "sentence": ["Russian President Vladimir Putin met Kim in Kim Il Sung Square."]})
>>> find_mentions(s, load_actors())[["actor", "alias", "start", "end"]].values.tolist()
[['Russia', 'Russian President Vladimir Putin', 0, 32], ['DPRK', 'Kim', 37, 40]]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.lexicons import ActorLexicon, ensure_matching_copies

__all__ = ["MENTION_COLUMNS", "COUNT_COLUMNS", "find_mentions", "mention_counts"]

MENTION_COLUMNS = ["article_id", "sentence_index", "actor", "alias", "start", "end", "sentence", "voice"]
COUNT_COLUMNS = ["article_id", "outlet", "actor", "n_mentions", "n_sentences"]
_SORT_KEYS = ["article_id", "sentence_index", "start", "actor"]


def find_mentions(sentences: pd.DataFrame, actors: ActorLexicon,
                  copies: list[str | None] | None = None) -> pd.DataFrame:
    """One row per actor mention: ``sentence[start:end]`` is the matched text, ``alias`` the entry.

    Matching runs on a same-length normalised copy of each sentence (curly apostrophes, NBSP,
    URLs blanked), with exclusion phrases ("Kim Il Sung Square") blanked out first; overlapping aliases
    give one mention (longest wins). A joint alias ("Russo-Korean") gives one row per actor.
    ``copies``: ``lexicons.matching_copies`` of the sentences (a list, or ``lexicons.JoinedCopies``
    as ``joined_matching_copies`` makes them), if already made (they are shared with frame matching).
    """
    rows = []
    # Plain lists: iterating pandas' Arrow-backed string columns element by element is slow.
    arts, indices, sents, voices = (sentences[c].tolist() for c in ("article_id", "sentence_index",
                                                                    "sentence", "voice"))
    for i, start, end, alias in actors.mention_matches(ensure_matching_copies(sents, copies)):
        for actor in alias.actors:
            rows.append((arts[i], indices[i], actor, alias.text, start, end, sents[i], voices[i]))
    return _mention_frame(rows)


_STRING_COLUMNS = ("article_id", "actor", "alias", "sentence", "voice")


def _mention_frame(rows: list) -> pd.DataFrame:
    """The mentions table of ``rows`` (tuples in ``MENTION_COLUMNS`` order): typed, sorted by ``_SORT_KEYS``.

    >>> _mention_frame([("b", 0, "US", "U.S.", 0, 4, "U.S. talks", "author"),
    ...                 ("a", 1, "US", "US", 3, 5, "So US", "quoted")])["article_id"].tolist()
    ['a', 'b']
    """
    return sorted_row_frame(rows, MENTION_COLUMNS, _STRING_COLUMNS, _SORT_KEYS)


def sorted_row_frame(rows: list, columns: list[str], string_columns, sort_keys: list[str]) -> pd.DataFrame:
    """A table of ``rows`` (tuples in ``columns`` order): ``string_columns`` as "str", the rest int64,
    rows in the order of a stable sort by ``sort_keys`` (matchers emit rows almost in order, so the
    rows are reordered only when they are not).
    """
    values = list(zip(*rows)) if rows else [()] * len(columns)
    df = pd.DataFrame({name: pd.Series(column, dtype="str" if name in string_columns else "int64")
                       for name, column in zip(columns, values)})
    order = _stable_sort_order(df, sort_keys)
    if (order[1:] < order[:-1]).any():
        df = df.take(order).reset_index(drop=True)
    return df


def _stable_sort_order(df: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Row positions in the order of ``df.sort_values(keys, kind="stable")`` (missing values last).

    >>> _stable_sort_order(pd.DataFrame({"k": ["b", None, "a", "b"], "j": [2, 0, 5, 1]}), ["k", "j"]).tolist()
    [2, 3, 0, 1]
    """
    codes = []
    for key in keys:
        key_codes, uniques = pd.factorize(df[key], sort=True)
        codes.append(np.where(key_codes < 0, len(uniques), key_codes))
    return np.lexsort(codes[::-1])


def mention_counts(mentions: pd.DataFrame, articles: pd.DataFrame,
                   actors: ActorLexicon | None = None) -> pd.DataFrame:
    """Every article x actor with ``n_mentions`` and ``n_sentences`` (distinct sentences), zero-filled.

    Actors are those of ``actors`` (all, in lexicon order) if given, else those seen in ``mentions``.
    ``outlet`` is taken from ``articles`` when it has that column.
    """
    names = list(actors.names) if actors is not None else sorted(mentions["actor"].unique())
    base = articles[["article_id"] + (["outlet"] if "outlet" in articles.columns else [])]
    grid = base.drop_duplicates("article_id").merge(pd.DataFrame({"actor": names}), how="cross")
    counts = (mentions.groupby(["article_id", "actor"])
              .agg(n_mentions=("start", "size"), n_sentences=("sentence_index", "nunique"))
              .reset_index())
    out = grid.merge(counts, on=["article_id", "actor"], how="left")
    out[["n_mentions", "n_sentences"]] = out[["n_mentions", "n_sentences"]].fillna(0).astype("int64")
    if "outlet" not in out.columns:
        out.insert(1, "outlet", pd.Series(pd.NA, index=out.index, dtype="str"))
    order = {n: i for i, n in enumerate(names)}
    out = out.assign(_o=out["actor"].map(order)).sort_values(["article_id", "_o"], kind="stable")
    return out.drop(columns="_o")[COUNT_COLUMNS].reset_index(drop=True)

"""Blind coding sheets for human (or other independent) coders, drawn from the study's tables.

Three kinds of unit, each coded from ``docs/codebook.md``:

- ``mentions``: one row per sentence x actor (all of that actor's mentions in the sentence marked
  ``[[...]]``); codes ``tone`` (pos / neu / neg) and ``role`` (target / speaker / both / other);
- ``frame_hits``: one row per frame-lexicon match (marked ``[[...]]``) with the frame's definition;
  code ``frame_present`` (yes / no);
- ``relations``: one row per ordered pair of different actors in a sentence (source ``[[...]]``,
  target ``{{...}}``); codes ``relation`` (yes / no) and ``stance`` (supportive / neutral / hostile).

A sheet never holds a machine score. ``unit_id`` is a hash of the article, the sentence text and the
unit's key (actor, frame term span, actor pair), so codes stay attached to their unit when sentence
numbering changes.

>>> mark_spans("Kim thanked Putin.", [(12, 17, "[[", "]]")])
'Kim thanked [[Putin]].'
"""
from __future__ import annotations

import hashlib
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from analysis import config

UNIT_KINDS = ("mentions", "frame_hits", "relations")
# The code columns of each kind of sheet and the codes the codebook allows in each.
CODE_COLUMNS = {
    "mentions": {"tone": ("pos", "neu", "neg"), "role": ("target", "speaker", "both", "other")},
    "frame_hits": {"frame_present": ("yes", "no")},
    "relations": {"relation": ("yes", "no"), "stance": ("supportive", "neutral", "hostile")},
}
SOURCE_MARKS = ("[[", "]]")
TARGET_MARKS = ("{{", "}}")


def unit_id(*parts: object) -> str:
    """A stable 12-hex-digit id of a unit from its defining parts."""
    key = "\x1f".join(str(part) for part in parts)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def mark_spans(sentence: str, spans: Iterable[tuple[int, int, str, str]]) -> str:
    """``sentence`` with each (start, end, open, close) span wrapped in its marks.

    Spans are inserted from the end backwards; identical spans nest (first one outermost).

    >>> mark_spans("Russo-Korean ties", [(0, 12, "[[", "]]"), (0, 12, "{{", "}}")])
    '[[{{Russo-Korean}}]] ties'
    """
    ordered = sorted(enumerate(spans), key=lambda item: (item[1][0], -item[1][1], item[0]))
    inserts: list[tuple[int, int, str]] = []   # (position, order, text): applied from the end
    for rank, (_, (start, end, opening, closing)) in enumerate(ordered):
        inserts.append((end, -rank, closing))
        inserts.append((start, rank, opening))
    text = sentence
    for position, _, mark in sorted(inserts, key=lambda item: (item[0], item[1]), reverse=True):
        text = text[:position] + mark + text[position:]
    return text


def _context_before(sentences: pd.DataFrame) -> dict[tuple[str, int], str]:
    ordered = sentences.sort_values(["article_id", "sentence_index"])
    previous = ordered.groupby("article_id", sort=False)["sentence"].shift(1).fillna("")
    return dict(zip(zip(ordered["article_id"], ordered["sentence_index"].astype(int)), previous))


def mention_units(mentions: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """One unit per sentence x actor, every mention of that actor marked."""
    context = _context_before(sentences)
    rows = []
    for (article_id, sentence_index, actor), group in mentions.groupby(
            ["article_id", "sentence_index", "actor"], sort=True):
        sentence = str(group["sentence"].iloc[0])
        spans = [(int(s), int(e), *SOURCE_MARKS) for s, e in zip(group["start"], group["end"])]
        rows.append({"unit_id": unit_id(article_id, sentence, actor), "article_id": article_id,
                     "sentence_index": int(sentence_index), "actor": actor,
                     "sentence_marked": mark_spans(sentence, spans),
                     "context_before": context.get((article_id, int(sentence_index)), "")})
    return pd.DataFrame(rows, columns=["unit_id", "article_id", "sentence_index", "actor",
                                       "sentence_marked", "context_before"])


def frame_hit_units(frame_hits: pd.DataFrame, sentences: pd.DataFrame, definitions: dict[str, str]) -> pd.DataFrame:
    """One unit per frame-lexicon match, the matched words marked, with the frame's definition."""
    context = _context_before(sentences)
    rows = []
    for hit in frame_hits.sort_values(["article_id", "sentence_index", "start", "frame"]).itertuples(index=False):
        sentence = str(hit.sentence)
        rows.append({"unit_id": unit_id(hit.article_id, sentence, hit.frame, int(hit.start), int(hit.end)),
                     "article_id": hit.article_id, "sentence_index": int(hit.sentence_index),
                     "frame": hit.frame, "frame_definition": definitions.get(hit.frame, ""),
                     "term": hit.term,
                     "sentence_marked": mark_spans(sentence, [(int(hit.start), int(hit.end), *SOURCE_MARKS)]),
                     "context_before": context.get((hit.article_id, int(hit.sentence_index)), "")})
    return pd.DataFrame(rows, columns=["unit_id", "article_id", "sentence_index", "frame", "frame_definition",
                                       "term", "sentence_marked", "context_before"])


def relation_units(mentions: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """One unit per ordered pair of different actors mentioned in the same sentence."""
    context = _context_before(sentences)
    rows = []
    for (article_id, sentence_index), group in mentions.groupby(["article_id", "sentence_index"], sort=True):
        sentence = str(group["sentence"].iloc[0])
        actors = sorted(group["actor"].unique())
        for source in actors:
            for target in actors:
                if source == target:
                    continue
                spans = [(int(s), int(e), *SOURCE_MARKS) for s, e in
                         zip(group.loc[group["actor"] == source, "start"], group.loc[group["actor"] == source, "end"])]
                spans += [(int(s), int(e), *TARGET_MARKS) for s, e in
                          zip(group.loc[group["actor"] == target, "start"], group.loc[group["actor"] == target, "end"])]
                rows.append({"unit_id": unit_id(article_id, sentence, source, target), "article_id": article_id,
                             "sentence_index": int(sentence_index), "source": source, "target": target,
                             "sentence_marked": mark_spans(sentence, spans),
                             "context_before": context.get((article_id, int(sentence_index)), "")})
    return pd.DataFrame(rows, columns=["unit_id", "article_id", "sentence_index", "source", "target",
                                       "sentence_marked", "context_before"])


def stratified_sample(units: pd.DataFrame, strata: Sequence[str], n: int | None, seed: int = config.RANDOM_SEED) -> pd.DataFrame:
    """``n`` units spread evenly over the strata (seeded), or all units when ``n`` is None.

    Each stratum gets ``n // k`` units (or all it has), and what is left is filled from the strata
    that still have units, in the seeded order; the result is sorted like the input.
    """
    if n is None or n >= len(units):
        return units.reset_index(drop=True)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(units))
    shuffled = units.iloc[order]
    groups = [group for _, group in shuffled.groupby(list(strata), sort=True)]
    quota = n // max(len(groups), 1)
    chosen = [group.iloc[:quota] for group in groups]
    taken = set().union(*(set(group.index) for group in chosen)) if chosen else set()
    rest = shuffled.loc[~shuffled.index.isin(taken)]
    picked = pd.concat(chosen + [rest.iloc[:n - len(taken)]])
    return units.loc[sorted(picked.index)].reset_index(drop=True)


def blank_codes(units: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The units with empty code columns and an empty ``notes`` column appended."""
    sheet = units.copy()
    for column in CODE_COLUMNS[kind]:
        sheet[column] = ""
    sheet["notes"] = ""
    return sheet

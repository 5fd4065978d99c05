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

import argparse
import hashlib
import sys
from pathlib import Path
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
# The unit columns of each kind of sheet (what the unit builders below return), in sheet order.
UNIT_COLUMNS = {
    "mentions": ["unit_id", "article_id", "sentence_index", "actor", "sentence_marked", "context_before"],
    "frame_hits": ["unit_id", "article_id", "sentence_index", "frame", "frame_definition", "term",
                   "sentence_marked", "context_before"],
    "relations": ["unit_id", "article_id", "sentence_index", "source", "target", "sentence_marked",
                  "context_before"],
}
# The column sampling is stratified by, besides the outlet, for each kind of unit.
STRATUM_COLUMN = {"mentions": "actor", "frame_hits": "frame", "relations": "source"}
NOTES_COLUMN = "notes"


def unit_id(*parts: object) -> str:
    """A stable 12-hex-digit id of a unit from its defining parts."""
    key = "\x1f".join(str(part) for part in parts)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


# The key of each kind of unit, defined once: the sheets, the agreement joins and the relations
# table all compute their unit ids with these, so a code stays attached to the same unit everywhere.
def mention_unit_id(article_id: object, sentence: str, actor: str) -> str:
    """Id of a sentence x actor unit."""
    return unit_id(article_id, sentence, actor)


def frame_hit_unit_id(article_id: object, sentence: str, frame: str, start: int, end: int) -> str:
    """Id of one frame-lexicon match (its frame and character span in the sentence)."""
    return unit_id(article_id, sentence, frame, int(start), int(end))


def relation_unit_id(article_id: object, sentence: str, source: str, target: str) -> str:
    """Id of an ordered source -> target actor pair in a sentence."""
    return unit_id(article_id, sentence, source, target)


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


def unmark(marked: str) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]]:
    """The sentence without marks, and the (start, end) spans of its ``[[...]]`` and ``{{...}}`` marks.

    The inverse of ``mark_spans`` for spans that do not overlap partially (nested identical spans are fine).

    >>> unmark("[[{{Russo-Korean}}]] ties with [[Kim]]")
    ('Russo-Korean ties with Kim', [(0, 12), (23, 26)], [(0, 12)])
    """
    marks = {SOURCE_MARKS[0]: ("source", True), SOURCE_MARKS[1]: ("source", False),
             TARGET_MARKS[0]: ("target", True), TARGET_MARKS[1]: ("target", False)}
    plain: list[str] = []
    position = 0                      # length of the plain text so far
    open_at: dict[str, list[int]] = {"source": [], "target": []}
    spans: dict[str, list[tuple[int, int]]] = {"source": [], "target": []}
    i = 0
    while i < len(marked):
        token = marked[i:i + 2]
        if token in marks:
            side, opening = marks[token]
            if opening:
                open_at[side].append(position)
            elif open_at[side]:
                spans[side].append((open_at[side].pop(), position))
            i += 2
            continue
        plain.append(marked[i])
        position += 1
        i += 1
    return "".join(plain), sorted(spans["source"]), sorted(spans["target"])


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
        rows.append({"unit_id": mention_unit_id(article_id, sentence, actor), "article_id": article_id,
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
        rows.append({"unit_id": frame_hit_unit_id(hit.article_id, sentence, hit.frame, hit.start, hit.end),
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
                rows.append({"unit_id": relation_unit_id(article_id, sentence, source, target), "article_id": article_id,
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


# --- building a sheet from the study's tables (``python -m analysis coding-sheet``) -------------------

SHEET_FILE = "{kind}_sheet.csv"       # the blank sheet; coders save theirs as {coder}_{kind}.csv
CODEBOOK_COPY = "codebook.md"
TABLES_NEEDED = ("articles", "sentences", "mentions", "frame_hits")


class SheetExists(RuntimeError):
    """The output folder already holds a sheet with codes in it (never overwritten)."""


def units_of_kind(kind: str, tables: dict[str, pd.DataFrame], definitions: dict[str, str]) -> pd.DataFrame:
    """Every unit of ``kind`` in the study's tables, with its article's ``outlet`` (for the strata)."""
    if kind == "mentions":
        units = mention_units(tables["mentions"], tables["sentences"])
    elif kind == "frame_hits":
        units = frame_hit_units(tables["frame_hits"], tables["sentences"], definitions)
    elif kind == "relations":
        units = relation_units(tables["mentions"], tables["sentences"])
    else:
        raise ValueError(f"unknown unit kind {kind!r}; choose one of {', '.join(UNIT_KINDS)}")
    outlets = dict(zip(tables["articles"]["article_id"].astype(str), tables["articles"]["outlet"].astype(str)))
    return units.assign(outlet=units["article_id"].astype(str).map(outlets).fillna(""))


def coding_sheet(kind: str, tables: dict[str, pd.DataFrame], definitions: dict[str, str], n: int | None,
                 seed: int = config.RANDOM_SEED) -> pd.DataFrame:
    """A blind sheet: ``n`` units (None: all) stratified by outlet and actor / frame / source actor,
    empty code columns, no machine score. The outlet is used for sampling and not shown to coders."""
    units = units_of_kind(kind, tables, definitions)
    sample = stratified_sample(units, ["outlet", STRATUM_COLUMN[kind]], n, seed=seed)
    return blank_codes(sample[UNIT_COLUMNS[kind]], kind)


def sheet_has_codes(path: Path, kind: str) -> bool:
    """Whether the CSV at ``path`` has any non-empty code or notes cell."""
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False)
    columns = [c for c in (*CODE_COLUMNS[kind], NOTES_COLUMN) if c in sheet.columns]
    return bool(columns) and bool((sheet[columns].apply(lambda col: col.str.strip()) != "").to_numpy().any())


def write_sheet(sheet: pd.DataFrame, kind: str, out_dir: Path, codebook: Path = config.CODEBOOK_MD) -> list[Path]:
    """Write the sheet and a copy of the codebook into ``out_dir`` (atomically, via a staging folder).

    Refuses (``SheetExists``) when ``out_dir`` already holds this kind's sheet with codes in it.
    """
    from analysis import io

    out_dir = Path(out_dir)
    target = out_dir / SHEET_FILE.format(kind=kind)
    if target.exists() and sheet_has_codes(target, kind):
        raise SheetExists(f"{target} already holds codes; it is never overwritten. "
                          "Move it away or give another --out folder.")
    with io.staged_output_dir(out_dir) as stage:
        io.write_csv_atomic(sheet, stage / target.name)
        io.write_bytes_atomic(Path(codebook).read_bytes(), stage / CODEBOOK_COPY)
    return [target, out_dir / CODEBOOK_COPY]


def read_study_tables(tables_dir: Path, names: Sequence[str] = TABLES_NEEDED) -> dict[str, pd.DataFrame]:
    """The tables a sheet is drawn from, read from a processed folder (article ids as text)."""
    tables = {}
    for name in names:
        path = Path(tables_dir) / f"{name}.csv"
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: run `python -m analysis run` first, or give --corpus")
        tables[name] = pd.read_csv(path, dtype={"article_id": str})
    return tables


def tables_of_corpus(corpus_path: Path, actors_path: Path = config.ACTORS_YAML,
                     frames_path: Path = config.FRAMES_YAML) -> dict[str, pd.DataFrame]:
    """The per-article tables of another corpus (``pipeline.score_articles``; the tone method is
    irrelevant to a blind sheet, so the cheapest, ``vader_sentence``, is used)."""
    from analysis import corpus, lexicons, pipeline

    articles = corpus.load_corpus(corpus_path)
    _, tables = pipeline.score_articles(articles, lexicons.load_actors(actors_path),
                                        lexicons.load_frames(frames_path), "vader_sentence")
    return tables


def _sample_size(text: str) -> int | None:
    if text == "all":
        return None
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"--sample must be a positive number or 'all', not {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis coding-sheet",
                                     description="Write a blind coding sheet (and a copy of the codebook).")
    parser.add_argument("--corpus", type=Path, default=None,
                        help="score this corpus first (default: read the study's tables)")
    parser.add_argument("--tables", type=Path, default=config.PROCESSED_DIR,
                        help="processed tables folder to draw units from (default: data/processed)")
    parser.add_argument("--actors", type=Path, default=config.ACTORS_YAML, help="actor lexicon (with --corpus)")
    parser.add_argument("--frames", type=Path, default=config.FRAMES_YAML, help="frame lexicon (definitions)")
    parser.add_argument("--units", choices=UNIT_KINDS, required=True)
    parser.add_argument("--sample", type=_sample_size, required=True, help="number of units, or 'all'")
    parser.add_argument("--seed", type=int, default=config.RANDOM_SEED)
    parser.add_argument("--out", type=Path, required=True, help="folder for the sheet and the codebook copy")
    return parser


def main(argv: list[str] | None = None) -> int:
    from analysis import lexicons
    from analysis.corpus import CorpusError
    from analysis.lexicons import LexiconError

    args = build_parser().parse_args(argv)
    if args.out.exists() and not args.out.is_dir():
        print(f"error: --out {args.out} is a file; give a folder", file=sys.stderr)
        return 2
    try:
        definitions = {frame.name: frame.definition for frame in lexicons.load_frames(args.frames).frames}
        tables = (tables_of_corpus(args.corpus, args.actors, args.frames) if args.corpus is not None
                  else read_study_tables(args.tables))
        sheet = coding_sheet(args.units, tables, definitions, args.sample, seed=args.seed)
        paths = write_sheet(sheet, args.units, args.out)
    except (CorpusError, LexiconError, FileNotFoundError, SheetExists) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{len(sheet)} {args.units} units -> {paths[0]}\ncodebook copy -> {paths[1]}")
    return 0

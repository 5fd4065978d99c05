"""Loaders for the human-labelled benchmarks in ``config.BENCHMARKS_DIR``.

Each loader returns a tidy DataFrame; the label vocabulary is the study's own
(``negative`` / ``neutral`` / ``positive``).

>>> from analysis import benchmarks
>>> df = benchmarks.load_newsmtsc("rw_dev")          # doctest: +SKIP
>>> list(df.columns)                                  # doctest: +SKIP
['split', 'sentence_id', 'target_id', 'sentence', 'mention', 'start', 'end', 'label']
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from analysis import config

TONE_LABELS = ("negative", "neutral", "positive")

NEWSMTSC_DIR = config.BENCHMARKS_DIR / "newsmtsc"
# Split name -> file. dev/test are the authors' 30/70 split of each devtest file (see its README).
NEWSMTSC_FILES = {
    "train": Path("NewsMTSC-dataset") / "train.jsonl",
    "rw_dev": Path("newsmtsc-rw") / "dev.jsonl",
    "rw_test": Path("newsmtsc-rw") / "test.jsonl",
    "mt_dev": Path("newsmtsc-mt") / "dev.jsonl",
    "mt_test": Path("newsmtsc-mt") / "test.jsonl",
}
# NewsMTSC codes polarity as 2.0 / 4.0 / 6.0 (README "Format").
NEWSMTSC_POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}


class BenchmarkError(ValueError):
    """A benchmark file is missing or does not have the documented format."""


def load_newsmtsc(split: str, base_dir: Path | None = None) -> pd.DataFrame:
    """One row per labelled target: the sentence, the target span and its label.

    ``start``/``end`` index into ``sentence`` (end exclusive), so
    ``sentence[start:end] == mention``.
    """
    if split not in NEWSMTSC_FILES:
        raise BenchmarkError(f"unknown NewsMTSC split {split!r}; choose one of {sorted(NEWSMTSC_FILES)}")
    path = (base_dir or NEWSMTSC_DIR) / NEWSMTSC_FILES[split]
    if not path.is_file():
        raise BenchmarkError(f"{path}: NewsMTSC file not found (is ../shared beside the repo?)")
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                sentence = item["sentence_normalized"]
                for target in item["targets"]:
                    start, end = int(target["from"]), int(target["to"])
                    rows.append({
                        "split": split,
                        "sentence_id": item["primary_gid"],
                        "target_id": target["Input.gid"],
                        "sentence": sentence,
                        "mention": target["mention"],
                        "start": start,
                        "end": end,
                        "label": NEWSMTSC_POLARITY[float(target["polarity"])],
                    })
            except (KeyError, ValueError, TypeError) as error:
                raise BenchmarkError(f"{path}, line {line_number}: not a NewsMTSC record ({error!r})") from error
    return pd.DataFrame(rows)


# --- PerSenT ------------------------------------------------------------------------------------

PERSENT_DIR = config.BENCHMARKS_DIR / "persent"
PERSENT_SPLITS = ("dev", "random_test", "fixed_test")   # train.csv is not available (README)
PERSENT_COLUMNS = ("DOCUMENT_INDEX", "TITLE", "TARGET_ENTITY", "DOCUMENT", "MASKED_DOCUMENT",
                   "TRUE_SENTIMENT")
PERSENT_LABELS = {"negative": "negative", "neutral": "neutral", "positive": "positive"}
PERSENT_TARGET_MARKER = "[TGT]"


def _csv_line_of_record(path: Path, record_index: int) -> int:
    """1-based physical line where data record ``record_index`` (0-based) starts in a CSV file."""
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        line = 1
        next(reader, None)                    # header
        line = reader.line_num + 1
        for i, _ in enumerate(reader):
            if i == record_index:
                return line
            line = reader.line_num + 1
    return line


def load_persent(split: str, base_dir: Path | None = None) -> pd.DataFrame:
    """One row per document: ``split, document_id, title, entity, document, masked_document,
    n_target_markers, label``.

    Fields hold embedded newlines, so the file is read with pandas' real CSV parser. Labels
    ``Negative / Neutral / Positive`` become the study's lower-case vocabulary.
    """
    if split not in PERSENT_SPLITS:
        raise BenchmarkError(f"unknown PerSenT split {split!r}; choose one of {list(PERSENT_SPLITS)}")
    path = (base_dir or PERSENT_DIR) / f"{split}.csv"
    if not path.is_file():
        raise BenchmarkError(f"{path}: PerSenT file not found (is ../shared beside the repo?)")
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, engine="c")
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise BenchmarkError(f"{path}: not a readable PerSenT CSV ({error})") from error
    missing = [c for c in PERSENT_COLUMNS if c not in raw.columns]
    if missing:
        raise BenchmarkError(f"{path}, line 1: header lacks PerSenT columns {missing}")
    # A few documents have no [TGT] marker at all (e.g. dev line 13); they are kept and
    # ``n_target_markers`` says so, because the label is still the author's view of the entity.
    for i, label in enumerate(raw["TRUE_SENTIMENT"]):
        if label.strip().lower() not in PERSENT_LABELS:
            raise BenchmarkError(f"{path}, line {_csv_line_of_record(path, i)}: "
                                 f"TRUE_SENTIMENT {label!r} is not Negative/Neutral/Positive")
    return pd.DataFrame({
        "split": split,
        "document_id": raw["DOCUMENT_INDEX"].astype(str),
        "title": raw["TITLE"],
        "entity": raw["TARGET_ENTITY"],
        "document": raw["DOCUMENT"],
        "masked_document": raw["MASKED_DOCUMENT"],
        "n_target_markers": raw["MASKED_DOCUMENT"].str.count(re.escape(PERSENT_TARGET_MARKER)),
        "label": [PERSENT_LABELS[x.strip().lower()] for x in raw["TRUE_SENTIMENT"]],
    })


def unmask_persent(masked: str, entity: str) -> tuple[str, list[tuple[int, int]]]:
    """Replace every ``[TGT]`` with ``entity``; return the text and the entity spans in it.

    >>> unmask_persent("[TGT] won. Fans love [TGT].", "Ann Lee")
    ('Ann Lee won. Fans love Ann Lee.', [(0, 7), (23, 30)])
    """
    pieces = masked.split(PERSENT_TARGET_MARKER)
    out, spans, pos = [], [], 0
    for i, piece in enumerate(pieces):
        out.append(piece)
        pos += len(piece)
        if i < len(pieces) - 1:
            out.append(entity)
            spans.append((pos, pos + len(entity)))
            pos += len(entity)
    return "".join(out), spans


# --- VADER NYT editorial snippets ------------------------------------------------------------------

VADER_NYT_FILE = config.BENCHMARKS_DIR / "vader_nyt" / "nytEditorialSnippets_GroundTruth.txt"
NYT_RATING_RANGE = (-4.0, 4.0)        # mean of ~20 human ratings on VADER's -4..+4 scale


def load_vader_nyt(path: Path | None = None) -> pd.DataFrame:
    """One row per snippet: ``snippet_id, article_id, rating, text`` (rating in -4..+4).

    The file is tab-separated ``id<TAB>mean_rating<TAB>text``; ``article_id`` is the id's part
    before the underscore (``"12_3"`` -> ``"12"``).
    """
    path = path or VADER_NYT_FILE
    if not Path(path).is_file():
        raise BenchmarkError(f"{path}: VADER NYT file not found (is ../shared beside the repo?)")
    rows = []
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for line_number, line in enumerate(handle, start=1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            fields = line.split("\t")
            problem = None
            if len(fields) < 3:
                problem = f"expected 3 tab-separated fields (id, rating, text), got {len(fields)}"
            else:
                snippet_id, rating_text, text = fields[0].strip(), fields[1].strip(), "\t".join(fields[2:])
                article_id, sep, _ = snippet_id.partition("_")
                try:
                    rating = float(rating_text)
                except ValueError:
                    rating = None
                if not sep or not article_id:
                    problem = f"id {snippet_id!r} is not ARTICLE_SENTENCE"
                elif rating is None or not NYT_RATING_RANGE[0] <= rating <= NYT_RATING_RANGE[1]:
                    problem = f"rating {rating_text!r} is not a number in -4..+4"
            if problem:
                raise BenchmarkError(f"{path}, line {line_number}: {problem}")
            rows.append({"snippet_id": snippet_id, "article_id": article_id, "rating": rating,
                         "text": text.strip()})
    return pd.DataFrame(rows, columns=["snippet_id", "article_id", "rating", "text"])


def newsmtsc_sentences(base_dir: Path | None = None) -> list[str]:
    """Every ``sentence_normalized`` of every NewsMTSC jsonl file, in file order (duplicates kept).

    Unlabelled text for speed and exactness checks (the bench corpus, the VADER re-implementation).
    """
    root = base_dir or NEWSMTSC_DIR
    files = sorted(Path(root).rglob("*.jsonl"))
    if not files:
        raise BenchmarkError(f"{root}: no NewsMTSC jsonl files (is ../shared beside the repo?)")
    sentences = []
    for path in files:
        with path.open(encoding="utf-8") as handle:
            for line_number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    sentences.append(json.loads(line)["sentence_normalized"])
                except (KeyError, ValueError) as error:
                    raise BenchmarkError(f"{path}, line {line_number}: not a NewsMTSC record ({error!r})") from error
    return sentences

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

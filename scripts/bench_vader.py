"""Throughput of vaderSentiment 3.3.2 vs analysis.vader_fast on every NewsMTSC sentence.

(Also on the PerSenT dev documents, whole articles, where the original's cost grows
quadratically with length.)

Same process, same input list, one warm-up pass each (also reported: it is the cold-cache
speed), then the best of ``--repeats`` timed passes, interleaved between the two scorers
(single core; FastVader caches per-token punctuation stripping, never whole texts). Times
are CPU seconds of this process (``time.process_time``), so load from other jobs on the
machine distorts them less than wall-clock time would. Prints sentences/s, the speed-up and the
largest absolute difference of any score.

    .venv/bin/python scripts/bench_vader.py
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: E402

from analysis import benchmarks, config  # noqa: E402
from analysis.vader_fast import FastVader  # noqa: E402

SCORE_KEYS = ("neg", "neu", "pos", "compound")
DEFAULT_REPEATS = 3  # best of 3 timed passes, as agreed for the project benchmark


def load_newsmtsc_sentences() -> list[str]:
    """Every ``sentence_normalized`` of every NewsMTSC jsonl file (duplicates across splits kept)."""
    try:
        return benchmarks.newsmtsc_sentences()
    except benchmarks.BenchmarkError as error:
        raise SystemExit(str(error)) from error


def load_persent_documents() -> list[str]:
    """Whole articles (PerSenT dev ``DOCUMENT`` column), to show the effect of text length."""
    import csv

    path = config.BENCHMARKS_DIR / "persent" / "dev.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["DOCUMENT"] for row in csv.DictReader(handle) if row["DOCUMENT"]]


def time_pass(score, texts: list[str]) -> float:
    """CPU seconds of one pass (process time: robust when other jobs share the cores)."""
    started = time.process_time()
    for text in texts:
        score(text)
    return time.process_time() - started


def best_times(scorers: dict, texts: list[str], repeats: int) -> tuple[dict, dict]:
    """Cold first pass, then ``repeats`` timed passes per scorer, interleaved so that load from
    other processes hits both alike; returns (cold seconds, best warm seconds) per scorer."""
    cold = {name: time_pass(score, texts) for name, score in scorers.items()}  # also the warm-up
    best = {name: float("inf") for name in scorers}
    for _ in range(repeats):
        for name, score in scorers.items():
            best[name] = min(best[name], time_pass(score, texts))
    return cold, best


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=DEFAULT_REPEATS)
    args = parser.parse_args(argv)

    original, fast = SentimentIntensityAnalyzer(), FastVader()
    scorers = {"vaderSentiment": original.polarity_scores, "FastVader": fast.polarity_scores,
               "FastVader.compound": fast.compound}
    for label, texts in (("NewsMTSC sentences", load_newsmtsc_sentences()),
                         ("PerSenT dev documents", load_persent_documents())):
        if texts:
            report(label, texts, original, fast, scorers, args.repeats)


def report(label: str, texts: list[str], original, fast, scorers: dict, repeats: int) -> None:
    max_diff = max(max(abs(a[key] - b[key]) for key in SCORE_KEYS) for text in texts
                   for a, b in [(original.polarity_scores(text), fast.polarity_scores(text))])
    max_diff = max(max_diff, max(abs(original.polarity_scores(text)["compound"] - fast.compound(text))
                                 for text in texts))
    cold, best = best_times(scorers, texts, repeats)
    n_words = sum(len(text.split()) for text in texts)
    print(f"{label}: {len(texts)} texts ({n_words / len(texts):.1f} words on average), one core, "
          f"best of {repeats} interleaved passes after a warm-up pass")
    for name, seconds in best.items():
        print(f"  {name:18} : {len(texts) / seconds:10.0f} texts/s ({seconds:.3f} CPU s; "
              f"first, cold pass {len(texts) / cold[name]:.0f} texts/s)")
    for name in ("FastVader", "FastVader.compound"):
        print(f"  speed-up, {name:18}: {best['vaderSentiment'] / best[name]:6.2f}x "
              f"(first passes: {cold['vaderSentiment'] / cold[name]:.2f}x)")
    print(f"  max abs difference : {max_diff:.3g} (neg/neu/pos/compound of every text)")

if __name__ == "__main__":
    main()

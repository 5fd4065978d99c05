"""Throughput benchmark of the scoring stage: ``python -m analysis bench [--articles N] [--json] [--jobs N]``.

A synthetic corpus of N articles is built from real news sentences (every ``sentence_normalized``
of the NewsMTSC jsonl files under ``config.BENCHMARKS_DIR / "newsmtsc"``; fixed seed; 20-40
sentences per article; a few outlets), written to a temporary folder as JSONL, and three things
are measured in the same run:

(a) the floor: vaderSentiment's own ``SentimentIntensityAnalyzer.polarity_scores`` on every
    sentence of the corpus, pre-split, in one process -- what "just run VADER" costs;
(b) the full scoring stage (``analysis.scale.score_corpus``: read, split, mentions, tone, frames,
    aggregation, staged Parquet output, no cache) with one process;
(c) the same with ``--jobs`` worker processes (default: every core).

The three are measured ``--repeats`` times in turn (rounds: a, b, c, a, b, c, ...), and each rate
reported is the median over the rounds; the ratio is the median of the rounds' own ratios of (c)
to (a), so a drift of the machine's speed between rounds (this VM's drifts by 10-25% within
minutes) moves both sides of a ratio together instead of skewing it.

``--tone-throughput [--methods ...] [--targets N]`` measures instead how many targets per second
each tone method scores (``score(sentences, starts, ends)`` on the first N labelled targets of the
NewsMTSC dev and test files, in file order): each round loads the method in a fresh process, warms
it up on the ``TONE_WARMUP_TARGETS`` targets that follow them (untimed; other sentences, so no
method's cache holds a timed one) and times one call on the N targets; the median
over the rounds is reported (``--json``: one object, method -> targets/s).

``--json`` prints exactly one JSON object with the keys of ``RESULT_KEYS``. ``peak_rss_mb`` is the
largest of: the sum of the resident sets of this process and all its children, sampled every
``RSS_SAMPLE_SECONDS`` with psutil (when installed); and ``resource.getrusage`` peak RSS of this
process and of its largest reaped child.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import Iterator, Sequence

from analysis import config

NEWSMTSC_DIR = config.BENCHMARKS_DIR / "newsmtsc"
# 20-40 sentences: the range of a typical wire / newspaper article (the five seed articles have 15-35).
MIN_SENTENCES, MAX_SENTENCES = 20, 40
# A handful of outlets so outlet-level aggregation has several groups of realistic size.
SYNTHETIC_OUTLETS = ("outlet_a", "outlet_b", "outlet_c", "outlet_d", "outlet_e")
SYNTHETIC_PUBLISHED = "2024-06-19"
DEFAULT_ARTICLES = 5000
DEFAULT_REPEATS = 3
RSS_SAMPLE_SECONDS = 0.2
FLOOR_CHUNK_ARTICLES = 1000     # articles' sentences held in memory at once while timing the floor
RESULT_KEYS = ("articles", "floor_articles_per_s", "jobs1_articles_per_s", "all_cores_articles_per_s",
               "ratio_all_cores_to_floor", "peak_rss_mb")


# Tone-throughput mode: targets of these NewsMTSC files (real news sentences with their targets).
TONE_BENCH_SPLITS = ("rw_dev", "mt_dev", "rw_test", "mt_test")
DEFAULT_TONE_TARGETS = 1000
TONE_WARMUP_TARGETS = 64        # one inference batch: first-call allocations and kernel selection


class BenchError(RuntimeError):
    """The benchmark cannot run here (e.g. the NewsMTSC files are missing)."""


@lru_cache(maxsize=1)
def news_sentences() -> tuple[str, ...]:
    """Every distinct non-empty NewsMTSC ``sentence_normalized`` (whitespace-normalised), sorted."""
    from analysis import benchmarks

    try:
        found = benchmarks.newsmtsc_sentences(NEWSMTSC_DIR)
    except benchmarks.BenchmarkError as error:
        raise BenchError(f"{error}; set FRAMING_SHARED_DIR to the folder that holds benchmarks/newsmtsc") from error
    return tuple(sorted({" ".join(s.split()) for s in found if isinstance(s, str) and s.strip()}))


def iter_synthetic_articles(n: int, seed: int = config.RANDOM_SEED,
                            sentences: Sequence[str] | None = None) -> Iterator[dict]:
    """``n`` articles (``id, outlet, published, title, text``) of 20-40 sampled news sentences each.

    Each also carries its sentences (key ``sentences``) so the floor can skip splitting. A generator:
    100,000 articles never sit in memory at once.
    """
    pool = list(sentences if sentences is not None else news_sentences())
    rng = random.Random(seed)
    for i in range(n):
        chosen = rng.sample(pool, rng.randint(MIN_SENTENCES, MAX_SENTENCES))
        yield {"id": f"syn{i:07d}", "outlet": SYNTHETIC_OUTLETS[i % len(SYNTHETIC_OUTLETS)],
               "published": SYNTHETIC_PUBLISHED, "title": f"Synthetic article {i}",
               "text": " ".join(chosen), "sentences": chosen}


def synthetic_articles(n: int, seed: int = config.RANDOM_SEED) -> list[dict]:
    """``list(iter_synthetic_articles(n, seed))`` (small n)."""
    return list(iter_synthetic_articles(n, seed))


def write_synthetic_corpus(n: int, path: Path, sentences_path: Path | None = None,
                           seed: int = config.RANDOM_SEED) -> None:
    """Write ``n`` synthetic articles to ``path`` as JSONL (and their sentence lists, one JSON list
    per line, to ``sentences_path`` if given), streaming."""
    with Path(path).open("w", encoding="utf-8") as fh, \
            (Path(sentences_path).open("w", encoding="utf-8") if sentences_path else open(os.devnull, "w")) as sh:
        for article in iter_synthetic_articles(n, seed):
            sh.write(json.dumps(article.pop("sentences")) + "\n")
            fh.write(json.dumps(article) + "\n")


def peak_rss_mb() -> float:
    """Peak resident set of this process or of its largest reaped child, whichever is larger (MB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    scale = 1 if sys.platform == "darwin" else 1024      # ru_maxrss: bytes on macOS, KiB on Linux
    return max(own, children) * scale / 1e6


class RssSampler:
    """Background sampler of the summed RSS of this process + all descendants (needs psutil)."""

    def __init__(self, interval: float = RSS_SAMPLE_SECONDS):
        self.interval, self.peak_mb = interval, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            import psutil
        except ImportError:
            return
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:  # a child exited between listing and reading
                    pass
            self.peak_mb = max(self.peak_mb, total / 1e6)
            self._stop.wait(self.interval)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def measure_floor(sentences_path: Path, chunk: int = FLOOR_CHUNK_ARTICLES) -> float:
    """Articles per second of vaderSentiment's own ``polarity_scores`` on pre-split sentences.

    Sentences are read ``chunk`` articles at a time outside the timed region (bounded memory).
    """
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    elapsed, n = 0.0, 0
    with Path(sentences_path).open(encoding="utf-8") as fh:
        while lines := list(itertools.islice(fh, chunk)):
            articles = [json.loads(line) for line in lines]
            started = time.perf_counter()
            for sentences in articles:
                for sentence in sentences:
                    analyzer.polarity_scores(sentence)
            elapsed += time.perf_counter() - started
            n += len(articles)
    return n / elapsed


def _scoring_rate(corpus_path: Path, out: Path, jobs: int, batch_size: int | None) -> float:
    from analysis import scale

    started = time.perf_counter()
    summary = scale.score_corpus(corpus_path, out, jobs=jobs, use_cache=False, progress=False,
                                 **({"batch_size": batch_size} if batch_size else {}))
    return summary.n_in / (time.perf_counter() - started)


def in_fresh_process(fn, *args):
    """``fn(*args)`` in a newly spawned Python process, as a command-line run would be.

    Each measurement gets its own process, so one measurement's imports, caches and memory do not
    carry into the next, and this process stays small (the RSS sampler still sees every process).
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as child:
        return child.submit(fn, *args).result()


def measure_scoring(corpus_path: Path, work_dir: Path, jobs: int, batch_size: int | None = None) -> float:
    """Articles per second of the full scoring stage (no cache) with ``jobs`` processes (fresh process)."""
    out = Path(tempfile.mkdtemp(dir=work_dir, prefix=f"out-jobs{jobs}-"))
    return in_fresh_process(_scoring_rate, corpus_path, out, jobs, batch_size)


def run_bench(n: int = DEFAULT_ARTICLES, jobs: int | None = None, batch_size: int | None = None,
              repeats: int = DEFAULT_REPEATS, on_round=None) -> dict:
    """Build the corpus, measure (a), (b), (c) ``repeats`` times in turn; return the result dict
    (keys ``RESULT_KEYS``, see ``summarize_rounds``). ``on_round(i, round)`` is called after each round."""
    jobs = jobs or os.cpu_count() or 1
    rounds = []
    with RssSampler() as sampler, tempfile.TemporaryDirectory(prefix="analysis-bench-") as tmp:
        work = Path(tmp)
        corpus_path, sentences_path = work / "corpus.jsonl", work / "sentences.jsonl"
        # In a child too: building the corpus loads pandas and the sentence pool, which this
        # process would otherwise hold (and the sampler count) through every measurement.
        in_fresh_process(write_synthetic_corpus, n, corpus_path, sentences_path)
        for number in range(1, repeats + 1):
            floor = in_fresh_process(measure_floor, sentences_path)
            jobs1 = measure_scoring(corpus_path, work, jobs=1, batch_size=batch_size)
            all_cores = measure_scoring(corpus_path, work, jobs=jobs, batch_size=batch_size)
            rounds.append({"floor_articles_per_s": floor, "jobs1_articles_per_s": jobs1,
                           "all_cores_articles_per_s": all_cores})
            if on_round is not None:
                on_round(number, rounds[-1])
    return summarize_rounds(n, rounds, max(peak_rss_mb(), sampler.peak_mb))


def tone_bench_targets(n: int = DEFAULT_TONE_TARGETS):
    """The first ``n`` targets (sentence, start, end) of the NewsMTSC dev and test files, in order."""
    import pandas as pd
    from analysis import benchmarks

    try:
        frames = [benchmarks.load_newsmtsc(split) for split in TONE_BENCH_SPLITS]
    except benchmarks.BenchmarkError as error:
        raise BenchError(f"{error}; set FRAMING_SHARED_DIR to the folder that holds benchmarks/newsmtsc") from error
    return pd.concat(frames, ignore_index=True)[["sentence", "start", "end"]].head(n)


def _tone_rate(method: str, n: int) -> float:
    """Targets per second of one ``score`` call of ``method`` on ``n`` benchmark targets (after a warm-up)."""
    from analysis import tone

    pool = tone_bench_targets(n + TONE_WARMUP_TARGETS)
    targets, warm = pool.head(n), pool.iloc[n:]
    warm = warm[~warm["sentence"].isin(set(targets["sentence"]))]
    scorer = tone.get_method(method)
    scorer.score(warm["sentence"].tolist(), warm["start"].tolist(), warm["end"].tolist())
    sentences, starts, ends = targets["sentence"].tolist(), targets["start"].tolist(), targets["end"].tolist()
    started = time.perf_counter()
    scorer.score(sentences, starts, ends)
    return len(targets) / (time.perf_counter() - started)


def run_tone_bench(methods: Sequence[str], n: int = DEFAULT_TONE_TARGETS, repeats: int = DEFAULT_REPEATS,
                   on_round=None) -> dict:
    """Median targets/s per method over ``repeats`` rounds, each a fresh process (methods in turn)."""
    from analysis import tone

    rates: dict[str, list[float]] = {m: [] for m in methods}
    unavailable = {}
    for number in range(1, repeats + 1):
        for method in methods:
            if method in unavailable:
                continue
            try:
                rate = in_fresh_process(_tone_rate, method, n)
            except tone.ToneMethodUnavailable as error:
                unavailable[method] = str(error)
                continue
            rates[method].append(rate)
            if on_round is not None:
                on_round(number, method, rate)
    result = {m: round(float(statistics.median(r)), 1) for m, r in rates.items() if r}
    result.update({m: None for m in unavailable})
    return result


def summarize_rounds(n: int, rounds: Sequence[dict], peak_mb: float) -> dict:
    """The result of measurement rounds: each rate's median, and the median of the rounds' ratios.

    >>> rounds = [{"floor_articles_per_s": f, "jobs1_articles_per_s": j, "all_cores_articles_per_s": a}
    ...           for f, j, a in ((400, 300, 600), (500, 350, 800), (600, 400, 840))]
    >>> summarize_rounds(10, rounds, 512.0)
    {'articles': 10, 'floor_articles_per_s': 500.0, 'jobs1_articles_per_s': 350.0, 'all_cores_articles_per_s': 800.0, 'ratio_all_cores_to_floor': 1.5, 'peak_rss_mb': 512.0}
    """
    result = {"articles": n}
    for key in RESULT_KEYS[1:4]:
        result[key] = round(float(statistics.median(r[key] for r in rounds)), 2)
    ratios = [r["all_cores_articles_per_s"] / r["floor_articles_per_s"] for r in rounds]
    result["ratio_all_cores_to_floor"] = round(statistics.median(ratios), 3)
    result["peak_rss_mb"] = round(peak_mb, 1)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES, help="synthetic corpus size")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes for (c) (default: all cores)")
    parser.add_argument("--batch-size", type=int, default=None, help="articles per batch (default: scale's)")
    parser.add_argument("--repeats", type=int, default=DEFAULT_REPEATS,
                        help=f"measurement rounds; medians are reported (default: {DEFAULT_REPEATS})")
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    parser.add_argument("--tone-throughput", action="store_true",
                        help="measure targets/s of each tone method on NewsMTSC targets instead")
    parser.add_argument("--methods", nargs="+", default=None,
                        help="tone methods for --tone-throughput (default: every registered method)")
    parser.add_argument("--targets", type=int, default=DEFAULT_TONE_TARGETS,
                        help=f"targets per round for --tone-throughput (default: {DEFAULT_TONE_TARGETS})")
    args = parser.parse_args(argv)
    if args.tone_throughput:
        return _main_tone(parser, args)
    if args.articles < 1:
        parser.error("--articles must be >= 1")
    if args.repeats < 1:
        parser.error("--repeats must be >= 1")

    def show_round(number: int, measured: dict) -> None:
        figures = ", ".join(f"{key.removesuffix('_articles_per_s')} {value:.1f}/s" for key, value in measured.items())
        ratio = measured["all_cores_articles_per_s"] / measured["floor_articles_per_s"]
        print(f"round {number}: {figures}, ratio {ratio:.3f}", file=sys.stderr)

    try:
        result = run_bench(args.articles, args.jobs, args.batch_size, args.repeats, on_round=show_round)
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result))
    else:
        for key in RESULT_KEYS:
            print(f"{key:>26}: {result[key]}")
    return 0


def _main_tone(parser, args) -> int:
    from analysis import tone

    methods = args.methods or list(tone.METHOD_NAMES)
    unknown = [m for m in methods if m not in tone.ALL_METHOD_NAMES]
    if unknown:
        parser.error(f"unknown tone method(s) {', '.join(unknown)}; choose from {', '.join(tone.ALL_METHOD_NAMES)}")
    if args.targets < 1 or args.repeats < 1:
        parser.error("--targets and --repeats must be >= 1")

    def show_round(number: int, method: str, rate: float) -> None:
        print(f"round {number}: {method} {rate:.1f} targets/s", file=sys.stderr)

    try:
        result = run_tone_bench(methods, args.targets, args.repeats, on_round=show_round)
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result))
    else:
        print(f"tone throughput on {args.targets} NewsMTSC targets, median of {args.repeats} rounds:")
        for method, rate in result.items():
            print(f"{method:>22}: " + (f"{rate} targets/s" if rate is not None else "unavailable here"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

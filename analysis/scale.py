"""Score a large corpus batch by batch, on all local cores or on a Dask cluster, with a content-hash cache.

    python -m analysis score --corpus PATH --out DIR [--jobs N] [--engine local|dask]
                             [--scheduler ADDRESS] [--tone-method NAME] [--batch-size N]
                             [--format parquet|csv] [--cache-dir DIR | --no-cache]

The corpus is streamed with ``corpus.iter_corpus`` (never all in memory). Each batch's scoreable
articles are scored by the study's own stage functions (``pipeline.split_articles``,
``pipeline.find_evidence``, ``pipeline.article_table``, ``tone.article_actor_tone``,
``frames.frame_rates``, ``frames.actor_frames``) in a worker; ``outlet_actor_tone`` is computed once
at the end from the written ``mentions`` and ``articles`` parts (only the columns it needs).

Output (``DIR``): one file per study table -- ``articles, manifest, sentences, mentions, frame_hits,
article_actor_tone, frame_rates, actor_frames, outlet_actor_tone`` -- as ``.parquet`` (default) or
``.csv`` (small runs: each table is loaded whole to be sorted). Everything is written into a
staging directory and moved into ``DIR`` only after the whole input was consumed and every table
written, so a crash (or a duplicate id in the last batch) leaves ``DIR`` as it was.

Row order: CSV tables are sorted by their key columns (``pipeline.TABLE_KEYS``), like the study's.
Parquet tables are written one row group per batch, in input order, each sorted by its keys; they
are globally sorted when the input is in ``article_id`` order (sort on read otherwise).

Cache (``DIR/cache`` by default): per-article results keyed by a SHA-256 of the article's
``CACHE_KEY_FIELDS`` combined with a digest of the lexicon files, the tone method and
``SCHEMA_VERSION``. A rerun re-scores only articles whose text or metadata changed; the rest are
read from the cache. Cache parts are written atomically, and an index part is written last, so an
interrupted run never leaves an entry that looks complete but is not.
"""
from __future__ import annotations

import argparse
import collections
import dataclasses
import functools
import hashlib
import json
import logging
import os
import shutil
import sys
import time
import uuid
from pathlib import Path
from typing import Iterable, Sequence

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm.auto import tqdm

from analysis import config, corpus, io, lexicons, pipeline, tone
from analysis import frames as frame_matching

# Bump when the tables' schemas or the scoring code change in a way that changes results: every
# cache entry made under another version is ignored.
SCHEMA_VERSION = "scale-1"
# The cheapest *target-aware* method (each actor in a sentence gets its own tone); vader_sentence
# is cheaper but gives every actor in a sentence the same score. Never the MiniLM method by default:
# it embeds every mention and is orders of magnitude slower (see the bench figures in the README).
DEFAULT_TONE_METHOD = "lexicon_attribution"
# Articles per task. The stage functions are pandas-vectorised per call, so fixed per-call overhead
# is amortised over a batch; 200 articles (~6,000 sentences) keeps a task's tables to a few MB,
# so IPC stays cheap and memory bounded, and gives enough tasks to balance two or more workers.
DEFAULT_BATCH_SIZE = 200
# Tasks queued per worker: one running, one waiting, so a worker never idles while the main
# process writes; memory holds at most (workers x this + 1) batches.
IN_FLIGHT_PER_WORKER = 2
ENGINES = ("local", "dask")
FORMATS = ("parquet", "csv")
# Tables a worker computes per batch (outlet_actor_tone and manifest are built by the main process).
BATCH_TABLES = ("articles", "sentences", "mentions", "frame_hits", "article_actor_tone", "frame_rates",
                "actor_frames")
OUTPUT_TABLES = ("articles", "manifest", "sentences", "mentions", "frame_hits", "article_actor_tone",
                 "frame_rates", "actor_frames", "outlet_actor_tone")
# Article fields the scoring reads: a change in any of them re-scores the article.
CACHE_KEY_FIELDS = ("article_id", "outlet", "text")
# Fields copied through to the articles / manifest tables unchanged: always taken from the current
# input, so fixing a title or moving the corpus file re-scores nothing.
PASS_THROUGH_FIELDS = ("outlet_label", "outlet_confidence", "published", "title", "raw_path")
# Columns of ``mentions`` that ``tone.outlet_actor_tone`` reads (via sentence_actor_tone).
OUTLET_TONE_MENTION_COLUMNS = ["article_id", "sentence_index", "actor", "voice", "tone", "tone_label"]
CACHE_DIR_NAME = "cache"
_PARTS_DIR = ".parts"
_INDEX = "index"


class ScaleError(RuntimeError):
    """The scoring run cannot proceed (bad option, worker / lexicon mismatch)."""


@dataclasses.dataclass
class Summary:
    """What a run did; ``n_in == n_scored + n_skipped`` always."""

    n_in: int = 0
    n_scored: int = 0
    n_skipped: int = 0
    n_computed: int = 0
    n_cached: int = 0
    tone_method: str = DEFAULT_TONE_METHOD
    out_dir: Path | None = None
    seconds: float = 0.0

    def line(self) -> str:
        return f"articles: {self.n_in} in = {self.n_scored} scored + {self.n_skipped} skipped"


# ----------------------------------------------------------------------------- hashing / cache keys
def _file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def config_digest(method: str, actors_path: Path = config.ACTORS_YAML,
                  frames_path: Path = config.FRAMES_YAML) -> str:
    """Digest of everything besides the article that decides its results."""
    from importlib.metadata import version

    parts = [SCHEMA_VERSION, method, _file_digest(actors_path), _file_digest(frames_path),
             version("vaderSentiment"), str(config.MAX_ARTICLE_CHARS)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def article_keys(articles: pd.DataFrame, digest: str) -> list[str]:
    """One cache key per article: SHA-256 of ``digest`` + the article's ``CACHE_KEY_FIELDS``."""
    columns = [articles[field].astype(object).where(articles[field].notna(), None).tolist()
               for field in CACHE_KEY_FIELDS]
    keys = []
    for values in zip(*columns):
        payload = json.dumps([digest, *values], ensure_ascii=False, separators=(",", ":"))
        keys.append(hashlib.sha256(payload.encode("utf-8")).hexdigest())
    return keys


class Cache:
    """Per-article results on disk: ``<root>/<config digest>/{index,<table>}/<part>.parquet``.

    A part holds one scored batch; its index part (``cache_key, article_id``) is written last, so
    only complete parts are ever looked up.
    """

    def __init__(self, root: Path, digest: str):
        self.dir = Path(root) / digest
        self.index: dict[str, tuple[str, str]] = {}
        index_dir = self.dir / _INDEX
        if index_dir.is_dir():
            for path in sorted(index_dir.glob("*.parquet")):
                table = pq.read_table(path, columns=["cache_key", "article_id"])
                for key, article_id in zip(table["cache_key"].to_pylist(), table["article_id"].to_pylist()):
                    self.index[key] = (path.stem, article_id)

    def lookup(self, keys: Sequence[str]) -> list[bool]:
        return [key in self.index for key in keys]

    def read(self, keys: Sequence[str], empty: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
        """The cached rows of every ``BATCH_TABLES`` table for these keys (all must be hits)."""
        by_part: dict[str, list[str]] = collections.defaultdict(list)
        for key in keys:
            part, article_id = self.index[key]
            by_part[part].append(article_id)
        out = {}
        for name in BATCH_TABLES:
            frames = []
            for part, ids in sorted(by_part.items()):
                path = self.dir / name / f"{part}.parquet"
                if path.exists():  # a part whose articles had no rows of this table has no file
                    frames.append(pq.read_table(path, filters=[("article_id", "in", ids)]).to_pandas())
            out[name] = _concat([empty[name], *frames])
        return out

    def write(self, keys: Sequence[str], article_ids: Sequence[str], tables: dict[str, pd.DataFrame]) -> None:
        """Store one scored batch: table parts first, then the index part that makes them visible."""
        part = uuid.uuid4().hex
        for name in BATCH_TABLES:
            if len(tables[name]):
                io.write_parquet_atomic(tables[name], self.dir / name / f"{part}.parquet")
        index = pd.DataFrame({"cache_key": list(keys), "article_id": list(article_ids)})
        io.write_parquet_atomic(index, self.dir / _INDEX / f"{part}.parquet")
        for key, article_id in zip(keys, article_ids):
            self.index[key] = (part, article_id)


# ----------------------------------------------------------------------------- the scoring task
@functools.lru_cache(maxsize=None)
def _worker_state(method: str) -> tuple:
    """Lexicons, their digest and the tone scorer, loaded once per worker process."""
    actor_lexicon, frame_lexicon = lexicons.load_actors(), lexicons.load_frames()
    tone.get_method(method)  # load (and cache) the scorer now, not inside the first batch's timing
    return actor_lexicon, frame_lexicon, config_digest(method)


def score_batch(articles: pd.DataFrame, method: str, digest: str | None = None) -> dict[str, pd.DataFrame]:
    """The per-article study tables (``BATCH_TABLES``) for a batch of scoreable articles.

    ``pipeline.score_articles``: the per-article stages of ``pipeline.build_tables``; the outlet-level
    table (pooled over the whole corpus) and the manifest are built by the caller.
    ``digest`` (if given) must match this worker's lexicons + method, else ``ScaleError``.
    """
    actor_lexicon, frame_lexicon, worker_digest = _worker_state(method)
    if digest is not None and digest != worker_digest:
        raise ScaleError(f"worker pid {os.getpid()} has different lexicon files or code version "
                         f"({worker_digest} != {digest}); install the same checkout on every worker")
    _, tables = pipeline.score_articles(articles, actor_lexicon, frame_lexicon, method)
    if tables["sentences"].empty:  # nothing left to score: typed empty parts keep the Parquet schema
        return {name: _empty_tables()[name] for name in BATCH_TABLES}
    return {name: sort_table(name, table) for name, table in tables.items()}


def sort_table(name: str, table: pd.DataFrame) -> pd.DataFrame:
    """``table`` sorted by ``pipeline.TABLE_KEYS[name]`` (stable), index reset."""
    keys = [key for key in pipeline.TABLE_KEYS.get(name, []) if key in table.columns]
    return table.sort_values(keys, kind="stable").reset_index(drop=True) if keys else table.reset_index(drop=True)


def _concat(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if f is not None]
    non_empty = [f for f in frames if len(f)]
    if not non_empty:
        return frames[0].iloc[0:0] if frames else pd.DataFrame()
    return pd.concat(non_empty, ignore_index=True) if len(non_empty) > 1 else non_empty[0]


# ----------------------------------------------------------------------------- engines
class _Engine:
    """submit(batch) -> handle; result(handle) -> tables. Results are consumed in submission order."""

    workers = 1

    def submit(self, articles: pd.DataFrame, method: str, digest: str):
        return score_batch(articles, method, digest)

    def result(self, handle) -> dict[str, pd.DataFrame]:
        return handle

    def close(self) -> None:
        pass


class _LocalPool(_Engine):
    """Worker processes (joblib's loky: spawn-safe, reused across calls, one lexicon load each)."""

    def __init__(self, jobs: int):
        from joblib.externals.loky import get_reusable_executor

        self.workers = jobs
        self.executor = get_reusable_executor(max_workers=jobs, timeout=60)

    def submit(self, articles, method, digest):
        return self.executor.submit(score_batch, articles, method, digest)

    def result(self, handle):
        return handle.result()

    def close(self):
        self.executor.shutdown(wait=True)   # workers exit (and are reaped) when the run ends


class _DaskEngine(_Engine):
    """dask.distributed: ``Client(scheduler)`` or a LocalCluster of ``jobs`` single-threaded workers."""

    def __init__(self, jobs: int, scheduler: str | None, processes: bool = True):
        from dask.distributed import Client, LocalCluster

        self.cluster = None
        logging.getLogger("distributed").setLevel(logging.WARNING)  # no per-worker INFO chatter on stderr
        if scheduler:
            self.client = Client(scheduler)
        else:
            self.cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=processes,
                                        dashboard_address=None, silence_logs=logging.WARNING)
            self.client = Client(self.cluster)
        self.workers = max(1, sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values()))

    def submit(self, articles, method, digest):
        return self.client.submit(score_batch, articles, method, digest, pure=False)

    def result(self, handle):
        return handle.result()

    def close(self):
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_engine(engine: str, jobs: int, scheduler: str | None = None, dask_processes: bool = True) -> _Engine:
    if engine == "local":
        if scheduler:
            raise ScaleError("--scheduler is only used with --engine dask")
        return _Engine() if jobs <= 1 else _LocalPool(jobs)
    if engine == "dask":
        return _DaskEngine(jobs, scheduler, processes=dask_processes)
    raise ScaleError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")


# ----------------------------------------------------------------------------- staged output
def _arrow(table: pd.DataFrame) -> pa.Table:
    """pandas -> Arrow with one canonical type per column kind (all strings as ``string``)."""
    at = pa.Table.from_pandas(table, preserve_index=False)
    fields = [pa.field(f.name, pa.string()) if (pa.types.is_large_string(f.type) or pa.types.is_null(f.type))
              else f for f in at.schema]
    return at.cast(pa.schema(fields))


class _Parts:
    """Per-table Parquet parts under the staging dir, one per batch, in input order."""

    def __init__(self, stage: Path):
        self.dir = stage / _PARTS_DIR
        self.count = 0
        self.empty = _empty_tables()

    def add(self, tables: dict[str, pd.DataFrame]) -> None:
        for name, table in tables.items():
            if len(table):  # parts live in the stage: nothing is visible in DIR until publication
                (self.dir / name).mkdir(parents=True, exist_ok=True)
                pq.write_table(_arrow(table), self.dir / name / f"part-{self.count:07d}.parquet")
        self.count += 1

    def paths(self, name: str) -> list[Path]:
        return sorted((self.dir / name).glob("part-*.parquet")) if (self.dir / name).is_dir() else []

    def read(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        paths = self.paths(name)
        if not paths:
            return self.empty[name][columns] if columns else self.empty[name]
        tables = [pq.read_table(p, columns=columns) for p in paths]
        return pa.concat_tables(tables, promote_options="permissive").to_pandas()

    def write_parquet(self, name: str, target: Path) -> None:
        """Concatenate the parts into one file, one part (row group) in memory at a time."""
        paths = self.paths(name)
        if not paths:
            pq.write_table(_arrow(self.empty[name]), target)
            return
        schema = pa.unify_schemas([pq.read_schema(p).remove_metadata() for p in paths],
                                  promote_options="permissive")
        with pq.ParquetWriter(target, schema) as writer:
            for path in paths:
                writer.write_table(pq.read_table(path).cast(schema))

    def drop(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


def _pass_through(article_rows: pd.DataFrame, batch: pd.DataFrame) -> pd.DataFrame:
    """Article rows with their ``PASS_THROUGH_FIELDS`` taken from the current input batch."""
    current = batch.set_index("article_id")
    article_rows = article_rows.copy()
    for field in PASS_THROUGH_FIELDS:
        article_rows[field] = article_rows["article_id"].map(current[field]).astype(current[field].dtype)
    return article_rows


def _outlet_actor_tone(parts: _Parts, actor_names: Sequence[str], method: str) -> pd.DataFrame:
    """``tone.outlet_actor_tone`` from the written parts, one outlet at a time (bounded memory)."""
    articles = parts.read("articles", ["article_id", "outlet"])
    mentions = parts.read("mentions", OUTLET_TONE_MENTION_COLUMNS)
    if articles.empty:
        return _empty_tables()["outlet_actor_tone"]
    tables = []
    for outlet, group in articles.groupby("outlet", sort=True):
        outlet_mentions = mentions[mentions["article_id"].isin(group["article_id"])]
        tables.append(tone.outlet_actor_tone(outlet_mentions, group, actor_names, method))
    return sort_table("outlet_actor_tone", pd.concat(tables, ignore_index=True))


# ----------------------------------------------------------------------------- the run
def estimate_total(path: Path | str | None) -> int | None:
    """Cheap article count for the progress bar's ETA (None when not cheap, e.g. CSV)."""
    path = Path(path) if path is not None else config.RAW_ARTICLES_DIR
    if path.is_dir():
        return sum(1 for p in path.iterdir() if not p.name.startswith(".") and
                   p.suffix.lower() in corpus.TEXT_SUFFIXES + corpus.HTML_SUFFIXES)
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        with path.open("rb") as fh:
            return sum(1 for line in fh if line.strip())
    if suffix == ".parquet":
        return pq.ParquetFile(path).metadata.num_rows
    return None


def score_corpus(corpus_path: Path | str | None, out_dir: Path | str, *, jobs: int | None = None,
                 engine: str = "local", scheduler: str | None = None, method: str | None = None,
                 batch_size: int = DEFAULT_BATCH_SIZE, fmt: str = "parquet", use_cache: bool = True,
                 cache_dir: Path | str | None = None, metadata: Path | str | None = None,
                 progress: bool = True, dask_processes: bool = True) -> Summary:
    """Score a corpus streaming, write every study table into ``out_dir`` atomically; return a Summary."""
    started = time.perf_counter()
    method = method or DEFAULT_TONE_METHOD
    if fmt not in FORMATS:
        raise ScaleError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if method not in tone.METHOD_NAMES:
        raise ScaleError(f"unknown tone method {method!r}; choose one of {', '.join(tone.METHOD_NAMES)}")
    jobs = jobs or os.cpu_count() or 1
    out_dir = Path(out_dir)
    actor_names = list(_worker_state(method)[0].names)
    digest = config_digest(method)
    cache = Cache(Path(cache_dir) if cache_dir else out_dir / CACHE_DIR_NAME, digest) if use_cache else None
    summary = Summary(tone_method=method, out_dir=out_dir)
    runner = make_engine(engine, jobs, scheduler, dask_processes)
    max_in_flight = max(1, runner.workers * IN_FLIGHT_PER_WORKER)
    bar = tqdm(total=estimate_total(corpus_path) if progress else None, desc="scoring", unit="article",
               disable=not progress, file=sys.stderr, smoothing=0.1)
    try:
        with io.staged_output_dir(out_dir) as stage:
            parts = _Parts(stage)
            pending: collections.deque = collections.deque()

            def finish(item) -> None:
                batch, miss_keys, miss_ids, cached, handle = item
                tables = cached
                if handle is not None:
                    computed = runner.result(handle)
                    if cache is not None:
                        cache.write(miss_keys, miss_ids, computed)
                    tables = {name: sort_table(name, _concat([cached[name], computed[name]]))
                              for name in BATCH_TABLES} if cached else computed
                if cached is not None:
                    tables["articles"] = _pass_through(tables["articles"], batch)
                manifest = pipeline.manifest_table(batch, tables["articles"])
                parts.add({"manifest": manifest, **tables})
                counts = manifest["status"].value_counts()
                summary.n_in += len(batch)
                summary.n_scored += int(counts.get(corpus.STATUS_SCORED, 0))
                summary.n_skipped += int(counts.get(corpus.STATUS_SKIPPED, 0))
                bar.update(len(batch))

            for batch in corpus.iter_corpus(corpus_path, metadata, batch_size=batch_size):
                scoreable = batch[batch["status"] == corpus.STATUS_SCORED].reset_index(drop=True)
                keys = article_keys(scoreable, digest) if cache is not None else []
                hit = cache.lookup(keys) if cache is not None else [False] * len(scoreable)
                n_hit = sum(hit)
                cached = cache.read([k for k, h in zip(keys, hit) if h], parts.empty) if n_hit else None
                miss = [not h for h in hit]
                misses = scoreable[miss] if n_hit else scoreable
                miss_keys = [k for k, m in zip(keys, miss) if m]
                handle = runner.submit(misses, method, digest) if len(misses) else None
                if handle is None and cached is None:
                    cached = {name: parts.empty[name] for name in BATCH_TABLES}
                summary.n_cached += n_hit
                summary.n_computed += len(misses)
                pending.append((batch, miss_keys, misses["article_id"].tolist(), cached, handle))
                while len(pending) >= max_in_flight:
                    finish(pending.popleft())
            while pending:
                finish(pending.popleft())

            # The whole input is consumed: only now assemble the final tables in the stage.
            outlet_tone = _outlet_actor_tone(parts, actor_names, method)
            for name in OUTPUT_TABLES:
                # Plain writes are enough inside the stage: nothing there is visible until published.
                if fmt == "csv":
                    table = outlet_tone if name == "outlet_actor_tone" else sort_table(name, parts.read(name))
                    (stage / f"{name}.csv").write_bytes(io.to_csv_bytes(table))
                elif name == "outlet_actor_tone":
                    pq.write_table(_arrow(outlet_tone), stage / f"{name}.parquet")
                else:
                    parts.write_parquet(name, stage / f"{name}.parquet")
            parts.drop()
    finally:
        bar.close()
        runner.close()
    assert summary.n_in == summary.n_scored + summary.n_skipped
    summary.seconds = time.perf_counter() - started
    return summary


def _empty_tables() -> dict[str, pd.DataFrame]:
    """Zero-row tables with the study's columns (``tone`` aggregation cannot take zero articles)."""
    columns = {
        "articles": pipeline.ARTICLE_COLUMNS,
        "manifest": corpus.MANIFEST_COLUMNS,
        "sentences": pipeline.SENTENCE_COLUMNS,
        "mentions": pipeline.MENTION_COLUMNS,
        "frame_hits": frame_matching.FRAME_HIT_COLUMNS,
        "article_actor_tone": ["article_id", "outlet"] + tone.AGGREGATE_COLUMNS,
        "frame_rates": frame_matching.FRAME_RATE_COLUMNS,
        "actor_frames": frame_matching.ACTOR_FRAME_COLUMNS,
        "outlet_actor_tone": ["outlet", "n_articles"] + tone.AGGREGATE_COLUMNS,
    }
    return {name: pd.DataFrame(columns=list(cols)) for name, cols in columns.items()}


# ----------------------------------------------------------------------------- CLI
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analysis score", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True,
                        help="folder of .txt/.html files (optional articles.csv inside), or a CSV/JSONL/Parquet file")
    parser.add_argument("--metadata", type=Path, default=None, help="articles.csv for a folder corpus")
    parser.add_argument("--out", type=Path, required=True, help="output directory (tables + cache/)")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: every core)")
    parser.add_argument("--engine", choices=ENGINES, default="local")
    parser.add_argument("--scheduler", default=None,
                        help="dask scheduler address (tcp://host:8786); default: a LocalCluster of --jobs workers")
    parser.add_argument("--tone-method", default=DEFAULT_TONE_METHOD,
                        help=f"tone method (default: {DEFAULT_TONE_METHOD}); one of {', '.join(tone.METHOD_NAMES)}")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="articles per task")
    parser.add_argument("--format", dest="fmt", choices=FORMATS, default="parquet",
                        help="table format; csv loads each table whole (small runs)")
    parser.add_argument("--cache-dir", type=Path, default=None, help=f"cache location (default: OUT/{CACHE_DIR_NAME})")
    parser.add_argument("--no-cache", action="store_true", help="score everything, read and write no cache")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.batch_size < 1:
        print("error: --batch-size must be >= 1", file=sys.stderr)
        return 2
    try:
        summary = score_corpus(args.corpus, args.out, jobs=args.jobs, engine=args.engine,
                               scheduler=args.scheduler, method=args.tone_method, batch_size=args.batch_size,
                               fmt=args.fmt, use_cache=not args.no_cache, cache_dir=args.cache_dir,
                               metadata=args.metadata, progress=not args.quiet)
    except (corpus.CorpusError, lexicons.LexiconError, ScaleError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(summary.line())
    print(f"scoring: {summary.n_computed} scored now + {summary.n_cached} from cache; "
          f"tone method: {summary.tone_method}; {summary.seconds:.1f} s "
          f"({summary.n_in / summary.seconds if summary.seconds else 0:.1f} articles/s)")
    print(f"tables: {summary.out_dir}")
    return 0

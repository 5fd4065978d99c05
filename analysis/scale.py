"""Score a large corpus batch by batch, on all local cores or on a Dask cluster, with a content-hash cache.

    python -m analysis score --corpus PATH --out DIR [--jobs N] [--engine local|dask]
                             [--scheduler ADDRESS] [--tone-method NAME] [--batch-size N]
                             [--format parquet|csv] [--cache-dir DIR | --no-cache]

The corpus is streamed with ``corpus.iter_corpus`` (never all in memory). Each batch goes to a
worker (``process_batch``), which scores its articles with the study's own stage functions
(``pipeline.score_articles``), and -- the workers being on this machine -- writes the batch's table
parts and cache entries itself, returning only counts; the client only reads input and keeps the
workers fed. ``outlet_actor_tone`` pools sentences across articles, so it is computed at the end
from the sentence x actor units each worker wrote for its batch (a scratch table) and the written
``articles`` parts, its outlet x actor cells summarised in parallel tasks.

Output (``DIR``): one entry per study table -- ``articles, manifest, sentences, mentions,
frame_hits, article_actor_tone, frame_rates, actor_frames, outlet_actor_tone``. Parquet (default):
each table is a Parquet dataset, a folder ``<table>.parquet/`` of one part per batch
(``part-0000001.parquet`` ...; ``pandas.read_parquet``, pyarrow, Dask, DuckDB and Spark read the
folder as one table). CSV (``--format csv``, small runs): one sorted ``<table>.csv`` each.
Everything is written into a staging directory and moved into ``DIR`` only after the whole input
was consumed and every table written, so a crash (or a duplicate id in the last batch) leaves
``DIR`` as it was; a table folder is replaced whole, never merged with an older run's parts.

Row order: CSV tables are sorted by their key columns (``pipeline.TABLE_KEYS``), like the study's.
Parquet parts are in input order, each sorted by its keys; a table is globally sorted when the
input is in ``article_id`` order (sort on read otherwise).

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
import gc
import hashlib
import json
import logging
import os
import shutil
import sys
import time
import uuid
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from tqdm.auto import tqdm

from analysis import config, corpus, io, lexicons, pipeline, tone
from analysis import frames as frame_matching

# Bump when the tables' schemas or the scoring code change in a way that changes results: every
# cache entry made under another version is ignored.
SCHEMA_VERSION = "scale-2"   # scale-2: mentions gained role, construction; the relations table
# The cheapest *target-aware* method (each actor in a sentence gets its own tone); vader_sentence
# is cheaper but gives every actor in a sentence the same score. Never the MiniLM method by default:
# it embeds every mention and is orders of magnitude slower (see the bench figures in the README).
DEFAULT_TONE_METHOD = "lexicon_attribution"
# Articles per task. The stage functions are pandas-vectorised per call, so fixed per-call overhead
# (about 20 ms a task) is amortised over a batch: 500 articles (~15,000 sentences) measured about
# 10% less CPU per article than 200, and keeps a task's tables to tens of MB (memory bounded).
DEFAULT_BATCH_SIZE = 500
# Tasks queued per worker: one running, one waiting, so a worker never idles while the main
# process reads the next batch; memory holds at most (workers x this + 1) batches.
IN_FLIGHT_PER_WORKER = 2
# Smallest task. Once fewer than (workers x batch size) articles remain, each task takes a share
# of what is left ("guided self-scheduling": remaining / (2 x workers)), down to this size, so
# the workers finish together without paying the per-task overhead on many tiny tasks.
TAIL_BATCH_SIZE = 50
ENGINES = ("local", "dask")
FORMATS = ("parquet", "csv")
# Tables scored per batch (the batch's manifest is built beside them; outlet_actor_tone at the end).
# ``relations`` has rows only for a role-aware tone method (the parse is what costs: see README).
BATCH_TABLES = ("articles", "sentences", "mentions", "frame_hits", "article_actor_tone", "frame_rates",
                "actor_frames", "relations")
OUTPUT_TABLES = ("articles", "manifest", "sentences", "mentions", "frame_hits", "article_actor_tone",
                 "frame_rates", "actor_frames", "outlet_actor_tone", "relations")
# Article fields the scoring reads: a change in any of them re-scores the article.
CACHE_KEY_FIELDS = ("article_id", "outlet", "text")
# Fields copied through to the articles / manifest tables unchanged: always taken from the current
# input, so fixing a title or moving the corpus file re-scores nothing.
PASS_THROUGH_FIELDS = ("outlet_label", "outlet_confidence", "outlet_group", "published", "title", "raw_path")
# Columns of ``mentions`` that ``tone.outlet_actor_tone`` reads (via sentence_actor_tone).
OUTLET_TONE_MENTION_COLUMNS = ["article_id", "sentence_index", "actor", "voice", "tone", "tone_label"]
# Each batch's sentence x actor units (``tone.sentence_actor_tone`` of its mentions, the columns
# ``tone.outlet_actor_tone_of_units`` reads), written by the worker beside the table parts: outlet
# pooling at the end then reads them instead of re-deriving them from every mention in one process
# (at 100,000 articles that took ~1 s and ~170 MB at the end of the run). A scratch table, never
# published.
UNITS_TABLE = "_outlet_units"
UNIT_COLUMNS = ["article_id", "actor", *tone.CELL_UNIT_COLUMNS]
# Outlet-level pooling at the end of a run: tasks per worker, each summarizing a group of outlet x
# actor cells of similar total size; enough to balance the workers without many tiny tasks.
OUTLET_TASKS_PER_WORKER = 4
CACHE_DIR_NAME = "cache"
_PARTS_DIR = ".parts"
_INDEX = "index"


class ScaleError(RuntimeError):
    """The scoring run cannot proceed (bad option, worker / lexicon mismatch)."""


@dataclasses.dataclass
class BatchCounts:
    """Articles read, scored / skipped, and scored now / taken from the cache (one batch or a run)."""

    n_in: int = 0
    n_scored: int = 0
    n_skipped: int = 0
    n_computed: int = 0
    n_cached: int = 0

    def add(self, other: "BatchCounts") -> None:
        for field in dataclasses.fields(BatchCounts):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


@dataclasses.dataclass
class Summary(BatchCounts):
    """What a run did; ``n_in == n_scored + n_skipped`` always."""

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
    if pipeline.role_aware(method):      # roles read the verb and cue lexicons and the parser
        parts += [_file_digest(config.VERBS_YAML), _file_digest(config.STANCE_CUES_YAML), version("spacy")]
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


# Where the cache holds one article's rows: (part name, article_id).
CacheLocation = tuple[str, str]


class Cache:
    """The cache index: ``<root>/<config digest>/{index,<table>}/<part>.parquet``.

    A part holds one scored batch (``write_cache_part``); its index part (``cache_key, article_id``)
    is written last, so only complete parts are ever looked up. The client loads the index once and
    tells each batch where its hits are; workers read and write the parts themselves.
    """

    def __init__(self, root: Path, digest: str):
        self.dir = Path(root) / digest
        self.index: dict[str, CacheLocation] = {}
        index_dir = self.dir / _INDEX
        if index_dir.is_dir():
            for path in sorted(index_dir.glob("*.parquet")):
                table = pq.read_table(path, columns=["cache_key", "article_id"])
                for key, article_id in zip(table["cache_key"].to_pylist(), table["article_id"].to_pylist()):
                    self.index[key] = (path.stem, article_id)

    def locate(self, keys: Sequence[str]) -> list[CacheLocation | None]:
        return [self.index.get(key) for key in keys]


def read_cache_rows(cache_dir: Path, locations: Sequence[CacheLocation]) -> dict[str, pd.DataFrame]:
    """The cached rows of every ``BATCH_TABLES`` table for these articles."""
    by_part: dict[str, list[str]] = collections.defaultdict(list)
    for part, article_id in locations:
        by_part[part].append(article_id)
    empty = _empty_tables()
    out = {}
    for name in BATCH_TABLES:
        frames = []
        for part, ids in sorted(by_part.items()):
            path = Path(cache_dir) / name / f"{part}.parquet"
            if path.exists():  # a part whose articles had no rows of this table has no file
                frames.append(pq.read_table(path, filters=[("article_id", "in", ids)]).to_pandas())
        out[name] = _concat([empty[name], *frames])
    return out


def write_cache_part(cache_dir: Path, keys: Sequence[str], article_ids: Sequence[str],
                     tables: dict[str, pd.DataFrame]) -> None:
    """Store one scored batch: table parts first, then the index part that makes them visible."""
    part = uuid.uuid4().hex
    for name in BATCH_TABLES:
        if len(tables[name]):
            io.write_parquet_atomic(tables[name], Path(cache_dir) / name / f"{part}.parquet")
    index = pd.DataFrame({"cache_key": list(keys), "article_id": list(article_ids)})
    io.write_parquet_atomic(index, Path(cache_dir) / _INDEX / f"{part}.parquet")


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


# ----------------------------------------------------------------------------- the batch task
@dataclasses.dataclass(frozen=True)
class BatchJob:
    """Everything a worker needs besides the articles: where one batch's results go.

    ``number`` orders the parts (input order); ``parts_dir`` is the run's staging area for table
    parts and ``cache_dir`` the cache's digest folder (None: no cache). Both must be reachable from
    the process that runs ``process_batch`` (a worker on this machine, or the client).
    """

    number: int
    method: str
    digest: str
    parts_dir: Path
    cache_dir: Path | None = None


def process_batch(batch: pd.DataFrame, keys: Sequence[str], hits: Sequence[CacheLocation | None],
                  job: BatchJob, computed: dict[str, pd.DataFrame] | None = None) -> BatchCounts:
    """Score one input batch and write its table parts (and cache entries); return its counts.

    ``keys`` / ``hits``: per scoreable article (``status == scored``, in batch order), its cache key
    and where the cache holds its rows (None: score it). ``computed``: the misses' tables when they
    were scored elsewhere (a remote Dask worker); by default they are scored here. Runs in a worker
    process when the workers share this machine's filesystem, else in the client.
    """
    scoreable = batch[batch["status"] == corpus.STATUS_SCORED].reset_index(drop=True)
    if len(hits) != len(scoreable):
        raise ScaleError(f"batch {job.number}: {len(hits)} cache lookups for {len(scoreable)} articles")
    miss = [location is None for location in hits]
    misses = scoreable[miss] if not all(miss) else scoreable
    if computed is None:
        computed = score_batch(misses, job.method, job.digest) if len(misses) else None
    if computed is not None and job.cache_dir is not None:
        write_cache_part(job.cache_dir, [k for k, m in zip(keys, miss) if m], misses["article_id"].tolist(),
                         computed)
    located = [location for location in hits if location is not None]
    if located:
        cached = read_cache_rows(job.cache_dir, located)
        cached["articles"] = _pass_through(cached["articles"], batch)
        tables = {name: sort_table(name, _concat([cached[name]] + ([computed[name]] if computed else [])))
                  for name in BATCH_TABLES}
    else:
        tables = computed if computed is not None else _empty_tables()
    manifest = pipeline.manifest_table(batch, tables["articles"])
    units = tone.sentence_actor_tone(tables["mentions"][OUTLET_TONE_MENTION_COLUMNS])[UNIT_COLUMNS]
    write_parts(job.parts_dir, job.number, {"manifest": manifest, UNITS_TABLE: units,
                                            **{n: tables[n] for n in BATCH_TABLES}})
    _release_arrow_memory()
    statuses = manifest["status"].value_counts()
    return BatchCounts(n_in=len(batch), n_scored=int(statuses.get(corpus.STATUS_SCORED, 0)),
                       n_skipped=int(statuses.get(corpus.STATUS_SKIPPED, 0)),
                       n_computed=len(misses), n_cached=len(located))


# ----------------------------------------------------------------------------- engines
class _Engine:
    """In-process: ``submit(fn, *args)`` runs ``fn`` at once; ``result`` returns its value.

    ``shares_filesystem``: the workers see this machine's files, so they write their batch's parts
    and cache entries themselves and send back only counts (the client never becomes the bottleneck).
    """

    workers = 1
    shares_filesystem = True

    def submit(self, fn, *args):
        return fn(*args)

    def result(self, handle):
        return handle

    def close(self) -> None:
        pass


class _LocalPool(_Engine):
    """Worker processes on this machine, each scoring whole batches.

    On Linux they are forked from this process, which has already imported the package and loaded
    the lexicons and the tone scorer, so a worker starts in milliseconds instead of re-importing
    pandas and re-reading the lexicons (about a second of CPU each). Elsewhere (macOS, Windows,
    where forking a process that uses system frameworks is unsafe) joblib's loky spawns them.
    """

    def __init__(self, jobs: int):
        self.workers = jobs
        if sys.platform.startswith("linux"):
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.executor = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"))
            # Fork now, while this process runs no other thread (the progress bar's monitor and
            # Arrow's I/O pool start later): a fork never copies a lock another thread holds.
            # The objects inherited from this process (pandas, the lexicons) are frozen for the
            # workers' garbage collector: it no longer re-traverses them (a third of its time)
            # or touches their shared pages.
            gc.freeze()
            try:
                self.executor.submit(os.getpid).result()
            finally:
                gc.unfreeze()
        else:
            from joblib.externals.loky import get_reusable_executor

            self.executor = get_reusable_executor(max_workers=jobs, timeout=60)

    def submit(self, fn, *args):
        return self.executor.submit(fn, *args)

    def result(self, handle):
        return handle.result()

    def close(self):
        self.executor.shutdown(wait=True)   # workers exit (and are reaped) when the run ends


class _DaskEngine(_Engine):
    """dask.distributed: ``Client(scheduler)`` or a LocalCluster of ``jobs`` single-threaded workers.

    A remote cluster's workers may not see this machine's disk: they only score, and the client
    writes (``shares_filesystem`` False). A LocalCluster's workers write their own parts.
    """

    def __init__(self, jobs: int, scheduler: str | None, processes: bool = True):
        from dask.distributed import Client, LocalCluster

        self.cluster = None
        logging.getLogger("distributed").setLevel(logging.WARNING)  # no per-worker INFO chatter on stderr
        if scheduler:
            self.client = Client(scheduler)
            self.shares_filesystem = False
        else:
            self.cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=processes,
                                        dashboard_address=None, silence_logs=logging.WARNING)
            self.client = Client(self.cluster)
        self.workers = max(1, sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values()))

    def submit(self, fn, *args):
        return self.client.submit(fn, *args, pure=False)

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


def _release_arrow_memory() -> None:
    """Hand the memory Arrow's allocator keeps from freed buffers (Parquet encoding and decoding
    scratch) back to the system: it held ~60 MB per process after reading or writing parts, which
    a long run's peak memory otherwise carries."""
    pa.default_memory_pool().release_unused()


def table_dir(parts_dir: Path, name: str) -> Path:
    """The folder of one table's parts: ``<name>.parquet/part-<batch>.parquet``, a Parquet dataset."""
    return Path(parts_dir) / f"{name}.parquet"


def write_parts(parts_dir: Path, number: int, tables: dict[str, pd.DataFrame]) -> None:
    """Write batch ``number``'s rows of each table as one Parquet part (tables with no rows: none).

    The table folders are made by the client before any batch runs; a worker only adds files, so
    a worker still running after a failed run was cleaned up cannot re-create its staging folder.
    """
    for name, table in tables.items():
        if len(table):
            pq.write_table(_arrow(table), table_dir(parts_dir, name) / f"part-{number:07d}.parquet")


def _part_paths(parts_dir: Path, name: str) -> list[Path]:
    return sorted(table_dir(parts_dir, name).glob("part-*.parquet"))


def read_parts(parts_dir: Path, name: str, columns: list[str] | None = None,
               categorical: Sequence[str] = ()) -> pd.DataFrame:
    """One table's parts, concatenated in batch order (only ``columns`` if given; the string columns
    ``categorical`` read dictionary-encoded, as pandas categoricals: a few bytes a row)."""
    paths = _part_paths(parts_dir, name)
    if not paths:
        empty = _empty_tables()[name]
        return empty[columns] if columns else empty
    tables = [pq.read_table(p, columns=columns, read_dictionary=list(categorical) or None) for p in paths]
    return pa.concat_tables(tables, promote_options="permissive").to_pandas()


def finalize_dataset(parts_dir: Path, name: str) -> None:
    """Make one table's folder a consistent Parquet dataset: one schema in every part, never empty.

    Parts are written independently, so a column that is all-null in one batch could get another
    Arrow type there; such parts are rewritten with the unified schema (metadata-only check first).
    """
    paths = _part_paths(parts_dir, name)
    if not paths:
        pq.write_table(_arrow(_empty_tables()[name]), table_dir(parts_dir, name) / f"part-{0:07d}.parquet")
        return
    schemas = [pq.read_schema(p).remove_metadata() for p in paths]
    if all(schema.equals(schemas[0]) for schema in schemas[1:]):
        return
    unified = pa.unify_schemas(schemas, promote_options="permissive")
    for path, schema in zip(paths, schemas):
        if not schema.equals(unified):
            pq.write_table(pq.read_table(path).cast(unified), path)


def _pass_through(article_rows: pd.DataFrame, batch: pd.DataFrame) -> pd.DataFrame:
    """Article rows with their ``PASS_THROUGH_FIELDS`` taken from the current input batch."""
    current = batch.set_index("article_id")
    article_rows = article_rows.copy()
    for field in PASS_THROUGH_FIELDS:
        article_rows[field] = article_rows["article_id"].map(current[field]).astype(current[field].dtype)
    return article_rows


def _outlet_actor_tone(parts_dir: Path, actor_names: Sequence[str], method: str, runner: _Engine) -> pd.DataFrame:
    """``tone.outlet_actor_tone`` from the written parts, its cells summarized in tasks on the workers.

    Each cell's summary depends only on its own sentences (``tone.cell_summaries``), so cells
    computed apart equal the study's single call; the pooled bootstraps are the costly part of the
    run's tail and run in parallel.
    """
    articles = read_parts(parts_dir, "articles", ["article_id", "outlet"])
    if articles.empty:
        return _empty_tables()["outlet_actor_tone"]
    # Categoricals: the string columns of ~6 units per article would otherwise dominate the
    # client's memory at the end of a large run (and lookups in them are by category).
    units = _units_in_key_order(read_parts(parts_dir, UNITS_TABLE,
                                           categorical=["article_id", "actor", "voice", "tone_label"]))
    _release_arrow_memory()
    table = tone.outlet_actor_tone_of_units(units, articles, actor_names, method,
                                            summarize_cells=functools.partial(_cell_summaries_in_tasks, runner))
    return sort_table("outlet_actor_tone", table)


def _units_in_key_order(units: pd.DataFrame) -> pd.DataFrame:
    """The batches' units in the order ``tone.sentence_actor_tone`` gives the whole corpus's
    (article, sentence, actor): each batch's are in that order and an article's units are in one
    batch, so a stable sort by article id suffices, and none when the batches came in id order."""
    ids = pa.array(units["article_id"])
    if pa.types.is_dictionary(ids.type):
        ids = ids.dictionary_decode()
    if len(ids) < 2 or pc.all(pc.less_equal(ids[:-1], ids[1:])).as_py():
        return units
    return units.take(pc.sort_indices(ids).to_numpy()).reset_index(drop=True)


def _cell_summaries_in_tasks(runner: _Engine, units: pd.DataFrame, unit_cell: np.ndarray,
                             n_cells: int) -> dict[str, np.ndarray]:
    """``tone.cell_summaries``, the cells split into tasks of similar numbers of units (sentences)."""
    counted = unit_cell[unit_cell >= 0]
    groups = balanced_groups(pd.Series(np.bincount(counted, minlength=n_cells)),
                             runner.workers * OUTLET_TASKS_PER_WORKER)
    units = units[[tone.CLUSTER_COLUMN, *tone.CELL_UNIT_COLUMNS]]

    def tasks():       # built one at a time: only the tasks in flight hold a copy of their units
        for cells in groups:
            task_cell = np.full(n_cells + 1, -1)       # the last entry maps "counted nowhere" (-1)
            task_cell[cells] = np.arange(len(cells))
            rows = np.flatnonzero(task_cell[unit_cell] >= 0)
            yield runner.submit(tone.cell_summaries, units.take(rows).reset_index(drop=True),
                                task_cell[unit_cell[rows]], len(cells))

    columns: dict[str, np.ndarray] = {}
    for cells, summaries in zip(groups, _in_submission_order(runner, tasks(), runner.result)):
        for name, values in summaries.items():
            columns.setdefault(name, np.empty(n_cells, dtype=values.dtype))[cells] = values
    return columns


def _in_submission_order(runner: _Engine, submitted: Iterable, collect) -> Iterator:
    """``collect(item)`` for each item of ``submitted``, in order, pulling (and so submitting) new
    items only while fewer than ``IN_FLIGHT_PER_WORKER`` per worker are waiting to be collected."""
    max_in_flight = max(1, runner.workers * IN_FLIGHT_PER_WORKER)
    pending: collections.deque = collections.deque()
    for item in submitted:
        pending.append(item)
        if len(pending) >= max_in_flight:
            yield collect(pending.popleft())
    while pending:
        yield collect(pending.popleft())


def balanced_groups(weights: pd.Series, n_groups: int) -> list[list]:
    """Split the index of ``weights`` into at most ``n_groups`` groups of similar total weight.

    Longest-processing-time-first: heaviest item to the lightest group (ties: lower group number).

    >>> balanced_groups(pd.Series({"a": 5, "b": 4, "c": 3, "d": 1}), 2)
    [['a', 'd'], ['b', 'c']]
    """
    n_groups = max(1, min(n_groups, len(weights)))
    groups: list[list] = [[] for _ in range(n_groups)]
    totals = [0] * n_groups
    for item, weight in sorted(weights.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        lightest = totals.index(min(totals))
        groups[lightest].append(item)
        totals[lightest] += weight
    return [group for group in groups if group]


# ----------------------------------------------------------------------------- the run
def estimate_total(path: Path | str | None) -> int | None:
    """Cheap article count for the progress bar's ETA and the size of the last tasks (None when not
    cheap, e.g. CSV, or when the path cannot be read: the corpus reader reports that properly)."""
    path = Path(path) if path is not None else config.RAW_ARTICLES_DIR
    try:
        if path.is_dir():
            return sum(1 for p in path.iterdir() if not p.name.startswith(".") and
                       p.suffix.lower() in corpus.TEXT_SUFFIXES + corpus.HTML_SUFFIXES)
        suffix = path.suffix.lower()
        if suffix in (".jsonl", ".ndjson"):
            with path.open("rb") as fh:
                return sum(1 for line in fh if line.strip())
        if suffix == ".parquet":
            return pq.ParquetFile(path).metadata.num_rows
    except (OSError, pa.ArrowException):
        return None
    return None


def score_corpus(corpus_path: Path | str | None, out_dir: Path | str, *, jobs: int | None = None,
                 engine: str = "local", scheduler: str | None = None, method: str | None = None,
                 batch_size: int = DEFAULT_BATCH_SIZE, fmt: str = "parquet", use_cache: bool = True,
                 cache_dir: Path | str | None = None, metadata: Path | str | None = None,
                 progress: bool = True, dask_processes: bool = True,
                 max_chars: int = config.MAX_ARTICLE_CHARS) -> Summary:
    """Score a corpus streaming, write every study table into ``out_dir`` atomically; return a Summary."""
    started = time.perf_counter()
    method = method or DEFAULT_TONE_METHOD
    if fmt not in FORMATS:
        raise ScaleError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if method not in tone.ALL_METHOD_NAMES:
        raise ScaleError(f"unknown tone method {method!r}; choose one of {', '.join(tone.ALL_METHOD_NAMES)}")
    jobs = jobs or os.cpu_count() or 1
    out_dir = Path(out_dir)
    actor_names = list(_worker_state(method)[0].names)   # also loads what forked workers inherit
    digest = config_digest(method)
    summary = Summary(tone_method=method, out_dir=out_dir)
    datasets = [table_dir(Path(), name).name for name in OUTPUT_TABLES] if fmt == "parquet" else []
    bar = None
    with io.staged_output_dir(out_dir, whole_dirs=datasets) as stage:
        # Parquet: each table is a folder of per-batch parts, published as it is; CSV: the parts
        # are a scratch area, concatenated and sorted into one file per table at the end.
        parts_dir = stage if fmt == "parquet" else stage / _PARTS_DIR
        for name in (*OUTPUT_TABLES, UNITS_TABLE):
            table_dir(parts_dir, name).mkdir(parents=True)
        runner = make_engine(engine, jobs, scheduler, dask_processes)
        try:  # the workers are stopped before the staging folder can be removed
            cache = Cache(Path(cache_dir) if cache_dir else out_dir / CACHE_DIR_NAME, digest) if use_cache else None
            total = estimate_total(corpus_path) if progress or runner.workers > 1 else None
            bar = tqdm(total=total if progress else None, desc="scoring", unit="article",
                       disable=not progress, file=sys.stderr, smoothing=0.1)
            batches = task_batches(corpus.iter_corpus_rows(corpus_path, metadata, max_chars=max_chars),
                                   batch_size, total=total, workers=runner.workers)
            for counts in _run_batches(runner, batches, cache, method, digest, parts_dir):
                summary.add(counts)
                bar.update(counts.n_in)
            # The whole input is consumed: only now pool the outlets.
            outlet_tone = _outlet_actor_tone(parts_dir, actor_names, method, runner)
            shutil.rmtree(table_dir(parts_dir, UNITS_TABLE))
        finally:
            runner.close()
            if bar is not None:
                bar.close()
        if fmt == "csv":
            for name in OUTPUT_TABLES:
                table = outlet_tone if name == "outlet_actor_tone" else sort_table(name, read_parts(parts_dir, name))
                (stage / f"{name}.csv").write_bytes(io.to_csv_bytes(table))
            shutil.rmtree(parts_dir)
        else:
            write_parts(parts_dir, 0, {"outlet_actor_tone": outlet_tone})
            for name in OUTPUT_TABLES:
                finalize_dataset(parts_dir, name)
    assert summary.n_in == summary.n_scored + summary.n_skipped
    summary.seconds = time.perf_counter() - started
    return summary


def task_batches(rows: Iterable[dict], batch_size: int, total: int | None = None, workers: int = 1,
                 min_size: int = TAIL_BATCH_SIZE) -> Iterator[pd.DataFrame]:
    """Article tables (``corpus.articles_frame``) of the input ``rows``, one per task.

    Tasks have ``batch_size`` rows; when the input's size is known (``total``), each task once
    fewer than ``workers`` x ``batch_size`` rows remain takes ``remaining / (2 x workers)`` of
    them, but at least ``min_size`` (never more than ``batch_size``).

    >>> rows = [dict.fromkeys(corpus.ARTICLE_COLUMNS, "x") | {"n_chars": 1} for _ in range(1000)]
    >>> [len(t) for t in task_batches(rows, 200, total=1000, workers=2, min_size=50)]
    [200, 200, 200, 100, 75, 57, 50, 50, 50, 18]
    >>> [len(t) for t in task_batches(rows[:10], 4)]
    [4, 4, 2]
    """
    def next_size(n_sent: int) -> int:
        if total is None or total - n_sent > workers * batch_size:
            return batch_size
        return min(batch_size, max(min_size, -(-(total - n_sent) // (2 * workers))))

    return corpus.batched_frames(rows, next_size)


def _run_batches(runner: _Engine, batches: Iterable[pd.DataFrame], cache: Cache | None, method: str,
                 digest: str, parts_dir: Path) -> Iterator[BatchCounts]:
    """Submit every batch, keeping ``IN_FLIGHT_PER_WORKER`` per worker queued; yield counts in input order."""

    def submitted():
        for number, batch in enumerate(batches, start=1):     # part 0 is outlet_actor_tone's
            scoreable = batch[batch["status"] == corpus.STATUS_SCORED]
            keys = article_keys(scoreable, digest) if cache is not None else [""] * len(scoreable)
            hits = cache.locate(keys) if cache is not None else [None] * len(scoreable)
            job = BatchJob(number, method, digest, parts_dir, cache.dir if cache is not None else None)
            if runner.shares_filesystem:
                yield batch, keys, hits, job, runner.submit(process_batch, batch, keys, hits, job), False
            else:
                misses = scoreable[[hit is None for hit in hits]].reset_index(drop=True)
                handle = runner.submit(score_batch, misses, method, digest) if len(misses) else None
                yield batch, keys, hits, job, handle, True

    def collect(item) -> BatchCounts:
        batch, keys, hits, job, handle, written_here = item
        if written_here:  # a remote worker scored the misses (if any); this process writes the results
            computed = runner.result(handle) if handle is not None else None
            return process_batch(batch, keys, hits, job, computed=computed)
        return runner.result(handle)

    return _in_submission_order(runner, submitted(), collect)


def relation_columns() -> list[str]:
    from analysis import relations
    return relations.RELATION_COLUMNS


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
        "outlet_actor_tone": tone.OUTLET_AGGREGATE_COLUMNS,
        "relations": relation_columns(),
        UNITS_TABLE: UNIT_COLUMNS,
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
                        help=f"tone method (default: {DEFAULT_TONE_METHOD}); one of {', '.join(tone.ALL_METHOD_NAMES)}")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE, help="articles per task")
    parser.add_argument("--format", dest="fmt", choices=FORMATS, default="parquet",
                        help="table format; csv loads each table whole (small runs)")
    parser.add_argument("--cache-dir", type=Path, default=None, help=f"cache location (default: OUT/{CACHE_DIR_NAME})")
    parser.add_argument("--no-cache", action="store_true", help="score everything, read and write no cache")
    parser.add_argument("--max-chars", type=int, default=config.MAX_ARTICLE_CHARS,
                        help=f"skip (never truncate) articles longer than this (default: {config.MAX_ARTICLE_CHARS:,})")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for option, value in (("--batch-size", args.batch_size), ("--max-chars", args.max_chars)):
        if value < 1:
            print(f"error: {option} must be >= 1", file=sys.stderr)
            return 2
    try:
        summary = score_corpus(args.corpus, args.out, jobs=args.jobs, engine=args.engine,
                               scheduler=args.scheduler, method=args.tone_method, batch_size=args.batch_size,
                               fmt=args.fmt, use_cache=not args.no_cache, cache_dir=args.cache_dir,
                               metadata=args.metadata, progress=not args.quiet, max_chars=args.max_chars)
    except (corpus.CorpusError, lexicons.LexiconError, ScaleError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(summary.line())
    print(f"scoring: {summary.n_computed} scored now + {summary.n_cached} from cache; "
          f"tone method: {summary.tone_method}; {summary.seconds:.1f} s "
          f"({summary.n_in / summary.seconds if summary.seconds else 0:.1f} articles/s)")
    print(f"tables: {summary.out_dir}")
    return 0

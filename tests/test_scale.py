"""Streaming scorer: engines agree with each other and with the study pipeline; cache; atomic output."""
from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import bench, config, corpus, io, pipeline, scale, tone

METHOD = scale.DEFAULT_TONE_METHOD
N_SYNTHETIC = 14          # + 5 seed articles + 1 empty (skipped) article = 20
BATCH = 6                 # several batches, the last one short


def _records() -> list[dict]:
    """Five seed articles (with their metadata), 14 NewsMTSC-sentence articles, one empty article."""
    meta = pd.read_csv(config.ARTICLES_CSV, dtype=str, keep_default_na=False)
    records = []
    for row in meta.itertuples():
        text = (config.RAW_ARTICLES_DIR / f"{row.article_id}.txt").read_text(encoding="utf-8")
        records.append({"id": row.article_id, "outlet": row.outlet, "published": row.published,
                        "title": row.title, "text": text})
    for article in bench.synthetic_articles(N_SYNTHETIC):
        article.pop("sentences")
        records.append(article)
    records.insert(7, {"id": "zz_empty", "outlet": "outlet_a", "text": "   "})
    return records


def _write(records: list[dict], path: Path) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


def _tables(directory: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(directory / f"{name}.parquet") for name in scale.OUTPUT_TABLES}


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory) -> Path:
    return _write(_records(), tmp_path_factory.mktemp("corpus") / "corpus.jsonl")


@pytest.fixture(scope="module")
def csv_run(corpus_file, tmp_path_factory) -> tuple[Path, scale.Summary]:
    out = tmp_path_factory.mktemp("csv") / "out"
    summary = scale.score_corpus(corpus_file, out, jobs=1, method=METHOD, batch_size=BATCH, fmt="csv",
                                 use_cache=False, progress=False)
    return out, summary


def test_every_article_accounted_for(csv_run):
    out, summary = csv_run
    assert (summary.n_in, summary.n_scored, summary.n_skipped) == (20, 19, 1)
    assert summary.line() == "articles: 20 in = 19 scored + 1 skipped"
    manifest = pd.read_csv(out / "manifest.csv", keep_default_na=False)
    assert len(manifest) == 20 and manifest.set_index("article_id").at["zz_empty", "status"] == "skipped"
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.csv" for n in scale.OUTPUT_TABLES)


def test_csv_tables_are_byte_identical_to_the_study_pipeline(csv_run, corpus_file):
    """Batched scoring + outlet tone from the parts == pipeline.build_tables on the whole corpus."""
    out, _ = csv_run
    tables = pipeline.build_tables(corpus.load_corpus(corpus_file), method=METHOD, progress=False)
    assert set(tables) == set(scale.OUTPUT_TABLES)
    for name, table in tables.items():
        assert (out / f"{name}.csv").read_bytes() == io.to_csv_bytes(table), name


def test_engines_give_identical_tables(csv_run, corpus_file, tmp_path):
    runs = {
        "local1": dict(engine="local", jobs=1),
        "local2": dict(engine="local", jobs=2),
        "dask": dict(engine="dask", jobs=2, dask_processes=False),
    }
    results = {}
    for label, options in runs.items():
        out = tmp_path / label
        summary = scale.score_corpus(corpus_file, out, method=METHOD, batch_size=BATCH, use_cache=False,
                                     progress=False, **options)
        assert summary.n_in == 20
        results[label] = _tables(out)
    for label in ("local2", "dask"):
        for name in scale.OUTPUT_TABLES:
            pd.testing.assert_frame_equal(results[label][name], results["local1"][name], obj=f"{label} {name}")
    assert len(results["local1"]["mentions"]) > 0 and len(results["local1"]["frame_hits"]) > 0
    # Parquet holds the same rows as the (study-identical) CSV output.
    for name, table in results["local1"].items():
        assert io.to_csv_bytes(scale.sort_table(name, table)) == (csv_run[0] / f"{name}.csv").read_bytes(), name


def test_cache_rescores_only_the_changed_article(tmp_path):
    out = tmp_path / "out"
    path = _write(_records(), tmp_path / "corpus.jsonl")
    first = scale.score_corpus(path, out, jobs=1, method=METHOD, batch_size=BATCH, fmt="csv",
                               progress=False)
    assert (first.n_computed, first.n_cached) == (19, 0)

    records = _records()
    changed = next(r for r in records if r["id"].startswith("syn"))
    changed["text"] = changed["text"].replace(".", ". Russia condemned NATO.", 1)
    records[0]["title"] = "A corrected title"          # pass-through metadata: no re-scoring
    edited = _write(records, path)
    second = scale.score_corpus(edited, out, jobs=1, method=METHOD, batch_size=BATCH, fmt="csv", progress=False)
    assert (second.n_computed, second.n_cached) == (1, 18)

    fresh = tmp_path / "fresh"
    scale.score_corpus(edited, fresh, jobs=1, method=METHOD, batch_size=BATCH, fmt="csv", use_cache=False,
                       progress=False)
    assert _files(out) == _files(fresh)
    assert "A corrected title" in (out / "articles.csv").read_text(encoding="utf-8")
    # The change is visible (the cache did not serve the stale article).
    mentions = pd.read_csv(out / "mentions.csv", keep_default_na=False)
    assert "Russia condemned NATO." in set(mentions.loc[mentions["article_id"] == changed["id"], "sentence"])


def test_cache_key_ignores_provenance_but_not_metadata(corpus_file):
    arts = next(corpus.iter_corpus(corpus_file, batch_size=3))
    digest = scale.config_digest(METHOD)
    keys = scale.article_keys(arts, digest)
    moved = arts.assign(source="elsewhere.jsonl:99", raw_path="elsewhere.jsonl", title="another title")
    assert scale.article_keys(moved, digest) == keys
    for field in ("outlet", "text"):
        changed = arts.assign(**{field: arts[field] + "x"})
        assert all(a != b for a, b in zip(scale.article_keys(changed, digest), keys)), field
    assert all(a != b for a, b in zip(scale.article_keys(arts, scale.config_digest("vader_sentence")), keys))


def _snapshot(parent: Path) -> dict[str, bytes]:
    return {str(p.relative_to(parent)): p.read_bytes() for p in sorted(parent.rglob("*"))
            if p.is_file() and scale.CACHE_DIR_NAME not in p.relative_to(parent).parts}


def test_failure_mid_run_leaves_previous_outputs_intact(corpus_file, tmp_path, monkeypatch):
    parent = tmp_path / "runs"
    out = parent / "out"
    scale.score_corpus(corpus_file, out, jobs=1, method=METHOD, batch_size=BATCH, progress=False)
    before = _snapshot(parent)
    assert sorted(p.name for p in out.iterdir() if p.name != scale.CACHE_DIR_NAME) == \
        sorted(f"{name}.parquet" for name in scale.OUTPUT_TABLES)
    # 4 batches x 8 per-batch tables + the outlet tone part + one empty relations part (a method
    # that is not role-aware gives no relation rows; a table with no rows gets one empty part)
    assert len(before) == 4 * 8 + 1 + 1

    # (1) A duplicate id in the last batch: the corpus raises after earlier batches were scored.
    records = _records() + [dict(_records()[0])]
    with pytest.raises(corpus.CorpusError, match="duplicate article id"):
        scale.score_corpus(_write(records, tmp_path / "dup.jsonl"), out, jobs=1, method=METHOD,
                           batch_size=BATCH, progress=False)
    assert _snapshot(parent) == before
    assert sorted(os.listdir(parent)) == ["out"]          # no staging dir left behind

    # (2) A worker crash in the second batch.
    real = scale.score_batch
    calls = []

    def crash_on_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("simulated worker crash")
        return real(*args, **kwargs)

    monkeypatch.setattr(scale, "score_batch", crash_on_second)
    with pytest.raises(RuntimeError, match="simulated worker crash"):
        scale.score_corpus(corpus_file, out, jobs=1, method=METHOD, batch_size=BATCH, use_cache=False,
                           progress=False)
    assert _snapshot(parent) == before
    assert sorted(os.listdir(parent)) == ["out"]


def test_parquet_tables_are_datasets_replaced_whole(corpus_file, tmp_path):
    """Each table is a folder of per-batch parts; a rerun with fewer batches leaves no stale part."""
    out = tmp_path / "out"
    scale.score_corpus(corpus_file, out, jobs=1, method=METHOD, batch_size=BATCH, use_cache=False, progress=False)
    parts = sorted(p.name for p in (out / "sentences.parquet").iterdir())
    assert parts == [f"part-{n:07d}.parquet" for n in (1, 2, 3, 4)]           # 20 articles, batches of 6
    first = _tables(out)
    scale.score_corpus(corpus_file, out, jobs=1, method=METHOD, batch_size=50, use_cache=False, progress=False)
    assert sorted(p.name for p in (out / "sentences.parquet").iterdir()) == ["part-0000001.parquet"]
    second = _tables(out)
    for name in scale.OUTPUT_TABLES:       # one batch or four: the same rows (sorted per batch)
        pd.testing.assert_frame_equal(scale.sort_table(name, second[name]), scale.sort_table(name, first[name]),
                                      obj=name)


def test_cli_prints_summary_and_cache_counts(corpus_file, tmp_path, capsys):
    argv = ["--corpus", str(corpus_file), "--out", str(tmp_path / "o"), "--jobs", "1", "--batch-size", "7",
            "--quiet", "--format", "csv"]
    assert scale.main(argv) == 0
    assert scale.main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines.count("articles: 20 in = 19 scored + 1 skipped") == 2
    assert f"scoring: 19 scored now + 0 from cache; tone method: {METHOD}" in lines[1]
    assert f"scoring: 0 scored now + 19 from cache; tone method: {METHOD}" in lines[4]


def test_cli_reports_corpus_errors(tmp_path, capsys):
    assert scale.main(["--corpus", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    assert "corpus path does not exist" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_cli_max_chars(corpus_file, tmp_path, capsys):
    """The seed articles are 2,000-6,000 characters; the synthetic ones are longer than 1,500."""
    argv = ["--corpus", str(corpus_file), "--out", str(tmp_path / "o"), "--jobs", "1", "--quiet", "--no-cache",
            "--format", "csv", "--max-chars", "1500"]
    assert scale.main(argv) == 0
    manifest = pd.read_csv(tmp_path / "o" / "manifest.csv", keep_default_na=False)
    too_long = manifest["reason"].str.contains("over max_chars=1500")
    assert too_long.sum() == (manifest["n_chars"] > 1500).sum() > 0
    assert capsys.readouterr().out.startswith(f"articles: 20 in = {20 - 1 - too_long.sum()} scored")


def test_finalize_dataset_unifies_part_schemas_and_never_leaves_a_table_empty(tmp_path):
    """A column that is all-null in one batch gets one type in every part; a table with no rows
    still has a (zero-row) part with its columns."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    for name in ("articles", "frame_hits"):
        scale.table_dir(tmp_path, name).mkdir()
    folder = scale.table_dir(tmp_path, "articles")
    pq.write_table(pa.table({"article_id": ["a"], "published": pa.array([None], pa.null())}),
                   folder / "part-0000001.parquet")
    pq.write_table(pa.table({"article_id": ["b"], "published": ["2024-06-19"]}), folder / "part-0000002.parquet")
    scale.finalize_dataset(tmp_path, "articles")
    schemas = {pq.read_schema(p).remove_metadata() for p in sorted(folder.iterdir())}
    assert len(schemas) == 1 and schemas.pop().field("published").type == pa.string()
    table = pd.read_parquet(folder)
    assert table["article_id"].tolist() == ["a", "b"] and table["published"].isna().tolist() == [True, False]

    scale.finalize_dataset(tmp_path, "frame_hits")
    empty = pd.read_parquet(scale.table_dir(tmp_path, "frame_hits"))
    assert len(empty) == 0 and list(empty.columns) == list(scale._empty_tables()["frame_hits"].columns)


def test_outlet_tone_cells_summarized_in_tasks_equal_one_call():
    """Cells of many sizes (cached and chunked bootstraps, author-only subsets, empty cells), units
    outside every cell, mentions out of key order: the tasks' columns equal the single call's."""
    rng = np.random.default_rng(13)
    ids = [f"a{i:03d}" for i in range(80)]
    articles = pd.DataFrame({"article_id": pd.Series(ids, dtype="str"),
                             "outlet": pd.Series(rng.choice(["o1", "o2", "o3", "o4", None], len(ids)), dtype="str")})
    n = 4000
    mentions = pd.DataFrame({
        "article_id": pd.Series(rng.choice(ids + ["unknown"], n), dtype="str"),
        "sentence_index": rng.integers(0, 40, n),
        "actor": pd.Series(rng.choice(["US", "DPRK", "Russia", "Other"], n, p=[0.85, 0.12, 0.025, 0.005]), dtype="str"),
        "voice": pd.Series(rng.choice(["author", "quoted"], n), dtype="str"),
        "tone": rng.normal(0.0, 0.4, n),
        "tone_label": pd.Series(rng.choice(tone.TONE_LABELS, n), dtype="str"),
    })
    names = ["US", "DPRK", "Russia", "China"]

    class ThreeWorkers(scale._Engine):
        workers = 3

    expected = tone.outlet_actor_tone(mentions, articles, names, METHOD)
    in_tasks = functools.partial(scale._cell_summaries_in_tasks, ThreeWorkers())
    actual = tone.outlet_actor_tone(mentions, articles, names, METHOD, summarize_cells=in_tasks)
    pd.testing.assert_frame_equal(actual, expected, check_exact=True)
    assert expected["n_sentences"].max() > tone.BOOTSTRAP_CACHE_MAX_N and (expected["n_sentences"] == 0).any()


def test_tables_equal_the_study_pipeline_when_the_input_is_not_in_id_order(tmp_path):
    """Outlet pooling reads the batches' units: out of id order they are put in the study's order."""
    records = _records()
    records = records[10:] + records[:10]          # batches no longer come in article-id order
    corpus_file = _write(records, tmp_path / "shuffled.jsonl")
    out = tmp_path / "out"
    scale.score_corpus(corpus_file, out, jobs=1, method=METHOD, batch_size=BATCH, fmt="csv", use_cache=False,
                       progress=False)
    tables = pipeline.build_tables(corpus.load_corpus(corpus_file), method=METHOD, progress=False)
    for name in ("outlet_actor_tone", "article_actor_tone", "mentions"):
        assert (out / f"{name}.csv").read_bytes() == io.to_csv_bytes(tables[name]), name
    assert not list(out.glob(f"{scale.UNITS_TABLE}*"))   # the scratch table is never published


def test_units_are_put_in_article_order_stably():
    units = pd.DataFrame({"article_id": ["b", "b", "a", "c", "a"], "actor": ["US", "X", "US", "US", "X"],
                          "tone": [0.1, 0.2, 0.3, 0.4, 0.5]})
    ordered = scale._units_in_key_order(units)
    assert ordered["article_id"].tolist() == ["a", "a", "b", "b", "c"]
    assert ordered["tone"].tolist() == [0.3, 0.5, 0.1, 0.2, 0.4]   # each article's units keep their order
    in_order = units.iloc[[2, 4, 0, 1, 3]].reset_index(drop=True)
    assert scale._units_in_key_order(in_order) is in_order            # no copy when already in order
    as_read = units.astype({"article_id": "category"})                # as read_parts gives them
    assert scale._units_in_key_order(as_read)["tone"].tolist() == [0.3, 0.5, 0.1, 0.2, 0.4]

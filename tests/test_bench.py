"""Benchmark: synthetic corpus from real news sentences; JSON result shape (no timing thresholds)."""
from __future__ import annotations

import json

from analysis import bench, corpus


def test_synthetic_corpus_is_seeded_and_well_formed(tmp_path):
    path, sentences_path = tmp_path / "c.jsonl", tmp_path / "s.jsonl"
    bench.write_synthetic_corpus(12, path, sentences_path)
    sentences = [json.loads(line) for line in sentences_path.read_text(encoding="utf-8").splitlines()]
    again = bench.synthetic_articles(12)
    assert [a["sentences"] for a in again] == sentences
    assert [a["text"] for a in again] == [" ".join(s) for s in sentences]
    assert bench.measure_floor(sentences_path, chunk=5) > 0
    pool = set(bench.news_sentences())
    assert all(bench.MIN_SENTENCES <= len(s) <= bench.MAX_SENTENCES and set(s) <= pool for s in sentences)
    articles = corpus.load_corpus(path)
    assert len(articles) == 12 and set(articles["status"]) == {"scored"}
    assert set(articles["outlet"]) <= set(bench.SYNTHETIC_OUTLETS) and articles["outlet"].nunique() > 1


def test_bench_json_has_exactly_the_keys_with_positive_numbers(capsys):
    assert bench.main(["--articles", "30", "--json", "--jobs", "2", "--batch-size", "10", "--repeats", "1"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    result = json.loads(out[0])
    assert tuple(result) == bench.RESULT_KEYS
    assert result["articles"] == 30
    assert all(isinstance(v, (int, float)) and v > 0 for v in result.values())
    assert abs(result["ratio_all_cores_to_floor"]
               - result["all_cores_articles_per_s"] / result["floor_articles_per_s"]) < 0.01


def test_rounds_report_medians_and_the_median_of_the_rounds_ratios():
    rounds = [{"floor_articles_per_s": f, "jobs1_articles_per_s": j, "all_cores_articles_per_s": a}
              for f, j, a in ((500, 300, 1000), (400, 310, 480), (600, 290, 840), (650, 305, 1300))]
    result = bench.summarize_rounds(7, rounds, 123.45)
    assert tuple(result) == bench.RESULT_KEYS
    assert result["floor_articles_per_s"] == 550.0           # median of 400, 500, 600, 650
    assert result["jobs1_articles_per_s"] == 302.5
    assert result["all_cores_articles_per_s"] == 920.0
    # ratios 2.0, 1.2, 1.4, 2.0 -> median 1.7 (not 920 / 550 = 1.673: a round's two rates go together)
    assert result["ratio_all_cores_to_floor"] == 1.7
    assert result["peak_rss_mb"] == 123.5

"""Benchmark loaders on small fixture files written to tmp_path."""
import pytest

from analysis import benchmarks
from analysis.benchmarks import BenchmarkError

PERSENT_HEADER = "DOCUMENT_INDEX,TITLE,TARGET_ENTITY,DOCUMENT,MASKED_DOCUMENT,TRUE_SENTIMENT,Paragraph0\n"


def _persent(tmp_path, body):
    (tmp_path / "dev.csv").write_text(PERSENT_HEADER + body, encoding="utf-8")
    return tmp_path


def test_load_persent_embedded_newlines_and_labels(tmp_path):
    body = ('1,T one,Ann Lee,"Ann Lee won.\nFans cheered.","[TGT] won.\nFans cheered.",Positive,\n'
            '2,T two,Bo,"Bo lost, sadly.","[TGT] lost, sadly.",Negative,Negative\n'
            '3,T three,Cy,"Nothing.","Nothing.",Neutral,\n')
    df = benchmarks.load_persent("dev", base_dir=_persent(tmp_path, body))
    assert df["label"].tolist() == ["positive", "negative", "neutral"]
    assert df["document"].iloc[0] == "Ann Lee won.\nFans cheered."      # newline kept inside field
    assert df["n_target_markers"].tolist() == [1, 1, 0]
    assert df["document_id"].tolist() == ["1", "2", "3"]


def test_load_persent_bad_label_names_file_and_line(tmp_path):
    # Record 1 has two fields with an embedded newline, so it spans physical lines 2-4 and
    # record 2 starts on line 5.
    body = ('1,T,Ann,"a\nb","[TGT]\nb",Positive,\n'
            '2,T,Bo,"c","[TGT]",Great,\n')
    with pytest.raises(BenchmarkError, match=r"dev\.csv, line 5: TRUE_SENTIMENT 'Great'"):
        benchmarks.load_persent("dev", base_dir=_persent(tmp_path, body))


def test_load_persent_missing_column_and_unknown_split(tmp_path):
    (tmp_path / "dev.csv").write_text("DOCUMENT_INDEX,TITLE\n1,x\n", encoding="utf-8")
    with pytest.raises(BenchmarkError, match="line 1: header lacks"):
        benchmarks.load_persent("dev", base_dir=tmp_path)
    with pytest.raises(BenchmarkError, match="unknown PerSenT split"):
        benchmarks.load_persent("train", base_dir=tmp_path)


def test_unmask_persent_spans():
    text, spans = benchmarks.unmask_persent("By [TGT] plan, [TGT] wins", "Kim")
    assert text == "By Kim plan, Kim wins"
    assert [text[a:b] for a, b in spans] == ["Kim", "Kim"]


def test_load_vader_nyt(tmp_path):
    path = tmp_path / "nyt.txt"
    path.write_text("1_1\t0.4\tGood day.\r\n1_2\t-1.5\tBad day.\r\n12_1\t0\tA day.\r\n", encoding="utf-8")
    df = benchmarks.load_vader_nyt(path)
    assert df["article_id"].tolist() == ["1", "1", "12"]
    assert df["rating"].tolist() == [0.4, -1.5, 0.0]
    assert df["text"].tolist() == ["Good day.", "Bad day.", "A day."]


@pytest.mark.parametrize("bad, message", [
    ("2_1\tnope\tText.", "rating 'nope'"),
    ("2_1\t5.0\tText.", "rating '5.0'"),
    ("21\t1.0\tText.", "is not ARTICLE_SENTENCE"),
    ("2_1 1.0 Text.", "expected 3 tab-separated fields"),
])
def test_load_vader_nyt_malformed_line_names_file_and_line(tmp_path, bad, message):
    path = tmp_path / "nyt.txt"
    path.write_text(f"1_1\t0.4\tGood day.\n{bad}\n", encoding="utf-8")
    with pytest.raises(BenchmarkError, match=rf"nyt\.txt, line 2: .*{message}"):
        benchmarks.load_vader_nyt(path)


def test_load_newsmtsc_malformed_line(tmp_path):
    (tmp_path / "newsmtsc-rw").mkdir()
    (tmp_path / "newsmtsc-rw" / "dev.jsonl").write_text(
        '{"primary_gid": "a", "sentence_normalized": "Ann won.", "targets": '
        '[{"Input.gid": "t", "from": 0, "to": 3, "mention": "Ann", "polarity": 6.0}]}\n{"oops": 1}\n')
    with pytest.raises(BenchmarkError, match="dev.jsonl, line 2"):
        benchmarks.load_newsmtsc("rw_dev", base_dir=tmp_path)

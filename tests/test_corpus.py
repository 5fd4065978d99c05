"""Corpus loading and validation (analysis/corpus.py)."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from analysis import config, corpus, io
from analysis.corpus import CorpusError

FIXTURES = config.REPO_ROOT / "tests" / "fixtures"
BROKEN = FIXTURES / "broken_corpus"
EXPECTED_MANIFEST = FIXTURES / "broken_corpus_expected_manifest.csv"
TEST_MAX_CHARS = 400  # page.html extracts to 391 chars (scored); too_long.txt has 447 (skipped)


@pytest.fixture(scope="module")
def broken():
    return corpus.load_corpus(BROKEN, max_chars=TEST_MAX_CHARS)


def _text(df, aid):
    return df.loc[df["article_id"] == aid, "text"].iloc[0]


# ------------------------------------------------------------------ broken fixture corpus
def test_broken_corpus_manifest_matches_hand_derived(broken):
    got = io.to_csv_bytes(corpus.build_manifest(broken))
    assert got.decode("utf-8") == EXPECTED_MANIFEST.read_text(encoding="utf-8")


def test_every_fixture_file_is_accounted_for(broken):
    assert sorted(broken["article_id"]) == sorted(p.stem for p in BROKEN.iterdir() if not p.name.startswith("."))
    assert list(broken.columns) == corpus.ARTICLE_COLUMNS


def test_decoded_texts(broken):
    assert _text(broken, "cp1252") == "\u201cKim\u201d met Putin at the caf\u00e9."
    assert _text(broken, "crlf") == "Putin met Kim.\nThey signed a treaty.\n"
    assert _text(broken, "utf8_bom") == "Putin met Kim in Pyongyang."  # BOM dropped
    assert _text(broken, "utf16") == "Putin met Kim in Pyongyang."
    assert _text(broken, "nbsp") == "Putin\u00a0met Kim\u00a0Jong Un."  # cleaning is text.py's job
    assert _text(broken, "emoji").endswith("\U0001F91D.")


def test_skipped_rows_have_no_text_and_too_long_is_not_truncated(broken):
    skipped = broken[broken["status"] == "skipped"]
    assert (skipped["text"] == "").all()
    assert (skipped["reason"] != "").all()
    assert ((broken["status"] == "scored") == (broken["reason"] == "")).all()


def test_html_page_keeps_article_drops_furniture(broken):
    text = _text(broken, "page")
    assert text.startswith("Putin arrives in Pyongyang\nRussian President Vladimir Putin arrived")
    assert "Kim Jong Un" in text
    for furniture in ("Home", "Sport", "Copyright", "Privacy policy", "Example News"):
        assert furniture not in text


def test_folder_without_metadata_defaults(broken):
    row = broken[broken["article_id"] == "hyphenated"].iloc[0]
    assert (row["outlet"], row["outlet_label"], row["outlet_confidence"]) == ("unknown", "hyphenated", "unknown")
    assert (row["published"], row["title"]) == ("", "")
    assert row["raw_path"] == "tests/fixtures/broken_corpus/hyphenated.txt"


def test_fixture_generator_matches_committed_files():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_broken_corpus", FIXTURES / "make_broken_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for name, data in mod.FILES.items():
        assert (BROKEN / name).read_bytes() == data, name


# ------------------------------------------------------------------ decoding rule
@pytest.mark.parametrize(
    "data, text, encoding",
    [
        (b"caf\xe9", "caf\u00e9", "cp1252"),                  # latin-1 file
        (b"\x93q\x94 \x96 x", "\u201cq\u201d \u2013 x", "cp1252"),
        ("caf\u00e9".encode("utf-8"), "caf\u00e9", "utf-8"),
        ("x".encode("utf-32"), "x", "utf-32"),
        (b"a\rb\r\nc", "a\nb\nc", "utf-8"),
    ],
)
def test_decode_bytes(data, text, encoding):
    dec = corpus.decode_bytes(data)
    assert (dec.text, dec.encoding, dec.reason) == (text, encoding, "")


def test_control_share_matches_unicode_category():
    import unicodedata

    allowed = "\t\n\r\f"
    for cp in range(0x100):
        ch = chr(cp)
        expected = unicodedata.category(ch) == "Cc" and ch not in allowed
        assert (corpus._control_share(ch) == 1.0) == expected, hex(cp)


def test_decode_reports_undecodable_offsets():
    # 0x81 is undefined in cp1252 and the file has no UTF-8 sequences -> neither encoding.
    dec = corpus.decode_bytes(b"abc\x81def")
    assert dec.text is None and "0x81 at offset 3" in dec.reason and "neither UTF-8 nor cp1252" in dec.reason
    dec = corpus.decode_bytes(b"\xff\xfeA\x00B")  # UTF-16 BOM, odd trailing byte
    assert dec.text is None and dec.encoding == "utf-16" and "offset" in dec.reason


# ------------------------------------------------------------------ the study corpus
def test_seed_corpus_loads_with_metadata():
    arts = corpus.load_corpus()
    assert arts["article_id"].tolist() == sorted(p.stem for p in config.RAW_ARTICLES_DIR.glob("*.txt"))
    assert (arts["status"] == "scored").all()
    assert arts["outlet_label"].tolist() == ["BNN", "Outlet B (BBC-derived)", "Al Mayadeen", "Outlet D", "Outlet E"]
    assert arts["outlet_confidence"].tolist() == ["inferred", "unknown", "confirmed", "unknown", "unknown"]
    # text is byte-faithful to the raw file (UTF-8, LF endings)
    raw = (config.REPO_ROOT / arts.loc[2, "raw_path"]).read_text(encoding="utf-8")
    assert arts.loc[2, "text"] == raw and arts.loc[2, "n_chars"] == len(raw)
    assert arts.loc[2, "title"] == raw.splitlines()[0]


# ------------------------------------------------------------------ tabular inputs
def _write(path, text):
    path.write_text(text, encoding="utf-8", newline="")
    return path


CSV_OK = (
    "id,outlet,text,published\n"
    'a,Outlet A,"Putin met Kim.\nSecond line of the same cell.",2024-06-18\n'
    "b,Outlet B,,\n"
    "c,Outlet C,<!DOCTYPE html><html><body><p>" + "Putin met Kim in Pyongyang. " * 10 + "</p></body></html>,\n"
)


def test_csv_corpus(tmp_path):
    arts = corpus.load_corpus(_write(tmp_path / "c.csv", CSV_OK))
    assert arts["article_id"].tolist() == ["a", "b", "c"]
    assert arts["status"].tolist() == ["scored", "skipped", "scored"]
    assert arts["reason"].tolist()[1] == "empty text"
    assert arts["extraction"].tolist() == ["plain", "plain", "trafilatura"]
    assert arts["outlet_label"].tolist() == ["Outlet A", "Outlet B", "Outlet C"]
    # row a spans lines 2-3, so row b starts on physical line 4
    assert [s.rsplit(":", 1)[1] for s in arts["source"]] == ["2", "4", "5"]
    assert arts.loc[0, "text"] == "Putin met Kim.\nSecond line of the same cell."


def test_jsonl_and_parquet_and_batches(tmp_path):
    recs = [{"article_id": f"x{i}", "outlet": "O", "text": f"Putin met Kim {i} times."} for i in range(5)]
    jl = _write(tmp_path / "c.jsonl", "\n".join(json.dumps(r) for r in recs) + "\n\n")
    arts = corpus.load_corpus(jl)
    assert arts["source"].tolist() == [f"{jl.as_posix()}:{i}" for i in range(1, 6)]
    assert (arts["status"] == "scored").all()
    assert [len(b) for b in corpus.iter_corpus(jl, batch_size=2)] == [2, 2, 1]

    pq = tmp_path / "c.parquet"
    pd.DataFrame(recs).to_parquet(pq, row_group_size=2)
    back = corpus.load_corpus(pq)
    assert back["text"].tolist() == arts["text"].tolist()
    assert back["source"].tolist()[-1] == f"{pq.as_posix()}:row 5"
    assert [len(b) for b in corpus.iter_corpus(pq, batch_size=3)] == [3, 2]


def test_folder_with_metadata_inside(tmp_path):
    _write(tmp_path / "a.txt", "Putin met Kim.")
    _write(tmp_path / "articles.csv", "article_id,outlet,outlet_label,published\na,Outlet A,OA,2024-06-19\n")
    arts = corpus.load_corpus(tmp_path)
    assert arts[["article_id", "outlet", "outlet_label", "published"]].values.tolist() == [["a", "Outlet A", "OA", "2024-06-19"]]


# ------------------------------------------------------------------ corpus-level errors
def _raises(path_or_call, *patterns, **kw):
    with pytest.raises(CorpusError) as info:
        corpus.load_corpus(path_or_call, **kw)
    msg = str(info.value)
    for pat in patterns:
        assert re.search(pat, msg), (pat, msg)
    assert "Fix:" in msg
    return msg


def test_duplicate_ids_in_csv_name_both_lines(tmp_path):
    p = _write(tmp_path / "d.csv", CSV_OK + "a,Outlet D,Another text.,\n")
    _raises(p, r"d\.csv:6", "duplicate article id 'a'", r"first seen at .*d\.csv:2")


def test_duplicate_ids_in_jsonl(tmp_path):
    p = _write(tmp_path / "d.jsonl", '{"id": "a", "outlet": "O", "text": "t a"}\n{"id": "a", "outlet": "O", "text": "t b"}\n')
    _raises(p, r"d\.jsonl:2", "duplicate article id 'a'")


def test_duplicate_stem_in_folder(tmp_path):
    _write(tmp_path / "a.txt", "Putin met Kim.")
    _write(tmp_path / "a.html", "<html><body><p>Putin met Kim.</p></body></html>")
    _raises(tmp_path, r"a\.txt", "duplicate article id 'a'", r"a\.html")


def test_malformed_jsonl_line(tmp_path):
    p = _write(tmp_path / "m.jsonl", '{"id": "a", "outlet": "O", "text": "ok"}\n{"id": "b", "outlet": "O", "text": }\n')
    _raises(p, r"m\.jsonl:2", "malformed JSON", "one complete JSON object per line")


def test_unknown_column_lists_expected(tmp_path):
    p = _write(tmp_path / "u.csv", "id,outlet,body\na,O,Putin met Kim.\n")
    _raises(p, r"u\.csv:1", r"missing column\(s\) \['text'\]", "expected columns: article_id or id, outlet, text")
    p = _write(tmp_path / "v.csv", "id,outlet,text,author\na,O,Putin met Kim.,me\n")
    _raises(p, r"v\.csv:1", r"unknown column\(s\) \['author'\]", "optional: outlet_label")
    p = _write(tmp_path / "w.csv", "outlet,text\nO,Putin met Kim.\n")
    _raises(p, r"w\.csv:1", "no 'article_id' \\(or 'id'\\) column")


def test_non_utf8_csv_names_line(tmp_path):
    p = tmp_path / "cp.csv"
    p.write_bytes(b"id,outlet,text\na,O,fine\nb,O,caf\xe9\n")
    _raises(p, r"cp\.csv:3", "byte 0xE9 at file offset 31", "re-save the file as UTF-8")


def test_metadata_row_without_file(tmp_path):
    _write(tmp_path / "a.txt", "Putin met Kim.")
    meta = _write(tmp_path / "meta.csv", "article_id,outlet\na,O\nghost,O\n")
    _raises(tmp_path, r"meta\.csv:3", "'ghost' has no file", "add ghost.txt", metadata=meta)


def test_file_without_metadata_row(tmp_path):
    _write(tmp_path / "a.txt", "Putin met Kim.")
    _write(tmp_path / "b.txt", "Kim met Putin.")
    _write(tmp_path / "articles.csv", "article_id,outlet\na,O\n")
    _raises(tmp_path, r"b\.txt", r"no row in .*articles\.csv", "article_id=b")


def test_bad_metadata_values(tmp_path):
    _write(tmp_path / "a.txt", "Putin met Kim.")
    _write(tmp_path / "articles.csv", "article_id,outlet,published\na,O,June 18\n")
    _raises(tmp_path, r"articles\.csv:2", "not an ISO date", "YYYY-MM-DD")
    _write(tmp_path / "articles.csv", "article_id,outlet,outlet_confidence\na,O,sure\n")
    _raises(tmp_path, r"articles\.csv:2", "outlet_confidence 'sure'")


def test_missing_path_and_unsupported_types(tmp_path):
    _raises(tmp_path / "nope", r"nope: corpus path does not exist")
    _raises(_write(tmp_path / "c.docx", "x"), r"c\.docx", "unsupported corpus file type")
    folder = tmp_path / "f"
    folder.mkdir()
    _write(folder / "a.txt", "Putin met Kim.")
    _write(folder / "notes.md", "x")
    _raises(folder, r"notes\.md", "unsupported file type '.md'")


def test_errors_raise_before_any_row_is_returned(tmp_path):
    """A late corpus-level error must stop load_corpus: nothing partial comes back."""
    lines = [json.dumps({"id": f"x{i}", "outlet": "O", "text": "t"}) for i in range(1500)]
    lines.append("{not json")
    p = _write(tmp_path / "late.jsonl", "\n".join(lines) + "\n")
    _raises(p, r"late\.jsonl:1501")


def test_build_manifest_requires_columns():
    with pytest.raises(ValueError, match="load_corpus"):
        corpus.build_manifest(pd.DataFrame({"article_id": ["a"]}))

"""Bad input never crashes a run or loses an article.

The committed broken corpus (tests/fixtures/broken_corpus/, one input problem per file) goes through
the whole table stage and the CLI; bad lexicons and corpus-level errors stop the CLI with exit code 2,
a message naming file and line, and nothing written; an interrupted run leaves the previous outputs
byte-identical.
"""
from __future__ import annotations

import os
import stat
import subprocess
import sys

import pandas as pd
import pytest

from analysis import cli, config, corpus, lexicons, pipeline

FIXTURES = config.REPO_ROOT / "tests" / "fixtures"
BROKEN = FIXTURES / "broken_corpus"
ODDITIES = FIXTURES / "robustness" / "oddities"
MAX_CHARS = 400  # as in tests/test_corpus.py: page.html extracts to 391 chars, too_long.txt has 447

# Hand-derived from tests/fixtures/make_broken_corpus.py (see broken_corpus_expected_manifest.csv).
SKIPPED = {
    "binary": "binary content (NUL byte at offset 8)",
    "controls": "binary content (50% control characters)",
    "empty": "empty text",
    "no_letters": "no letters (nothing to split into sentences)",
    "too_long": "text has 447 characters, over max_chars=400; split the article or raise max_chars",
    "undecodable": "undecodable byte 0xE2 at offset 6 (file is UTF-8 elsewhere); re-save the file as UTF-8",
    "whitespace": "whitespace-only text",
}
SCORED = ["all_caps", "cp1252", "crlf", "curly_quotes", "emoji", "hyphenated", "nbsp", "no_punctuation",
          "page", "urls", "utf16", "utf8_bom"]


@pytest.fixture(scope="module")
def lexicon_pair():
    return lexicons.load_actors(), lexicons.load_frames()


@pytest.fixture(scope="module")
def broken_tables(lexicon_pair):
    articles = corpus.load_corpus(BROKEN, max_chars=MAX_CHARS)
    return pipeline.build_tables(articles, *lexicon_pair, method="vader_sentence", progress=False)


def _sentences(tables, article_id):
    s = tables["sentences"]
    return s.loc[s["article_id"] == article_id, "sentence"].tolist()


def _mentions(tables, article_id):
    m = tables["mentions"]
    m = m[m["article_id"] == article_id]
    return [(r.sentence_index, r.actor, r.sentence[r.start:r.end]) for r in m.itertuples()]


# ------------------------------------------------------------------ every article accounted for
def test_manifest_accounts_for_every_broken_file(broken_tables):
    manifest = broken_tables["manifest"].set_index("article_id")
    files = sorted(p.stem for p in BROKEN.iterdir() if not p.name.startswith("."))
    assert sorted(manifest.index) == files and len(files) == 19
    assert (manifest["status"] == "skipped").sum() == 7 and (manifest["status"] == "scored").sum() == 12
    for article_id, reason in SKIPPED.items():
        assert manifest.loc[article_id, "status"] == "skipped"
        assert manifest.loc[article_id, "reason"] == reason
        assert manifest.loc[article_id, "n_sentences"] == 0
    for article_id in SCORED:
        assert manifest.loc[article_id, "status"] == "scored", article_id
        assert manifest.loc[article_id, "n_sentences"] >= 1
    assert sorted(broken_tables["articles"]["article_id"]) == SCORED
    # too_long is skipped whole, never truncated: its length is recorded, none of its text scored.
    assert manifest.loc["too_long", "n_chars"] == 447
    assert "too_long" not in set(broken_tables["sentences"]["article_id"])


def test_too_long_article_is_scored_under_a_higher_limit(lexicon_pair):
    """The limit is a parameter of load_corpus (the CLI has no option for it; default 1,000,000)."""
    tables = pipeline.build_tables(corpus.load_corpus(BROKEN, max_chars=447), *lexicon_pair,
                                   method="vader_sentence", progress=False)
    manifest = tables["manifest"].set_index("article_id")
    assert manifest.loc["too_long", "status"] == "scored"
    assert manifest.loc["too_long", "n_sentences"] == 16        # 16 copies of "Putin met Kim in Pyongyang."
    assert manifest.loc["too_long", "n_mentions"] == 48         # Putin, Kim, Pyongyang in each


# ------------------------------------------------------------------ what a reader expects per oddity
def test_nbsp_between_words_still_gives_the_full_name(broken_tables):
    assert _sentences(broken_tables, "nbsp") == ["Putin met Kim Jong Un."]       # NBSP cleaned to spaces
    assert _mentions(broken_tables, "nbsp") == [(0, "Russia", "Putin"), (0, "DPRK", "Kim Jong Un")]


def test_hyphenated_kim_jong_un_is_one_dprk_mention(broken_tables):
    assert _mentions(broken_tables, "hyphenated") == [
        (0, "DPRK", "Kim Jong-un"), (0, "Russia", "Putin"), (0, "DPRK", "Pyongyang")]


def test_curly_quotes_and_apostrophes(broken_tables):
    # "“We ardently welcome President Putin”, said Kim’s aide." is one quoted sentence.
    assert _mentions(broken_tables, "curly_quotes") == [(0, "Russia", "President Putin"), (0, "DPRK", "Kim")]
    voice = broken_tables["sentences"].set_index("article_id").loc["curly_quotes", "voice"]
    assert voice == "quoted"


def test_emoji_do_not_break_splitting_or_matching(broken_tables):
    assert _sentences(broken_tables, "emoji") == ["MFA Russia \U0001F1F7\U0001F1FA: Putin met Kim \U0001F91D."]
    assert _mentions(broken_tables, "emoji") == [(0, "Russia", "MFA Russia"), (0, "Russia", "Putin"),
                                                 (0, "DPRK", "Kim")]


def test_urls_do_not_break_splitting(broken_tables):
    # The "." ending the URL's sentence splits; the embedded-tweet picture link is cleaned away.
    assert _sentences(broken_tables, "urls") == ["Read more at https://example.com/news/putin-kim?id=1.",
                                                 "Putin met Kim."]
    assert [m for m in _mentions(broken_tables, "urls") if m[0] == 1] == [(1, "Russia", "Putin"), (1, "DPRK", "Kim")]


def test_all_caps_headline(broken_tables):
    assert _sentences(broken_tables, "all_caps") == ["PUTIN ARRIVES IN NORTH KOREA", "Putin met Kim in Pyongyang."]
    assert _mentions(broken_tables, "all_caps")[:2] == [(0, "Russia", "PUTIN"), (0, "DPRK", "NORTH KOREA")]


def test_cp1252_text_is_decoded(broken_tables):
    assert broken_tables["manifest"].set_index("article_id").loc["cp1252", "encoding"] == "cp1252"
    assert _sentences(broken_tables, "cp1252") == ["\u201cKim\u201d met Putin at the caf\u00e9."]
    assert _mentions(broken_tables, "cp1252") == [(0, "DPRK", "Kim"), (0, "Russia", "Putin")]


def test_windows_line_endings_give_the_same_sentences_as_lf(broken_tables, lexicon_pair, tmp_path):
    (tmp_path / "crlf.txt").write_bytes(b"Putin met Kim.\nThey signed a treaty.\n")
    lf = pipeline.build_tables(corpus.load_corpus(tmp_path), *lexicon_pair, method="vader_sentence",
                               progress=False)
    columns = ["sentence_index", "char_start", "char_end", "sentence", "voice", "n_words", "compound"]
    crlf_rows = broken_tables["sentences"].query("article_id == 'crlf'")[columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(crlf_rows, lf["sentences"][columns])
    assert crlf_rows["sentence"].tolist() == ["Putin met Kim.", "They signed a treaty."]


def test_oddities_corpus_mentions(lexicon_pair):
    """tests/fixtures/robustness/oddities: curly possessive, NBSP and CRLF in one real-looking article."""
    tables = pipeline.build_tables(corpus.load_corpus(ODDITIES), *lexicon_pair, method="vader_sentence",
                                   progress=False)
    assert tables["manifest"]["status"].tolist() == ["scored", "scored"]
    assert _sentences(tables, "possessive") == [
        "KIM JONG UN\u2019S VISIT", "Kim Jong Un\u2019s envoy met Russian President Vladimir Putin.",
        "Putin\u2019s aide praised the \u201cgreat friendship\u201d with Pyongyang."]
    assert _mentions(tables, "possessive") == [
        (0, "DPRK", "KIM JONG UN"), (1, "DPRK", "Kim Jong Un"), (1, "Russia", "Russian President Vladimir Putin"),
        (2, "Russia", "Putin"), (2, "DPRK", "Pyongyang")]
    # "Kim Il Sung Square" is a place, not the leader; "Kim" outside it still counts.
    assert _mentions(tables, "square") == [(0, "DPRK", "Kim"), (1, "Russia", "Putin")]
    assert _sentences(tables, "square") == ["Crowds filled Kim Il Sung Square as Kim waved.",
                                            "Putin smiled."]


# ------------------------------------------------------------------ CLI: completes, or stops before writing
def _cli(argv, capsys):
    code = cli.main(argv)
    captured = capsys.readouterr()
    return code, captured.err


def _run_args(out, corpus_path=BROKEN, *extra):
    return ["run", "--corpus", str(corpus_path), "--out", str(out), "--tone-method", "vader_sentence",
            "--no-notebooks", "--skip-validation", "--quiet", *extra]


@pytest.mark.slow
def test_cli_broken_corpus_completes_and_prints_the_count(tmp_path):
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "analysis", *_run_args(out)], capture_output=True, text=True,
                            cwd=config.REPO_ROOT, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    # The CLI uses the default max_chars (1,000,000), so too_long.txt (447 chars) is scored here.
    assert "articles: 19 in = 13 scored + 6 skipped" in result.stderr
    manifest = pd.read_csv(out / "processed" / "manifest.csv", keep_default_na=False)
    assert len(manifest) == 19
    assert manifest["status"].value_counts().to_dict() == {"scored": 13, "skipped": 6}
    assert sorted(p.name for p in out.iterdir()) == ["figures", "processed"]   # no staging dir left
    # Outputs are ordinary files: readable by group/others as the umask allows, not mkstemp's 0600.
    mode = stat.S_IMODE((out / "processed" / "manifest.csv").stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask


def _bad_actors(tmp_path, text):
    path = tmp_path / "actors.yaml"
    path.write_text(text, encoding="utf-8")
    return path


ACTORS_OK = """\
version: "1"
actors:
  - name: Russia
    group: core
    label: Russia
    description: the state
    aliases:
      - alias: Putin
        rationale: president
  - name: DPRK
    group: core
    label: North Korea
    description: the state
    aliases:
      - alias: Kim
        rationale: leader
"""
LEXICON_CASES = {
    # (option, file text, expected "file:line:" line, words in the message)
    "malformed_yaml": ("--actors", ACTORS_OK.replace("      - alias: Kim\n", "      - alias: [Kim\n"), 16,
                       "malformed YAML"),
    "alias_of_two_actors": ("--actors", ACTORS_OK.replace("alias: Kim", "alias: putin"), 15,
                            "conflicts with the same alias of 'Russia'"),
    "empty_actor_lexicon": ("--actors", 'version: "1"\nactors: []\n', 2, "empty lexicon"),
    "empty_frame_lexicon": ("--frames", 'version: "1"\nframes:\n', 2, "empty lexicon"),
    "empty_file": ("--frames", "", 1, "empty lexicon file"),
}


@pytest.mark.parametrize("case", sorted(LEXICON_CASES))
def test_cli_bad_lexicon_exits_2_naming_file_and_line_and_writes_nothing(tmp_path, capsys, case):
    option, body, line, words = LEXICON_CASES[case]
    path = tmp_path / "lexicon.yaml"
    path.write_text(body, encoding="utf-8")
    out = tmp_path / "out"
    code, err = _cli(_run_args(out, BROKEN, option, str(path)), capsys)
    assert code == 2
    assert f"error: {path}:{line}: " in err and words in err, err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lexicon.yaml"]      # no staging dir either


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


CORPUS_CASES = {
    # name: (files to write, corpus path, expected location in the message, words, fix words)
    "duplicate_id_csv": ({"c.csv": "id,outlet,text\na,O,Putin met Kim.\nb,O,Kim met Putin.\na,O,Again.\n"},
                         "c.csv", "c.csv:4", "duplicate article id 'a'", "give every article a unique id"),
    "metadata_row_without_file": ({"f/a.txt": "Putin met Kim.", "f/articles.csv": "article_id,outlet\na,O\nghost,O\n"},
                                  "f", "articles.csv:3", "'ghost' has no file", "add ghost.txt"),
    "unknown_column": ({"u.csv": "id,outlet,text,author\na,O,Putin met Kim.,me\n"},
                       "u.csv", "u.csv:1", "unknown column(s) ['author']", "rename or drop them"),
    "malformed_jsonl": ({"m.jsonl": '{"id": "a", "outlet": "O", "text": "ok"}\n{"id": "b", "text": }\n'},
                        "m.jsonl", "m.jsonl:2", "malformed JSON", "write one complete JSON object per line"),
}


@pytest.mark.parametrize("case", sorted(CORPUS_CASES))
def test_cli_corpus_error_exits_2_naming_file_and_line_and_writes_nothing(tmp_path, capsys, case):
    files, corpus_rel, where, words, fix = CORPUS_CASES[case]
    data = tmp_path / "data"
    for rel, body in files.items():
        _write(data / rel, body)
    out = tmp_path / "out"
    code, err = _cli(_run_args(out, data / corpus_rel), capsys)
    assert code == 2
    assert where in err and words in err and f"Fix: {fix}" in err, err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_empty_corpus_is_a_corpus_error_naming_the_folder(tmp_path, capsys):
    (tmp_path / "data").mkdir()
    code, err = _cli(_run_args(tmp_path / "out", tmp_path / "data"), capsys)
    assert code == 2
    assert "data: no articles found" in err and "Fix:" in err, err
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ an interrupted run keeps the old outputs
def _snapshot(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _fake_report(processed, figures, target, **_):
    """Stand-in for report.build_report (slow): one file derived from the staged tables."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((processed / "manifest.csv").read_bytes())


def _fake_figures(tables, figures_dir):
    """Stand-in for plots.make_all_figures (slow): one CSV per run, atomically like the real ones."""
    pipeline.io.write_text_atomic(f"{len(tables['manifest'])} articles\n", figures_dir / "figure.csv")


@pytest.mark.parametrize("stage", ["write_tables", "report"])
def test_interrupted_run_leaves_previous_outputs_intact(tmp_path, monkeypatch, stage):
    from analysis import plots, report

    data = tmp_path / "corpus"
    _write(data / "a.txt", "Putin met Kim in Pyongyang.")
    out = tmp_path / "out"
    monkeypatch.setattr(report, "build_report", _fake_report)
    monkeypatch.setattr(plots, "make_all_figures", _fake_figures)
    run = dict(out=out, method="vader_sentence", run_notebooks=False, progress=False, validation=False)
    pipeline.run_study(data, **run)
    before = _snapshot(out)
    assert {"processed/manifest.csv", "figures/report.html", "figures/figure.csv"} <= set(before)

    # The second run would change every table (a new article), but is interrupted part-way.
    _write(data / "b.txt", "NATO warned the United States.")
    if stage == "write_tables":
        real_write = pipeline.io.write_csv_atomic
        calls = []

        def write_then_interrupt(df, path):
            calls.append(path)
            if len(calls) == 3:
                raise KeyboardInterrupt
            return real_write(df, path)

        monkeypatch.setattr(pipeline.io, "write_csv_atomic", write_then_interrupt)
    else:
        def interrupted_report(processed, figures, target, **_):
            raise KeyboardInterrupt
        monkeypatch.setattr(report, "build_report", interrupted_report)
    with pytest.raises(KeyboardInterrupt):
        pipeline.run_study(data, **run)
    assert _snapshot(out) == before
    assert sorted(p.name for p in out.iterdir()) == ["figures", "processed"]   # staging dirs removed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "out"]


def test_cli_max_chars_skips_longer_articles_with_the_reason(tmp_path, capsys):
    out = tmp_path / "out"
    code, err = _cli(_run_args(out, BROKEN, "--max-chars", "400"), capsys)
    assert code == 0, err
    assert "articles: 19 in = 12 scored + 7 skipped" in err          # too_long.txt has 447 characters
    manifest = pd.read_csv(out / "processed" / "manifest.csv", keep_default_na=False)
    reason = manifest.loc[manifest["source"].str.endswith("too_long.txt"), "reason"].item()
    assert reason == "text has 447 characters, over max_chars=400; split the article or raise max_chars"
    assert _cli(_run_args(tmp_path / "o2", BROKEN, "--max-chars", "0"), capsys) == (2, "error: --max-chars must be >= 1\n")

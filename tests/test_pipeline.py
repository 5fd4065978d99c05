"""End-to-end: a three-sentence article whose per-actor tone is computed by hand, and the CLI run."""
import json
import math
import re
import subprocess
import sys

import pandas as pd
import pytest

from analysis import config, corpus, lexicons, pipeline
from corpus_helpers import write_corpus

# Lexicon valences from vaderSentiment 3.3.2's vader_lexicon.txt: good 1.9, bad -2.5, great 3.1.
# With no modifiers, compound = v / sqrt(v^2 + 15) (VADER's normalisation, alpha = 15):
GOOD = 1.9 / math.sqrt(1.9 ** 2 + 15)    # 0.4404
BAD = -2.5 / math.sqrt(2.5 ** 2 + 15)    # -0.5423
GREAT = 3.1 / math.sqrt(3.1 ** 2 + 15)   # 0.6249
THREE_SENTENCES = "Russia is good. Russia is bad. The US is great.\n"


@pytest.fixture
def tiny_tables(tmp_path):
    folder = write_corpus(tmp_path / "corpus", [
        ("a1", "Outlet A", THREE_SENTENCES),
        ("a2", "Outlet B", "NATO met in Brussels. It was a meeting.\n")])
    articles = corpus.load_corpus(folder)
    return pipeline.build_tables(articles, method="vader_sentence", progress=False)


def test_three_sentence_article_tone_by_hand(tiny_tables):
    tone = tiny_tables["article_actor_tone"].set_index(["article_id", "actor"])
    russia = tone.loc[("a1", "Russia")]
    assert russia["n_sentences"] == 2
    assert russia["tone_mean"] == pytest.approx((GOOD + BAD) / 2, abs=1e-4)
    assert russia["share_pos"] == pytest.approx(0.5) and russia["share_neg"] == pytest.approx(0.5)
    us = tone.loc[("a1", "US")]
    assert us["n_sentences"] == 1
    assert us["tone_mean"] == pytest.approx(GREAT, abs=1e-4)
    assert math.isnan(us["ci_low"])           # one sentence: no interval, never a bare claim
    for actor in ("DPRK", "NATO"):            # not mentioned: NaN, not 0 (which would read neutral)
        assert tone.loc[("a1", actor), "n_sentences"] == 0
        assert math.isnan(tone.loc[("a1", actor), "tone_mean"])


def test_every_article_actor_pair_and_frame_pair_present(tiny_tables):
    n_actors = tiny_tables["article_actor_tone"]["actor"].nunique()
    assert len(tiny_tables["article_actor_tone"]) == 2 * n_actors
    n_frames = tiny_tables["frame_rates"]["frame"].nunique()
    assert len(tiny_tables["frame_rates"]) == 2 * n_frames


def test_sentences_and_article_tone(tiny_tables):
    sentences = tiny_tables["sentences"]
    assert sentences[sentences.article_id == "a1"]["sentence"].tolist() == [
        "Russia is good.", "Russia is bad.", "The US is great."]
    article = tiny_tables["articles"].set_index("article_id").loc["a1"]
    assert article["n_sentences"] == 3
    assert article["sentence_tone_mean"] == pytest.approx((GOOD + BAD + GREAT) / 3, abs=1e-4)


def test_mentions_trace_to_sentences(tiny_tables):
    for row in tiny_tables["mentions"].itertuples():
        assert row.sentence[row.start:row.end].lower() in {"russia", "us", "nato"}


def test_manifest_accounts_for_every_article(tmp_path):
    folder = write_corpus(tmp_path / "corpus", [
        ("ok", "X", THREE_SENTENCES), ("empty", "Y", "   \n")])
    tables = pipeline.build_tables(corpus.load_corpus(folder), method="vader_sentence", progress=False)
    manifest = tables["manifest"].set_index("article_id")
    assert manifest.loc["ok", "status"] == "scored" and manifest.loc["ok", "n_sentences"] == 3
    assert manifest.loc["empty", "status"] == "skipped" and manifest.loc["empty", "reason"]


# Words of the bundled study (five articles on Putin's June 2024 visit): none may appear in the notebooks
# or the report of a run on another corpus, whose text must all come from that corpus's tables.
BUNDLED_STUDY_PHRASES = ("Five English", "five English", "five articles", "five-article", "18-19 June",
                         "June 2024", "Al Mayadeen", "BNN", "BBC", "Outlet E")
BASE64_RUN = re.compile(r"[A-Za-z0-9+/=]{100,}")


@pytest.mark.slow
def test_cli_run_end_to_end_is_byte_identical(tmp_path):
    """``python -m analysis run`` on a tiny corpus: tables, notebooks (with outputs), figures, report;
    twice, same bytes; no word of the bundled study in the notebooks or the report."""
    folder = write_corpus(tmp_path / "corpus", [
        ("a1", "Outlet A", THREE_SENTENCES + "Kim Jong Un welcomed Putin in Pyongyang.\n"),
        ("a2", "Outlet B", "NATO warned about the alliance. The US criticised Russia.\n")])

    def run(out):
        return subprocess.run([sys.executable, "-m", "analysis", "run", "--corpus", str(folder), "--out", str(out),
                               "--tone-method", "vader_sentence", "--skip-validation", "--quiet"],
                              capture_output=True, text=True, cwd=config.REPO_ROOT, timeout=900)

    first = run(tmp_path / "out1")
    assert first.returncode == 0, first.stderr[-3000:]
    assert "2 in = 2 scored + 0 skipped" in first.stderr
    second = run(tmp_path / "out2")
    assert second.returncode == 0, second.stderr[-3000:]
    for sub in ("processed", "figures", "notebooks"):
        files1 = sorted(p.relative_to(tmp_path / "out1") for p in (tmp_path / "out1" / sub).rglob("*") if p.is_file())
        files2 = sorted(p.relative_to(tmp_path / "out2") for p in (tmp_path / "out2" / sub).rglob("*") if p.is_file())
        assert files1 == files2 and files1
        for rel in files1:
            data1 = (tmp_path / "out1" / rel).read_bytes()
            data2 = (tmp_path / "out2" / rel).read_bytes().replace(b"out2", b"out1")
            assert data1 == data2, rel
    report_html = tmp_path / "out1" / "figures" / "report.html"
    assert report_html.is_file()
    assert list((tmp_path / "out1" / "figures").glob("*.svg"))
    notebooks = sorted((tmp_path / "out1" / "notebooks").glob("*.ipynb"))
    assert [p.name for p in notebooks] == list(pipeline.NOTEBOOKS)
    for path in notebooks + [report_html]:
        text = BASE64_RUN.sub("", path.read_text())     # embedded PNGs and scripts can spell "BBC"
        found = [phrase for phrase in BUNDLED_STUDY_PHRASES if phrase in text]
        assert not found, (path.name, found)
    overview = json.loads((tmp_path / "out1" / "notebooks" / "01-corpus-overview.ipynb").read_text())
    markdown = ["".join(o["data"]["text/markdown"]) for c in overview["cells"] if c["cell_type"] == "code"
                for o in c["outputs"] if "text/markdown" in o.get("data", {})]
    assert markdown[0].startswith("2 articles from 2 outlets (1 article per outlet), published 2024-06-19: ")
    tone = (tmp_path / "out1" / "notebooks" / "02-actor-tone.ipynb").read_text()
    assert '"image/png"' in tone                       # figures saved in the notebook
    for path in notebooks:                             # no staging folder, no timing, no widget
        text = path.read_text()
        assert ".staging-" not in text and "iopub.execute_input" not in text and "widget-view" not in text
        assert f"processed_dir = Path('{tmp_path / 'out1' / 'processed'}')" in text   # re-runs in Jupyter


def test_cli_reports_corpus_errors_without_writing(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("Russia is good.\n", encoding="utf-8")
    pd.DataFrame([{"article_id": "b", "outlet": "X"}]).to_csv(folder / "articles.csv", index=False)
    result = subprocess.run([sys.executable, "-m", "analysis", "run", "--corpus", str(folder),
                             "--out", str(tmp_path / "out"), "--quiet"],
                            capture_output=True, text=True, cwd=config.REPO_ROOT, timeout=300)
    assert result.returncode == 2
    assert "articles.csv" in result.stderr
    assert not (tmp_path / "out").exists()


def test_article_table_equals_the_groupby_statement_in_any_article_order():
    articles = corpus.load_corpus().sample(frac=1, random_state=1).reset_index(drop=True)
    sentences = pipeline.split_articles(articles)
    mentions = pd.DataFrame({"article_id": sentences["article_id"].iloc[::3]})
    table = pipeline.article_table(articles, sentences, mentions)
    grouped = sentences[sentences["kind"] == "sentence"].groupby("article_id")    # subheadings apart
    assert table["article_id"].tolist() == articles["article_id"].tolist()          # input order kept
    ids = table["article_id"]
    assert table["sentence_tone_mean"].tolist() == ids.map(grouped["compound"].mean()).tolist()  # bit for bit
    assert table["n_words"].tolist() == ids.map(grouped["n_words"].sum()).tolist()
    assert table["n_mentions"].tolist() == ids.map(mentions["article_id"].value_counts()).fillna(0).tolist()


def test_keys_differ_only_for_another_dtype_with_rows():
    assert pipeline._keys_differ(pd.Series(["a"], dtype="string"), [pd.Series(["a"], dtype="str")])
    assert not pipeline._keys_differ(pd.Series(["a"], dtype="string"), [pd.Series([], dtype="str")])
    assert not pipeline._keys_differ(pd.Series([], dtype="string"), [pd.Series(["a"], dtype="str")])
    assert not pipeline._keys_differ(pd.Series(["a"], dtype="str"), [pd.Series(["a"], dtype=object)])


def test_bundled_run_writes_the_executed_notebooks_over_the_committed_ones(tmp_path):
    assert pipeline.output_dirs(None)["notebooks"] == config.NOTEBOOKS_DIR
    assert pipeline.output_dirs(tmp_path)["notebooks"] == tmp_path / "notebooks"


def test_clean_executed_notebook_drops_timings_stderr_and_widgets():
    import nbformat

    notebook = nbformat.v4.new_notebook(metadata={"language_info": {"name": "python", "version": "3.11.7"}})
    cell = nbformat.v4.new_code_cell("x", metadata={"execution": {"iopub.execute_input": "2026-01-01"}})
    cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text="warning at /tmp/x\n"),
                    nbformat.v4.new_output("stream", name="stdout", text="kept\n"),
                    nbformat.v4.new_output("display_data", data={pipeline.WIDGET_MIME: {"model_id": "f00"},
                                                                 "text/plain": "bar"}),
                    nbformat.v4.new_output("display_data", data={"text/plain": "kept too"})]
    notebook.cells.append(cell)
    cleaned = pipeline.clean_executed_notebook(notebook, {"language_info": {"name": "python"}})
    assert cleaned.metadata == {"language_info": {"name": "python"}}
    assert cleaned.cells[0].metadata == {}
    assert [o.get("text") or o["data"]["text/plain"] for o in cleaned.cells[0].outputs] == ["kept\n", "kept too"]


def test_subheadings_of_003_are_kept_out_of_frame_rates_and_counted_apart():
    # 003 has four subheadings ("Welcome of the President:", ...) holding 6 of its 31 frame hits.
    articles = corpus.load_corpus()
    articles = articles[articles["article_id"].str.startswith("003_")].reset_index(drop=True)
    _, tables = pipeline.score_articles(articles, lexicons.load_actors(), lexicons.load_frames(), "vader_sentence")
    row = tables["articles"].iloc[0]
    assert (row["n_headings"], row["n_heading_frame_hits"]) == (4, 6)
    assert tables["frame_rates"]["hits"].sum() == 25 and len(tables["frame_hits"]) == 25
    headings = tables["sentences"].query("kind == 'heading'")["sentence_index"].tolist()
    assert not tables["frame_hits"]["sentence_index"].isin(headings).any()
    assert not tables["mentions"]["sentence_index"].isin(headings).any()
    body = tables["sentences"].query("kind == 'sentence'")
    assert row["n_words"] == body["n_words"].sum() and row["n_sentences"] == len(body)

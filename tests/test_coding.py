"""Blind coding sheets: units and their marks, no machine score, seeded stratified samples, the CLI."""
import subprocess
import sys

import pandas as pd
import pytest

from analysis import coding, config, corpus, lexicons, pipeline
from corpus_helpers import write_corpus


TWO_ACTORS = "Putin thanked the US and Russia welcomed it. NATO met in Brussels.\n"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = write_corpus(tmp_path_factory.mktemp("corpus") / "c", [
        ("a1", "Outlet A", "Russia is good. Russia is bad. The US is great.\n"),
        ("a2", "Outlet B", TWO_ACTORS)])
    _, tables = pipeline.score_articles(corpus.load_corpus(folder), lexicons.load_actors(),
                                        lexicons.load_frames(), "vader_sentence")
    return folder, tables


def test_unmark_inverts_mark_spans():
    sentence = "Putin thanked the US and Russia welcomed it."
    spans = [(0, 5, *coding.SOURCE_MARKS), (25, 31, *coding.SOURCE_MARKS), (18, 20, *coding.TARGET_MARKS)]
    marked = coding.mark_spans(sentence, spans)
    assert marked == "[[Putin]] thanked the {{US}} and [[Russia]] welcomed it."
    assert coding.unmark(marked) == (sentence, [(0, 5), (25, 31)], [(18, 20)])


def test_mention_units_mark_every_mention_of_the_actor(tiny):
    _, tables = tiny
    units = coding.mention_units(tables["mentions"], tables["sentences"])
    russia = units[(units["article_id"] == "a2") & (units["actor"] == "Russia")]
    assert russia["sentence_marked"].tolist() == ["[[Putin]] thanked the US and [[Russia]] welcomed it."]
    # one unit per sentence x actor: a1 has Russia twice (two sentences) and the US once
    assert sorted(map(tuple, units.loc[units["article_id"] == "a1", ["sentence_index", "actor"]].values.tolist())) \
        == [(0, "Russia"), (1, "Russia"), (2, "US")]
    assert units.loc[(units["article_id"] == "a1") & (units["sentence_index"] == 1), "context_before"].tolist() \
        == ["Russia is good."]


def test_sheet_is_blind_with_empty_codes(tiny):
    _, tables = tiny
    for kind in ("mentions", "relations"):
        sheet = coding.coding_sheet(kind, tables, {}, None)
        assert list(sheet.columns) == coding.UNIT_COLUMNS[kind] + list(coding.CODE_COLUMNS[kind]) + ["notes"]
        assert not {"tone", "tone_label", "compound", "outlet"} & (set(sheet.columns) - set(coding.CODE_COLUMNS[kind]))
        assert (sheet[list(coding.CODE_COLUMNS[kind]) + ["notes"]] == "").all().all()
    relations = coding.coding_sheet("relations", tables, {}, None)
    # a2 sentence 0 has Russia and the US: both ordered pairs
    pairs = relations.loc[relations["article_id"] == "a2", ["source", "target"]].values.tolist()
    assert sorted(map(tuple, pairs)) == [("Russia", "US"), ("US", "Russia")]


def _synthetic_units(n_per_stratum=10):
    rows = [{"unit_id": f"{outlet}{actor}{i}", "outlet": outlet, "actor": actor}
            for outlet in "ABC" for actor in ("Russia", "US") for i in range(n_per_stratum)]
    return pd.DataFrame(rows)


def test_stratified_sample_is_seeded_and_spreads_over_strata():
    units = _synthetic_units()
    first = coding.stratified_sample(units, ["outlet", "actor"], 12, seed=7)
    again = coding.stratified_sample(units, ["outlet", "actor"], 12, seed=7)
    other = coding.stratified_sample(units, ["outlet", "actor"], 12, seed=8)
    assert first["unit_id"].tolist() == again["unit_id"].tolist()
    assert first["unit_id"].tolist() != other["unit_id"].tolist()
    # 12 units over 6 strata: 2 from each
    assert first.groupby(["outlet", "actor"]).size().tolist() == [2] * 6
    assert len(coding.stratified_sample(units, ["outlet", "actor"], None)) == 60


def test_write_sheet_refuses_to_overwrite_codes(tmp_path, tiny):
    _, tables = tiny
    sheet = coding.coding_sheet("mentions", tables, {}, None)
    paths = coding.write_sheet(sheet, "mentions", tmp_path)
    assert (tmp_path / "codebook.md").read_bytes() == config.CODEBOOK_MD.read_bytes()
    coding.write_sheet(sheet, "mentions", tmp_path)          # a blank sheet may be redrawn
    coded = pd.read_csv(paths[0], dtype=str, keep_default_na=False)
    coded.loc[0, "tone"] = "pos"
    coded.to_csv(paths[0], index=False)
    before = paths[0].read_bytes()
    with pytest.raises(coding.SheetExists, match="already holds codes"):
        coding.write_sheet(sheet, "mentions", tmp_path)
    assert paths[0].read_bytes() == before


def run_cli(*args, cwd=config.REPO_ROOT):
    return subprocess.run([sys.executable, "-m", "analysis", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True)


def test_coding_sheet_cli_on_a_corpus_is_reproducible(tmp_path, tiny):
    folder, _ = tiny
    for out in ("one", "two"):
        result = run_cli("coding-sheet", "--corpus", folder, "--units", "mentions", "--sample", "3",
                         "--seed", "5", "--out", tmp_path / out)
        assert result.returncode == 0, result.stderr
    first = (tmp_path / "one" / "mentions_sheet.csv").read_bytes()
    assert first == (tmp_path / "two" / "mentions_sheet.csv").read_bytes()
    sheet = pd.read_csv(tmp_path / "one" / "mentions_sheet.csv", dtype=str, keep_default_na=False)
    assert len(sheet) == 3
    # both outlets are in a stratified sample of 3 from 2 outlets x 2-3 actors
    assert set(sheet["article_id"]) == {"a1", "a2"}
    bad = run_cli("coding-sheet", "--corpus", folder, "--units", "mentions", "--sample", "0", "--out", tmp_path / "x")
    assert bad.returncode == 2 and "--sample" in bad.stderr and not (tmp_path / "x").exists()

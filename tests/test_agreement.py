"""Agreement: Krippendorff's alpha (textbook and hand-computed), Wilson intervals, sheet checks, the CLI
and the pipeline stage. Every coded sheet here is made up in tmp_path (never the study's coded sample)."""
import json
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from analysis import agreement, coding, config, corpus, lexicons, pipeline, tone

NAN = np.nan
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the 4 coders x 12 units example
# with missing values (section C); nominal alpha = 0.743 there.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def test_package_reproduces_krippendorff_2011_example():
    import krippendorff

    assert round(krippendorff.alpha(reliability_data=KRIPPENDORFF_2011, level_of_measurement="nominal"), 3) == 0.743
    # the same data as codes through agreement.alpha (values "1".."5", "" = missing)
    codes = np.array([["" if math.isnan(v) else str(int(v)) for v in row] for row in KRIPPENDORFF_2011], dtype=object)
    value, n_pairable, note = agreement.alpha(codes, ["1", "2", "3", "4", "5"], "nominal")
    assert round(value, 3) == 0.743
    assert n_pairable == 11 and note == ""       # unit 12 has one code only: not pairable


def test_perfect_agreement_is_one():
    codes = np.array([["pos", "neu", "neg", "pos"], ["pos", "neu", "neg", "pos"]], dtype=object)
    for level in ("nominal", "ordinal"):
        assert agreement.alpha(codes, agreement.TONE_ORDER, level)[0] == pytest.approx(1.0)


def test_two_coder_alpha_from_the_coincidence_matrix():
    # Units: (pos,pos) (pos,neu) (neu,neu) (neg,neg) (neg,pos) (neu,neu). Coincidences (each unit
    # adds both ordered pairs, weight 1/(m-1) = 1): o[pos,pos]=2, o[neu,neu]=4, o[neg,neg]=2,
    # o[pos,neu]=o[neu,pos]=1, o[neg,pos]=o[pos,neg]=1; n=12, n_neg=3, n_neu=5, n_pos=4.
    # Nominal: alpha = 1 - (n-1) * sum_{c!=k} o_ck / sum_{c!=k} n_c n_k = 1 - 11 * 4 / (144 - 50) = 25/47.
    # Ordinal: delta_ck = (sum_{g=c..k} n_g - (n_c + n_k)/2)^2: neg-neu (8-4)^2 = 16, neu-pos (9-4.5)^2
    # = 20.25, neg-pos (12-3.5)^2 = 72.25; observed sum 2*20.25 + 2*72.25 = 185, expected
    # 2*(3*5*16 + 5*4*20.25 + 3*4*72.25) = 3024; alpha = 1 - 11 * 185 / 3024 = 989/3024.
    codes = np.array([["pos", "pos", "neu", "neg", "neg", "neu"],
                      ["pos", "neu", "neu", "neg", "pos", "neu"]], dtype=object)
    assert agreement.alpha(codes, agreement.TONE_ORDER, "nominal")[0] == pytest.approx(25 / 47)
    assert agreement.alpha(codes, agreement.TONE_ORDER, "ordinal")[0] == pytest.approx(989 / 3024)


def test_alpha_undefined_cases_are_nan_with_a_reason():
    same = np.array([["yes", "yes"], ["yes", "yes"]], dtype=object)
    value, n, note = agreement.alpha(same, ("yes", "no"), "nominal")
    assert math.isnan(value) and n == 2 and "undefined" in note
    lonely = np.array([["yes", ""], ["", "no"]], dtype=object)
    value, n, note = agreement.alpha(lonely, ("yes", "no"), "nominal")
    assert math.isnan(value) and n == 0


def test_wilson_interval_by_hand_and_against_scipy():
    # 7 of 10, z = 1.96: centre = (0.7 + z^2/20) / (1 + z^2/10) = 0.644490,
    # half = z / (1 + z^2/10) * sqrt(0.021 + z^2/400) = 0.247716
    low, high = agreement.wilson_interval(7, 10)
    assert (round(low, 4), round(high, 4)) == (0.3968, 0.8922)
    from scipy.stats import binomtest

    for k, n in ((0, 5), (3, 4), (5, 5), (17, 40)):
        expected = binomtest(k, n).proportion_ci(0.95, method="wilson")
        assert agreement.wilson_interval(k, n) == pytest.approx((expected.low, expected.high), abs=1e-12)
    assert all(math.isnan(x) for x in agreement.wilson_interval(0, 0))


def test_classification_scores_macro_f1_over_present_codes():
    scores = agreement.classification_scores(["pos", "pos", "neg", ""], ["pos", "neg", "neg", "pos"],
                                             agreement.TONE_ORDER)
    # 3 pairs (the uncoded one dropped); pos: P 1, R 1/2 -> F1 2/3; neg: P 1/2, R 1 -> F1 2/3; neu absent
    assert scores["n"] == 3 and scores["macro_f1"] == pytest.approx(2 / 3)
    assert scores["accuracy"] == pytest.approx(2 / 3)
    assert scores["confusion"][("pos", "neg")] == 1 and scores["confusion"][("neu", "neu")] == 0


# --- sheets -------------------------------------------------------------------------------------------

def mention_sheet(codes, roles=None):
    """A mentions sheet of the three units of "Russia is good. Russia is bad. The US is great."."""
    sentences = ["Russia is good.", "Russia is bad.", "The US is great."]
    actors = ["Russia", "Russia", "US"]
    spans = [(0, 6), (0, 6), (4, 6)]
    rows = []
    for i, (sentence, actor, (s, e)) in enumerate(zip(sentences, actors, spans)):
        rows.append({"unit_id": coding.unit_id("a1", sentence, actor), "article_id": "a1", "sentence_index": i,
                     "actor": actor, "sentence_marked": coding.mark_spans(sentence, [(s, e, "[[", "]]")]),
                     "context_before": sentences[i - 1] if i else "", "tone": codes[i],
                     "role": (roles or [""] * 3)[i], "notes": ""})
    return pd.DataFrame(rows)


def write(df, path):
    df.to_csv(path, index=False)
    return path


def test_coder_and_method_agreement_by_hand(tmp_path):
    # vader_sentence: good -> pos, bad -> neg, great -> pos (VADER lexicon valences 1.9, -2.5, 3.1)
    a = write(mention_sheet(["pos", "neg", "pos"]), tmp_path / "coder_a_mentions.csv")
    b = write(mention_sheet(["pos", "neg", "neu"]), tmp_path / "coder_b_mentions.csv")
    coders, adjudicated = agreement.load_sheets([a, b])
    assert [s.name for s in coders] == ["coder_a", "coder_b"] and adjudicated is None
    tables = agreement.agreement_tables(coders, methods=["vader_sentence"])
    rows = tables["agreement_coders"].set_index(["variable", "level", "group"])["alpha"]
    # (pos,pos) (neg,neg) (pos,neu): n = 6, n_pos 3, n_neg 2, n_neu 1: 1 - 5 * 2 / (36 - 14) = 12/22
    assert rows[("tone", "nominal", "all")] == pytest.approx(12 / 22)
    assert rows[("tone", "nominal", "Russia")] == pytest.approx(1.0)
    # US: one unit (pos, neu): 1 - 1 * 2 / 2 = 0
    assert rows[("tone", "nominal", "US")] == pytest.approx(0.0)
    methods = tables["agreement_methods"].set_index(["reference", "group"])
    assert methods.loc[("coder_a", "all"), "alpha_nominal"] == pytest.approx(1.0)
    assert methods.loc[("coder_a", "all"), "macro_f1"] == pytest.approx(1.0)
    assert methods.loc[("coder_b", "all"), "alpha_nominal"] == pytest.approx(12 / 22)
    confusion = tables["agreement_confusion"]
    cell = confusion[(confusion["reference"] == "coder_b") & (confusion["group"] == "all")
                     & (confusion["reference_code"] == "neu") & (confusion["method_code"] == "pos")]
    assert cell["n"].tolist() == [1]


def test_method_codes_match_the_pipeline_labels(tmp_path):
    """Scored afresh on the sheet's own sentences, each method gives the unit the label the study gives
    its sentence x actor (other actors in the sentence found again, for lexicon_attribution)."""
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.txt").write_text("Putin thanked the US and Russia welcomed it. NATO condemned Russia.\n"
                                  "The US praised NATO but criticised Russia.\n", encoding="utf-8")
    articles = corpus.load_corpus(folder)
    actors = lexicons.load_actors()
    for method in ("lexicon_attribution", "vader_window"):
        _, tables = pipeline.score_articles(articles, actors, lexicons.load_frames(), method)
        units = coding.mention_units(tables["mentions"], tables["sentences"])
        codes = agreement.method_tone_codes(units, method, actors)
        study = tone.sentence_actor_tone(tables["mentions"])
        expected = [agreement.METHOD_TONE_CODES[label] for label in study["tone_label"]]
        assert codes.tolist() == expected
        assert len(set(expected)) > 1          # the check is not vacuous


def test_unavailable_methods_are_skipped_with_a_note(monkeypatch):
    def unavailable():
        raise tone.ToneMethodUnavailable("not here")

    monkeypatch.setitem(tone._METHOD_LOADERS, "test_missing", unavailable)
    monkeypatch.setattr(tone, "ALL_METHOD_NAMES", ("vader_sentence", "test_missing"))
    sheet = agreement.Sheet("coder_a", None, "mentions", mention_sheet(["pos", "neg", "pos"]))
    scores, _, notes = agreement.method_agreement([sheet])
    assert set(scores["method"]) == {"vader_sentence"}
    assert any("test_missing is unavailable" in note for note in notes)


def test_role_against_a_mentions_table_with_roles():
    sheet = agreement.Sheet("coder_a", None, "mentions",
                            mention_sheet(["pos", "neg", "pos"], ["target", "speaker", "target"]))
    units = sheet.table
    sentences = ["Russia is good.", "Russia is bad.", "The US is great."]
    mentions = pd.DataFrame({"article_id": "a1", "sentence_index": [0, 1, 2], "sentence": sentences,
                             "actor": ["Russia", "Russia", "US"], "role": ["target", "target", "target"]})
    codes = agreement.method_role_codes(units, mentions)
    assert codes.tolist() == ["target", "target", "target"]
    scores, _, notes = agreement.method_agreement([sheet], methods=[], mentions=mentions)
    row = scores[(scores["variable"] == "role") & (scores["group"] == "all")].iloc[0]
    assert row["accuracy"] == pytest.approx(2 / 3) and row["n_units"] == 3
    assert not any("no unit got a role" in note for note in notes)
    _, _, notes = agreement.method_agreement([sheet], methods=[], mentions=mentions.assign(role="agent"))
    assert any("no unit got a role" in note for note in notes)


def frame_sheet(codes):
    terms = [("security_military", "army"), ("security_military", "troops"), ("partnership", "ally")]
    rows = [{"unit_id": f"f{i}", "article_id": "a1", "sentence_index": i, "frame": f, "frame_definition": "d",
             "term": t, "sentence_marked": f"The [[{t}]] here.", "context_before": "", "frame_present": c,
             "notes": ""} for i, ((f, t), c) in enumerate(zip(terms, codes))]
    return pd.DataFrame(rows)


def test_frame_precision_with_wilson_interval():
    sheet = agreement.Sheet("adjudicated", None, "frame_hits", frame_sheet(["yes", "no", "yes"]))
    table = agreement.frame_precision([sheet]).set_index("frame")
    assert table.loc["security_military", "precision"] == pytest.approx(0.5)
    assert (table.loc["security_military", "ci_low"], table.loc["security_military", "ci_high"]) == \
        pytest.approx(agreement.wilson_interval(1, 2))
    assert table.loc["all", "n_yes"] == 2 and table.loc["all", "n_hits"] == 3


def test_frame_precision_under_the_current_lexicon_counts_only_hits_it_still_finds():
    sheet_table = frame_sheet(["yes", "no", "yes"])
    # the run's lexicon still finds "ally" (f2) and no longer "troops" (f1): unit ids as the sheets make them
    sentences = {"ally": "The ally here.", "troops": "The troops here."}
    sheet_table["unit_id"] = [coding.unit_id("a1", "The army here.", "security_military", 4, 8),
                              coding.unit_id("a1", sentences["troops"], "security_military", 4, 10),
                              coding.unit_id("a1", sentences["ally"], "partnership", 4, 8)]
    current_hits = pd.DataFrame({"article_id": ["a1"], "sentence": [sentences["ally"]], "frame": ["partnership"],
                                 "start": [4], "end": [8]})
    sheet = agreement.Sheet("adjudicated", None, "frame_hits", sheet_table)
    table = agreement.frame_precision([sheet], current_hits).set_index(["frame", "hits"])
    assert table.loc[("all", agreement.HITS_CODED), "n_hits"] == 3
    assert table.loc[("all", agreement.HITS_CODED), "precision"] == pytest.approx(2 / 3)
    assert table.loc[("all", agreement.HITS_CURRENT), "n_hits"] == 1
    assert table.loc[("all", agreement.HITS_CURRENT), "precision"] == 1.0
    assert ("security_military", agreement.HITS_CURRENT) not in table.index


def relation_sheet(relations, stances):
    rows = [{"unit_id": f"r{i}", "article_id": "a1", "sentence_index": 0, "source": s, "target": t,
             "sentence_marked": "[[Russia]] and {{US}}", "context_before": "", "relation": r, "stance": st,
             "notes": ""}
            for i, ((s, t), r, st) in enumerate(zip([("Russia", "US"), ("US", "Russia"), ("Russia", "DPRK"),
                                                      ("DPRK", "Russia")], relations, stances))]
    return pd.DataFrame(rows)


def test_relation_precision_recall_and_stance():
    sheet = agreement.Sheet("adjudicated", None, "relations",
                            relation_sheet(["yes", "no", "yes", "yes"], ["hostile", "", "supportive", "neutral"]))
    machine = pd.DataFrame({"unit_id": ["r0", "r1", "r2"], "source": ["Russia", "US", "Russia"],
                            "target": ["US", "Russia", "DPRK"], "stance_label": ["hostile", "hostile", "neutral"]})
    row = agreement.relation_agreement([sheet], machine).iloc[0]
    # machine edges r0 r1 r2, coded yes r0 r2 r3: precision 2/3, recall 2/3; stance on r0, r2: 1 of 2
    assert (row["n_machine"], row["n_coded_yes"], row["n_both"]) == (3, 3, 2)
    assert row["precision"] == pytest.approx(2 / 3) and row["recall"] == pytest.approx(2 / 3)
    assert row["stance_n"] == 2 and row["stance_accuracy"] == pytest.approx(0.5)
    absent = agreement.relation_agreement([sheet], None).iloc[0]
    assert "no relations table" in absent["note"] and pd.isna(absent["precision"])
    assert (absent["n_coded"], absent["n_coded_yes"]) == (4, 3)


@pytest.mark.parametrize("breakage, message", [
    (lambda df: df.drop(columns=["tone"]), r"line 1: not a coded mentions sheet: missing column\(s\) tone"),
    (lambda df: pd.concat([df, df.iloc[[0]]]), r"line 5: duplicate unit_id .* \(also on line 2\)"),
    (lambda df: df.assign(tone=["pos", "positive", "neg"]), r"line 3: tone 'positive' is not a code"),
    (lambda df: df.iloc[:2], r"unit .* \(.*coder_a_mentions.csv, line 4\) is missing"),
    (lambda df: pd.concat([df, df.iloc[[0]].assign(unit_id="ffffffffffff")]), r"line 5: unit ffffffffffff is not in"),
    (lambda df: df.assign(sentence_index=["0", "one", "2"]), r"line 3: sentence_index 'one' is not a whole number"),
    (lambda df: df.assign(sentence_marked=df["sentence_marked"].str.replace("[[", "", regex=False)),
     r"line 2: sentence_marked has no \[\[...\]\] mark"),
    (lambda df: df.assign(sentence_marked=["[[Russia]] is good.", "[[Russia]] is very bad.", "The [[US]] is great."]),
     r"line 3: unit .*'s sentence_marked differs from .*coder_a_mentions.csv, line 3"),
    (lambda df: df.drop(columns=["context_before"]).assign(tone=["pos", "neg", "Neutral"]),
     r"line 4: tone 'Neutral' is not a code"),
])
def test_bad_sheets_name_file_line_and_fix_and_write_nothing(tmp_path, breakage, message):
    a = write(mention_sheet(["pos", "neg", "pos"]), tmp_path / "coder_a_mentions.csv")
    b = write(breakage(mention_sheet(["pos", "neg", "neu"])), tmp_path / "coder_b_mentions.csv")
    with pytest.raises(agreement.SheetError, match=message) as error:
        agreement.load_sheets([a, b])
    assert "coder_b_mentions.csv" in str(error.value)
    result = run_cli("agreement", a, b, "--method", "vader_sentence", "--out", tmp_path / "out")
    assert result.returncode == 2 and "coder_b_mentions.csv" in result.stderr
    assert not (tmp_path / "out").exists()


def test_codes_are_read_case_and_space_insensitively_and_optional_columns_may_be_missing(tmp_path):
    path = write(mention_sheet([" POS", "neg ", ""]).drop(columns=["context_before"]), tmp_path / "coder_x_mentions.csv")
    sheet = agreement.read_sheet(path)
    assert sheet.name == "coder_x" and sheet.table["tone"].tolist() == ["pos", "neg", ""]
    assert sheet.lines == {uid: line for uid, line in zip(sheet.table["unit_id"], (2, 3, 4))}


def test_sheets_of_different_kinds_are_refused(tmp_path):
    a = write(mention_sheet(["pos", "neg", "pos"]), tmp_path / "coder_a_mentions.csv")
    b = write(frame_sheet(["yes", "no", "yes"]), tmp_path / "coder_b_frame_hits.csv")
    with pytest.raises(agreement.SheetError, match="a frame_hits sheet, but .* is a mentions sheet"):
        agreement.load_sheets([a, b])


def test_stance_without_relation_is_refused(tmp_path):
    path = write(relation_sheet(["no", "no", "yes", "yes"], ["hostile", "", "", ""]), tmp_path / "coder_a_relations.csv")
    with pytest.raises(agreement.SheetError, match="line 2: stance 'hostile' given but relation is 'no'"):
        agreement.read_sheet(path)


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "analysis", *map(str, args)], cwd=config.REPO_ROOT,
                          capture_output=True, text=True)


def test_cli_end_to_end_on_a_tiny_corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a1.txt").write_text("Russia is good. Russia is bad. The US is great.\n", encoding="utf-8")
    sheet_dir = tmp_path / "sheet"
    made = run_cli("coding-sheet", "--corpus", folder, "--units", "mentions", "--sample", "all", "--out", sheet_dir)
    assert made.returncode == 0, made.stderr
    sheet = pd.read_csv(sheet_dir / "mentions_sheet.csv", dtype=str, keep_default_na=False)
    assert sheet["sentence_marked"].tolist() == ["[[Russia]] is good.", "[[Russia]] is bad.", "The [[US]] is great."]
    for name, codes in (("coder_a", ["pos", "neg", "pos"]), ("coder_b", ["pos", "neg", "neu"]),
                        ("adjudicated", ["pos", "neg", "pos"])):
        sheet.assign(tone=codes, role=["target", "target", "target"]).to_csv(
            tmp_path / f"{name}_mentions.csv", index=False)
    out = tmp_path / "agreement"
    result = run_cli("agreement", tmp_path / "coder_a_mentions.csv", tmp_path / "coder_b_mentions.csv",
                     "--adjudicated", tmp_path / "adjudicated_mentions.csv", "--method", "vader_sentence",
                     "--tables", tmp_path / "no-tables", "--out", out, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    overall = [r for r in data["agreement_coders"] if r["variable"] == "tone" and r["level"] == "nominal"
               and r["group"] == "all"]
    assert overall[0]["alpha"] == pytest.approx(12 / 22, abs=1e-6)
    assert sorted(p.name for p in out.glob("*.csv")) == sorted(f"{n}.csv" for n in agreement.TABLE_NAMES)
    methods = pd.read_csv(out / "agreement_methods.csv")
    adjudicated = methods[(methods["reference"] == "adjudicated") & (methods["group"] == "all")]
    assert adjudicated["alpha_nominal"].tolist() == [1.0] and adjudicated["method"].tolist() == ["vader_sentence"]
    # role is uncomparable here (no mentions table): said in the notes
    assert "no role column" in (out / "agreement_notes.csv").read_text()
    again = run_cli("agreement", tmp_path / "coder_a_mentions.csv", tmp_path / "coder_b_mentions.csv",
                    "--adjudicated", tmp_path / "adjudicated_mentions.csv", "--method", "vader_sentence",
                    "--tables", tmp_path / "no-tables", "--out", tmp_path / "again")
    for name in agreement.TABLE_NAMES:
        assert (out / f"{name}.csv").read_bytes() == (tmp_path / "again" / f"{name}.csv").read_bytes()


def test_pipeline_stage_writes_agreement_only_with_sheets_for_the_corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a1.txt").write_text("Russia is good. Russia is bad. The US is great.\n", encoding="utf-8")
    coding_dir = tmp_path / "coding"
    coding_dir.mkdir()
    articles = corpus.load_corpus(folder)
    tables = pipeline.build_tables(articles, progress=False)
    units = coding.coding_sheet("mentions", tables, {}, None)
    for name, codes in (("coder_a", ["pos", "neg", "pos"]), ("coder_b", ["pos", "neg", "neu"])):
        units.assign(tone=codes).to_csv(coding_dir / f"{name}_mentions.csv", index=False)
    result = agreement.study_agreement(coding_dir, tables, methods=["vader_sentence"])
    assert result["agreement_coders"].set_index(["variable", "level", "group"]).loc[
        ("tone", "nominal", "all"), "alpha"] == pytest.approx(12 / 22)
    notes = " ".join(result["agreement_notes"]["note"])
    assert "no coded frame_hits sheets" in notes and "no coded relations sheets" in notes
    assert "no adjudicated mentions sheet" in notes
    other = tables["articles"].assign(article_id="zz")
    assert agreement.study_agreement(coding_dir, {**tables, "articles": other}) is None
    assert agreement.study_agreement(tmp_path / "empty", tables) is None

    dirs = pipeline.run_study(corpus_path=folder, out=tmp_path / "run", run_notebooks=False, progress=False,
                              validation=False, coding_dir=coding_dir)
    written = sorted(p.name for p in dirs["processed"].glob("agreement_*.csv"))
    assert written == sorted(f"{n}.csv" for n in agreement.TABLE_NAMES)
    assert (dirs["figures"] / "agreement_tone.png").exists()
    report_html = (dirs["figures"] / "report.html").read_text()
    assert "Agreement with coders" in report_html and agreement.EVAL_NOTE in report_html
    assert "0.545" in report_html          # the coder-coder alpha, 12/22, printed whatever it is

    bare = pipeline.run_study(corpus_path=folder, out=tmp_path / "bare", run_notebooks=False, progress=False,
                              validation=False, coding_dir=tmp_path / "empty")
    assert not list(bare["processed"].glob("agreement_*.csv"))
    assert not (bare["figures"] / "agreement_tone.png").exists()


def test_line_numbers_count_newlines_inside_quoted_cells(tmp_path):
    sheet = mention_sheet(["pos", "bad", "pos"])
    sheet.loc[0, "notes"] = "first line\nsecond line"
    path = write(sheet, tmp_path / "coder_a_mentions.csv")
    with pytest.raises(agreement.SheetError, match=r"line 4: tone 'bad'"):
        agreement.read_sheet(path)

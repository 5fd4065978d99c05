"""Relation extraction (analysis/relations.py): every hand-made construction gives exactly its edges."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import coding, lexicons, pipeline, relations

ACTORS = {"Russia": ["Putin", "Russia"], "DPRK": ["Kim", "DPRK", "Pyongyang"],
          "US": ["United States", "US", "Washington"], "NATO": ["NATO"], "Japan": ["Japan"],
          "Ukraine": ["Ukraine"], "South Korea": ["Seoul"]}


def edges(sentence: str, voice: str = "quoted") -> set[tuple[str, str, str]]:
    names = {actor: [n for n in aliases if n in sentence] for actor, aliases in ACTORS.items()}
    table = relations.relations_of_sentence(sentence, {a: n for a, n in names.items() if n}, voice=voice)
    return set(zip(table["source"], table["target"], table["stance_label"]))


CASES = [
    ("Putin praised the DPRK for its steadfast support.", {("Russia", "DPRK", "supportive")}),
    ("The United States expressed concern about Putin's visit.", {("US", "Russia", "hostile")}),
    ("NATO's chief said Putin depends on authoritarian leaders.", {("NATO", "Russia", "hostile")}),
    ("Putin and Kim promised to work together against the United States.",
     {("Russia", "US", "hostile"), ("DPRK", "US", "hostile"), ("Russia", "DPRK", "supportive"),
      ("DPRK", "Russia", "supportive")}),
    ("Putin met Kim in Pyongyang, and the two leaders promised to work together against the United States.",
     {("Russia", "US", "hostile"), ("DPRK", "US", "hostile"), ("Russia", "DPRK", "supportive"),
      ("DPRK", "Russia", "supportive")}),
    ("Kim thanked Putin.", {("DPRK", "Russia", "supportive")}),
    ("Putin was praised by Kim.", {("DPRK", "Russia", "supportive")}),
    ("Japan condemned Russia.", {("Japan", "Russia", "hostile")}),
    # negation: the act is still a relation, but restraint is not support (codebook)
    ("Japan did not condemn Russia.", {("Japan", "Russia", "neutral")}),
    ("Putin arrived and praised Kim.", {("Russia", "DPRK", "supportive")}),
    ("The US said Russia condemned Ukraine.", {("Russia", "Ukraine", "hostile"), ("US", "Russia", "hostile")}),
    ("Japan imposed sanctions on Russia.", {("Japan", "Russia", "hostile")}),
    ("Seoul rejected pressure from Washington.", {("South Korea", "US", "hostile")}),
]


@pytest.mark.parametrize("sentence,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_each_construction_gives_exactly_its_edges(sentence, expected):
    assert edges(sentence) == expected


def test_outlet_voice_evaluation_has_the_outlet_as_source():
    sentence = "The two allies vowed to stand against Washington."
    assert edges(sentence, voice="quoted") == set()     # someone speaks, but no actor of the lexicon
    table = relations.relations_of_sentence(sentence, {"US": ["Washington"]}, voice="author")
    assert table[["source", "target", "stance_label", "quad"]].values.tolist() == [
        ["(outlet)", "US", "hostile", "verbal_conflict"]]
    assert table[["source_start", "source_end"]].values.tolist() == [[-1, -1]]
    assert table["verb"].tolist() == ["against"]


def test_row_fields_spans_quad_and_unit_id():
    sentence = "Kim thanked Putin."
    table = relations.relations_of_sentence(sentence, {"DPRK": ["Kim"], "Russia": ["Putin"]})
    row = table.iloc[0]
    assert list(table.columns) == relations.RELATION_COLUMNS
    assert (row.source_start, row.source_end, row.target_start, row.target_end) == (0, 3, 12, 17)
    assert (row.verb, row.kind, row.quad, row.stance) == ("thank", "verbal", "verbal_cooperation", 1.0)
    assert row.unit_id == coding.unit_id("t", sentence, "DPRK", "Russia")


def test_kinds_and_quads_follow_the_verb_lexicon():
    sanctions = relations.relations_of_sentence("Japan imposed sanctions on Russia.",
                                                {"Japan": ["Japan"], "Russia": ["Russia"]})
    assert sanctions[["verb", "kind", "quad", "stance"]].values.tolist() == [["impose", "material",
                                                                             "material_conflict", -1.0]]
    supply = relations.relations_of_sentence("Putin supplied Kim with oil.", {"Russia": ["Putin"], "DPRK": ["Kim"]})
    assert supply[["source", "target", "verb", "quad"]].values.tolist() == [["Russia", "DPRK", "supply",
                                                                             "material_cooperation"]]
    meeting = relations.relations_of_sentence("Putin met Kim.", {"Russia": ["Putin"], "DPRK": ["Kim"]})
    assert meeting[["verb", "kind", "quad", "stance_label"]].values.tolist() == [["meet", "material", "neutral",
                                                                                 "neutral"]]


def test_pipeline_writes_relations_sorted_by_key_and_only_with_roles():
    sentences = pd.DataFrame({"article_id": ["a", "a"], "sentence_index": [1, 0],
                              "sentence": ["Kim thanked Putin.", "Putin was praised by Kim."],
                              "voice": ["quoted", "quoted"], "char_start": [20, 0], "char_end": [38, 19]})
    mentions, _ = pipeline.find_evidence(sentences, lexicons.load_actors(), lexicons.load_frames(),
                                         "lexicon_attribution", roles=True)
    table = relations.extract_relations(mentions)
    assert table[["sentence_index", "source", "target"]].values.tolist() == [[0, "DPRK", "Russia"],
                                                                            [1, "DPRK", "Russia"]]
    assert relations.extract_relations(mentions.iloc[:0]).empty


def test_score_and_the_study_pipeline_give_identical_role_aware_tables(tmp_path):
    """``score`` (batches) with a role-aware method == ``build_tables`` on the whole corpus, relations included."""
    from analysis import config, corpus, io, scale
    method = "lexicon_attribution+roles"
    out = tmp_path / "out"
    scale.score_corpus(None, out, jobs=1, method=method, batch_size=2, fmt="csv", use_cache=False, progress=False)
    tables = pipeline.build_tables(corpus.load_corpus(), method=method, progress=False)
    assert len(tables["relations"]) > 0 and tables["mentions"]["role"].notna().all()
    for name, table in tables.items():
        assert (out / f"{name}.csv").read_bytes() == io.to_csv_bytes(table), name


def test_a_numbered_group_subject_takes_the_last_actors_named():
    # "both countries" = the last two actors named before it, not Japan
    sentence = "Japan says Putin is arming Kim, claims both countries deny."
    # Japan speaks about Putin (its report's subject); arming Kim is Putin's act; both deny together
    assert edges(sentence) == {("Japan", "Russia", "neutral"), ("Russia", "DPRK", "supportive"),
                               ("DPRK", "Russia", "supportive")}

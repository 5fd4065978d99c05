"""Mention roles, opposition constructions and the role-aware tone wrapper (analysis/roles.py).

Hand-made sentences, one per construction, with the role and tone sign a reader expects; then the
seed sentences that issue 10 names as unit tests (the only seed sentences used here).
"""
from __future__ import annotations

import re
import textwrap

import numpy as np
import pandas as pd
import pytest

from analysis import lexicons, pipeline, roles, stance_lexicons, tone

BASE = "lexicon_attribution"
ROLE_AWARE = f"{BASE}+roles"


def spans_of(sentence: str, names: list[str]) -> list[tuple[int, int]]:
    """The first occurrence of each name in the sentence (each must be present)."""
    spans = []
    for name in names:
        match = re.search(re.escape(name), sentence)
        assert match, name
        spans.append(match.span())
    return spans


def scored(method: str, sentence: str, names: list[str]) -> pd.DataFrame:
    """One row per name: role, construction, tone and label under ``method`` (other names as other spans)."""
    spans = spans_of(sentence, names)
    others = [[s for s in spans if s != span] for span in spans]
    result = tone.get_method(method).score([sentence] * len(spans), [a for a, _ in spans], [b for _, b in spans],
                                           other_spans=others)
    found = roles.roles_of_sentence(sentence, spans)
    return pd.DataFrame({"name": names, "role": [r.role for r in found],
                         "construction": [r.construction for r in found],
                         "tone": result["tone"].to_numpy(), "label": result["tone_label"].to_numpy()}).set_index("name")


# (sentence, {name: (role, construction, expected label under the role-aware method or None: base's)})
CASES = [
    ("The United States expressed concern about Putin's visit.",
     {"United States": ("speaker", "", "neutral"), "Putin": ("target", "", None)}),
    ("NATO's chief said Putin depends on authoritarian leaders.",
     {"NATO": ("speaker", "", "neutral"), "Putin": ("target", "", None)}),
    ("They vowed to stand together against Brazil.", {"Brazil": ("target", "against", "negative")}),
    ("Putin was praised by Kim.", {"Putin": ("target", "", "positive"), "Kim": ("speaker", "", "neutral")}),
    ("Putin and Kim signed a treaty.", {"Putin": ("speaker", "", None), "Kim": ("speaker", "", None)}),
    ("Putin and Kim promised to work together against the United States.",
     {"Putin": ("speaker", "", "neutral"), "Kim": ("speaker", "", "neutral"),
      "United States": ("target", "against", "negative")}),
    ("Kim thanked Putin.", {"Kim": ("speaker", "", "neutral"), "Putin": ("target", "", "positive")}),
    ("Japan condemned Russia.", {"Japan": ("speaker", "", "neutral"), "Russia": ("target", "condemn", "negative")}),
    ("Russia was condemned by the UN.", {"Russia": ("target", "condemn", "negative"), "UN": ("speaker", "", "neutral")}),
    ("Seoul rejected pressure from Washington.",
     {"Seoul": ("speaker", "", "neutral"), "Washington": ("target", "pressure from", "negative")}),
    ("The EU imposed sanctions on Russia.", {"Russia": ("target", "sanction on", "negative")}),
    ("Beijing denounced American hegemony in Asia.",
     {"Beijing": ("speaker", "", "neutral"), "American": ("target", "hegemony", "negative")}),
    ("The two allies vowed to counter Washington.", {"Washington": ("target", "counter", "negative")}),
    ("The Kremlin's spokesman said the talks with Kim went well.",
     {"Kremlin": ("speaker", "", "neutral"), "Kim": ("target", "", None)}),
    ("NATO Secretary General Jens Stoltenberg said Moscow is a threat.",
     {"NATO Secretary General Jens Stoltenberg": ("speaker", "", "neutral"), "Moscow": ("target", "", None)}),
    ("According to Seoul, Pyongyang broke the deal.",
     {"Seoul": ("speaker", "", "neutral"), "Pyongyang": ("target", "", None)}),
    # rule 1 needs the statement to be aimed at another actor: here no other actor, the base tone stands
    ("The Kremlin's spokesman said the talks went well.", {"Kremlin": ("speaker", "", None)}),
    ("The leaders of Russia and North Korea signed a pact.",
     {"Russia": ("speaker", "", None), "North Korea": ("speaker", "", None)}),
    ("The summit in Oslo ended without a statement.", {"Oslo": ("other", "", None)}),
    # negation: the cue does not count, the base tone stands
    ("Japan did not condemn Russia.", {"Russia": ("target", "", None)}),
    ("The two allies will not work against Washington.", {"Washington": ("target", "", None)}),
]


@pytest.mark.parametrize("sentence,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_roles_constructions_and_role_aware_labels(sentence, expected):
    names = list(expected)
    got = scored(ROLE_AWARE, sentence, names)
    base = scored(BASE, sentence, names)
    for name, (role, construction, label) in expected.items():
        assert (got.at[name, "role"], got.at[name, "construction"]) == (role, construction), name
        if label is None:                      # rule 3: the base tone, unchanged
            assert got.at[name, "tone"] == base.at[name, "tone"] and got.at[name, "label"] == base.at[name, "label"]
        else:
            assert got.at[name, "label"] == label, name
        if label == "negative" and construction:   # rule 2: min(base, -c)
            assert got.at[name, "tone"] == min(base.at[name, "tone"], -roles.OPPOSITION_TONE)
        if label == "neutral" and role == "speaker":   # rule 1
            assert got.at[name, "tone"] == 0.0


def test_negation_changes_the_sign_only_through_the_cue():
    plain = scored(ROLE_AWARE, "Japan condemned Russia.", ["Russia"])
    negated = scored(ROLE_AWARE, "Japan did not condemn Russia.", ["Russia"])
    assert plain.at["Russia", "label"] == "negative" and negated.at["Russia", "label"] != "negative"


def test_an_evaluated_speaker_keeps_its_tone():
    # "brutal" (VADER -3.1) in the speaker's own phrase (an apposition): the sentence evaluates it too.
    sentence = "Putin, a brutal dictator, said the talks with Kim went well."
    (role,) = roles.roles_of_sentence(sentence, spans_of(sentence, ["Putin"]))
    assert role.role == "speaker" and role.verbal and role.evaluated
    got, base = scored(ROLE_AWARE, sentence, ["Putin", "Kim"]), scored(BASE, sentence, ["Putin", "Kim"])
    assert got.at["Putin", "tone"] == base.at["Putin", "tone"] != 0.0


def test_the_agent_of_a_material_act_keeps_its_tone():
    sentence = "Russia attacked Ukraine."
    got, base = scored(ROLE_AWARE, sentence, ["Russia", "Ukraine"]), scored(BASE, sentence, ["Russia", "Ukraine"])
    assert got.at["Russia", "role"] == "speaker"
    assert got.at["Russia", "tone"] == base.at["Russia", "tone"] < 0


# --- issue 10's named seed sentences (unit tests by the issue's own choice) -------------------------

SEED_US = [
    ("003", "The two leaders promised to work together against the United States and strengthen their "
            "relationship, which might involve more weapons trading.", "United States", "against"),
    ("001", "He also pledged support for North Korea\u2019s efforts to defend its interests against what he "
            "termed US pressure and military threats.", "US", "pressure"),
    ("002", 'Putin praised DPRK for "defending their interests very effectively despite the US economic '
            'pressure, provocation, blackmail and military threats that have lasted for decades."', "US", "pressure"),
]
SEED_NATO = [
    ("002", "In the same context, NATO Secretary General Jens Stoltenberg stated Putin's trip showed how he was "
            '"dependent on authoritarian leaders."', "NATO Secretary General Jens Stoltenberg", ["Putin"]),
    ("004", "International reactions have varied, with NATO Secretary-General Jens Stoltenberg and Ukraine's "
            "Foreign Minister Dmytro Kuleba expressing concerns over the implications of this alliance, "
            "particularly regarding the ongoing conflict in Ukraine.",
     "NATO Secretary-General Jens Stoltenberg", ["Ukraine"]),
]


@pytest.mark.parametrize("article,sentence,name,cue", SEED_US, ids=[c[0] for c in SEED_US])
def test_seed_sentences_are_negative_toward_the_us(article, sentence, name, cue):
    others = [n for n in ("Putin", "DPRK", "North Korea") if n in sentence]
    got = scored(ROLE_AWARE, sentence, [name] + others)
    assert got.at[name, "construction"] == cue
    assert got.at[name, "label"] == "negative" and got.at[name, "tone"] <= -roles.OPPOSITION_TONE


@pytest.mark.parametrize("article,sentence,name,others", SEED_NATO, ids=[c[0] for c in SEED_NATO])
def test_seed_sentences_are_not_negative_toward_nato(article, sentence, name, others):
    got = scored(ROLE_AWARE, sentence, [name] + others)
    assert got.at[name, "role"] == "speaker" and got.at[name, "label"] != "negative"
    if article == "002":     # NATO's chief speaks about Putin (a target): rule 1, tone 0
        assert got.at["Putin", "role"] == "target"
        assert got.at[name, "tone"] == 0.0 and got.at[name, "label"] == "neutral"
    else:                    # the concern is about "this alliance", no actor of the lexicon: rule 3
        assert got.at[name, "tone"] == scored(BASE, sentence, [name] + others).at[name, "tone"]


# The same sentences under the study's default method (issue 10's bar: "each is a unit test of the
# default method"): the best available of tone.DEFAULT_METHOD_PREFERENCE, with the models extra the
# fine-tuned classifier wrapped in the role rules. Labels follow the method's one threshold rule.

@pytest.mark.parametrize("article,sentence,name,cue", SEED_US, ids=[c[0] for c in SEED_US])
def test_default_method_is_negative_toward_the_us_in_the_seed_sentences(article, sentence, name, cue):
    default = tone.default_method_name()
    assert default.endswith(tone.ROLE_AWARE_SUFFIX)
    others = [n for n in ("Putin", "DPRK", "North Korea") if n in sentence]
    got = scored(default, sentence, [name] + others)
    threshold = tone.label_threshold_of(default)
    assert got.at[name, "label"] == "negative" and got.at[name, "tone"] <= -threshold


@pytest.mark.parametrize("article,sentence,name,others", SEED_NATO, ids=[c[0] for c in SEED_NATO])
def test_default_method_is_not_negative_toward_nato_in_the_seed_sentences(article, sentence, name, others):
    default = tone.default_method_name()
    got = scored(default, sentence, [name] + others)
    assert got.at[name, "label"] != "negative"
    assert got.at[name, "tone"] > -tone.label_threshold_of(default)


def test_role_aware_labels_follow_the_base_threshold_rule():
    scorer = tone.get_method("lexicon_attribution+roles")
    assert scorer.label_threshold == tone.label_threshold_of("lexicon_attribution") == 0.05
    sentence = "The ministers vowed to stand together against Brazil and praised Chile."
    got = scorer.score([sentence] * 2, [sentence.index("Brazil"), sentence.index("Chile")],
                       [sentence.index("Brazil") + 6, sentence.index("Chile") + 5])
    expected = tone.label_from_tone(got["tone"].to_numpy(), positive=0.05, negative=-0.05).tolist()
    assert got["tone_label"].tolist() == expected
    assert got["tone"].iat[0] <= -roles.OPPOSITION_TONE


# --- registry, pipeline ----------------------------------------------------------------------------

def test_any_base_method_is_available_role_aware_by_name():
    assert set(tone.ROLE_AWARE_METHOD_NAMES) == {f"{m}+roles" for m in tone.METHOD_NAMES}
    scorer = tone.get_method("vader_sentence+roles")
    assert isinstance(scorer, roles.RoleAwareTone) and scorer.base is tone.get_method("vader_sentence")
    with pytest.raises(ValueError):
        tone.get_method("nonsense+roles")


def test_minilm_base_is_wrapped_too():
    if not tone.method_available("minilm_logreg"):
        pytest.skip("models extra not installed")
    got = scored("minilm_logreg+roles", SEED_US[0][1], ["United States"])
    assert got.at["United States", "label"] == "negative"


def test_mentions_table_gets_role_and_construction_columns():
    sentences = pd.DataFrame({"article_id": ["a", "a"], "sentence_index": [0, 1],
                              "sentence": ["Kim thanked Putin.", "They stood against NATO."],
                              "voice": ["author", "author"]})
    mentions, _ = pipeline.find_evidence(sentences, lexicons.load_actors(), lexicons.load_frames(), BASE, roles=True)
    table = mentions.set_index("alias")[["role", "construction"]]
    assert table.loc["Kim"].tolist() == ["speaker", ""] and table.loc["Putin"].tolist() == ["target", ""]
    assert table.loc["NATO"].tolist() == ["target", "against"]
    # without roles (the large-corpus default for a base method): the columns exist, empty
    plain, _ = pipeline.find_evidence(sentences, lexicons.load_actors(), lexicons.load_frames(), BASE)
    assert list(plain.columns) == pipeline.MENTION_COLUMNS and plain["role"].isna().all()


# --- lexicons ---------------------------------------------------------------------------------------

def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


VERBS_OK = """\
    version: "1.0.0"
    verbs:
      - lemma: condemn
        kind: verbal
        stance: hostile
        rationale: r
      - lemma: say
        kind: verbal
        stance: neutral
        rationale: r
    """


def test_verb_lexicon_rejects_duplicates_and_unknown_keys_with_file_and_line(tmp_path):
    duplicate = _write(tmp_path, "dup.yaml", VERBS_OK.rstrip(" ") + "      - lemma: say\n        kind: verbal\n"
                                                        "        stance: neutral\n        rationale: again\n")
    with pytest.raises(lexicons.LexiconError, match=r"dup.yaml:11: verb 'say' appears twice \(first at line 7\)"):
        stance_lexicons.load_verbs(duplicate)
    unknown = _write(tmp_path, "unknown.yaml", VERBS_OK.replace("rationale: r\n", "rationale: r\n        polarity: 1\n", 1))
    with pytest.raises(lexicons.LexiconError, match=r"unknown.yaml:7: unknown key 'polarity'"):
        stance_lexicons.load_verbs(unknown)
    bad_kind = _write(tmp_path, "kind.yaml", VERBS_OK.replace("kind: verbal", "kind: physical", 1))
    with pytest.raises(lexicons.LexiconError, match=r"kind.yaml:4: .*kind must be one of"):
        stance_lexicons.load_verbs(bad_kind)


def test_stance_cues_reject_duplicates_and_verbs_that_are_not_hostile(tmp_path):
    verbs = _write(tmp_path, "verbs.yaml", VERBS_OK)
    cues = """\
    version: "1.0.0"
    prepositions:
      - cue: against
        rationale: r
    verbs:
      - cue: condemn
        rationale: r
    """
    ok = stance_lexicons.load_stance_cues(_write(tmp_path, "ok.yaml", cues), verbs)
    assert ok.prepositions == {"against"} and ok.verbs == {"condemn"}
    with pytest.raises(lexicons.LexiconError, match=r"dup.yaml:5: cue 'against' appears twice \(first at line 3\)"):
        repeated = cues.replace("    verbs:\n", "      - cue: against\n        rationale: r\n    verbs:\n")
        stance_lexicons.load_stance_cues(_write(tmp_path, "dup.yaml", repeated), verbs)
    with pytest.raises(lexicons.LexiconError, match=r"say.yaml:6: opposition verb 'say' must be a hostile verb"):
        stance_lexicons.load_stance_cues(_write(tmp_path, "say.yaml", cues.replace("cue: condemn", "cue: say")), verbs)


def test_shipped_lexicons_load_and_every_cue_verb_is_hostile():
    verbs = stance_lexicons.load_verbs()
    cues = stance_lexicons.load_stance_cues()
    assert all(verbs.entry(v).stance == "hostile" for v in cues.verbs)
    assert {"against"} <= cues.prepositions and {"pressure", "blackmail", "aggression", "threat", "provocation",
                                                   "hegemony"} <= set(cues.charge_nouns)
    assert cues.punishment_nouns["sanction"] == ("on", "against")
    assert verbs.entry("express", "concern").stance == "hostile" and verbs.entry("express", "hope").stance == "neutral"

"""Loader and validation of actors.yaml / frames.yaml: every LexiconError names file and line."""
from __future__ import annotations

import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import config
from analysis.lexicons import LexiconError, lexicon_table, load_actors, load_frames

ACTORS_OK = """\
version: "0.1"
actors:
  - name: Russia
    group: core
    label: Russia
    description: the state
    aliases:
      - alias: Russia
        rationale: name
      - alias: Putin
        rationale: president
  - name: US
    group: core
    label: United States
    description: the state
    aliases:
      - alias: US
        rationale: abbreviation
        case_sensitive: true
"""

FRAMES_OK = """\
version: "0.1"
frames:
  - name: isolation
    label: Isolation
    definition: cut off
    terms:
      - term: isolat*
        rationale: stem
  - name: partnership
    label: Partnership
    definition: friends
    terms:
      - term: treaty
        rationale: word
"""


def _write(tmp_path, text, name="lex.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _error(loader, path) -> str:
    with pytest.raises(LexiconError) as info:
        loader(path)
    return str(info.value)


def test_default_lexicons_load_with_core_actors_and_seven_frames():
    actors = load_actors()
    assert actors.core_names == config.DEFAULT_ACTORS
    assert actors.path == config.ACTORS_YAML and actors.version
    assert {"South Korea", "Ukraine", "China", "Japan", "UN", "the West"} <= set(actors.names)
    frames = load_frames()
    assert set(frames.names) >= {"isolation", "partnership", "security_military", "economy_trade",
                                 "alternative_order", "ceremony_spectacle", "threat_concern"}


def test_small_valid_files_load(tmp_path):
    actors = load_actors(_write(tmp_path, ACTORS_OK))
    assert actors.names == ("Russia", "US") and actors.version == "0.1"
    # US alias declared on line 17 of ACTORS_OK ("- alias: US").
    us = actors.actor("US").aliases[0]
    assert (us.text, us.case_sensitive, us.line) == ("US", True, 17)
    frames = load_frames(_write(tmp_path, FRAMES_OK, "f.yaml"))
    assert frames.names == ("isolation", "partnership")
    assert frames.frames[0].terms[0].is_stem


def test_lexicon_table_lists_every_entry_with_rationale():
    actors = load_actors()
    table = lexicon_table(actors)
    n_entries = (sum(len(a.aliases) + len(a.exclude) for a in actors.actors) + len(actors.joint_aliases))
    assert len(table) == n_entries
    assert table["rationale"].str.len().min() > 0
    row = table[table["entry"] == "Kim Il Sung Square"].iloc[0]
    assert (row["category"], row["entry_type"]) == ("DPRK", "exclude")
    frames_table = lexicon_table(load_frames())
    assert frames_table.loc[frames_table["entry"] == "isolat*", "entry_type"].item() == "stem"


# --- every error case: (yaml text, expected line, words the message must contain) ---------------

# ACTORS_OK line numbers: 3 "- name: Russia", 8 "- alias: Russia", 10 "- alias: Putin",
# 12 "- name: US", 17 "- alias: US"; key errors point at the key's own line.
ACTOR_ERRORS = {
    "malformed": ("version: '1'\nactors:\n  - name: [Russia\n", 4, "malformed YAML"),
    "empty_file": ("", 1, "empty lexicon"),
    "empty_list": ("version: '1'\nactors: []\n", 2, "empty lexicon"),
    "missing_key": (ACTORS_OK.replace("    label: Russia\n", ""), 3, "missing required key 'label'"),
    "unknown_key": (ACTORS_OK.replace("    label: Russia\n", "    label: Russia\n    lable: x\n"), 6,
                    "unknown key 'lable'"),
    "alias_twice": (ACTORS_OK.replace("      - alias: Putin\n", "      - alias: russia\n"), 10,
                    "appears twice in actor 'Russia'"),
    "alias_conflict": (ACTORS_OK.replace("      - alias: US\n        rationale: abbreviation\n"
                                         "        case_sensitive: true\n",
                                         "      - alias: PUTIN\n        rationale: x\n"), 17,
                       "conflicts with the same alias of 'Russia'"),
    "duplicate_actor": (ACTORS_OK.replace("  - name: US\n", "  - name: Russia\n"), 12,
                        "duplicate actor name 'Russia'"),
    "empty_alias": (ACTORS_OK.replace("      - alias: Putin\n", "      - alias: ''\n"), 10,
                    "must be a non-empty string"),
    "duplicate_key": (ACTORS_OK.replace("    label: Russia\n", "    label: Russia\n    label: R\n"), 6,
                      "duplicate key 'label'"),
    "bad_group": (ACTORS_OK.replace("group: core\n    label: Russia", "group: main\n    label: Russia"), 4,
                  "group must be one of"),
    "joint_unknown_actor": (ACTORS_OK + "joint_aliases:\n  - alias: Russo-Korean\n    actors: [Russia, DPRK]\n"
                            "    rationale: x\n", 22, "joint alias actors"),
}


@pytest.mark.parametrize("case", sorted(ACTOR_ERRORS))
def test_actor_lexicon_errors_name_file_and_line(tmp_path, case):
    text, line, words = ACTOR_ERRORS[case]
    path = _write(tmp_path, text)
    message = _error(load_actors, path)
    assert message.startswith(f"{path}:{line}:"), message
    assert words in message


def test_case_sensitive_aliases_that_differ_in_case_do_not_conflict(tmp_path):
    # "US" (case-sensitive) and "Us" (case-sensitive) are different surface forms; only if one of
    # them were case-insensitive would they collide.
    text = ACTORS_OK.replace("      - alias: Putin\n        rationale: president\n",
                             "      - alias: Us\n        rationale: test\n        case_sensitive: true\n")
    assert len(load_actors(_write(tmp_path, text)).actor("Russia").aliases) == 2


# FRAMES_OK line numbers: 3 "- name: isolation", 7 "- term: isolat*", 9 "- name: partnership",
# 13 "- term: treaty"; an entry's error points at the line its mapping starts on.
FRAME_ERRORS = {
    "malformed": ("version: '1'\nframes:\n  - name: x\n    terms: {\n", 5, "malformed YAML"),
    "empty_list": ("version: '1'\nframes:\n", 2, "empty lexicon"),
    "missing_version": (FRAMES_OK.replace('version: "0.1"\n', ""), 1, "missing required key 'version'"),
    "unknown_key": (FRAMES_OK.replace("        rationale: word\n", "        rationale: word\n        weight: 2\n"),
                    15, "unknown key 'weight'"),
    "duplicate_frame": (FRAMES_OK.replace("  - name: partnership\n", "  - name: isolation\n"), 9,
                        "duplicate frame name 'isolation'"),
    "term_in_two_frames": (FRAMES_OK.replace("      - term: treaty\n", "      - term: Isolation\n"), 13,
                           "conflicts with term 'isolat*' of frame 'isolation'"),
    "term_twice_in_frame": (FRAMES_OK.replace("        rationale: stem\n",
                                              "        rationale: stem\n      - term: ISOLAT*\n        rationale: x\n"),
                            9, "appears twice in frame 'isolation'"),
    "misplaced_star": (FRAMES_OK.replace("      - term: treaty\n", "      - term: tre*aty\n"), 13,
                       "only allowed at the end"),
    "case_sensitive_stem": (FRAMES_OK.replace("        rationale: stem\n",
                                              "        rationale: stem\n        case_sensitive: true\n"), 7,
                            "stem cannot be case_sensitive"),
    "missing_rationale": (FRAMES_OK.replace("        rationale: word\n", ""), 13,
                          "missing required key 'rationale'"),
}


@pytest.mark.parametrize("case", sorted(FRAME_ERRORS))
def test_frame_lexicon_errors_name_file_and_line(tmp_path, case):
    text, line, words = FRAME_ERRORS[case]
    path = _write(tmp_path, text)
    message = _error(load_frames, path)
    assert message.startswith(f"{path}:{line}:"), message
    assert words in message


def _spans(matches):
    return [(m.span(), m.lastindex) for m in matches]


TRICKY_TEXTS = [
    "", "Kim", "kim jong-un met KIM Jong Un", "U.S.Kim and the U.S.-led West", "us US Us uS", "xKim Kimx _Kim Kim_",
    "Putin's Kremlin; Russo-Korean ties", "the West, The West, THE WEST", "Kim Il Sung Square near Kim",
    "Washington Post and Washington", "Latin American and American", "sanctions isolated isolation wars warfare",
    "anti-Western US-led BRICS brics", "\u0130stanbul \u017f Kim\u00a0Jong Un", "Kim\nJong Un", "--Kim--",
]


@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_entry_matcher_finds_exactly_the_pattern_matches(text):
    actors, frames = load_actors(), load_frames()
    for matcher in (actors.alias_matcher, actors.exclude_matcher, frames.term_matcher):
        assert _spans(matcher.finditer(text)) == _spans(matcher.pattern.finditer(text))
    blanked = actors.exclude_pattern.sub(lambda m: " " * (m.end() - m.start()), text)
    assert actors.exclude_matcher.blank(text) == blanked


def test_required_words_are_implied_by_every_exclusion():
    actors = load_actors()
    words = actors.exclude_matcher.required
    assert words and len(words) <= 16
    for actor in actors.actors:
        for exclusion in actor.exclude:
            assert any(word in exclusion.text.lower() for word in words)


def test_matching_copies_are_matching_copy_or_none():
    from analysis.lexicons import matching_copies, matching_copy
    texts = ["Kim\u2019s site www.kim.kp", "", None, float("nan"), "plain"]
    assert matching_copies(texts) == [matching_copy(texts[0]), None, None, None, "plain"]


# --- one scan over a batch's joined copies must give each sentence's matches ---------------------

def test_lower_casing_keeps_every_character_class():
    # The scanners search lower-cased text: each character must keep its word / space / hyphen class,
    # and only "İ" may lower-case to two characters (such text is matched without the scanner).
    import re
    import sys
    word, space = re.compile(r"\w"), re.compile(r"\s")
    longer = []
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        low = char.lower()
        if len(low) != 1:
            longer.append(char)
            continue
        assert bool(word.match(char)) == bool(word.match(low)), hex(code)
        assert bool(space.match(char)) == bool(space.match(low)), hex(code)
        assert (char == "-") == (low == "-") and (char == "\x00") == (low == "\x00"), hex(code)
    assert longer == ["\u0130"]


def _blank_all(pattern, text):
    return pattern.sub(lambda m: " " * (m.end() - m.start()), text)


def _reference_mentions(actors, copies):
    """Each copy on its own: exclusions blanked, then the aliases' compiled pattern (no scanner)."""
    return [(i, *m.span(), actors.group_entries[m.lastindex - 1]) for i, copy in enumerate(copies) if copy is not None
            for m in actors.pattern.finditer(_blank_all(actors.exclude_pattern, copy))]


def _reference_hits(matcher, copies):
    return [(i, *m.span(), matcher.entries[m.lastindex - 1]) for i, copy in enumerate(copies) if copy is not None
            for m in matcher.pattern.finditer(copy)]


def _reference_copies(sentences):
    from analysis.lexicons import matching_copy
    return [matching_copy(s) if isinstance(s, str) and s else None for s in sentences]


_LEXICONS = (load_actors(), load_frames())


def _check_joined_matching(sentences):
    from analysis.lexicons import ensure_matching_copies, joined_matching_copies, matching_copies
    actors, frames = _LEXICONS
    copies = _reference_copies(sentences)
    joined = joined_matching_copies(sentences)
    assert list(joined) == copies and matching_copies(sentences) == copies and len(joined) == len(copies)
    scanned = joined_matching_copies(sentences, actors, frames)   # one scan for all three matchers
    assert list(scanned) == copies
    for given in (scanned, joined, copies):      # joined and scanned once, joined once, joined by each
        assert actors.mention_matches(given) == _reference_mentions(actors, copies)
        assert frames.term_matcher.find_all(given) == _reference_hits(frames.term_matcher, copies)
        assert actors.alias_matcher.find_all(given) == _reference_hits(actors.alias_matcher, copies)
    assert ensure_matching_copies(sentences, joined) is joined


BATCH_TEXTS = TRICKY_TEXTS + [
    None, float("nan"), "U.S.", "U.S. and U.N.", "Kim Il Sung Square", "Kim Il Sung Squares near Kim Il Sung Square.",
    "a\x00Kim", "Kim\x00", "\u0130 Kim", "The West. the West", "not controlled by the West", "Russian President Vladimir Putin",
    "Putin", "Kim Jong  Un", "KCNA kcna", "See https://example.com/news/putin-kim and WWW.kim.kp about Putin.",
    "pic.twitter.com/Kim Kim", "Kim\u2019s site www.kim.kp", "sanction*", "de-dollarization and dedollarisation",
    "Kim\u00a0Il\u00a0Sung Square", "\u201cKim\u201d", "Kim.", "(Kim)", "\u03a3 Kim \u039f\u0394\u039f\u03a3",
]


@pytest.mark.parametrize("order", ["as_listed", "reversed", "one_by_one"])
def test_joined_matching_equals_each_sentence_on_its_own(order):
    if order == "one_by_one":
        for text in BATCH_TEXTS:
            _check_joined_matching([text])
    else:
        _check_joined_matching(BATCH_TEXTS if order == "as_listed" else BATCH_TEXTS[::-1])
    _check_joined_matching([])


def test_joined_matching_equals_each_sentence_on_seed_corpus_and_news_sentences():
    from analysis import bench, corpus, pipeline
    seed = pipeline.split_articles(corpus.load_corpus(config.RAW_ARTICLES_DIR))["sentence"].tolist()
    news = list(bench.news_sentences())
    assert len(seed) > 100 and len(news) > 5000
    for start in range(0, len(news), 2000):
        _check_joined_matching(news[start:start + 2000])
    _check_joined_matching(seed)


def test_lower_cased_scanner_with_unusual_letters():
    # Entries with letters whose lower case depends on context (final sigma) or is two characters.
    from analysis.lexicons import Term, _compile
    entries = [Term(text, "f", "r", case_sensitive=cs) for text, cs in
               [("\u039f\u0394\u039f\u03a3", False), ("\u03c3\u03b1", False), ("\u0130zmir", False),
                ("\u017fun", False), ("K\u212aK", True), ("Stra\u00dfe", False)]]
    matcher = _compile(entries, stems=False)
    texts = ["\u039f\u0394\u039f\u03a3 \u03bf\u03b4\u03bf\u03c2 \u03bf\u03b4\u03bf\u03c3.", "\u03a3\u0391 \u03c3\u03b1",
             "\u0130zmir izmir", "\u017fun SUN sun", "K\u212aK kkk KKK", "STRASSE Stra\u00dfe strasse", None, ""]
    for text in texts[:-2]:
        assert _spans(matcher.finditer(text)) == _spans(matcher.pattern.finditer(text))
    assert matcher.find_all(texts) == _reference_hits(matcher, texts)
    assert matcher.find_all(texts)   # not trivially empty


_BATCH_PIECES = sorted({a.text for actor in _LEXICONS[0].actors for a in actor.aliases}
                       | {e.text for actor in _LEXICONS[0].actors for e in actor.exclude}
                       | {t.text.rstrip("*") for f in _LEXICONS[1].frames for t in f.terms}) + [
    "us", "the", "THE", "kim", "KIM", "-", "'s", ",", ".", "Square", "www.", "https://x.y/", "\u2019s", "\u00a0",
    "\u0130", "\u2014"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_BATCH_PIECES), max_size=6).map(" ".join), min_size=1, max_size=6))
def test_joined_matching_equals_each_sentence_on_random_batches(sentences):
    _check_joined_matching(sentences)

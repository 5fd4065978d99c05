"""Tests for analysis.text: cleaning, sentence splitting, voice, words, matching normalisation."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import doctest

from analysis import config, text

GOLD_PATH = Path(__file__).parent / "fixtures" / "text" / "sentence_gold.yaml"
GOLD_CASES = yaml.safe_load(GOLD_PATH.read_text(encoding="utf-8"))


def _seed(prefix: str) -> str:
    (path,) = sorted(config.RAW_ARTICLES_DIR.glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8")


def _sentences(value: str) -> list[str]:
    return [value[start:end] for start, end in text.split_sentences(value)]


def test_module_docstring_examples_run():
    assert doctest.testmod(text).failed == 0


# --- sentence splitting --------------------------------------------------------------------


def test_gold_set_is_large_enough():
    assert len(GOLD_CASES) >= 40


@pytest.mark.parametrize("case", GOLD_CASES, ids=[case["why"] for case in GOLD_CASES])
def test_split_sentences_gold(case):
    assert _sentences(case["text"]) == case["sentences"]


def test_split_sentences_offsets_point_into_text():
    value = "  Mr. Kim waited.\n\nPutin arrived. "
    # "  " = 2 chars, "Mr. Kim waited." = 15 chars -> (2, 17); then "\n\n" -> 19, "Putin arrived." 14.
    assert text.split_sentences(value) == [(2, 17), (19, 33)]


def test_split_sentences_empty_and_blank():
    assert text.split_sentences("") == []
    assert text.split_sentences(" \n\n \t") == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=list("aZ U.S!?\"”“ \n…3Mr"), max_size=80))
def test_split_sentences_spans_are_stripped_ordered_and_cover_all_content(value):
    spans = text.split_sentences(value)
    covered = set()
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(value)
        piece = value[start:end]
        assert piece == piece.strip() and piece
        covered.update(range(start, end))
        previous_end = end
    # Every non-whitespace character belongs to exactly one sentence.
    assert all(i in covered for i, char in enumerate(value) if not char.isspace())


def test_split_sentences_on_seed_002():
    cleaned = text.clean_text(_seed("002"))
    sentences = _sentences(cleaned)
    # The banner slogan ends in '!"' but "were" is lower-case: one sentence.
    assert any(s.startswith("Prior to Putin") and s.endswith("Russian state media.") for s in sentences)
    # Peskov's quote uses " ... " for an omission: one sentence.
    assert sentences[-1].startswith('"First of all') and sentences[-1].endswith("Peskov announced.")
    # The headline has no full stop but is its own sentence.
    assert sentences[0] == "Putin's historic state visit to DPRK kicks off"


# --- cleaning ------------------------------------------------------------------------------


def test_clean_text_seed_000_drops_furniture_duplicate_caption_and_bullets():
    raw = _seed("000")
    caption = ("Kim Jong Un greets Russian President Vladimir Putin at Pyongyang airport as he "
               "arrives in North Korea on his first visit in 24 years.")
    assert raw.count(caption) == 2  # the raw file really has it twice
    cleaned = text.clean_text(raw)
    assert cleaned.count(caption) == 1
    lines = cleaned.split("\n")
    assert "author-image" not in lines and "New Update" not in lines
    assert "•" not in cleaned
    assert "Key Takeaways\n\nPutin's visit to North Korea is his first in 24 years," in cleaned
    assert "\u00a0" not in cleaned
    assert "Kim’s residence" in cleaned  # curly apostrophes are kept


def test_clean_text_seed_002_drops_tweet_and_link_furniture():
    cleaned = text.clean_text(_seed("002"))
    assert "pic.twitter.com" not in cleaned
    assert "Dive deeper" not in cleaned
    assert "Read next" not in cleaned
    assert "@mfa_russia" not in cleaned
    # The tweet's own text stays (it is Putin's statement), without the trailing link.
    assert "mechanisms not controlled by the West.\n" in cleaned
    assert '"We ardently welcome President Putin!"' in cleaned


def test_clean_text_keeps_curly_quotes_seed_001():
    cleaned = text.clean_text(_seed("001"))
    assert "“friendly state visit,”" in cleaned


def test_clean_text_seed_004_drops_leading_space():
    assert text.clean_text(_seed("004")).startswith("PYONGYANG, NORTH KOREA - On June 19")


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_clean_text_is_idempotent_on_seeds(prefix):
    once = text.clean_text(_seed(prefix))
    assert text.clean_text(once) == once


def test_clean_text_normalises_invisible_characters_and_line_endings():
    raw = "\ufeffKim\u200b met\u00a0Putin.\r\nThen\u2009left.\rEnd."
    assert text.clean_text(raw) == "Kim met Putin.\nThen left.\nEnd."


def test_clean_text_bullets_need_a_space_and_line_start():
    raw = "- first point\n* second point\n-5 degrees\na - b"
    assert text.clean_text(raw) == "first point\nsecond point\n-5 degrees\na - b"


def test_clean_text_removes_triple_repeat_but_not_non_adjacent_repeat():
    assert text.clean_text("A cap.\n\nA cap.\n\nA cap.\n\nBody.") == "A cap.\n\nBody."
    assert text.clean_text("Same.\nOther.\nSame.") == "Same.\nOther.\nSame."


def test_clean_text_furniture_must_be_the_whole_line():
    # "Dive deeper" inside prose is content, not a template label.
    raw = "Analysts dive deeper into ties.\nDive deeper\nNew Update on talks."
    assert text.clean_text(raw) == "Analysts dive deeper into ties.\nNew Update on talks."


_CLEANING_EDGE_ALPHABET = st.sampled_from(
    ["\n", " ", "\n ", " \n", "•", "- ", "* ", "x", "Kim", "\r", "\u00a0", "\u2028", "\u200b", "â€™",
     "(@mfa_russia)", " June", " 18,", " 2024", "— ", "pic.twitter.com/ab1", "author-image",
     "New Update", "Dive deeper", "Read next: x", "\t", "é"]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_CLEANING_EDGE_ALPHABET, max_size=25).map("".join))
def test_cleaning_rule_may_match_is_false_only_when_the_rule_changes_nothing(value):
    # may_match is a fast pre-test: when it says no, the regex pass must leave the text as is.
    for rule in text.CLEANING_RULES:
        if rule.may_match is not None and not rule.may_match(value):
            assert rule.pattern.sub(rule.replacement, value) == value, (rule.name, value)


@pytest.mark.parametrize(
    "value",
    ["— MFA Russia (@mfa_russia) June 18, 2024", "x\nA (@a) May 1, 2024\nb", "(@a)  May  1,  2024",
     "• point", "x\n- point", " x", "x \ny", "x\n y"],
)
def test_cleaning_rule_may_match_accepts_texts_the_rule_changes(value):
    for rule in text.CLEANING_RULES:
        if rule.pattern.sub(rule.replacement, value) != value:
            assert rule.may_match is None or rule.may_match(value), (rule.name, value)


def test_cleaning_rules_are_named_and_documented():
    names = [rule.name for rule in text.CLEANING_RULES]
    assert len(names) == len(set(names))
    assert all(rule.rationale for rule in text.CLEANING_RULES)
    assert {"template_furniture_lines", "tweet_attribution_lines", "tweet_picture_links",
            "repeated_paragraph", "leading_bullets", "read_next_lines"} <= set(names)


def test_clean_text_rejects_non_string():
    with pytest.raises(TypeError, match="clean_text expects str"):
        text.clean_text(b"bytes")


# --- voice ---------------------------------------------------------------------------------


def _voices(value: str) -> list[str]:
    return text.sentence_voices(value, text.split_sentences(value))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # one-word scare quote, no reporting verb
        ('The United States expressed "concern" regarding the visit.', ["author"]),
        # two quoted words < MIN_QUOTE_WORDS (3), no reporting verb
        ('They signed a "strategic partnership" treaty.', ["author"]),
        # exactly three quoted words reaches the minimum
        ('It was called a "friendly state visit" by aides.', ["quoted"]),
        # long quotation without a reporting verb
        ('Putin praised DPRK for "defending their interests very effectively."', ["quoted"]),
        # curly quotes; "comrades-in-arms" is one word, so 4 words
        ("Kim hailed the “unbreakable relationship of comrades-in-arms” with Russia.", ["quoted"]),
        # attribution without quotation marks
        ("Putin arrived on Tuesday, according to Sputnik.", ["quoted"]),
        ("Officials said the talks went well.", ["quoted"]),
        # "States" in "United States" is not a reporting verb
        ("The United States imposed new sanctions.", ["author"]),
        # a quote opened in the first sentence is still open in the second
        ('"We are ready. We will work together," Peskov announced. The talks ended.',
         ["quoted", "quoted", "author"]),
        # an unclosed quote does not leak into the next paragraph
        ('"We are ready to work with them\nThe visit ended on Wednesday.', ["quoted", "author"]),
    ],
)
def test_sentence_voices(value, expected):
    assert _voices(value) == expected


def test_sentence_voices_seed_002():
    cleaned = text.clean_text(_seed("002"))
    by_sentence = dict(zip(_sentences(cleaned), _voices(cleaned)))
    assert by_sentence["It is worth noting that this trip is Putin's first to the DPRK in 24 years."] == "author"
    assert by_sentence[
        'Russia and the DPRK are "now actively developing the many-sided partnership", Putin added.'
    ] == "quoted"


def test_quotation_spans_straight_and_curly():
    value = 'He said "we agree" and “so do they”.'
    # 'He said "' is 9 chars -> quote text starts at 9; "we agree" is 8 chars -> ends at 17.
    assert text.quotation_spans(value) == [(9, 17), (24, 34)]
    assert value[24:34] == "so do they"


# --- words ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Putin's / two-day / visit / his / first / in / 24 / years
        ("Putin's two-day visit, his first in 24 years!", 8),
        # Kim’s / comrades-in-arms / 3.5 / percent / of / $1,500 -> "1,500" ; emoji not counted
        ("Kim’s comrades-in-arms: 3.5 percent of $1,500 🇷🇺!", 6),
        # MFA / Russia / mfa / russia (underscore splits) / June / 18 / 2024; dash and flag are not
        ("— MFA Russia 🇷🇺 (@mfa_russia) June 18, 2024", 7),
        # the / U.S. / and / the / U.N. / e.g.
        ("the U.S. and the U.N., e.g.", 6),
        ("... !!! — 💬", 0),
        ("", 0),
    ],
)
def test_count_words(value, expected):
    assert text.count_words(value) == expected
    assert len(text.word_tokens(value)) == expected


def test_word_tokens_lowercase_and_apostrophes():
    assert text.word_tokens("Kim’s ‘Great’ U.S. trip-to-Moscow, 2024.") == [
        "kim's", "great", "u.s.", "trip-to-moscow", "2024"]


# --- normalisation for matching -----------------------------------------------------------


def test_normalize_for_matching_maps_quotes_and_spaces():
    value = "Kim’s “friendly\u00a0visit” to Jong\u2011un"
    normalized = text.normalize_for_matching(value)
    assert normalized == "Kim's \"friendly visit\" to Jong-un"
    assert len(normalized) == len(value)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_normalize_for_matching_keeps_length(value):
    assert len(text.normalize_for_matching(value)) == len(value)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_normalize_for_matching_offsets_valid_on_seeds(prefix):
    cleaned = text.clean_text(_seed(prefix))
    normalized = text.normalize_for_matching(cleaned)
    assert len(normalized) == len(cleaned)
    position = normalized.find("Putin")
    assert cleaned[position:position + len("Putin")] == "Putin"


# =============================================================================================
# Second hand-written set (tests/fixtures/text/sentence_boundaries.yaml: expected sentences are
# joined by `join`, default one space) and extra cleaning / voice / word cases.
# =============================================================================================

BOUNDARY_PATH = Path(__file__).parent / "fixtures" / "text" / "sentence_boundaries.yaml"
SEED_PATHS = sorted(config.RAW_ARTICLES_DIR.glob("*.txt"))


def _assert_valid_spans(value: str, spans: list[tuple[int, int]]) -> None:
    previous_end = 0
    for start, end in spans:
        assert 0 <= previous_end <= start < end <= len(value)
        sentence = value[start:end]
        assert sentence == sentence.strip()
        previous_end = end


# --------------------------------------------------------------------------- splitting

_BOUNDARY_CASES = yaml.safe_load(BOUNDARY_PATH.read_text(encoding="utf-8"))


def test_boundary_set_is_large_enough():
    assert len(_BOUNDARY_CASES) >= 40


@pytest.mark.parametrize("case", _BOUNDARY_CASES, ids=[c["why"] for c in _BOUNDARY_CASES])
def test_split_gold_boundaries(case):
    joined = case.get("join", " ").join(case["sentences"])
    assert _sentences(joined) == case["sentences"]


def test_split_offsets_point_into_text():
    # "  Ab cd.  Ef gh.  ": the first sentence starts after two spaces (offset 2) and
    # "Ab cd." is 6 chars, so it ends at 8; two spaces later "Ef gh." runs from 10 to 16.
    # (Single letters would be initials: "A b. C d." is one sentence, "b." being an initial.)
    assert text.split_sentences("  Ab cd.  Ef gh.  ") == [(2, 8), (10, 16)]
    assert text.split_sentences("A b. C d.") == [(0, 9)]


@pytest.mark.parametrize("path", SEED_PATHS, ids=[p.name for p in SEED_PATHS])
def test_split_spans_valid_on_seeds(path):
    cleaned = text.clean_text(path.read_text(encoding="utf-8"))
    spans = text.split_sentences(cleaned)
    _assert_valid_spans(cleaned, spans)
    # Every non-space character of the text lies in some sentence: nothing is dropped.
    covered = sum(end - start for start, end in spans)
    assert covered >= len(cleaned) - cleaned.count(" ") - cleaned.count("\n")


def test_seed_002_sentence_count_and_quote_sentence():
    # Counted by hand from the cleaned 002: headline, 22 prose lines/sentences after removing
    # 'Dive deeper', the tweet footer and 'Read next' -> 23. The banner sentence stays whole.
    cleaned = text.clean_text(_seed("002"))
    sentences = _sentences(cleaned)
    assert len(sentences) == 23
    banner = [s for s in sentences if "We ardently welcome" in s]
    assert len(banner) == 1 and banner[0].endswith("as shown in images from Russian state media.")


_SPLIT_ALPHABET = st.sampled_from(list("ab UZ.!?\n\"“”'…()") + ["U.S.", "Mr.", " The "])


@settings(max_examples=300, deadline=None)
@given(st.lists(_SPLIT_ALPHABET, max_size=60).map("".join))
def test_split_spans_valid_on_random_text(value):
    _assert_valid_spans(value, text.split_sentences(value))


# --------------------------------------------------------------------------- cleaning

CAPTION = (
    "Kim Jong Un greets Russian President Vladimir Putin at Pyongyang airport as he arrives in "
    "North Korea on his first visit in 24 years."
)


def test_clean_000_drops_duplicate_caption_and_template_lines():
    raw = _seed("000")
    assert raw.count(CAPTION) == 2
    cleaned = text.clean_text(raw)
    assert cleaned.count(CAPTION) == 1
    for furniture in ("author-image", "New Update", "Nimrah Khatoon", "•", "\u00a0"):
        assert furniture not in cleaned
    # Bullet lines keep their text, now starting at the line start.
    assert "\nPutin's visit to North Korea is his first in 24 years, signaling" in cleaned


def test_clean_002_drops_tweet_furniture_keeps_tweet_text():
    cleaned = text.clean_text(_seed("002"))
    for furniture in ("pic.twitter.com", "Dive deeper", "Read next", "@mfa_russia", "— MFA"):
        assert furniture not in cleaned
    assert "not controlled by the West." in cleaned
    assert "President Vladimir #Putin: We are also ready" in cleaned
    assert '"We ardently welcome President Putin!"' in cleaned


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\ufeffA.\r\nB.\rC.", "A.\nB.\nC."),                      # BOM, CRLF, CR
        ("Pu\u200btin and Kim\u2060.", "Putin and Kim."),          # zero-width characters
        ("Putin\u00a0and\u202fKim.", "Putin and Kim."),            # odd spaces
        ("• One.\n- Two.\n* Three.\n-5 degrees.", "One.\nTwo.\nThree.\n-5 degrees."),
        ("Cap.\n\nCap.\n\nNext.", "Cap.\n\nNext."),                # repeated paragraph
        ("Cap.\nCap. More.", "Cap.\nCap. More."),                  # not an exact repeat
        ("A.\nDive deeper\nB.", "A.\nB."),
        ("A.\nRead next: Another story\nB.", "A.\nB."),
        ("He said no. pic.twitter.com/AbC123\nB.", "He said no.\nB."),
        ("Text.\n— MFA Russia (@mfa_russia) June 18, 2024\nB.", "Text.\nB."),
        ("A.\n\n\n\nB.", "A.\n\nB."),
        ("Dive deeper into the talks.", "Dive deeper into the talks."),  # only exact lines go
    ],
)
def test_clean_rules_on_small_inputs(raw, expected):
    assert text.clean_text(raw) == expected


def test_cleaning_rules_have_patterns():
    names = [rule.name for rule in text.CLEANING_RULES]
    assert len(names) == len(set(names))
    for rule in text.CLEANING_RULES:
        assert rule.name and len(rule.rationale) > 20 and rule.pattern.pattern


# --------------------------------------------------------------------------- voice


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # One word in quotes is a scare quote, not speech.
        ('The United States expressed "concern" about the visit.', ["author"]),
        # Two words: still below MIN_QUOTE_WORDS = 3.
        ('They plan a "strategic partnership" treaty.', ["author"]),
        # Exactly three words reaches the minimum.
        ("Moscow called it a “friendly state visit” this week.", ["quoted"]),
        ('Ties are "getting stronger day by day" now.', ["quoted"]),
        # Reporting verbs attribute the sentence even without quote marks.
        ("Putin said the treaty was historic.", ["quoted"]),
        ("Kim greeted him, according to Sputnik.", ["quoted"]),
        # "states" is left out of REPORTING_VERBS on purpose (United States, member states).
        ("The United States has voiced concerns.", ["author"]),
        # A quotation spanning three sentences marks all three; the next paragraph is author.
        (
            '"We will act. We will win. Nobody doubts it," Kim vowed.\nThe parade ended.',
            ["quoted", "quoted", "quoted", "author"],
        ),
        # An unclosed quote runs to the end of its paragraph, not beyond.
        ('"We are ready. The West is weak.\nPutin left.', ["quoted", "quoted", "author"]),
        ("Putin left. Kim stayed.", ["author", "author"]),
    ],
)
def test_sentence_voices_more_cases(value, expected):
    assert _voices(value) == expected


def test_voices_on_seed_002_quote_sentences():
    cleaned = text.clean_text(_seed("002"))
    by_sentence = dict(zip(_sentences(cleaned), _voices(cleaned)))
    assert by_sentence["Russia and the DPRK are \"now actively developing the many-sided "
                       "partnership\", Putin added."] == "quoted"
    assert by_sentence["It is worth noting that this trip is Putin's first to the DPRK in 24 "
                       "years."] == "author"
    concern = [s for s in by_sentence if s.startswith('The United States expressed "concern"')]
    assert [by_sentence[s] for s in concern] == ["author"]


# --------------------------------------------------------------------------- words


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Putin's | two-day | visit | his | first | in | 24 | years
        ("Putin's two-day visit, his first in 24 years!", 8),
        # President | Vladimir | Putin | We | are | ready ; emoji and '#' are not words
        ("💬 President Vladimir #Putin: We are ready.", 6),
        # U.S.-led | Western | nations
        ("U.S.-led Western nations", 3),
        # 3.5 | percent | 1,250 | tons
        ("3.5 percent, 1,250 tons", 4),
        # comrades-in-arms | Kim’s | Jong-un
        ("“comrades-in-arms” Kim’s Jong-un", 3),
        ("— ... !! 🇷🇺 ❗️", 0),
        ("", 0),
    ],
)
def test_count_words_hand_counted(value, expected):
    assert text.count_words(value) == expected
    assert len(text.word_tokens(value)) == expected



# count_words counts per whitespace chunk through a cache; it must equal one findall over the text.
_WORD_EDGE_ALPHABET = st.sampled_from(
    ["U", "S", ".", ",", "3", "5", "-", "\u2010", "'", "’", "_", "é", "٣", "Ⅻ", "🇷🇺", " ",
     "\n", "\t", "\u00a0", "\u3000", "\u2028", "\x1c", "Kim", "said", "e.g."]
)


@pytest.mark.parametrize(
    "value",
    [
        "", " ", "\n\t ", "U.S.-led", "U.S. -led", "U.S.- led", "3.5", "3. 5", "3 .5", "1,500",
        "1, 500", "Kim's", "Kim 's", "Kim’ s", "comrades-in-arms", "comrades- in-arms",
        "a.b.c.d", "a.b. c.d", "x_y", "x _y", "3.5\u00a0percent", "Kim\u3000said", "٣.٥ ٣,٥",
        "Ⅻ-Ⅻ", "end.Next", "end.\nNext", "“no.”Kim", "e.g.\u2028U.S.", "-5 -", "'quoted' ’x’",
    ],
)
def test_count_words_equals_one_pass_over_the_text(value):
    assert text.count_words(value) == len(text.WORD_TOKEN_PATTERN.findall(value))


@settings(max_examples=500, deadline=None)
@given(st.lists(_WORD_EDGE_ALPHABET, max_size=30).map("".join))
def test_count_words_chunked_matches_findall(value):
    assert text.count_words(value) == len(text.WORD_TOKEN_PATTERN.findall(value))


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORD_EDGE_ALPHABET, max_size=30).map("".join))
def test_has_words_equals_comparing_the_count(value):
    # the quotation test of sentence_voices splits off only the first few chunks of a quotation
    for minimum in range(6):
        assert text._has_words(value, minimum) == (text.count_words(value) >= minimum), minimum


def test_no_whitespace_character_can_be_part_of_a_word_token():
    # The chunked count relies on this: no str.split() separator is a word character ([^\W_])
    # or a joiner the token pattern accepts ('’‐- and the '.'/',' between digits).
    spaces = [chr(code) for code in range(0x110000) if chr(code).isspace()]
    assert len(spaces) > 20
    for space in spaces:
        assert not space.isalnum() and space not in "_'’‐-.,", repr(space)
        assert text.WORD_TOKEN_PATTERN.findall(f"a{space}1{space}U.S.{space}") == ["a", "1", "U.S."]


def test_count_words_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(text, "CHUNK_CACHE_MAX_ENTRIES", 3)
    for word in ("alpha", "beta", "gamma", "delta", "epsilon"):
        assert text.count_words(word) == 1
    assert len(text._CHUNK_WORD_COUNTS) <= 4


# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize("path", SEED_PATHS, ids=[p.name for p in SEED_PATHS])
def test_normalize_keeps_length_on_seeds(path):
    raw = path.read_text(encoding="utf-8")
    normalized = text.normalize_for_matching(raw)
    assert len(normalized) == len(raw)
    assert "’" not in normalized and "“" not in normalized



# --------------------------------------------------------------------------- scaling guards


def test_split_word_lookback_is_bounded_but_rules_still_apply():
    # A 100-character token before a period is longer than the look-back window; it is no
    # abbreviation, so the period before "The" is a boundary. "Mr." after a tab still is one.
    long_token = "x" * 100
    value = f"See {long_token}. The end.\tMr. Kim left."
    assert _sentences(value) == [f"See {long_token}.", "The end.", "Mr. Kim left."]


_VOICE_ALPHABET = st.sampled_from(
    ['"', "“", "”", " one two three", " a", ". ", ".\n", " The", " said", "x"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_VOICE_ALPHABET, max_size=40).map("".join))
def test_sentence_voices_matches_brute_force_overlap(value):
    # The bisection in sentence_voices must agree with checking every quotation.
    spans = text.split_sentences(value)
    long_quotes = [
        (a, b) for a, b in text.quotation_spans(value)
        if text.count_words(value[a:b]) >= text.MIN_QUOTE_WORDS
    ]
    expected = []
    for start, end in spans:
        in_quote = any(a < end and start < b for a, b in long_quotes)
        attributed = text._REPORTING_VERB_PATTERN.search(value, start, end) is not None
        expected.append("quoted" if in_quote or attributed else "author")
    assert text.sentence_voices(value, spans) == expected



_VERB_EDGE_ALPHABET = st.sampled_from(
    ["said", "SAID", "ſaid", "according", "to", "called", "for", "\n", " ", "  ", "x", "_", "1",
     "é", "-", "'", "’", '"', "“", ".", "un", "raised concerns", "\u00a0", "\u2028", "🇷🇺"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_VERB_EDGE_ALPHABET, max_size=12).map("".join))
def test_verb_finder_agrees_with_pattern_search_on_every_range(value):
    for finder, pattern in ((text._REPORTING_VERB_FINDER, text._REPORTING_VERB_PATTERN),
                            (text._SPEECH_ACT_FINDER, text._SPEECH_ACT_PATTERN)):
        for start in range(len(value) + 1):
            for end in range(start, len(value) + 1):
                assert finder.found_in(value, start, end) == (
                    pattern.search(value, start, end) is not None), (value, start, end)


def _reference_voices_and_word_counts(value: str, spans, speech_acts: bool) -> tuple[list[str], list[int]]:
    """The voice rule with one regex search per span (the former implementation) and word counts."""
    pattern = text._SPEECH_ACT_PATTERN if speech_acts else text._REPORTING_VERB_PATTERN
    long_quotes = [(a, b) for a, b in text.quotation_spans(value)
                   if text.count_words(value[a:b]) >= text.MIN_QUOTE_WORDS]
    voices = ["quoted" if any(a < end and start < b for a, b in long_quotes)
              or pattern.search(value, start, end) is not None else "author" for start, end in spans]
    return voices, [text.count_words(value[start:end]) for start, end in spans]


_SPAN_VOICE_ALPHABET = st.sampled_from(
    ["said", "SAID", "ſaid", "according", "to", "raised", "Concerns", "called", "for", "praised",
     "\n", " ", "  ", "\t", "\u00a0", "\u2028", "x", "_", "1", "é", "-", "'", '"', "“", "”", ".",
     ",", "un", " one two three"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_SPAN_VOICE_ALPHABET, max_size=16).map("".join), st.data())
def test_sentence_voices_and_word_counts_equal_the_regex_search_on_any_spans(value, data):
    # The chunk path decides only for whitespace-delimited spans without a verb phrase's first
    # word; sentence spans, arbitrary spans (cutting words) and empty ones must all agree.
    bounds = st.integers(min_value=-2, max_value=len(value) + 2)   # also reversed and out-of-range spans
    spans = [text.split_sentences(value), data.draw(st.lists(st.tuples(bounds, bounds), max_size=6))]
    for span_list in spans:
        for speech_acts in (False, True):
            got = text.sentence_voices_and_word_counts(value, span_list, speech_acts=speech_acts)
            assert got == _reference_voices_and_word_counts(value, span_list, speech_acts), span_list
            assert got[0] == text.sentence_voices(value, span_list, speech_acts=speech_acts)


@pytest.mark.parametrize("value, expected", [
    ("Kim said no.", ["quoted"]),
    ("Aid, according to Seoul, arrived.", ["quoted"]),          # phrase across chunks
    ("Aid, according\tto Seoul, arrived.", ["quoted"]),
    ("Aid, according-to Seoul, arrived.", ["author"]),          # no whitespace: no phrase
    ("Aid (according) to Seoul arrived.", ["author"]),
    ("Seoul raised concerns.", ["quoted"]),
    ("Seoul raised taxes.", ["author"]),
    ("The unsaid part.", ["author"]),
    ("He (SAID) it.", ["quoted"]),
    ("He ſaid it.", ["quoted"]),
])
def test_sentence_voices_and_word_counts_by_hand(value, expected):
    voices, counts = text.sentence_voices_and_word_counts(value, text.split_sentences(value), speech_acts=True)
    assert voices == expected
    assert counts == [text.count_words(value)]


def test_chunk_info_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(text, "CHUNK_CACHE_MAX_ENTRIES", 3)
    for word in ("alpha", "beta", "gamma", "delta", "epsilon"):
        text.sentence_voices_and_word_counts(word, [(0, len(word))])
    assert len(text._REPORTING_VERB_FINDER.chunk_infos) <= 4


# --------------------------------------------------------------------------- voice vs hand labels

VOICE_GOLD = yaml.safe_load(
    (Path(__file__).parent / "fixtures" / "text" / "voice_gold.yaml").read_text(encoding="utf-8")
)


def _seed_voice_disagreements(speech_acts: bool) -> list[str]:
    """Non-borderline gold sentences whose heuristic voice differs from the hand label."""
    predicted = {}
    for path in sorted(config.RAW_ARTICLES_DIR.glob("*.txt")):
        cleaned = text.clean_text(path.read_text(encoding="utf-8"))
        spans = text.split_sentences(cleaned)
        for (start, end), voice in zip(spans, text.sentence_voices(cleaned, spans,
                                                                   speech_acts=speech_acts)):
            predicted[(path.name[:3], cleaned[start:end])] = voice
    return [
        case["sentence"] for case in VOICE_GOLD
        if "borderline" not in case and predicted[(case["article"], case["sentence"])] != case["label"]
    ]


def test_voice_gold_covers_every_seed_sentence():
    # 37 + 18 + 23 + 23 + 17 sentences after cleaning; 30 non-borderline 'quoted' labels.
    assert len(VOICE_GOLD) == 118
    assert sum(c["label"] == "quoted" and "borderline" not in c for c in VOICE_GOLD) == 30


def test_voice_heuristic_misses_on_seeds_are_the_known_ones():
    # Default (say-verbs + quotations): no 'author' sentence is called 'quoted', but 14 of the
    # 30 hand-labelled 'quoted' sentences report speech through speech acts (commended,
    # pledged, voiced concerns, ...) or sit in an embedded tweet, and are missed.
    misses = _seed_voice_disagreements(speech_acts=False)
    assert len(misses) == 14
    assert any(m.startswith("Ahead of his arrival, Putin commended Kim") for m in misses)
    assert any(m.startswith("The United States has voiced concerns") for m in misses)
    # With speech acts only the tweet (no verb at all) and "amid allegations" remain.
    broad_misses = _seed_voice_disagreements(speech_acts=True)
    expected_starts = ("The visit occurs amid allegations", "💬 President Vladimir #Putin:",
                       "❗️ To do this, we will develop")
    assert len(broad_misses) == len(expected_starts)
    assert all(m.startswith(e) for m, e in zip(broad_misses, expected_starts))


_CLEANING_PIECES = st.sampled_from([
    "A.", "B", " ", "\n", "\r\n", "\r", "\u00a0", "\u200b", "\ufeff", "\t", "• ", "- ", "* ",
    "Dive deeper", "New Update", "author-image", "Read next: x", " pic.twitter.com/Ab1",
    "— MFA (@mfa) June 18, 2024", "“q”", "â", "\x80", "\x99", "Ã", "Â", "©", "€",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_CLEANING_PIECES, max_size=25).map("".join))
def test_clean_text_is_idempotent_on_random_furniture(value):
    # Found "• • A." and "• Dive deeper" needing a second pass before the rule order was fixed.
    once = text.clean_text(value)
    assert text.clean_text(once) == once


def test_clean_text_bullet_then_furniture_and_double_bullets():
    assert text.clean_text("A.\n• Dive deeper\n• • B.") == "A.\nB."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # UTF-8 bytes of ’ “ ” — read as Latin-1 (E2 80 99 -> 'â\x80\x99', ...).
        ("donâ\x80\x99t say â\x80\x9chi thereâ\x80\x9d â\x80\x94 ok", "don’t say “hi there” — ok"),
        # The same read as Windows-1252 ('â€™'); 0x9D is undefined there and stays a C1 char.
        ("donâ€™t â€œquoteâ€\x9d", "don’t “quote”"),
        # Two-byte forms: é (C3 A9) and £ (C2 A3).
        ("CafÃ© costs Â£5", "Café costs £5"),
        # Encoded twice ('é' -> 'Ã©' -> 'Ã\x83Â©'): the rule repeats until stable.
        ("CafÃ\x83Â© open", "Café open"),
        # Genuine Latin-1 letters are not touched; a lone 'â' with its bytes lost stays.
        ("naïve café São Paulo", "naïve café São Paulo"),
        ("itâs broken", "itâs broken"),
    ],
)
def test_clean_text_repairs_mojibake(raw, expected):
    assert text.clean_text(raw) == expected


def test_mojibake_repair_lets_quotes_split_and_count():
    # 'â\x80\x9cNo' would start with lower-case 'â' (no split) and the quote would go unseen.
    raw = "He spoke.â\x80\x9d â\x80\x9cWe will never give up,â\x80\x9d Kim said."
    cleaned = text.clean_text(raw)
    assert _sentences(cleaned) == ["He spoke.”", "“We will never give up,” Kim said."]
    # 'He spoke.” ' is 11 characters, so '“' sits at 11 and the quotation starts at 12; the
    # stray '”' at 9 is ignored. 'We will never give up,' is 22 characters -> ends at 34.
    assert text.quotation_spans(cleaned) == [(12, 34)]


def test_case_insensitive_classes_match_ignorecase_exactly():
    # The speed-up of the verb patterns spells first letters as classes; they must accept exactly
    # the characters re.IGNORECASE does, over every code point.
    import re
    import string

    every_char = "".join(map(chr, range(0x110000)))
    for letter in string.ascii_lowercase:
        expected = re.findall(letter, every_char, re.IGNORECASE)
        assert re.findall(text._case_insensitive_class(letter), every_char) == expected, letter


@pytest.mark.parametrize("verb", text.REPORTING_VERBS + text.SPEECH_ACT_VERBS)
def test_verb_patterns_agree_with_plain_ignorecase_alternation(verb):
    import re

    plain = re.compile(
        r"\b(?:" + "|".join(re.escape(v).replace(r"\ ", r"\s+")
                            for v in text.REPORTING_VERBS + text.SPEECH_ACT_VERBS) + r")\b",
        re.IGNORECASE,
    )
    variants = [verb, verb.upper(), verb.title(), verb.replace("s", "ſ").replace("k", "\u212a"),
                "un" + verb, verb + "x", verb.replace(" ", "\n  ")]
    for variant in variants:
        for sample in (variant, f"He {variant}.", f"x{variant}", f"{variant}_"):
            for start in range(len(sample) + 1):
                assert (text._SPEECH_ACT_PATTERN.search(sample, start) is None) == (
                    plain.search(sample, start) is None), (sample, start)
                assert text._SPEECH_ACT_FINDER.found_in(sample, start, len(sample)) == (
                    plain.search(sample, start) is not None), (sample, start)


def test_tweet_footer_rule_removes_footer_lines_but_never_a_long_line_of_prose():
    footer = "— MFA Russia 🇷🇺 (@mfa_russia) June 18, 2024"
    assert text.clean_text(f"Putin arrived.\n{footer}\nKim waited.") == "Putin arrived.\nKim waited."
    # A one-line article (as JSONL and CSV corpora often hold) that ends like a footer stays whole.
    one_line = ("Putin arrived in Pyongyang. " * 10 +
                "Trump wrote: great day — Donald J. Trump (@realDonaldTrump) January 20, 2017")
    assert text.clean_text(one_line) == one_line


# --- subheadings --------------------------------------------------------------------------------


def test_seed_003_subheadings_are_headings_and_the_prose_is_not():
    cleaned = text.clean_text(_seed("003"))
    spans = text.split_sentences(cleaned)
    kinds = text.sentence_kinds(cleaned, spans)
    headings = [cleaned[a:b] for (a, b), kind in zip(spans, kinds) if kind == text.KIND_HEADING]
    assert headings == ["Welcome of the President:", "Agreements and Promises:",
                        "Military and Technical Cooperation:", "Tribute to Soldiers:"]


def test_headlines_stay_sentences_and_only_title_case_lines_are_headings():
    # The first line is the headline (the study reads it as the outlet's sentence, 000 and 002).
    for seed in ("000", "002"):
        cleaned = text.clean_text(_seed(seed))
        spans = text.split_sentences(cleaned)
        assert text.sentence_kinds(cleaned, spans)[0] == text.KIND_SENTENCE
    lines = {
        "Military and Technical Cooperation:": True,
        "Key Takeaways": True,
        "Putin said:": False,                           # introduces a quote: not title case
        "The two leaders met in Pyongyang": False,      # prose without a full stop
        "Kim Greets Putin.": False,                     # sentence punctuation
        "What Comes Next?": False,
        "One Two Three Four Five Six Seven Eight Nine": False,   # longer than HEADING_MAX_WORDS
        "2024 Summit Timeline": True,
    }
    for line, expected in lines.items():
        article = f"Headline\n{line}\nBody text here."
        spans = text.split_sentences(article)
        assert text.sentence_kinds(article, spans)[1] == (text.KIND_HEADING if expected else text.KIND_SENTENCE), line
    # Not a whole line: a title-case fragment inside a paragraph is never a heading.
    inline = "Headline\nKim Jong Un. Key Takeaways\nMore."
    assert text.KIND_HEADING not in text.sentence_kinds(inline, text.split_sentences(inline))

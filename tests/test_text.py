"""Tests for analysis.text: cleaning, sentence splitting, voice, words, normalisation."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import config, text

GOLD_BOUNDARIES = Path(__file__).parent / "fixtures" / "text" / "sentence_boundaries.yaml"
SEED_PATHS = sorted(config.RAW_ARTICLES_DIR.glob("*.txt"))


def _seed(prefix: str) -> str:
    (path,) = [p for p in SEED_PATHS if p.name.startswith(prefix)]
    return path.read_text(encoding="utf-8")


def _sentences(value: str) -> list[str]:
    return [value[a:b] for a, b in text.split_sentences(value)]


def _assert_valid_spans(value: str, spans: list[tuple[int, int]]) -> None:
    previous_end = 0
    for start, end in spans:
        assert 0 <= previous_end <= start < end <= len(value)
        sentence = value[start:end]
        assert sentence == sentence.strip()
        previous_end = end


# --------------------------------------------------------------------------- splitting

_GOLD_CASES = yaml.safe_load(GOLD_BOUNDARIES.read_text(encoding="utf-8"))


def test_gold_set_is_large_enough():
    assert len(_GOLD_CASES) >= 40


@pytest.mark.parametrize("case", _GOLD_CASES, ids=[c["why"] for c in _GOLD_CASES])
def test_split_gold_boundaries(case):
    joined = case.get("join", " ").join(case["sentences"])
    assert _sentences(joined) == case["sentences"]


def test_split_empty_and_blank_text():
    assert text.split_sentences("") == []
    assert text.split_sentences("  \n\n \t ") == []


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


def test_clean_keeps_curly_quotes_and_apostrophes():
    cleaned = text.clean_text(_seed("001"))
    assert "“friendly state visit,”" in cleaned and "Russia’s" in cleaned


def test_clean_004_strips_leading_space():
    assert text.clean_text(_seed("004")).startswith("PYONGYANG, NORTH KOREA - On June 19")


@pytest.mark.parametrize("path", SEED_PATHS, ids=[p.name for p in SEED_PATHS])
def test_clean_is_idempotent_on_seeds(path):
    once = text.clean_text(path.read_text(encoding="utf-8"))
    assert text.clean_text(once) == once


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


def test_cleaning_rules_are_documented():
    names = [rule.name for rule in text.CLEANING_RULES]
    assert len(names) == len(set(names))
    for rule in text.CLEANING_RULES:
        assert rule.name and len(rule.rationale) > 20 and rule.pattern.pattern


def test_clean_rejects_non_str():
    with pytest.raises(TypeError):
        text.clean_text(None)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- voice


def _voices(value: str) -> list[str]:
    return text.sentence_voices(value, text.split_sentences(value))


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
def test_sentence_voices(value, expected):
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


def test_quotation_spans_offsets():
    # 'He said "we agree" and “so do they”.': the straight quote opens at index 8, so the
    # quotation starts at 9 and ends before the closing quote at 17; the curly one opens at
    # 23 (content from 24) and closes at 34.
    value = 'He said "we agree" and “so do they”.'
    assert text.quotation_spans(value) == [(9, 17), (24, 34)]


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


def test_word_tokens_lowercase_and_apostrophes():
    assert text.word_tokens("Kim’s COMRADES-in-arms met the U.S. envoy") == [
        "kim's", "comrades-in-arms", "met", "the", "u.s.", "envoy",
    ]


# --------------------------------------------------------------------------- normalisation


def test_normalize_for_matching_maps_quotes_and_spaces():
    assert text.normalize_for_matching("Kim’s “friendly\u00a0visit” Jong\u2011un") == (
        'Kim\'s "friendly visit" Jong-un'
    )


@pytest.mark.parametrize("path", SEED_PATHS, ids=[p.name for p in SEED_PATHS])
def test_normalize_keeps_length_on_seeds(path):
    raw = path.read_text(encoding="utf-8")
    normalized = text.normalize_for_matching(raw)
    assert len(normalized) == len(raw)
    assert "’" not in normalized and "“" not in normalized


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_normalize_keeps_length_on_any_text(value):
    assert len(text.normalize_for_matching(value)) == len(value)

"""analysis.vader_fast must reproduce vaderSentiment 3.3.2 to 1e-6 on every benchmark sentence."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analysis import benchmarks, config, vader_fast
from analysis.vader_fast import FastVader, compound_scores, token_valences

TOLERANCE = 1e-6
KEYS = ("neg", "neu", "pos", "compound")

ORIGINAL = SentimentIntensityAnalyzer()
FAST = FastVader()


def _newsmtsc_sentences() -> list[str]:
    if not benchmarks.NEWSMTSC_DIR.is_dir():
        pytest.skip(f"benchmarks not found at {benchmarks.NEWSMTSC_DIR}")
    return benchmarks.newsmtsc_sentences()


def _nyt_sentences() -> list[str]:
    path = config.BENCHMARKS_DIR / "vader_nyt" / "nytEditorialSnippets_GroundTruth.txt"
    if not path.is_file():
        pytest.skip(f"benchmark not found at {path}")
    with path.open(encoding="utf-8") as handle:
        return [line.rstrip("\n").split("\t", 2)[2] for line in handle if line.strip()]


def _mismatches(texts) -> list[tuple[str, dict, dict]]:
    bad = []
    expected_compounds = []
    for text in texts:
        expected, got = ORIGINAL.polarity_scores(text), FAST.polarity_scores(text)
        expected_compounds.append(expected["compound"])
        if set(got) != set(KEYS) or any(abs(expected[k] - got[k]) > TOLERANCE for k in KEYS):
            bad.append((text, expected, got))
    # the compound-only paths must agree too
    batch = compound_scores(texts)
    bad.extend((text, {"compound": e}, {"compound": g})
               for text, e, g in zip(texts, expected_compounds, batch) if abs(e - g) > TOLERANCE)
    return bad


def test_equal_on_every_newsmtsc_sentence():
    sentences = _newsmtsc_sentences()
    assert len(sentences) == 11334  # 7,758 + 721 + 1,067 + 216 + 505 + 320 + 747 (README counts)
    assert _mismatches(sentences) == []


def test_equal_on_every_nyt_snippet():
    sentences = _nyt_sentences()
    assert len(sentences) > 5000
    assert _mismatches(sentences) == []


def test_equal_on_every_persent_dev_document():
    # whole news articles (up to ~8,500 characters): long texts, many 'but's, quotes, paragraphs
    path = config.BENCHMARKS_DIR / "persent" / "dev.csv"
    if not path.is_file():
        pytest.skip(f"benchmark not found at {path}")
    import pandas as pd

    documents = pd.read_csv(path)["DOCUMENT"].dropna().astype(str).tolist()
    assert len(documents) > 500
    assert _mismatches(documents) == []


EDGE_CASES = [
    "", " ", "   \t\n  ", "\x1c\x1d good \x1e\x1f", "\u00a0nice\u2003day\u3000",
    # the original's own demo sentences
    "VADER is smart, handsome, and funny.", "VADER is smart, handsome, and funny!",
    "VADER is very smart, handsome, and funny.", "VADER is VERY SMART, handsome, and FUNNY.",
    "VADER is VERY SMART, handsome, and FUNNY!!!",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.", "The book was good.",
    "At least it isn't a horrible book.", "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today SUX!", "Today only kinda sux! But I'll get by, lol", "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁", "Not bad at all",
    "Sentiment analysis has never been good.", "Sentiment analysis has never been this good!",
    "Most automated sentiment analysis tools are shit.", "With VADER, sentiment analysis is the shit!",
    "Other sentiment analysis tools can be quite bad.", "On the other hand, VADER is quite bad ass",
    "VADER is such a badass!", "Without a doubt, excellent idea.",
    "Roger Dodger is one of the most compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Not such a badass after all.", "Without a doubt, an excellent idea.",
    # emoji: glued, leading, trailing, after tab, multi-character (never replaced), only emoji
    "😀x great", "great😀", "😀", "😀😀 😀", "good\t😀", "🇺🇸 flag 👍🏽 thumbs", "❤️ love ©",
    # ALL CAPS differential, all caps, caps zero-valence ("NO" before lexicon word)
    "GREAT", "THIS IS GREAT", "this is GREAT", "NO GOOD idea here", "NO good idea",
    "this is VERY good", "this is VERY bad", "KIND of good", "not VERY good at all",
    # but: before/after, several buts, equal valences (list.index quirk)
    "good but bad", "good good but good good", "bad, but good but bad", "but good", "good but",
    "nice nice nice but", "BUT it is good", "love love hate but love hate",
    # negation windows
    "not good", "not very good", "not at all good", "isn't good", "wasn't really very good",
    "never so good", "never this good", "so good", "this good", "it was so very good",
    "without doubt good", "without any doubt good", "nothing is good", "no good", "no no good",
    "no or bad", "no joy or fun", "nope", "no",
    # least
    "least good", "the least good", "at least good", "very least good", "least good at",
    "least good very",
    # a lexicon word 1-3 words back blocks boosters/negation/"so"-rule/idioms at that distance
    "happy is so good", "good is so very good", "no happy so good", "bad kind of the bomb",
    # kind of / sort of / idioms
    "kind of good", "kind of", "sort of bad", "just enough good", "kinda good", "the kind of man",
    "it is the bomb", "kiss of death here", "a beating heart", "the bus stop is nice", "yeah right",
    "to die for", "this cake is to die for", "cut the mustard", "he is the shit man",
    # punctuation emphasis
    "good!!!", "good!!!!!!!", "bad!!", "good??", "good???", "good????", "bad?!?!", "?? !!",
    "good.", "...", ":-) ;) :(", "d: lol ok xd", ":D :P", "LOL", "'İxgood' İx",
    # emoticon-length stripping
    "'ok'", "(good)", "--bad--", "#1 fan", "'''", "a", "I",
    # no scored word at all (the fast path): punctuation alone, caps, 'but', negations
    "!", "?", "!!!!", "????", "?!?!", "! ? ! ?", "the cat sat!!!", "who are they???", "THE CAT SAT",
    "THE CAT sat", "not the cat", "but the cat", "the cat but the dog", "never so this at least",
    "kind of", "KIND OF", "\n\t!", "— “quoted” … ’s",
    # emoji near the typographic block (pre-test) and in it; unscored emoji descriptions
    "good ©", "good ®", "good ‼", "good ⁉", "‼ good", "“good” — ‘bad’ …", "™ ℹ ↔ good", "good 🙂!",
    # neighbours: n't words, caps boosters, 'least' at the start, idiom words in caps
    "ain't good", "couldn't ever be good", "AIN'T GOOD", "EXTREMELY good", "least", "least bad",
    "at least", "The BOMB", "it is THE SHIT", "KIND OF GOOD", "no bad", "good no",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_equal_on_edge_cases(text):
    expected = ORIGINAL.polarity_scores(text)
    assert FAST.polarity_scores(text) == expected
    assert FAST.compound(text) == expected["compound"]


def test_equal_on_10000_word_text():
    # Mostly neutral filler with a sentiment passage in every tenth chunk: the original re-lowers
    # the whole text for each lexicon word, so a dense text would make this test needlessly slow.
    filler = ("the delegation met in the capital on Wednesday and officials from both sides "
              "discussed the schedule for the coming talks in the region").split()
    passage = ("The summit was good but the talks were not very productive and KIND of bad !! "
               "without doubt never so great 😀 at least the least happy people cheered").split()
    words = []
    for chunk in itertools.count():
        if len(words) >= 10_000:
            break
        words.extend(passage if chunk % 10 == 0 else filler)
    text = " ".join(words)
    assert len(text.split()) >= 10_000
    expected = ORIGINAL.polarity_scores(text)
    assert FAST.polarity_scores(text) == expected
    assert expected["compound"] != 0.0  # a real, nonzero comparison


VOCABULARY = [
    "good", "bad", "great", "GREAT", "Good", "love", "hate", "no", "NO", "not", "never", "so", "this",
    "without", "doubt", "least", "at", "very", "VERY", "kind", "of", "sort", "just", "enough", "but",
    "BUT", "the", "shit", "bomb", "bad", "ass", "isn't", "nor", "or", "kinda", "extremely", "barely",
    "lol", "ok", ":)", ":(", "😀", "💔", "!", "?", "!!", "??", "a", "people", "die", "for", "to",
    "yeah", "right", "kiss", "death", "beating", "heart", "bus", "stop", "fine,", "(nice)", "—",
    "happy!", "SAD", "war", "peace", "threat", "friendly",
    "ain't", "Never", "KIND", "OF", "THE", "Least", "AT", "doubt,", "or", "©", "‼", "“", "—",
]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(VOCABULARY), max_size=14), st.sampled_from([" ", "  ", "\t", "\n"]))
def test_equal_on_generated_word_sequences(words, separator):
    text = separator.join(words)
    assert FAST.polarity_scores(text) == ORIGINAL.polarity_scores(text)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("abgodnt IU!?.,'😀💘\t:)(-")), max_size=40))
def test_equal_on_generated_character_soup(text):
    assert FAST.polarity_scores(text) == ORIGINAL.polarity_scores(text)


def test_emoji_pre_test_never_misses_an_emoji():
    for char in vader_fast._EMOJI_CHARS:
        assert vader_fast._has_emoji(f"“{char}”"), char
    assert not vader_fast._has_emoji("“quoted” — dash… ’s £5 é")


@pytest.mark.parametrize("text", ["", " \t\n", "!!!", "???", "? ! ?", "the cat sat!!!", "THE CAT", "but the cat"])
def test_texts_without_scored_words_score_zero(text):
    # the fast path returns 0.0 without reading the punctuation; VADER agrees: '!' / '?'
    # emphasis only amplifies a nonzero sum
    expected = ORIGINAL.polarity_scores(text)
    assert expected["compound"] == 0.0
    assert FAST.compound(text) == 0.0 and compound_scores([text]).tolist() == [0.0]
    assert FAST.polarity_scores(text) == expected


def test_lexicons_match_the_installed_package():
    assert vader_fast.LEXICON == ORIGINAL.lexicon
    assert vader_fast.EMOJI_LEXICON == ORIGINAL.emojis


def test_duplicate_lexicon_entries_are_exposed_and_last_wins():
    duplicates = vader_fast.LEXICON_DUPLICATES
    assert len(duplicates) == 14
    assert duplicates["lol"] == (2.9, 1.8)
    assert duplicates["d:"] == (-2.9, 1.2)
    for word, values in duplicates.items():
        assert vader_fast.LEXICON[word] == values[-1] == ORIGINAL.lexicon[word]
    assert vader_fast.EMOJI_DUPLICATES == {}


def test_unreachable_lexicon_keys_really_never_score():
    keys = vader_fast.UNREACHABLE_LEXICON_KEYS
    assert {":D", "fed up", "can't stand"} <= keys
    assert vader_fast.LEXICON[":Þ"] == 1.1  # rated, but looked up as ":þ", which is absent
    assert FAST.polarity_scores(":Þ")["compound"] == 0.0 == ORIGINAL.polarity_scores(":Þ")["compound"]
    for phrase in ("fed up", "screwed up", "( '}{' )"):
        assert FAST.polarity_scores(phrase) == ORIGINAL.polarity_scores(phrase)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(list("aBçÇİıß-'.!:)(ǅ1") + ["ΣΑ", "GOOD"]), min_size=1, max_size=12).map("".join))
def test_isupper_of_raw_token_equals_isupper_of_vader_word(token):
    # FastVader checks ALL CAPS on raw tokens; exact only if stripping punctuation never matters.
    assert token.isupper() == vader_fast._strip_punc_if_word(token).isupper()


def test_compound_and_batch_match_polarity_scores():
    texts = ["good", "bad!!", "", "not bad but great 😀", "Kim and Putin signed a pact."]
    expected = np.array([ORIGINAL.polarity_scores(t)["compound"] for t in texts])
    batch = compound_scores(texts)
    assert batch.dtype == np.float64 and batch.shape == (len(texts),)
    np.testing.assert_array_equal(batch, expected)
    assert [FAST.compound(t) for t in texts] == expected.tolist()
    assert compound_scores([]).shape == (0,)


def test_non_str_input_is_rejected():
    with pytest.raises(TypeError):
        FAST.polarity_scores(None)
    with pytest.raises(TypeError):
        token_valences(b"good")


class _RecordingAnalyzer(SentimentIntensityAnalyzer):
    """The original, recording the per-token sentiments it passes to the 'but' rule."""

    def __init__(self):
        super().__init__()
        self.recorded = None

    def _but_check(self, words_and_emoticons, sentiments):
        self.recorded = [float(s) for s in sentiments]
        return SentimentIntensityAnalyzer._but_check(words_and_emoticons, sentiments)


RECORDER = _RecordingAnalyzer()


@pytest.mark.parametrize("text", EDGE_CASES + [
    "The Kremlin said the visit was a great success, but Washington was not happy."])
def test_token_valences_equal_original_pre_but_sentiments(text):
    RECORDER.polarity_scores(text)
    result = token_valences(text)
    assert [value for *_, value in result] == RECORDER.recorded


def test_token_valences_on_benchmark_sentences():
    sentences = _newsmtsc_sentences()[:2000]
    for text in sentences:
        RECORDER.polarity_scores(text)
        result = token_valences(text)
        assert [value for *_, value in result] == RECORDER.recorded, text
        for token, start, end, _ in result:
            assert text[start:end] == token, (text, token, start, end)


def test_token_valences_offsets_and_meaning():
    text = "  Putin's visit was NOT good, but Kim was 'very happy'!"
    result = token_valences(text)
    assert [token for token, *_ in result] == [
        "Putin's", "visit", "was", "NOT", "good", "but", "Kim", "was", "very", "happy"]
    by_token = {token: (start, end, value) for token, start, end, value in result}
    for token, (start, end, _) in by_token.items():
        assert text[start:end] == token
    assert by_token["good"][2] == pytest.approx(1.9 * vader_fast.N_SCALAR)  # 'good' = 1.9, negated
    assert by_token["happy"][2] == pytest.approx(2.7 + vader_fast.B_INCR)  # boosted by 'very'
    assert by_token["visit"][2] == 0.0


def test_token_valences_map_emoji_descriptions_to_the_emoji():
    text = "so 😀x ok"
    result = token_valences(text)
    emoji_start = text.index("😀")
    description_tokens = [(t, s, e) for t, s, e, _ in result if s == emoji_start]
    assert description_tokens, result
    assert all(text[s:e].startswith("😀") for _, s, e in description_tokens)
    assert any(value != 0.0 for token, s, e, value in result if s == emoji_start)
    assert result[-1][0] == "ok" and text[result[-1][1]:result[-1][2]] == "ok"


def test_token_valences_sum_gives_compound_without_but_or_punctuation():
    text = "The talks were very productive and the leaders were not unhappy"
    total = sum(value for *_, value in token_valences(text))
    expected = total / math.sqrt(total * total + vader_fast.NORMALIZE_ALPHA)
    assert round(expected, 4) == ORIGINAL.polarity_scores(text)["compound"] != 0.0


def _nonzero_entries(text: str) -> tuple[int, list[int], list[float], int]:
    """``nonzero_token_valences`` recomputed from ``token_valences``."""
    result = token_valences(text)
    words = [token.lower() for token, *_ in result]
    positions = [i for i, (*_, value) in enumerate(result) if value]
    return (len(result), positions, [result[i][3] for i in positions],
            words.index("but") if "but" in words else -1)


@pytest.mark.parametrize("text", EDGE_CASES + ["so 😀x ok", "Good, but not great", "but BUT but", ""])
def test_nonzero_token_valences_agree_with_token_valences(text):
    assert tuple(vader_fast.nonzero_token_valences(text)) == _nonzero_entries(text)


def test_nonzero_token_valences_agree_on_every_newsmtsc_sentence():
    for text in _newsmtsc_sentences():
        assert tuple(vader_fast.nonzero_token_valences(text)) == _nonzero_entries(text), text

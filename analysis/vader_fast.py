"""Exact, faster re-implementation of vaderSentiment 3.3.2 ``polarity_scores``.

VADER (Hutto & Gilbert 2014) is a rule-based sentiment scorer. This module gives the same
``neg / neu / pos / compound`` numbers as ``vaderSentiment.vaderSentiment.SentimentIntensityAnalyzer``
(version 3.3.2; ``tests/test_vader_fast.py`` checks every NewsMTSC sentence, every VADER-NYT
snippet and every PerSenT dev document, plus hand-made and generated edge cases) but runs
several times faster (``scripts/bench_vader.py``), because it

* lower-cases every token once, through caches of raw token -> stripped lower-case word
  (the original re-lower-cases the whole sentence for every lexicon word, which makes it
  quadratic in text length); the main cache keeps only words that can score (plus 'but' and
  idiom words) and maps all others to "", so one C-level pass finds the few tokens to visit,
* only visits lexicon words (every other token has valence 0 by construction) and reads their
  neighbours through a cache that keeps only the words VADER's rules test,
* skips the per-character emoji rewrite when the text holds no single-character emoji, and
* runs the idiom look-ups only when a word of some multi-word idiom occurs in the text.

The lexicons are read from the installed ``vaderSentiment`` package files
(``vader_lexicon.txt``, ``emoji_utf8_lexicon.txt``); nothing is copied or downloaded.

Quirks of the original that change scores are reproduced on purpose (each is marked
``QUIRK`` below):

* duplicate lexicon entries: the last line wins (14 words, see ``LEXICON_DUPLICATES``);
* lexicon keys containing capitals (``":D"``, ``":Þ"``) or spaces (``"fed up"``) can never
  match, because tokens are looked up lower-cased and never contain spaces
  (see ``UNREACHABLE_LEXICON_KEYS``; most capitalised emoticons have a lower-case twin such
  as ``":d"`` that does match, but ``":Þ"`` and ``":-Þ"`` and the multi-word keys score 0);
* multi-character emoji (flags, skin tones, ZWJ sequences) are never replaced, because the
  original inspects the text one character at a time;
* an emoji description is glued to a following non-space character ("😀x" -> "grinning facex");
* a zero-valence word in ALL CAPS gets ``-C_INCR`` (the caps rule adds only when valence > 0);
* the 3-words-back negation rule multiplies by 1.25 whenever the word right before is
  "so"/"this", whether or not "never" precedes (operator-precedence bug);
* the 'but' rule finds each value with ``list.index``, so of two equal valences only the
  first occurrence is rescaled, possibly twice;
* a preceding word that is itself in the lexicon blocks boosters, negation and the idiom
  check for that distance;
* empty or whitespace-only text scores all zeros, ``neu`` included (not ``neu = 1``).

>>> analyzer = FastVader()
>>> analyzer.polarity_scores("VADER is smart, handsome, and funny!")
{'neg': 0.0, 'neu': 0.248, 'pos': 0.752, 'compound': 0.8439}
>>> analyzer.compound("The book was not good.")
-0.3412
>>> [(w, s, e, round(v, 3)) for w, s, e, v in token_valences("Not bad at all") if v]
[('bad', 4, 7, 1.85)]
>>> nonzero_token_valences("Not bad at all")
NonzeroValences(n_tokens=4, positions=[1], valences=[1.85], but_index=-1)
"""
from __future__ import annotations

import importlib.util
import math
import re
import string
from collections.abc import Callable, Iterable
from itertools import compress
from pathlib import Path
from typing import NamedTuple

import numpy as np

from analysis.memo import Memo

__all__ = [
    "FastVader",
    "compound_scores",
    "token_valences",
    "NonzeroValences",
    "nonzero_token_valences",
    "LEXICON",
    "EMOJI_LEXICON",
    "LEXICON_DUPLICATES",
    "EMOJI_DUPLICATES",
    "UNREACHABLE_LEXICON_KEYS",
    "VADER_VERSION",
]

VADER_VERSION = "3.3.2"  # the release whose behaviour this module reproduces (pinned in requirements)

# ---------------------------------------------------------------------------------------------
# Constants. Values are those of vaderSentiment 3.3.2; the comments give their meaning/source.
# ---------------------------------------------------------------------------------------------
# Empirically derived mean intensity increase/decrease for booster/dampener words (paper, sec. 3).
B_INCR = 0.293
B_DECR = -0.293
# Empirically derived mean intensity increase for a word in ALL CAPS among non-caps words.
C_INCR = 0.733
# Multiplier applied to a negated word's valence (flips and slightly dampens it).
N_SCALAR = -0.74
# A booster two / three words before the sentiment word counts 95 % / 90 % as much.
BOOSTER_DISTANCE_1_WEIGHT = 1.0
BOOSTER_DISTANCE_2_WEIGHT = 0.95
BOOSTER_DISTANCE_3_WEIGHT = 0.9
# "never so good" / "never this good": emphasis, not negation.
NEVER_SO_MULTIPLIER = 1.25
# Contrastive 'but': sentiment before it is halved, after it is increased by half.
BUT_BEFORE_WEIGHT = 0.5
BUT_AFTER_WEIGHT = 1.5
# Exclamation marks: each adds this much emphasis, counted up to EP_MAX_COUNT of them.
EP_AMPLIFIER = 0.292
EP_MAX_COUNT = 4
# Question marks: 2 or 3 add QM_AMPLIFIER each; more than QM_MAX_COUNT add QM_MAX_AMPLIFIER.
QM_MIN_COUNT = 2
QM_MAX_COUNT = 3
QM_AMPLIFIER = 0.18
QM_MAX_AMPLIFIER = 0.96
# normalize(): x / sqrt(x^2 + alpha) maps a summed valence into (-1, 1); alpha approximates the
# maximum expected value (original default argument alpha=15).
NORMALIZE_ALPHA = 15
# A token whose punctuation-stripped form is this short or shorter keeps its punctuation
# (it is probably an emoticon such as ":)").
EMOTICON_MAX_STRIPPED_LEN = 2
# Rounding of the returned scores, as in the original.
PROPORTION_DECIMALS = 3
COMPOUND_DECIMALS = 4

NEGATE = frozenset([
    "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt",
    "ain't", "aren't", "can't", "couldn't", "daren't", "didn't", "doesn't",
    "dont", "hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt", "neither",
    "don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't",
    "neednt", "needn't", "never", "none", "nope", "nor", "not", "nothing", "nowhere",
    "oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent",
    "oughtn't", "shan't", "shouldn't", "uh-uh", "wasn't", "weren't",
    "without", "wont", "wouldnt", "won't", "wouldn't", "rarely", "seldom", "despite"])

_BOOSTERS_UP = (
    "absolutely", "amazingly", "awfully", "completely", "considerable", "considerably",
    "decidedly", "deeply", "effing", "enormous", "enormously", "entirely", "especially",
    "exceptional", "exceptionally", "extreme", "extremely", "fabulously", "flipping", "flippin",
    "frackin", "fracking", "fricking", "frickin", "frigging", "friggin", "fully", "fuckin",
    "fucking", "fuggin", "fugging", "greatly", "hella", "highly", "hugely", "incredible",
    "incredibly", "intensely", "major", "majorly", "more", "most", "particularly", "purely",
    "quite", "really", "remarkably", "so", "substantially", "thoroughly", "total", "totally",
    "tremendous", "tremendously", "uber", "unbelievably", "unusually", "utter", "utterly", "very")
_BOOSTERS_DOWN = (
    "almost", "barely", "hardly", "just enough", "kind of", "kinda", "kindof", "kind-of",
    "less", "little", "marginal", "marginally", "occasional", "occasionally", "partly",
    "scarce", "scarcely", "slight", "slightly", "somewhat", "sort of", "sorta", "sortof", "sort-of")
BOOSTER_DICT: dict[str, float] = {
    **{word: B_INCR for word in _BOOSTERS_UP}, **{word: B_DECR for word in _BOOSTERS_DOWN}}

# Special-case idioms and phrases containing lexicon words: the phrase sets the valence.
SPECIAL_CASES: dict[str, float] = {
    "the shit": 3, "the bomb": 3, "bad ass": 1.5, "badass": 1.5, "bus stop": 0.0,
    "yeah right": -2, "kiss of death": -1.5, "to die for": 3, "beating heart": 3.5}
# (The original's SENTIMENT_LADEN_IDIOMS are "future work" there and never used in scoring.)

# Idiom look-ups compare space-joined token n-grams with the multi-word special cases and
# boosters, so they can only match if every word of some phrase occurs in the text. Each phrase
# has at least one "anchor" (a word other than these very common ones); a text without any
# anchor word cannot match any phrase, and the look-ups are skipped (a speed-up only).
_COMMON_IDIOM_WORDS = frozenset({"the", "of", "to", "for"})
_MULTI_WORD_PHRASES = tuple(phrase for phrase in (*SPECIAL_CASES, *BOOSTER_DICT) if " " in phrase)
_IDIOM_ANCHORS = frozenset(
    word for phrase in _MULTI_WORD_PHRASES for word in phrase.split() if word not in _COMMON_IDIOM_WORDS)
if not all(set(phrase.split()) & _IDIOM_ANCHORS for phrase in _MULTI_WORD_PHRASES):
    raise AssertionError("every multi-word idiom needs an anchor word")
_SO_THIS = ("so", "this")
_OR_NOR = ("or", "nor")
_AT_VERY = ("at", "very")
_PUNCTUATION = string.punctuation
_TOKEN_RE = re.compile(r"\S+")  # same separators as str.split() (both use Py_UNICODE_ISSPACE)


# ---------------------------------------------------------------------------------------------
# Lexicons, read from the installed vaderSentiment package
# ---------------------------------------------------------------------------------------------
def _package_dir() -> Path:
    spec = importlib.util.find_spec("vaderSentiment")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("vaderSentiment is not installed; its lexicon files are required")
    return Path(next(iter(spec.submodule_search_locations)))


def _parse_tab_file(path: Path, skip_blank: bool) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Parse ``word<TAB>value...`` lines exactly like the original (last duplicate wins).

    Returns the mapping and, for every key seen more than once, all its values in file order.
    """
    content = path.read_bytes().decode("utf-8")  # original: codecs.open(..., 'utf-8'), no newline translation
    mapping: dict[str, str] = {}
    seen: dict[str, list[str]] = {}
    for line in content.rstrip("\n").split("\n"):
        if skip_blank and not line:
            continue
        key, value = line.strip().split("\t")[0:2]
        mapping[key] = value  # QUIRK: duplicates silently overwrite, last one wins
        seen.setdefault(key, []).append(value)
    duplicates = {key: tuple(values) for key, values in seen.items() if len(values) > 1}
    return mapping, duplicates


_VADER_DIR = _package_dir()
_lexicon_raw, _lexicon_dups = _parse_tab_file(_VADER_DIR / "vader_lexicon.txt", skip_blank=True)
# word -> mean valence rating, exactly the dictionary the original builds
LEXICON: dict[str, float] = {word: float(value) for word, value in _lexicon_raw.items()}
# Words listed more than once in vader_lexicon.txt -> every rating in file order (the last is used).
LEXICON_DUPLICATES: dict[str, tuple[float, ...]] = {
    word: tuple(float(v) for v in values) for word, values in _lexicon_dups.items()}
# emoji -> textual description (the original has no blank-line check for this file)
EMOJI_LEXICON, EMOJI_DUPLICATES = _parse_tab_file(_VADER_DIR / "emoji_utf8_lexicon.txt", skip_blank=False)
# Keys that lower-cased, whitespace-free tokens can never equal (kept for exactness, listed for users).
UNREACHABLE_LEXICON_KEYS = frozenset(
    word for word in LEXICON if word != word.lower() or any(ch.isspace() for ch in word))
# QUIRK: the original replaces emoji one character at a time, so only 1-character keys can match.
_EMOJI_CHARS = frozenset(key for key in EMOJI_LEXICON if len(key) == 1)
# Cheap pre-test for emoji: news text is often non-ASCII only through typographic quotes, dashes
# and ellipses (U+2010..U+2026), where iterating over every character for the exact set test
# is wasted. Below U+2100 only the few emoji listed here exist; the class spans all the others.
_FIRST_EMOJI_BLOCK = "\u2100"
_MAYBE_EMOJI_RE = re.compile("[{}{}-\U0010ffff]".format(
    "".join(re.escape(char) for char in sorted(_EMOJI_CHARS) if char < _FIRST_EMOJI_BLOCK),
    _FIRST_EMOJI_BLOCK))
del _lexicon_raw, _lexicon_dups


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
def _normalize(score: float) -> float:
    norm_score = score / math.sqrt((score * score) + NORMALIZE_ALPHA)
    if norm_score < -1.0:
        return -1.0
    if norm_score > 1.0:
        return 1.0
    return norm_score


def _punctuation_emphasis(text: str) -> float:
    ep_amplifier = min(text.count("!"), EP_MAX_COUNT) * EP_AMPLIFIER
    qm_count = text.count("?")
    qm_amplifier = 0
    if qm_count >= QM_MIN_COUNT:
        qm_amplifier = qm_count * QM_AMPLIFIER if qm_count <= QM_MAX_COUNT else QM_MAX_AMPLIFIER
    return ep_amplifier + qm_amplifier


def _compound(valences: list[float], punct_emph_amplifier: float) -> float:
    """Unrounded compound score from the nonzero token valences (after 'but')."""
    sum_s = float(sum(valences))  # same order as the original; its zeros add nothing
    if sum_s > 0:
        sum_s += punct_emph_amplifier
    elif sum_s < 0:
        sum_s -= punct_emph_amplifier
    return _normalize(sum_s)


def _has_emoji(text: str) -> bool:
    """True if ``text`` holds a single-character emoji of the lexicon (the only kind replaced)."""
    return (not text.isascii() and _MAYBE_EMOJI_RE.search(text) is not None
            and not _EMOJI_CHARS.isdisjoint(text))


def _replace_emoji(text: str) -> tuple[str, list[int]]:
    """The original's emoji rewrite; also returns, per output char, its source index in ``text``."""
    pieces: list[str] = []
    source_index: list[int] = []
    prev_space = True
    for index, char in enumerate(text):
        description = EMOJI_LEXICON.get(char) if char in _EMOJI_CHARS else None
        if description is not None:
            if not prev_space:
                pieces.append(" ")
                source_index.append(index)
            pieces.append(description)  # QUIRK: no space is added *after* the description
            source_index.extend([index] * len(description))
            prev_space = False
        else:
            pieces.append(char)
            source_index.append(index)
            prev_space = char == " "  # QUIRK: only a plain space counts, not tabs/newlines
    return "".join(pieces), source_index


def _strip_punc_if_word(token: str) -> str:
    stripped = token.strip(_PUNCTUATION)
    return token if len(stripped) <= EMOTICON_MAX_STRIPPED_LEN else stripped


def _lower_word(token: str) -> str:
    """A raw token's lower-cased VADER word."""
    return _strip_punc_if_word(token).lower()


def _kept_word(keep: Callable[[str], bool]) -> Callable[[str], str]:
    """raw token -> its lower-cased VADER word if ``keep(word)``, else "".

    Mapping the many words a rule ignores to "" lets one C-level pass (``map``, ``compress``)
    find the few tokens worth a Python-level look.
    """
    def kept(token: str) -> str:
        word_lower = _lower_word(token)
        return word_lower if keep(word_lower) else ""
    return kept


# Words that can carry a valence: lexicon words except boosters (always 0 in VADER).
_SCORED_WORDS = frozenset(word for word in LEXICON if word not in BOOSTER_DICT)
# Words looked at in the whole sentence: scored words, the contrastive 'but', idiom anchors.
_MARKED_WORDS = _SCORED_WORDS | {"but"} | _IDIOM_ANCHORS
# Words the rules test one to three words before (or right after) a scored word: lexicon words
# (they block the rules at their distance; "no" + lexicon word), boosters, negations, and the
# words of "never so/this", "without doubt", "no ... or/nor", "(at/very) least". Words holding
# "n't" also negate. Idiom n-grams are built from the full lower-cased words instead.
_CONTEXT_WORDS = frozenset(LEXICON) | set(BOOSTER_DICT) | NEGATE | {
    "never", "without", "doubt", *_SO_THIS, "no", *_OR_NOR, "least", *_AT_VERY}
if "" in _MARKED_WORDS or "" in _CONTEXT_WORDS:  # "" stands for "ignored word" in the caches
    raise AssertionError("the empty string must not be a VADER word")


def _is_context_word(word_lower: str) -> bool:
    return word_lower in _CONTEXT_WORDS or "n't" in word_lower


# Bound on the token caches (per process). Every token passes the marked-word cache first, so the
# others never hold more entries; all are cleared together when it is full. All NewsMTSC
# sentences hold ~35k distinct raw tokens; 100k distinct 10-character tokens take about 10 MB in
# the marked-word cache, key strings included, and 17 MB if all three caches hold every one
# (tracemalloc; the marked / context caches mostly hold the shared "").
WORD_CACHE_MAX_ENTRIES = 100_000
_LOWER_WORD_CACHE = Memo(_lower_word)
_MARKED_WORD_CACHE = Memo(_kept_word(_MARKED_WORDS.__contains__))
_CONTEXT_WORD_CACHE = Memo(_kept_word(_is_context_word))
_WORD_CACHES = (_LOWER_WORD_CACHE, _MARKED_WORD_CACHE, _CONTEXT_WORD_CACHE)


def _cap_differential(tokens: list[str]) -> bool:
    """True if some but not all tokens are ALL CAPS (the original ``allcap_differential``).

    Raw tokens can stand in for VADER's punctuation-stripped words: ``str.isupper`` ignores
    uncased characters, and only ASCII punctuation (uncased) is stripped.
    """
    n_upper = sum(map(str.isupper, tokens))
    return 0 < len(tokens) - n_upper < len(tokens)


def _booster_scalar(booster: float, valence: float, emphasised: bool, weight: float) -> float:
    """The original ``scalar_inc_dec`` times the distance weight, for a known booster word."""
    scalar = -booster if valence < 0 else booster
    if emphasised:  # booster in ALL CAPS while other words are not
        if valence > 0:
            scalar += C_INCR
        else:
            scalar -= C_INCR
    # the original multiplies only if scalar != 0; multiplying 0 gives 0 all the same
    return scalar * weight


def _boosted(valence: float, booster: float, tokens: list[str], at: int, weight: float,
             cap_diff: bool | None) -> tuple[float, bool | None]:
    """The valence after the booster word ``tokens[at]`` (weighted by its distance), and the
    sentence's ALL-CAPS differential, computed here on first need (None: not yet known)."""
    emphasised = tokens[at].isupper()
    if emphasised and cap_diff is None:
        cap_diff = _cap_differential(tokens)
    return valence + _booster_scalar(booster, valence, emphasised and cap_diff, weight), cap_diff


def _no_rule(valence: float, base: float, word: str, next_word: str,
             before_1: str, before_2: str, before_3: str) -> float:
    """'no' as a negator of the next lexicon word(s) rather than a sentiment word itself.

    The neighbours are context words ("" for an ignored word or past either end of the text).
    """
    if word == "no" and next_word in LEXICON:
        valence = 0.0
    if before_1 == "no" or before_2 == "no" or (before_3 == "no" and before_1 in _OR_NOR):
        valence = base * N_SCALAR
    return valence


def _idioms_rule(valence: float, lowers: list[str], i: int) -> float:
    """The original ``_special_idioms_check`` (only reached for i > 2)."""
    w3, w2, w1, w0 = lowers[i - 3], lowers[i - 2], lowers[i - 1], lowers[i]
    one_zero = f"{w1} {w0}"
    two_one_zero = f"{w2} {w1} {w0}"
    two_one = f"{w2} {w1}"
    three_two_one = f"{w3} {w2} {w1}"
    three_two = f"{w3} {w2}"
    for sequence in (one_zero, two_one_zero, two_one, three_two_one, three_two):
        if sequence in SPECIAL_CASES:
            valence = SPECIAL_CASES[sequence]
            break
    n_words = len(lowers)
    if n_words - 1 > i:
        zero_one = f"{w0} {lowers[i + 1]}"
        if zero_one in SPECIAL_CASES:
            valence = SPECIAL_CASES[zero_one]
    if n_words - 1 > i + 1:
        zero_one_two = f"{w0} {lowers[i + 1]} {lowers[i + 2]}"
        if zero_one_two in SPECIAL_CASES:
            valence = SPECIAL_CASES[zero_one_two]
    # booster bigrams such as "kind of" / "sort of" before the word (sign not adjusted)
    for n_gram in (three_two_one, three_two, two_one):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


def _apply_but_rule(positions: list[int], valences: list[float], but_index: int) -> None:
    """The original ``_but_check``, run on the nonzero valences only (in place).

    QUIRK reproduced: each value is located with ``list.index`` (its first equal occurrence),
    so with repeated values the first copy is rescaled, possibly more than once. Zeros are
    left out because rescaling a zero is a no-op and a zero never equals a nonzero value.
    """
    for k in range(len(valences)):
        value = valences[k]
        first = valences.index(value)
        if positions[first] < but_index:
            valences[first] = value * BUT_BEFORE_WEIGHT
        elif positions[first] > but_index:
            valences[first] = value * BUT_AFTER_WEIGHT


# ---------------------------------------------------------------------------------------------
# The analyzer
# ---------------------------------------------------------------------------------------------
class FastVader:
    """Drop-in for ``SentimentIntensityAnalyzer().polarity_scores`` with identical numbers.

    >>> FastVader().polarity_scores("")
    {'neg': 0.0, 'neu': 0.0, 'pos': 0.0, 'compound': 0.0}
    """

    def __init__(self) -> None:
        self.lexicon = LEXICON
        self.emojis = EMOJI_LEXICON

    @staticmethod
    def _without_emoji(text: str) -> str:
        """``text`` after the original's emoji rewrite (type-checked)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        return _replace_emoji(text)[0] if _has_emoji(text) else text

    def _valences_after_but(self, tokens: list[str]) -> list[float]:
        """The nonzero token valences after the 'but' rule.

        ``tokens`` are the whitespace-separated chunks of the text after the emoji rewrite.
        (The original strips the text first; split() ignores surrounding whitespace anyway.)
        """
        positions, valences, but_index = self._nonzero_valences(tokens)
        if valences and but_index >= 0:
            _apply_but_rule(positions, valences, but_index)
        return valences

    def _nonzero_valences(self, tokens: list[str]) -> tuple[list[int], list[float], int]:
        """Positions and valences (before 'but') of the tokens whose valence is nonzero, and the
        position of the first 'but' (-1 if none).

        Every other token has valence 0: only lexicon words get a valence, and boosters and the
        'kind' of 'kind of' are forced to 0. This is the original ``sentiment_valence`` with
        its helper checks inlined; neighbours are read as context words ("" when ignored).
        """
        if len(_MARKED_WORD_CACHE) > WORD_CACHE_MAX_ENTRIES:
            for cache in _WORD_CACHES:
                cache.clear()
        marks = list(map(_MARKED_WORD_CACHE.__getitem__, tokens))
        candidates = list(compress(range(len(marks)), marks))
        positions: list[int] = []
        valences: list[float] = []
        if not candidates:  # most sentences of news text hold a few scored words, many none
            return positions, valences, -1
        marked = [marks[i] for i in candidates]
        but_index = candidates[marked.index("but")] if "but" in marked else -1
        if _SCORED_WORDS.issuperset(marked):
            hits = candidates
        else:
            hits = [i for i, word in zip(candidates, marked) if word in _SCORED_WORDS]
        lexicon = LEXICON
        context = _CONTEXT_WORD_CACHE.__getitem__
        n_words = len(tokens)
        lowers = None  # full lower-cased words, built only if an idiom may match
        check_idioms = not _IDIOM_ANCHORS.isdisjoint(marked)
        check_no = "no" in marked
        cap_diff = None  # computed on first need: most sentences have no ALL-CAPS word
        for i in hits:
            word_lower = marks[i]
            if word_lower == "kind" and i < n_words - 1 and _LOWER_WORD_CACHE[tokens[i + 1]] == "of":
                continue
            before_1 = context(tokens[i - 1]) if i > 0 else ""
            before_2 = context(tokens[i - 2]) if i > 1 else ""
            before_3 = context(tokens[i - 3]) if i > 2 else ""
            base = valence = lexicon[word_lower]
            if check_no:
                next_word = context(tokens[i + 1]) if i < n_words - 1 else ""
                valence = _no_rule(valence, base, word_lower, next_word, before_1, before_2, before_3)
            if tokens[i].isupper():
                if cap_diff is None:
                    cap_diff = _cap_differential(tokens)
                if cap_diff:
                    if valence > 0:
                        valence += C_INCR
                    else:  # QUIRK: also for valence == 0
                        valence -= C_INCR
            # Three ignored neighbours (as for most scored words) leave the valence as it is.
            if before_1 or before_2 or before_3:
                # one word back: booster, simple negation
                # QUIRK: a lexicon word blocks all rules at its distance
                if before_1 and before_1 not in lexicon:
                    booster = BOOSTER_DICT.get(before_1)
                    if booster is not None:
                        valence, cap_diff = _boosted(valence, booster, tokens, i - 1, BOOSTER_DISTANCE_1_WEIGHT,
                                                     cap_diff)
                    if before_1 in NEGATE or "n't" in before_1:
                        valence = valence * N_SCALAR
                # two words back: booster, "never so/this", "without doubt", negation
                if before_2 and before_2 not in lexicon:
                    booster = BOOSTER_DICT.get(before_2)
                    if booster is not None:
                        valence, cap_diff = _boosted(valence, booster, tokens, i - 2, BOOSTER_DISTANCE_2_WEIGHT,
                                                     cap_diff)
                    if before_2 == "never" and before_1 in _SO_THIS:
                        valence = valence * NEVER_SO_MULTIPLIER
                    elif before_2 == "without" and before_1 == "doubt":
                        pass
                    elif before_2 in NEGATE or "n't" in before_2:
                        valence = valence * N_SCALAR
                # three words back: the same
                if i > 2 and before_3 not in lexicon:
                    if before_3:
                        booster = BOOSTER_DICT.get(before_3)
                        if booster is not None:
                            valence, cap_diff = _boosted(valence, booster, tokens, i - 3, BOOSTER_DISTANCE_3_WEIGHT,
                                                         cap_diff)
                    # QUIRK (precedence bug in the original): `(never and so/this) or so/this`,
                    # so "so"/"this" right before the word multiplies by 1.25 without any "never"
                    if (before_3 == "never" and before_2 in _SO_THIS) or before_1 in _SO_THIS:
                        valence = valence * NEVER_SO_MULTIPLIER
                    elif before_3 == "without" and (before_2 == "doubt" or before_1 == "doubt"):
                        pass
                    elif before_3 in NEGATE or "n't" in before_3:
                        valence = valence * N_SCALAR
            # three words back: the special-case idioms (also after ignored words)
            if check_idioms and i > 2 and before_3 not in lexicon:
                if lowers is None:
                    lowers = list(map(_LOWER_WORD_CACHE.__getitem__, tokens))
                valence = _idioms_rule(valence, lowers, i)
            # "least": "least good" is negated, "at least good" / "very least good" are not
            if before_1 == "least" and before_2 not in _AT_VERY:
                valence = valence * N_SCALAR
            if valence:
                positions.append(i)
                valences.append(valence)
        return positions, valences, but_index

    # -- public API ---------------------------------------------------------------------------
    def polarity_scores(self, text: str) -> dict[str, float]:
        """``{'neg', 'neu', 'pos', 'compound'}`` exactly as vaderSentiment 3.3.2 returns them.

        >>> FastVader().polarity_scores("The plot was good, but the characters are dull.")
        {'neg': 0.284, 'neu': 0.56, 'pos': 0.156, 'compound': -0.3818}
        """
        text = self._without_emoji(text)
        tokens = text.split()
        n_words = len(tokens)
        valences = self._valences_after_but(tokens)
        if n_words == 0:
            return {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}
        if not valences:  # every token neutral: the original's formulas give exactly this
            return {"neg": 0.0, "neu": 1.0, "pos": 0.0, "compound": 0.0}
        punct_emph_amplifier = _punctuation_emphasis(text)
        compound = _compound(valences, punct_emph_amplifier)

        pos_sum = 0.0
        neg_sum = 0.0
        for value in valences:
            if value > 0:
                pos_sum += value + 1  # +1 compensates for neutral words counted as 1
            else:
                neg_sum += value - 1
        neu_count = n_words - len(valences)
        if pos_sum > abs(neg_sum):
            pos_sum += punct_emph_amplifier
        elif pos_sum < abs(neg_sum):
            neg_sum -= punct_emph_amplifier
        total = pos_sum + abs(neg_sum) + neu_count
        return {  # (the original takes fabs() of these ratios too; all are already >= 0)
            "neg": round(abs(neg_sum) / total, PROPORTION_DECIMALS),
            "neu": round(neu_count / total, PROPORTION_DECIMALS),
            "pos": round(pos_sum / total, PROPORTION_DECIMALS),
            "compound": round(compound, COMPOUND_DECIMALS),
        }

    def compound(self, text: str) -> float:
        """The (rounded) compound score, ``polarity_scores(text)['compound']``.

        >>> FastVader().compound("Today SUX!")
        -0.5461
        """
        if not (type(text) is str and text.isascii()):  # ASCII text holds no emoji
            text = self._without_emoji(text)
        valences = self._valences_after_but(text.split())
        if not valences:  # also with '!' / '?': their emphasis only amplifies a nonzero sum
            return 0.0
        return round(_compound(valences, _punctuation_emphasis(text)), COMPOUND_DECIMALS)

    def token_valences(self, text: str) -> list[tuple[str, int, int, float]]:
        """Per-token valences: ``(token, start, end, valence)`` for every VADER token.

        ``token`` is the token as VADER sees it: a whitespace-separated chunk with leading and
        trailing punctuation stripped (unless that leaves <= 2 characters, e.g. emoticons),
        original case. ``valence`` is the token's lexicon rating after VADER's word-level rules
        (the "no" rule, ALL-CAPS emphasis, boosters/dampeners up to 3 words back, negation,
        "never so"/"without doubt", special-case idioms, "least"), i.e. what the original
        appends to its ``sentiments`` list -- *before* the contrastive 'but' rescaling
        (x0.5 before the first 'but', x1.5 after), punctuation emphasis and normalisation.
        Non-lexicon words, boosters and the "kind" of "kind of" have valence 0.0.
        ``text[start:end]`` is the token's span in the *given* text (end exclusive); for words
        that come from an emoji's description the span is the emoji's own character(s).

        >>> [(t, s, e, round(v, 3)) for t, s, e, v in FastVader().token_valences("Very good!")]
        [('Very', 0, 4, 0.0), ('good', 5, 9, 2.193)]
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        if _has_emoji(text):
            processed, source_index = _replace_emoji(text)
        else:
            processed, source_index = text, None
        lead = len(processed) - len(processed.lstrip())
        tokens: list[str] = []
        words: list[str] = []
        spans: list[tuple[int, int]] = []
        for match in _TOKEN_RE.finditer(processed.strip()):
            token = match.group()
            word = _strip_punc_if_word(token)
            start = match.start() + lead
            if word is not token:
                start += len(token) - len(token.lstrip(_PUNCTUATION))
            end = start + len(word)
            if source_index is not None:
                start, end = source_index[start], source_index[end - 1] + 1
            tokens.append(token)
            words.append(word)
            spans.append((start, end))
        full = [0.0] * len(words)
        positions, valences, _ = self._nonzero_valences(tokens)
        for position, value in zip(positions, valences):
            full[position] = value
        return [(word, start, end, value) for word, (start, end), value in zip(words, spans, full)]


_SHARED: FastVader | None = None


def _shared() -> FastVader:
    global _SHARED
    if _SHARED is None:
        _SHARED = FastVader()
    return _SHARED


def compound_scores(texts: Iterable[str]) -> np.ndarray:
    """Compound scores of many texts as a float64 array (shared analyzer, created lazily).

    >>> compound_scores(["good", "bad", ""]).tolist()
    [0.4404, -0.5423, 0.0]
    """
    return np.fromiter(map(_shared().compound, texts), dtype=np.float64)


def token_valences(text: str) -> list[tuple[str, int, int, float]]:
    """``FastVader().token_valences(text)`` on the shared analyzer; see that method."""
    return _shared().token_valences(text)


class NonzeroValences(NamedTuple):
    """The sentiment-bearing tokens of a text, as ``nonzero_token_valences`` returns them."""
    n_tokens: int            # VADER tokens: whitespace-separated chunks after the emoji rewrite
    positions: list[int]     # indices of the tokens whose valence is nonzero, ascending
    valences: list[float]    # their valences (before the 'but' rule), as in ``token_valences``
    but_index: int           # index of the first token whose VADER word is 'but', -1 if none


def nonzero_token_valences(text: str) -> NonzeroValences:
    """The nonzero entries of ``token_valences(text)`` and where its first 'but' is, without
    building the per-token words and offsets (several times cheaper on news sentences).

    Token ``i`` is the ``i``-th whitespace-separated chunk of ``text`` unless the text holds an
    emoji that VADER rewrites into words (then ``n_tokens`` may exceed the text's chunk count).

    >>> nonzero_token_valences("Good, but not great")
    NonzeroValences(n_tokens=4, positions=[0, 3], valences=[1.9, -2.294], but_index=1)
    """
    analyzer = _shared()
    tokens = analyzer._without_emoji(text).split()
    positions, valences, but_index = analyzer._nonzero_valences(tokens)
    return NonzeroValences(len(tokens), positions, valences, but_index)

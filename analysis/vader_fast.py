"""Exact, faster re-implementation of vaderSentiment 3.3.2 ``polarity_scores``.

VADER (Hutto & Gilbert 2014) is a rule-based sentiment scorer. This module gives the same
``neg / neu / pos / compound`` numbers as ``vaderSentiment.vaderSentiment.SentimentIntensityAnalyzer``
(version 3.3.2, checked to 1e-6 on every NewsMTSC and VADER-NYT benchmark sentence by
``tests/test_vader_fast.py``) but runs several times faster, because it

* lower-cases every token once (instead of re-lower-casing the whole sentence for every
  lexicon word, which makes the original quadratic in sentence length),
* skips the per-character emoji rewrite when the text holds no single-character emoji,
* only visits lexicon words (every other token has valence 0 by construction), and
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
  check for that distance.

>>> analyzer = FastVader()
>>> analyzer.polarity_scores("VADER is smart, handsome, and funny!")
{'neg': 0.0, 'neu': 0.248, 'pos': 0.752, 'compound': 0.8439}
>>> analyzer.compound("The book was not good.")
-0.3412
>>> [(w, s, e, round(v, 3)) for w, s, e, v in token_valences("Not bad at all") if v]
[('bad', 4, 7, 1.85)]
"""
from __future__ import annotations

import importlib.util
import math
import re
import string
from collections.abc import Iterable
from pathlib import Path

import numpy as np

__all__ = [
    "FastVader",
    "compound_scores",
    "token_valences",
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

# Words that occur in some multi-word special case or booster. Idiom look-ups compare
# space-joined token n-grams, so if none of these words occurs the look-ups cannot match.
_IDIOM_WORDS = frozenset(
    word for phrase in (*SPECIAL_CASES, *BOOSTER_DICT) if " " in phrase for word in phrase.split())
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
del _lexicon_raw, _lexicon_dups


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
def _is_negation(word_lower: str) -> bool:
    """The original ``negated([word])`` for one already lower-cased word."""
    return word_lower in NEGATE or "n't" in word_lower


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

    # -- tokenisation -------------------------------------------------------------------------
    @staticmethod
    def _prepare(text: str) -> str:
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        if not text.isascii() and not _EMOJI_CHARS.isdisjoint(text):
            text = _replace_emoji(text)[0]
        return text.strip()

    @staticmethod
    def _words(text: str) -> tuple[list[str], list[str]]:
        words = [_strip_punc_if_word(token) for token in text.split()]
        # One lower() call for all words: lower-casing never creates or removes whitespace and
        # no word is empty or contains whitespace, so this equals [w.lower() for w in words].
        lowers = " ".join(words).lower().split()
        return words, lowers

    # -- per-word rules -----------------------------------------------------------------------
    def _nonzero_valences(self, words: list[str], lowers: list[str]) -> tuple[list[int], list[float]]:
        """Positions and valences of the tokens whose valence (before 'but') is nonzero.

        All other tokens have valence 0: only lexicon words get a valence, and boosters and the
        'kind' of 'kind of' are forced to 0 even if they were in the lexicon.
        """
        lexicon = self.lexicon
        n_words = len(words)
        n_upper = sum(map(str.isupper, words))
        is_cap_diff = 0 < n_words - n_upper < n_words
        check_idioms = not _IDIOM_WORDS.isdisjoint(lowers)
        positions: list[int] = []
        valences: list[float] = []
        for i, word_lower in enumerate(lowers):
            if word_lower not in lexicon or word_lower in BOOSTER_DICT:
                continue
            if word_lower == "kind" and i < n_words - 1 and lowers[i + 1] == "of":
                continue
            valence = self._valence(i, words, lowers, is_cap_diff, check_idioms)
            if valence != 0:
                positions.append(i)
                valences.append(valence)
        return positions, valences

    def _valence(self, i: int, words: list[str], lowers: list[str], is_cap_diff: bool,
                 check_idioms: bool) -> float:
        """The original ``sentiment_valence`` for lexicon word ``i`` (incl. ``_least_check``)."""
        lexicon = self.lexicon
        n_words = len(lowers)
        word_lower = lowers[i]
        base = lexicon[word_lower]
        valence = base
        # "no" right before another lexicon word is a negator, not a sentiment word itself
        if word_lower == "no" and i != n_words - 1 and lowers[i + 1] in lexicon:
            valence = 0.0
        if ((i > 0 and lowers[i - 1] == "no") or (i > 1 and lowers[i - 2] == "no")
                or (i > 2 and lowers[i - 3] == "no" and lowers[i - 1] in _OR_NOR)):
            valence = base * N_SCALAR
        if is_cap_diff and words[i].isupper():
            if valence > 0:
                valence += C_INCR
            else:  # QUIRK: also for valence == 0
                valence -= C_INCR

        for distance in (1, 2, 3):
            if i < distance:
                break
            before_lower = lowers[i - distance]
            if before_lower in lexicon:  # QUIRK: a lexicon word blocks all rules at this distance
                continue
            booster = BOOSTER_DICT.get(before_lower)
            if booster is not None:
                scalar = -booster if valence < 0 else booster
                if is_cap_diff and words[i - distance].isupper():
                    if valence > 0:
                        scalar += C_INCR
                    else:
                        scalar -= C_INCR
                if distance == 2 and scalar != 0:
                    scalar *= BOOSTER_DISTANCE_2_WEIGHT
                elif distance == 3 and scalar != 0:
                    scalar *= BOOSTER_DISTANCE_3_WEIGHT
                valence = valence + scalar
            valence = self._negation_rule(valence, lowers, i, distance)
            if distance == 3 and check_idioms:
                valence = self._idioms_rule(valence, lowers, i)

        # "least": "least good" is negated, "at least good" / "very least good" are not
        if i > 0 and lowers[i - 1] == "least" and "least" not in lexicon:
            if i == 1 or lowers[i - 2] not in _AT_VERY:
                valence = valence * N_SCALAR
        return valence

    @staticmethod
    def _negation_rule(valence: float, lowers: list[str], i: int, distance: int) -> float:
        """The original ``_negation_check`` with ``start_i = distance - 1``."""
        if distance == 1:
            if _is_negation(lowers[i - 1]):
                valence = valence * N_SCALAR
        elif distance == 2:
            if lowers[i - 2] == "never" and lowers[i - 1] in _SO_THIS:
                valence = valence * NEVER_SO_MULTIPLIER
            elif lowers[i - 2] == "without" and lowers[i - 1] == "doubt":
                pass
            elif _is_negation(lowers[i - 2]):
                valence = valence * N_SCALAR
        else:
            # QUIRK (precedence bug in the original): `never and so/this  or  so/this right before`
            if (lowers[i - 3] == "never" and lowers[i - 2] in _SO_THIS) or lowers[i - 1] in _SO_THIS:
                valence = valence * NEVER_SO_MULTIPLIER
            elif lowers[i - 3] == "without" and (lowers[i - 2] == "doubt" or lowers[i - 1] == "doubt"):
                pass
            elif _is_negation(lowers[i - 3]):
                valence = valence * N_SCALAR
        return valence

    @staticmethod
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

    # -- public API ---------------------------------------------------------------------------
    def polarity_scores(self, text: str) -> dict[str, float]:
        """``{'neg', 'neu', 'pos', 'compound'}`` exactly as vaderSentiment 3.3.2 returns them.

        >>> FastVader().polarity_scores("The plot was good, but the characters are dull.")
        {'neg': 0.284, 'neu': 0.56, 'pos': 0.156, 'compound': -0.3818}
        """
        text = self._prepare(text)
        words, lowers = self._words(text)
        n_words = len(words)
        if n_words == 0:
            return {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}
        positions, valences = self._nonzero_valences(words, lowers)
        if valences and "but" in lowers:
            _apply_but_rule(positions, valences, lowers.index("but"))

        sum_s = float(sum(valences))  # same order as the original; its zeros add nothing
        punct_emph_amplifier = _punctuation_emphasis(text)
        if sum_s > 0:
            sum_s += punct_emph_amplifier
        elif sum_s < 0:
            sum_s -= punct_emph_amplifier
        compound = _normalize(sum_s)

        pos_sum = 0.0
        neg_sum = 0.0
        for value in valences:
            if value > 0:
                pos_sum += value + 1  # +1 compensates for neutral words counted as 1
            else:
                neg_sum += value - 1
        neu_count = n_words - len(valences)
        if pos_sum > math.fabs(neg_sum):
            pos_sum += punct_emph_amplifier
        elif pos_sum < math.fabs(neg_sum):
            neg_sum -= punct_emph_amplifier
        total = pos_sum + math.fabs(neg_sum) + neu_count
        return {
            "neg": round(math.fabs(neg_sum / total), PROPORTION_DECIMALS),
            "neu": round(math.fabs(neu_count / total), PROPORTION_DECIMALS),
            "pos": round(math.fabs(pos_sum / total), PROPORTION_DECIMALS),
            "compound": round(compound, COMPOUND_DECIMALS),
        }

    def compound(self, text: str) -> float:
        """The (rounded) compound score, ``polarity_scores(text)['compound']``.

        >>> FastVader().compound("Today SUX!")
        -0.5461
        """
        return self.polarity_scores(text)["compound"]

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
        if not text.isascii() and not _EMOJI_CHARS.isdisjoint(text):
            processed, source_index = _replace_emoji(text)
        else:
            processed, source_index = text, None
        lead = len(processed) - len(processed.lstrip())
        stripped = processed.strip()
        spans: list[tuple[int, int]] = []
        for match in _TOKEN_RE.finditer(stripped):
            token = match.group()
            start = match.start() + lead
            if len(token.strip(_PUNCTUATION)) > EMOTICON_MAX_STRIPPED_LEN:
                start += len(token) - len(token.lstrip(_PUNCTUATION))
                end = start + len(token.strip(_PUNCTUATION))
            else:
                end = start + len(token)
            if source_index is not None:
                start, end = source_index[start], source_index[end - 1] + 1
            spans.append((start, end))
        words, lowers = self._words(stripped)
        full = [0.0] * len(words)
        for position, value in zip(*self._nonzero_valences(words, lowers)):
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
    polarity_scores = _shared().polarity_scores
    return np.fromiter((polarity_scores(text)["compound"] for text in texts), dtype=np.float64)


def token_valences(text: str) -> list[tuple[str, int, int, float]]:
    """``FastVader().token_valences(text)`` on the shared analyzer; see that method."""
    return _shared().token_valences(text)

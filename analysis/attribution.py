"""Rule-based tone toward a target span: two VADER baselines and a lexicon attribution method.

All three scorers share the tone-method interface of docs/ARCHITECTURE.md::

    scorer.score(sentences, starts, ends) -> DataFrame[tone, tone_label]

- ``VaderSentenceTone`` ("vader_sentence"): VADER compound of the whole sentence; every target in
  a sentence gets the same score (the baseline).
- ``VaderWindowTone`` ("vader_window"): VADER compound of the words within ``window`` tokens on
  either side of the target (the target's own tokens included).
- ``LexiconAttributionTone`` ("lexicon_attribution"): each sentiment-bearing token (VADER lexicon
  valence after VADER's own booster / negation / "least" rules) is given to the *closest* target
  of the sentence -- closeness = distance decay in tokens times a penalty per clause boundary
  crossed -- and weighted by that decay; VADER's "but" rule (x0.5 before, x1.5 after) is applied;
  words inside any target mention are ignored; the sum is squashed with VADER's ``normalize``.

A sentence without a target (the NYT benchmark) is scored by passing the whole sentence as the
span, ``(0, len(sentence))`` (an empty span ``start == end`` is accepted too): the whole sentence is
the context. Window -> the whole sentence; attribution -> every word with weight 1 (no decay, no
clause penalty, no exclusion of the "mention"); sentence -> unchanged.

>>> s = "The senator praised Smith but condemned Jones."
>>> others = [[(40, 45)], [(20, 25)]]        # each row names the sentence's other target
>>> LexiconAttributionTone().score([s, s], [20, 40], [25, 45], others)["tone_label"].tolist()
['positive', 'negative']
>>> VaderSentenceTone().score([s, s], [20, 40], [25, 45])["tone_label"].nunique()
1
"""
from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
from dataclasses import dataclass
from typing import NamedTuple, Sequence

import numpy as np
import pandas as pd
from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    SentimentIntensityAnalyzer,
    SentiText,
    normalize,
)

from analysis import config, vader_fast
from analysis.memo import Memo
from analysis import tone as tone_module

TONE_LABELS = ("negative", "neutral", "positive")
Span = tuple[int, int]

# --- VADER's own constants (vaderSentiment 3.3.2, SentimentIntensityAnalyzer._but_check) -------
BUT_BEFORE_WEIGHT = 0.5          # sentiment before "but" is halved ...
BUT_AFTER_WEIGHT = 1.5           # ... and after it boosted by half (Hutto & Gilbert 2014)

# --- window baseline ---------------------------------------------------------------------------
# The 8-word window of the issue that reported F1m 0.520 (rw test) / 0.532 (mt test).
DEFAULT_WINDOW_WORDS = 8

# --- attribution parameters ----------------------------------------------------------------------
# Tuned on NewsMTSC rw_dev + mt_dev only (grid and dev F1m in models/attribution.tuning.csv,
# produced by ``python -m analysis.attribution --tune``). See TUNING_GRID below.
DEFAULT_HALF_LIFE = 16.0         # tokens: a word this far beyond the adjacent one weighs half
DEFAULT_CLAUSE_PENALTY = 0.25    # affinity multiplier per clause boundary crossed
DEFAULT_MAX_DISTANCE = 20        # tokens: words farther away than this are ignored
DEFAULT_SHARPNESS = 0.0          # 0: shared equally by targets in range; inf: nearest takes all
# (dev F1m is flat near the optimum: winner-takes-all 0.535 vs 0.536; see the tuning CSV)
DEFAULT_THRESHOLD = config.VADER_POSITIVE_THRESHOLD  # symmetric +-t label cut-off

# Tokens that open a new clause (the boundary lies *before* them).
CLAUSE_OPENERS = frozenset({"but", "while", "whereas", "although", "though", "however"})
# A token ending in one of these closes a clause (the boundary lies *after* it).
CLAUSE_CLOSING_PUNCTUATION = (",", ";", ":")
# Stand-alone dash tokens also separate clauses ("Smith -- a hero -- ...").
CLAUSE_DASHES = frozenset({"-", "--", "\u2013", "\u2014"})
_QUOTES_AND_BRACKETS = "\"'()[]"        # stripped from a token before it is compared with the words above
_CLOSING_QUOTES = "\"')]"               # may follow the punctuation that closes a clause
_CLAUSE_END_CHARS = frozenset(",;:" + _CLOSING_QUOTES)  # a clause-closing token ends in one of these

_TOKEN = re.compile(r"\S+")

NORMALIZE_ALPHA = 15.0           # vaderSentiment.normalize's default alpha

# Floats as numpy's attribution code used them: the smallest normal float (a sum of shares that is
# never zero) and np.isclose's default tolerances (ties of affinity under sharpness = inf).
TINY = float(np.finfo(float).tiny)
ISCLOSE_RTOL = 1e-05
ISCLOSE_ATOL = 1e-08


@functools.lru_cache(maxsize=1)
def _analyzer() -> SentimentIntensityAnalyzer:
    """One shared VADER analyzer (loading the lexicon takes ~0.1 s)."""
    return SentimentIntensityAnalyzer()


def _result(tone: Sequence[float], positive: float, negative: float) -> pd.DataFrame:
    tone = np.asarray(tone, dtype=float)
    return pd.DataFrame({"tone": tone, "tone_label": tone_module.label_from_tone(tone, positive, negative)})


def _check_lengths(sentences, starts, ends, other_spans=None) -> None:
    n = len(sentences)
    if len(starts) != n or len(ends) != n or (other_spans is not None and len(other_spans) != n):
        raise ValueError("sentences, starts, ends (and other_spans) must have the same length")


def _token_spans(sentence: str) -> list[Span]:
    """Character spans of whitespace tokens (the tokens VADER's ``SentiText`` splits on).

    >>> _token_spans("Hi  there, you")
    [(0, 2), (4, 10), (11, 14)]
    """
    return [m.span() for m in _TOKEN.finditer(sentence)]


def _tokens_in_span(spans: Sequence[Span], start: int, end: int) -> list[int]:
    """Indices of tokens overlapping the character span ``[start, end)``.

    >>> _tokens_in_span([(0, 2), (4, 10), (11, 14)], 5, 12)
    [1, 2]
    """
    return [i for i, (a, b) in enumerate(spans) if a < end and b > start]


# --- baselines -----------------------------------------------------------------------------------

@dataclass
class VaderSentenceTone:
    """VADER compound of the whole sentence, the same for every target in it.

    >>> VaderSentenceTone().score(["Putin praised Kim."], [0], [5])["tone_label"].tolist()
    ['positive']
    """
    positive_threshold: float = config.VADER_POSITIVE_THRESHOLD
    negative_threshold: float = config.VADER_NEGATIVE_THRESHOLD
    name: str = "vader_sentence"

    def score(self, sentences: Sequence[str], starts: Sequence[int], ends: Sequence[int],
              other_spans: Sequence[Sequence[Span]] | None = None) -> pd.DataFrame:
        _check_lengths(sentences, starts, ends, other_spans)
        unique = list(dict.fromkeys(sentences))  # a sentence with several targets is scored once
        by_sentence = dict(zip(unique, vader_fast.compound_scores(unique)))
        tone = [by_sentence[sentence] for sentence in sentences]
        return _result(tone, self.positive_threshold, self.negative_threshold)


def window_text(sentence: str, start: int, end: int, window: int = DEFAULT_WINDOW_WORDS) -> str:
    """The target's tokens plus ``window`` tokens on each side (whole sentence if span empty).

    >>> window_text("a b c TARGET d e f", 6, 12, window=2)
    'b c TARGET d e'
    """
    spans = _token_spans(sentence)
    inside = _tokens_in_span(spans, start, end) if end > start else []
    if not inside:
        return sentence
    lo = max(0, inside[0] - window)
    hi = min(len(spans) - 1, inside[-1] + window)
    return sentence[spans[lo][0]:spans[hi][1]]


@dataclass
class VaderWindowTone:
    """VADER compound of ``window`` words either side of the target.

    >>> s = "Smith was brilliant today. Everyone else in the room was awful and rude to him."
    >>> VaderWindowTone(window=3).score([s], [0], [5])["tone_label"].tolist()
    ['positive']
    """
    window: int = DEFAULT_WINDOW_WORDS
    positive_threshold: float = config.VADER_POSITIVE_THRESHOLD
    negative_threshold: float = config.VADER_NEGATIVE_THRESHOLD
    name: str = "vader_window"

    def score(self, sentences: Sequence[str], starts: Sequence[int], ends: Sequence[int],
              other_spans: Sequence[Sequence[Span]] | None = None) -> pd.DataFrame:
        _check_lengths(sentences, starts, ends, other_spans)
        tone = vader_fast.compound_scores(window_text(s, int(a), int(b), self.window)
                                          for s, a, b in zip(sentences, starts, ends))
        return _result(tone, self.positive_threshold, self.negative_threshold)


# --- lexicon attribution ---------------------------------------------------------------------------

@dataclass(frozen=True)
class SentenceValences:
    """Per-token facts of one sentence, computed once and reused for every target in it."""
    spans: tuple[Span, ...]          # character span of each whitespace token
    valence: np.ndarray              # VADER valence after booster/negation rules, before "but"
    clause: np.ndarray               # clause index of each token (0, 1, ...)
    but_weight: np.ndarray           # VADER's "but" multiplier per token (1 when no "but")


def _clause_ids(raw_tokens: Sequence[str]) -> np.ndarray:
    """Clause index per token: a boundary before a clause opener and after ``, ; :`` or a dash.

    A comma directly followed by an opener (", but") is one boundary, not two.

    >>> _clause_ids("Smith won, but Jones lost".split()).tolist()
    [0, 0, 1, 1, 1]
    >>> _clause_ids("Smith won but Jones lost".split()).tolist()
    [0, 0, 1, 1, 1]
    """
    return np.array(_clause_id_list(raw_tokens), dtype=int)


# Per raw token: does a clause boundary lie before it (OPENS) / after it (CLOSES)? The rules of
# ``_clause_ids``, token by token (``_clause_flags``).
_OPENS_CLAUSE = 1
_CLOSES_CLAUSE = 2
# Bound on the raw token -> boundary flags cache (cleared when full; ~100 bytes per entry).
CLAUSE_CACHE_MAX_ENTRIES = 100_000


def _clause_flags(raw: str) -> int:
    """``_OPENS_CLAUSE`` / ``_CLOSES_CLAUSE`` bits of one raw token (see ``_clause_ids``)."""
    word = raw.lower().strip(_QUOTES_AND_BRACKETS)
    if word in CLAUSE_DASHES:
        return _OPENS_CLAUSE             # the dash itself opens the new clause, and closes none
    closes = raw[-1:] in _CLAUSE_END_CHARS and raw.rstrip(_CLOSING_QUOTES).endswith(CLAUSE_CLOSING_PUNCTUATION)
    return (_OPENS_CLAUSE if word in CLAUSE_OPENERS else 0) | (_CLOSES_CLAUSE if closes else 0)


_CLAUSE_FLAGS = Memo(_clause_flags)      # raw token -> its flags


def _clause_starts(raw_tokens: Sequence[str]) -> list[int]:
    """The tokens that open clause 1, 2, ... (ascending; see ``_clause_ids``): only the few tokens
    that open or close a clause are visited.

    >>> _clause_starts("Smith won, but Jones lost -- again".split())
    [2, 5]
    """
    if len(_CLAUSE_FLAGS) > CLAUSE_CACHE_MAX_ENTRIES:
        _CLAUSE_FLAGS.clear()
    flags = list(map(_CLAUSE_FLAGS.__getitem__, raw_tokens))
    n = len(flags)
    starts: list[int] = []
    previous = 0                         # the token the current clause starts at
    for i in itertools.compress(range(n), flags):
        # boundaries come in ascending order; ", but" gives the same one twice
        if flags[i] & _OPENS_CLAUSE and i > previous:
            starts.append(i)
            previous = i
        if flags[i] & _CLOSES_CLAUSE and previous < i + 1 < n:
            starts.append(i + 1)
            previous = i + 1
    return starts


def _clause_id_list(raw_tokens: Sequence[str]) -> list[int]:
    """``_clause_ids(raw_tokens).tolist()``.

    >>> _clause_id_list("Smith won, but Jones lost -- again".split())
    [0, 0, 1, 1, 1, 2, 2]
    """
    starts = _clause_starts(raw_tokens)
    ids: list[int] = []
    for clause, (begin, end) in enumerate(zip([0] + starts, starts + [len(raw_tokens)])):
        ids += [clause] * (end - begin)
    return ids


def sentence_valences(sentence: str) -> SentenceValences:
    """Token valences exactly as VADER 3.3.2 computes them inside ``polarity_scores``.

    Boosters ("very"), negation within 3 preceding tokens ("not", "never", "n't": x -0.74, i.e.
    flipped and dampened), "no"/"least" and idioms are VADER's own code; only the "but" rule is
    kept separately in ``but_weight`` so that attribution can apply it per token.

    >>> v = sentence_valences("Critics did not praise Smith.")
    >>> [round(float(x), 3) for x in v.valence]
    [-1.2, 0.0, 0.0, -1.924, 0.0]
    """
    spans = tuple(_token_spans(sentence))
    tokens = vader_fast.token_valences(sentence)
    if len(tokens) == len(spans):  # the exact fast re-implementation: one entry per whitespace token
        words = [token for token, _, _, _ in tokens]
        valences = [valence for _, _, _, valence in tokens]
    else:
        words, valences = _reference_valences(sentence, spans)
    lower = [w.lower() for w in words]
    but_weight = np.ones(len(words))
    if "but" in lower:
        bi = lower.index("but")
        but_weight[:bi] = BUT_BEFORE_WEIGHT
        but_weight[bi + 1:] = BUT_AFTER_WEIGHT
    raw = [sentence[a:b] for a, b in spans]
    return SentenceValences(spans, np.asarray(valences, dtype=float), _clause_ids(raw), but_weight)


def _reference_valences(sentence: str, spans: Sequence[Span]) -> tuple[list[str], list[float]]:
    """Token valences from vaderSentiment's own code (used where token counts disagree)."""
    analyzer = _analyzer()
    senti = SentiText(sentence)
    words = senti.words_and_emoticons
    if len(words) != len(spans):  # exotic whitespace: fall back to our own tokens
        words = [SentiText._strip_punc_if_word(sentence[a:b]) for a, b in spans]
        senti.words_and_emoticons = words
    valences: list[float] = []
    for i, item in enumerate(words):
        low = item.lower()
        if low in BOOSTER_DICT or (low == "kind" and i < len(words) - 1
                                   and words[i + 1].lower() == "of"):
            valences.append(0.0)
            continue
        valences = analyzer.sentiment_valence(0, senti, item, i, valences)
    return list(words), valences


def _decay(distance: np.ndarray, half_life: float) -> np.ndarray:
    """Weight 1 for an adjacent word (distance 1), halving every ``half_life`` tokens.

    >>> _decay(np.array([1, 3, 5]), 2.0).tolist()
    [1.0, 0.5, 0.25]
    """
    if math.isinf(half_life):
        return np.ones_like(distance, dtype=float)
    return np.power(0.5, (np.asarray(distance, dtype=float) - 1.0) / half_life)


# Affinity factors are looked up per token distance and clause crossing count; tables start at this
# length and double when a longer sentence comes along.
AFFINITY_TABLE_MIN_SIZE = 128


@functools.lru_cache(maxsize=32)
def _affinity_tables(half_life: float, clause_penalty: float, size: int) -> tuple[list[float], list[float]]:
    """``_decay(d)`` and ``clause_penalty ** c`` for d, c < ``size``, computed by numpy (same floats).

    >>> decay, penalty = _affinity_tables(2.0, 0.5, 4)
    >>> decay, penalty
    ([1.4142135623730951, 1.0, 0.7071067811865476, 0.5], [1.0, 0.5, 0.25, 0.125])
    """
    steps = np.arange(size)
    return _decay(steps, half_life).tolist(), np.power(clause_penalty, steps).tolist()


# numpy sums float64 arrays pairwise: runs of up to 128 values in 8 interleaved partial sums
# (numpy/_core/src/umath/loops_utils.h.src); longer runs are halved at a multiple of 8.
NUMPY_PAIRWISE_BLOCK = 128
NUMPY_PAIRWISE_UNROLL = 8


def numpy_sum(values: Sequence[float]) -> float:
    """``float(np.sum(values))`` bit for bit, in plain Python (faster on short lists).

    The summation order matters in the last bits, so this follows numpy's pairwise scheme:

    >>> values = [0.1] * 10
    >>> numpy_sum(values) == float(np.sum(values)), numpy_sum(values) == sum(values)
    (True, False)
    """
    return sparse_numpy_sum(range(len(values)), values, len(values))


def sparse_numpy_sum(positions: Sequence[int], values: Sequence[float], count: int) -> float:
    """``numpy_sum`` of ``count`` values that are zero except ``values`` at ``positions`` (ascending).

    Adding a zero leaves a partial sum as it is (up to the sign of a zero total, and numpy's
    total is never -0.0), so only the nonzero values are visited, each in its place in numpy's
    scheme; two values give the same sum in any order.

    >>> sparse_numpy_sum([1, 9, 10], [0.1, 0.2, 0.3], 12) == float(np.sum([0, .1] + [0] * 7 + [.2, .3, 0]))
    True
    """
    if len(values) <= 2:
        return 0.0 + values[0] + values[1] if len(values) == 2 else (0.0 + values[0] if values else 0.0)
    return 0.0 + _sparse_pairwise_sum(positions, values, 0, len(values), 0, count)


def _sparse_pairwise_sum(positions: Sequence[int], values: Sequence[float], lo: int, hi: int,
                         first: int, count: int) -> float:
    """numpy's pairwise sum of the run ``first .. first + count - 1``, whose nonzero values are
    ``values[lo:hi]`` at ``positions[lo:hi]``."""
    unroll = NUMPY_PAIRWISE_UNROLL
    if count > NUMPY_PAIRWISE_BLOCK:
        half = count // 2
        half -= half % unroll
        middle = bisect.bisect_left(positions, first + half, lo, hi)
        return (_sparse_pairwise_sum(positions, values, lo, middle, first, half)
                + _sparse_pairwise_sum(positions, values, middle, hi, first + half, count - half))
    if count < unroll:                   # one after another
        total = 0.0
        for value in values[lo:hi]:
            total += value
        return total
    lanes = [0.0] * unroll               # value i goes to partial sum i % 8 ...
    stop = first + count - count % unroll
    tail = []                            # ... except the last count % 8, added one after another
    for position, value in zip(positions[lo:hi], values[lo:hi]):
        if position < stop:
            lanes[(position - first) % unroll] += value
        else:
            tail.append(value)
    p0, p1, p2, p3, p4, p5, p6, p7 = lanes
    total = ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7))
    for value in tail:
        total += value
    return total


class _RatedTokens(NamedTuple):
    """What attribution needs of one sentence, as plain Python values (numpy is slow on ~30 tokens).

    Only the sentiment-bearing ("rated") tokens are listed; every other token's weighted valence is 0.
    """
    n_tokens: int
    rated: list[int]                 # positions of the tokens of nonzero weighted valence, ascending
    weighted: list[float]            # their valence * but_weight
    rated_clauses: list[int]         # their clause ids
    clause_starts: list[int]         # the tokens that open clause 1, 2, ... (ascending)
    sentence: str | None             # set when single spaces separate the tokens (found by counting)
    bounds: tuple[list[int], list[int]] | None  # otherwise: each token's start and end offset

    def clause_of(self, position: int) -> int:
        return bisect.bisect_right(self.clause_starts, position)

    def token_range(self, span: Span) -> tuple[int, int] | None:
        """First and last token overlapping the character span, or None.

        >>> tokens = _rated_tokens(sentence_valences("Hi  there, you"))
        >>> tokens.token_range((5, 12)), tokens.token_range((3, 4))
        ((1, 2), None)
        """
        start, end = span
        if end <= start:
            return None
        if self.sentence is None:
            starts, ends = self.bounds
            first = bisect.bisect_right(ends, start)
            last = bisect.bisect_left(starts, end) - 1
        else:
            # Token k ends at the k-th space: the tokens ending at or before ``start`` are the
            # spaces up to it, and those starting before ``end`` one more than the spaces before end - 1.
            sentence = self.sentence
            if start >= len(sentence):
                return None
            first = sentence.count(" ", 0, start + 1) if start >= 0 else 0
            last = sentence.count(" ", 0, end - 1) if end >= 1 else -1
        return (first, last) if first <= last else None


def _rated_tokens(sv: SentenceValences) -> _RatedTokens:
    weighted = (sv.valence * sv.but_weight).tolist()
    rated = [i for i, value in enumerate(weighted) if value != 0.0]
    clause = sv.clause.tolist()
    return _RatedTokens(len(weighted), rated, [weighted[i] for i in rated], [clause[i] for i in rated],
                        [i for i in range(1, len(clause)) if clause[i] != clause[i - 1]], None,
                        ([a for a, _ in sv.spans], [b for _, b in sv.spans]))


def _sentence_tokens(sentence: str) -> _RatedTokens | None:
    """``_rated_tokens(sentence_valences(sentence))`` built directly from the nonzero valences
    (the same values; offsets found by counting where single spaces separate the tokens),
    or None if no token carries sentiment (every target then gets exactly 0.0)."""
    raw = sentence.split()
    sentiment = vader_fast.nonzero_token_valences(sentence)
    if sentiment.n_tokens != len(raw):   # an emoji became words: the general path
        tokens = _rated_tokens(sentence_valences(sentence))
        return tokens if tokens.rated else None
    if not sentiment.positions:
        return None
    but_index = sentiment.but_index
    if but_index < 0:
        rated, weighted = sentiment.positions, sentiment.valences
    else:
        rated, weighted = [], []
        for position, valence in zip(sentiment.positions, sentiment.valences):
            if position != but_index:
                valence = valence * (BUT_BEFORE_WEIGHT if position < but_index else BUT_AFTER_WEIGHT)
                if valence == 0.0:
                    continue
            rated.append(position)
            weighted.append(valence)
    clause_starts = _clause_starts(raw)
    rated_clauses = [bisect.bisect_right(clause_starts, position) for position in rated]
    if sentence == " ".join(raw):        # the common case
        return _RatedTokens(len(raw), rated, weighted, rated_clauses, clause_starts, sentence, None)
    return _RatedTokens(len(raw), rated, weighted, rated_clauses, clause_starts, None, _token_bounds(sentence))


def _token_bounds(sentence: str) -> tuple[list[int], list[int]]:
    """Start and end offsets of the whitespace tokens of ``sentence``.

    >>> _token_bounds("Hi there, you"), _token_bounds(" a  b")
    (([0, 3, 10], [2, 9, 13]), ([1, 4], [2, 5]))
    """
    matches = list(_TOKEN.finditer(sentence))
    return list(map(re.Match.start, matches)), list(map(re.Match.end, matches))


def _gap(position: int, first: int, last: int) -> int:
    """Distance from ``position`` to the nearest of ``first..last`` (0 inside)."""
    return first - position if position < first else (position - last if position > last else 0)


def attribute_raw(sv: SentenceValences, target: Span, others: Sequence[Span] = (),
                  half_life: float = DEFAULT_HALF_LIFE,
                  clause_penalty: float = DEFAULT_CLAUSE_PENALTY,
                  max_distance: float = DEFAULT_MAX_DISTANCE,
                  sharpness: float = DEFAULT_SHARPNESS) -> float:
    """Unnormalised attributed valence sum toward ``target`` (see module docstring).

    With ``sharpness = inf`` a word goes to the target of highest affinity ``decay(d) * clause_penalty ** crossings``
    (equal affinity: the nearer target; exact ties are shared equally) and contributes ``valence * but_weight * affinity`` to it.

    With a finite ``sharpness`` s it is shared in proportion to ``affinity ** s`` (s = 0: equally
    among all targets in range).

    >>> sv = sentence_valences("The senator praised Smith but condemned Jones.")
    >>> attribute_raw(sv, (20, 25), [(40, 45)], half_life=4, clause_penalty=0.5, sharpness=math.inf)
    1.1
    """
    return _attribute(_rated_tokens(sv), target, others, half_life, clause_penalty, max_distance, sharpness)


def _attribute(tokens: _RatedTokens, target: Span, others: Sequence[Span], half_life: float,
               clause_penalty: float, max_distance: float, sharpness: float) -> float:
    """``attribute_raw`` on prepared tokens; the float operations (and their order) are those of
    the original numpy version (kept in tests/test_attribution_exact.py), so results are bit-identical.

    A word that lies inside a target, or has no affinity to ``target``, contributes exactly 0 in
    every sharing rule, so it is skipped before the other targets are looked at."""
    if not tokens.rated:
        return 0.0                                   # no sentiment word: every contribution is zero
    n = tokens.n_tokens
    target_range = tokens.token_range(target)
    if target[1] <= target[0] or target_range == (0, n - 1):
        return sparse_numpy_sum(tokens.rated, tokens.weighted, n)   # no target / whole sentence: weight 1 each
    if target_range is None:
        return 0.0
    clause_of = tokens.clause_of
    first, last = target_range
    first_clause, last_clause = clause_of(first), clause_of(last)
    other_ranges = []
    for span in others:
        other = tokens.token_range(span)
        if other is not None:
            other_ranges.append((other[0], other[1], clause_of(other[0]), clause_of(other[1])))
    decay, penalty = _affinity_tables(half_life, clause_penalty,
                                      max(AFFINITY_TABLE_MIN_SIZE, 1 << (n - 1).bit_length()))
    words, values, affinities, distances = [], [], [], []
    for position, value, clause in zip(tokens.rated, tokens.weighted, tokens.rated_clauses):
        distance = _gap(position, first, last)
        if distance == 0 or distance > max_distance:
            continue
        affinity = decay[distance] * penalty[_gap(clause, first_clause, last_clause)]
        if not affinity > 0:
            continue
        affinity_row, distance_row = [affinity], [distance]
        for other_first, other_last, other_first_clause, other_last_clause in other_ranges:
            distance = _gap(position, other_first, other_last)
            if distance == 0:                        # inside another target
                break
            affinity_row.append(decay[distance] * penalty[_gap(clause, other_first_clause, other_last_clause)]
                                if distance <= max_distance else 0.0)
            distance_row.append(distance)
        else:
            words.append(position)
            values.append(value)
            affinities.append(affinity_row)
            distances.append(distance_row)
    contributions = [value * affinity_row[0] * share for value, affinity_row, share
                     in zip(values, affinities, _shares(affinities, distances, sharpness))]
    return sparse_numpy_sum(words, contributions, n)


def _shares(affinities: list[list[float]], distances: list[list[int]], sharpness: float) -> list[float]:
    """Per word, the share of its valence that goes to target 0 (see ``attribute_raw``)."""
    if sharpness == 0.0:                             # shared equally among the targets in range
        shares = []
        for row in affinities:
            in_range = sum(map((0.0).__lt__, row)) if len(row) > 1 else int(row[0] > 0)  # usually one target
            shares.append((1.0 if row[0] > 0 else 0.0) / max(in_range, TINY))
        return shares
    if math.isinf(sharpness):                        # the nearest of the strongest targets takes it
        shares = []
        for row, distance_row in zip(affinities, distances):
            best = max(row)
            # np.isclose(a, best) with its default tolerances
            winners = [best > 0 and (abs(a - best) <= ISCLOSE_ATOL + ISCLOSE_RTOL * abs(best) or a == best)
                       for a in row]
            if any(winners):
                nearest = min(d for d, won in zip(distance_row, winners) if won)
                winners = [won and d == nearest for d, won in zip(distance_row, winners)]
            shares.append(int(winners[0]) / max(sum(winners), 1))
        return shares
    shares = []                                      # in proportion to affinity ** sharpness
    for row in affinities:
        values = np.asarray(row)
        powered = (np.where(values > 0, values, 0.0) ** sharpness * (values > 0)).tolist()
        total = 0.0
        for value in powered:                        # numpy sums over targets one after another
            total += value
        shares.append(powered[0] / max(total, TINY))
    return shares


def normalize_scores(raw: np.ndarray) -> np.ndarray:
    """VADER's ``normalize`` of every raw score (the same floats: IEEE division and square root).

    >>> normalize_scores(np.array([0.0, 1.9, -40.0])).tolist() == [normalize(x) for x in (0.0, 1.9, -40.0)]
    True
    """
    raw = np.asarray(raw, dtype=float)
    with np.errstate(over="ignore"):     # as in Python, a huge score squares to inf and gives 0.0
        return np.clip(raw / np.sqrt(raw * raw + NORMALIZE_ALPHA), -1.0, 1.0)


@dataclass
class LexiconAttributionTone:
    """Tone toward the target from the VADER-lexicon words attributed to it (no training).

    ``other_spans``: per row, the spans of the *other* targets of that sentence; a sentiment word
    closer to one of them is given to it instead.

    >>> s = "Critics did not praise Smith."
    >>> LexiconAttributionTone().score([s], [23], [28])["tone_label"].tolist()
    ['negative']
    """
    half_life: float = DEFAULT_HALF_LIFE
    clause_penalty: float = DEFAULT_CLAUSE_PENALTY
    max_distance: float = DEFAULT_MAX_DISTANCE
    sharpness: float = DEFAULT_SHARPNESS
    positive_threshold: float = DEFAULT_THRESHOLD
    negative_threshold: float = -DEFAULT_THRESHOLD
    name: str = "lexicon_attribution"

    def raw_scores(self, sentences: Sequence[str], starts: Sequence[int], ends: Sequence[int],
                   other_spans: Sequence[Sequence[Span]] | None = None) -> np.ndarray:
        """Unnormalised attributed sums, one per row."""
        _check_lengths(sentences, starts, ends, other_spans)
        out = np.empty(len(sentences))
        # A sentence's tokens are prepared once for all its targets, wherever their rows are (a
        # sentence's mentions need not be consecutive); they are kept for this call only.
        prepared = Memo(_sentence_tokens)
        for i, (sentence, a, b) in enumerate(zip(sentences, starts, ends)):
            tokens = prepared[sentence]
            if tokens is None:           # no sentiment word: what _attribute returns first
                out[i] = 0.0
                continue
            target = (int(a), int(b))
            row_others = None if other_spans is None else other_spans[i]
            others = [] if row_others is None else [(int(x), int(y)) for x, y in row_others]
            if target in others:
                others = [span for span in others if span != target]
            out[i] = _attribute(tokens, target, others, self.half_life, self.clause_penalty,
                                self.max_distance, self.sharpness)
        return out

    def score(self, sentences: Sequence[str], starts: Sequence[int], ends: Sequence[int],
              other_spans: Sequence[Sequence[Span]] | None = None) -> pd.DataFrame:
        raw = self.raw_scores(sentences, starts, ends, other_spans)
        return _result(normalize_scores(raw), self.positive_threshold, self.negative_threshold)


# --- tuning on dev splits only ---------------------------------------------------------------------

# The grid searched by ``tune_on_dev``; every row with its dev F1m lands in models/attribution.tuning.csv.
TUNING_GRID = {
    "half_life": (1.0, 2.0, 4.0, 8.0, 16.0, math.inf),
    "clause_penalty": (1.0, 0.5, 0.25, 0.1),
    "max_distance": (3, 5, 8, 12, 20, math.inf),
    "sharpness": (0.0, 1.0, 4.0, math.inf),
    "threshold": (0.05, 0.1, 0.15, 0.2, 0.3),
}
TUNING_SPLITS = ("rw_dev", "mt_dev")   # NewsMTSC dev splits; the test splits are never touched here
TUNING_CSV = config.MODELS_DIR / "attribution.tuning.csv"


def other_target_spans(frame: pd.DataFrame, key: str = "sentence_id") -> list[list[Span]]:
    """Per row, the spans of every labelled target of the same sentence (itself included;
    ``score`` drops the row's own span).

    >>> f = pd.DataFrame({"sentence_id": ["a", "a", "b"], "start": [0, 6, 0], "end": [5, 9, 3]})
    >>> other_target_spans(f)
    [[(0, 5), (6, 9)], [(0, 5), (6, 9)], [(0, 3)]]
    """
    spans: dict[object, list[Span]] = {}
    for sid, a, b in zip(frame[key], frame["start"], frame["end"]):
        spans.setdefault(sid, []).append((int(a), int(b)))
    return [spans[sid] for sid in frame[key]]


def tune_on_dev(frames: dict[str, pd.DataFrame], grid: dict | None = None) -> pd.DataFrame:
    """F1 macro of every grid point on each dev frame (NewsMTSC loader rows) and their mean.

    Returns one row per (half_life, clause_penalty, max_distance, sharpness, threshold), sorted best first by
    ``mean_f1_macro`` (ties: the simpler, earlier grid point wins).
    """
    from sklearn.metrics import f1_score

    grid = grid or TUNING_GRID
    rows = []
    prepared = {name: (f, other_target_spans(f)) for name, f in frames.items()}
    order = 0
    for hl in grid["half_life"]:
        for cp in grid["clause_penalty"]:
            for md, sh in itertools.product(grid["max_distance"], grid["sharpness"]):
                scorer = LexiconAttributionTone(half_life=hl, clause_penalty=cp, max_distance=md,
                                                sharpness=sh)
                tones = {name: normalize_scores(scorer.raw_scores(
                    f["sentence"].tolist(), f["start"].tolist(), f["end"].tolist(), others))
                    for name, (f, others) in prepared.items()}
                for th in grid["threshold"]:
                    row = {"half_life": hl, "clause_penalty": cp, "max_distance": md,
                           "sharpness": sh, "threshold": th, "grid_order": order}
                    order += 1
                    for name, (f, _) in prepared.items():
                        pred = tone_module.label_from_tone(tones[name], th, -th)
                        row[f"f1_macro_{name}"] = f1_score(f["label"], pred, labels=list(TONE_LABELS),
                                                           average="macro", zero_division=0)
                        row[f"n_{name}"] = len(f)
                    row["mean_f1_macro"] = float(np.mean([row[f"f1_macro_{n}"] for n in prepared]))
                    rows.append(row)
    table = pd.DataFrame(rows).sort_values(["mean_f1_macro", "grid_order"], ascending=[False, True])
    return table.reset_index(drop=True)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m analysis.attribution --tune``: grid-search on NewsMTSC dev, write the CSV."""
    import argparse

    from analysis import benchmarks
    from analysis.io import write_csv_atomic

    parser = argparse.ArgumentParser(prog="python -m analysis.attribution")
    parser.add_argument("--tune", action="store_true", help="run the dev grid search")
    parser.add_argument("--out", default=str(TUNING_CSV))
    args = parser.parse_args(argv)
    if not args.tune:
        parser.print_help()
        return 0
    frames = {split: benchmarks.load_newsmtsc(split) for split in TUNING_SPLITS}
    table = tune_on_dev(frames)
    write_csv_atomic(table, args.out)
    best = table.iloc[0]
    print(f"best on dev: half_life={best.half_life} clause_penalty={best.clause_penalty} "
          f"max_distance={best.max_distance} sharpness={best.sharpness} threshold={best.threshold} "
          f"mean F1m={best.mean_f1_macro:.3f}; grid of {len(table)} rows -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

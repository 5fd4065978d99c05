"""The plain-Python attribution gives bit-identical floats to the original numpy code (kept here as the oracle)."""
import math
import random

import numpy as np
import pytest

from analysis import attribution as A


def _reference_attribute_raw(sv, target, others=(), half_life=A.DEFAULT_HALF_LIFE,
                             clause_penalty=A.DEFAULT_CLAUSE_PENALTY, max_distance=A.DEFAULT_MAX_DISTANCE,
                             sharpness=A.DEFAULT_SHARPNESS):
    """``attribute_raw`` as it was written with numpy arrays (the validated F1 numbers come from it)."""
    def tokens_in_span(start, end):
        return [i for i, (a, b) in enumerate(sv.spans) if a < end and b > start]

    def distance_to(tokens):
        return np.min(np.abs(np.arange(n)[:, None] - np.asarray(tokens)[None, :]), axis=1)

    n = len(sv.spans)
    weighted = sv.valence * sv.but_weight
    target_tokens = tokens_in_span(*target) if target[1] > target[0] else []
    if target[1] <= target[0] or len(target_tokens) == n:
        return float(weighted.sum())
    if not target_tokens or n == 0:
        return 0.0
    inside_any = np.zeros(n, dtype=bool)
    affinities, distances = [], []
    for span in [target, *others]:
        toks = tokens_in_span(*span) if span[1] > span[0] else []
        if not toks:
            continue
        inside_any[toks] = True
        dist = distance_to(toks)
        crossings = np.min(np.abs(sv.clause[:, None] - sv.clause[toks][None, :]), axis=1)
        aff = A._decay(dist, half_life) * np.power(clause_penalty, crossings)
        aff[dist > max_distance] = 0.0
        affinities.append(aff)
        distances.append(dist)
    aff, dist = np.vstack(affinities), np.vstack(distances)
    if math.isinf(sharpness):
        best = aff.max(axis=0)
        winners = np.isclose(aff, best[None, :]) & (best[None, :] > 0)
        nearest = np.where(winners, dist, np.iinfo(dist.dtype).max).min(axis=0)
        winners &= dist == nearest[None, :]
        share = winners[0] / np.maximum(winners.sum(axis=0), 1)
    else:
        powered = np.where(aff > 0, aff, 0.0) ** sharpness * (aff > 0)
        share = powered[0] / np.maximum(powered.sum(axis=0), np.finfo(float).tiny)
    contrib = weighted * aff[0] * share
    contrib[inside_any] = 0.0
    return float(contrib.sum())


WORDS = ("Smith Jones Kim Putin the a and of praised condemned good bad great terrible not never very "
         "but while however , ; -- excellent awful hope fear support attack war peace kind of least no").split()


def _random_case(rng):
    """A random sentence of lexicon words and clause markers, a target span and 0-4 other spans."""
    tokens = [rng.choice(WORDS) for _ in range(rng.randint(1, 60))]
    sentence = " ".join(tokens).replace(" ,", ",").replace(" ;", ";")
    spans = [m.span() for m in A._TOKEN.finditer(sentence)]

    def span():
        if len(spans) > 1 and rng.random() < 0.2:            # a multi-token target
            first, last = sorted(rng.sample(range(len(spans)), 2))
        else:
            first = last = rng.randrange(len(spans))
        if rng.random() < 0.05:                               # an empty span
            return (spans[first][0], spans[first][0])
        return (spans[first][0], spans[last][1])
    return sentence, span(), [span() for _ in range(rng.randint(0, 4))]


@pytest.mark.parametrize("params", [
    {}, {"sharpness": math.inf}, {"sharpness": 1.0, "half_life": 2.0, "clause_penalty": 0.5, "max_distance": 5},
    {"sharpness": 4.0, "half_life": math.inf, "clause_penalty": 1.0, "max_distance": math.inf},
    {"sharpness": math.inf, "half_life": 1.0, "clause_penalty": 0.1, "max_distance": 3},
])
def test_attribute_raw_equals_numpy_reference_bit_for_bit(params):
    rng = random.Random(7)
    for _ in range(400):
        sentence, target, others = _random_case(rng)
        sv = A.sentence_valences(sentence)
        got = A.attribute_raw(sv, target, others, **params)
        want = _reference_attribute_raw(sv, target, others, **params)
        assert got == want and math.copysign(1, got) == math.copysign(1, want), (sentence, target, others)


def test_numpy_sum_matches_numpy_bit_for_bit():
    rng = random.Random(3)
    for _ in range(3000):
        n = rng.choice([rng.randrange(0, 40), rng.randrange(40, 700)])
        values = [rng.choice([0.0, -0.0, rng.uniform(-3, 3), 1e16, -1e16, 3.3e-7]) for _ in range(n)]
        got, want = A.numpy_sum(values), float(np.sum(np.asarray(values, dtype=float)))
        assert got == want and math.copysign(1, got) == math.copysign(1, want)


def test_affinity_tables_equal_direct_numpy():
    decay, penalty = A._affinity_tables(16.0, 0.25, 256)
    steps = np.arange(256)
    assert decay == A._decay(steps, 16.0).tolist()
    assert penalty == np.power(0.25, steps).tolist()


def _reference_clause_ids(raw_tokens):
    ids = np.zeros(len(raw_tokens), dtype=int)
    current, pending = 0, False
    for i, raw in enumerate(raw_tokens):
        word = raw.lower().strip("\"'()[]")
        if pending or (i > 0 and (word in A.CLAUSE_OPENERS or word in A.CLAUSE_DASHES)):
            current += 1
        ids[i] = current
        pending = raw.rstrip("\"')]").endswith(A.CLAUSE_CLOSING_PUNCTUATION) or word in A.CLAUSE_DASHES
        if word in A.CLAUSE_DASHES:
            pending = False
    return ids


def test_clause_ids_equal_reference():
    rng = random.Random(5)
    pieces = ["But", "(however", "while,", "word", "x;", 'said:"', "--", "\u2014", "-", "a,)", "'though'", "x,'", ""]
    for _ in range(2000):
        tokens = [rng.choice(pieces) for _ in range(rng.randint(0, 12))]
        assert A._clause_ids(tokens).tolist() == _reference_clause_ids(tokens).tolist(), tokens


def test_clause_id_list_equals_clause_ids():
    rng = random.Random(7)
    pieces = ["But", "(however", "while,", "word", "x;", 'said:"', "--", "\u2014", "-", "a,)", "'though'", "x,'", "",
              "BUT", "however:", "\u2013,", "(--)"]
    for _ in range(3000):
        tokens = [rng.choice(pieces) for _ in range(rng.randint(0, 12))]
        assert A._clause_id_list(tokens) == A._clause_ids(tokens).tolist(), tokens


EDGE_SENTENCES = ["", "   ", "Smith", "Smith won, but Jones lost -- badly.", "Good but bad but good",
                  "so 😀x ok, Smith", "Kim 😀 praised 😡 Putin", "BUT the GREAT leader failed; Smith said:\"no\"",
                  "no good or bad", "Kim\u00a0was\u2003happy"]


def test_sentence_tokens_equal_rated_tokens():
    """The direct fast path gives the same tokens as ``_rated_tokens(sentence_valences(...))``."""
    from analysis import benchmarks

    for sentence in EDGE_SENTENCES + benchmarks.newsmtsc_sentences():
        expected = A._rated_tokens(A.sentence_valences(sentence))
        fast = A._sentence_tokens(sentence)
        if not expected.rated:
            assert fast is None, sentence
        else:
            assert fast == expected, sentence


def test_token_bounds_equal_regex_spans():
    rng = random.Random(11)
    pieces = ["a", "bc", " ", "  ", "\t", "\n", "\u00a0", "\u2003", "x,", "'q'"]
    for _ in range(3000):
        sentence = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        spans = A._token_spans(sentence)
        assert A._token_bounds(sentence, sentence.split()) == ([a for a, _ in spans], [b for _, b in spans]), sentence

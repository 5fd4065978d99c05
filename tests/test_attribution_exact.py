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


def _token_range_probes(sentence):
    """Spans that start and end on, inside, between and beyond the tokens (and empty ones)."""
    points = sorted({-2, -1, 0, 1, len(sentence) - 1, len(sentence), len(sentence) + 1}
                    | {x + d for span in A._token_spans(sentence) for x in span for d in (-1, 0, 1)})
    return [(a, b) for a in points for b in points if b >= a - 1]


def _bisect_token_range(spans, span):
    """The first and last token overlapping ``span`` by a linear scan, or None."""
    inside = A._tokens_in_span(spans, *span) if span[1] > span[0] else []
    return (inside[0], inside[-1]) if inside else None


def test_sentence_tokens_equal_rated_tokens():
    """The direct fast path gives the same tokens as ``_rated_tokens(sentence_valences(...))``,
    and the same token ranges, counted on single-spaced sentences."""
    from analysis import benchmarks

    rated_fields = ("n_tokens", "rated", "weighted", "rated_clauses", "clause_starts")
    counted = 0
    for sentence in EDGE_SENTENCES + benchmarks.newsmtsc_sentences():
        expected = A._rated_tokens(A.sentence_valences(sentence))
        fast = A._sentence_tokens(sentence)
        if not expected.rated:
            assert fast is None, sentence
            continue
        assert [getattr(fast, f) for f in rated_fields] == [getattr(expected, f) for f in rated_fields], sentence
        counted += fast.sentence is not None
        probes = _token_range_probes(sentence) if len(sentence) < 80 else A._token_spans(sentence)
        for span in probes:
            assert fast.token_range(span) == expected.token_range(span), (sentence, span)
    assert counted > 1000                       # the counting path was exercised


def test_token_range_equals_linear_scan():
    rng = random.Random(13)
    pieces = ["a", "bc", " ", "x,", "'q'", "Smith", "  ", "\t"]
    for _ in range(1500):
        sentence = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))).strip() or "a"
        tokens = A._sentence_tokens(sentence + " good")
        spans = A._token_spans(sentence + " good")
        for span in _token_range_probes(sentence + " good"):
            assert tokens.token_range(span) == _bisect_token_range(spans, span), (sentence, span)


def test_token_bounds_equal_regex_spans():
    rng = random.Random(11)
    pieces = ["a", "bc", " ", "  ", "\t", "\n", "\u00a0", "\u2003", "x,", "'q'"]
    for _ in range(3000):
        sentence = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        spans = A._token_spans(sentence)
        assert A._token_bounds(sentence) == ([a for a, _ in spans], [b for _, b in spans]), sentence


def test_sparse_numpy_sum_matches_numpy_bit_for_bit():
    rng = random.Random(17)
    for _ in range(3000):
        n = rng.choice([rng.randrange(1, 40), rng.randrange(40, 700)])
        positions = sorted(rng.sample(range(n), rng.randint(0, min(n, 12))))
        values = [rng.choice([rng.uniform(-3, 3), 1e16, -1e16, 3.3e-7]) for _ in positions]
        dense = np.zeros(n)
        dense[positions] = values
        got, want = A.sparse_numpy_sum(positions, values, n), float(np.sum(dense))
        assert got == want and math.copysign(1, got) == math.copysign(1, want)


@pytest.mark.parametrize("params", [
    {}, {"sharpness": math.inf}, {"sharpness": 1.0, "half_life": 2.0, "clause_penalty": 0.5, "max_distance": 5},
])
def test_raw_scores_equal_numpy_reference_bit_for_bit(params):
    """The batch path (tokens prepared by ``_sentence_tokens``, ranges counted) on random sentences,
    some with double spaces, and spans that start or end inside a token or on a space."""
    rng = random.Random(19)
    rows = []
    for _ in range(600):
        sentence, target, others = _random_case(rng)
        if rng.random() < 0.2:
            sentence = sentence.replace(" ", "  ", 1)
            target, others = (target[0], target[1] + 1), [(a, b + 1) for a, b in others]
        if rng.random() < 0.3:
            target = (max(0, target[0] + rng.choice([-1, 1])), target[1] + rng.choice([-1, 0, 1]))
        rows.append((sentence, target, others))
    scorer = A.LexiconAttributionTone(**params)
    got = scorer.raw_scores([s for s, _, _ in rows], [t[0] for _, t, _ in rows], [t[1] for _, t, _ in rows],
                            [o for _, _, o in rows])
    for (sentence, target, others), value in zip(rows, got.tolist()):
        others = [o for o in others if o != target]
        want = _reference_attribute_raw(A.sentence_valences(sentence), target, others, **params)
        assert value == want, (sentence, target, others)


def test_normalize_scores_equal_vader_normalize():
    from vaderSentiment.vaderSentiment import normalize

    rng = random.Random(23)
    raw = [0.0, -0.0, 1e-300, -1e300, 1e308, 3.9, -3.9] + [rng.uniform(-20, 20) for _ in range(5000)]
    got = A.normalize_scores(np.array(raw)).tolist()
    assert got == [normalize(x) for x in raw]
    assert [math.copysign(1, x) for x in got] == [math.copysign(1, normalize(x)) for x in raw]

"""Attribution rules on hand-made sentences; labels reasoned out by hand in the comments."""
import math

import pandas as pd
import pytest

from analysis import attribution as A
from analysis.attribution import LexiconAttributionTone, VaderSentenceTone, VaderWindowTone

TWO = "The senator praised Smith but condemned Jones."
SMITH, JONES = (20, 25), (40, 45)


def test_spans_of_fixture_sentence():
    assert TWO[slice(*SMITH)] == "Smith" and TWO[slice(*JONES)] == "Jones"


def test_two_targets_opposite_tone_default_parameters():
    # Lexicon: praised +2.2, condemned -1.9; "but" halves before, x1.5 after.
    # Defaults share a word equally among targets in range (sharpness 0) weighted by own affinity.
    # Smith: praised 2.2*0.5*1(adjacent)*1/2 = 0.55; condemned -1.9*1.5*(0.5**(1/16)*0.25)*1/2
    #   = -0.342 -> +0.208 -> normalize 0.054 >= 0.05 -> positive.
    # Jones: condemned -2.85*1/2 = -1.425 dominates -> negative.
    result = LexiconAttributionTone().score([TWO, TWO], [SMITH[0], JONES[0]], [SMITH[1], JONES[1]],
                                            other_spans=[[JONES], [SMITH]])
    assert result["tone_label"].tolist() == ["positive", "negative"]
    assert result["tone"].between(-1, 1).all()


def test_nearest_target_takes_word_with_hard_assignment():
    # sharpness=inf: praised is adjacent to Smith in the same clause -> all 2.2*0.5 = 1.1 to Smith;
    # condemned adjacent to Jones -> Jones; Smith gets nothing negative.
    sv = A.sentence_valences(TWO)
    raw = A.attribute_raw(sv, SMITH, [JONES], half_life=4, clause_penalty=0.5, max_distance=10,
                          sharpness=math.inf)
    assert raw == pytest.approx(1.1)
    raw_j = A.attribute_raw(sv, JONES, [SMITH], half_life=4, clause_penalty=0.5, max_distance=10,
                            sharpness=math.inf)
    assert raw_j == pytest.approx(-1.9 * 1.5)


def test_sentence_baseline_cannot_tell_targets_apart():
    result = VaderSentenceTone().score([TWO, TWO], [20, 40], [25, 45])
    assert result["tone"].nunique() == 1


def test_negation_flips_praise():
    # "not" directly before "praise" (+2.6) -> 2.6 * -0.74 = -1.924; "Critics" -1.2.
    s = "Critics did not praise Smith."
    result = LexiconAttributionTone().score([s], [23], [28])
    assert result["tone_label"].iloc[0] != "positive"
    assert result["tone"].iloc[0] < 0


def test_but_clause_weighs_more_after_but():
    # "kind" +2.4 before "but" -> x0.5 = 1.2; "dishonest" -2.7 after "but" -> x1.5 = -4.05.
    # With clause_penalty=1 and no decay only the but rule acts: 1.2 - 4.05 < 0 -> negative.
    s = "Smith was kind but dishonest."
    scorer = LexiconAttributionTone(half_life=math.inf, clause_penalty=1.0)
    assert A.sentence_valences(s).valence.tolist()[2] == pytest.approx(2.4)
    assert scorer.score([s], [0], [5])["tone_label"].iloc[0] == "negative"
    # Swapped order: dishonest -2.7*0.5 = -1.35, kind 2.4*1.5 = 3.6 -> positive.
    s2 = "Smith was dishonest but kind."
    assert scorer.score([s2], [0], [5])["tone_label"].iloc[0] == "positive"


def test_far_target_is_neutral():
    # Only sentiment words ("wonderful", "success") are > 20 tokens from Smith: max_distance cuts them.
    s = ("Smith arrived in the city on a Tuesday morning after a flight from the west coast and then "
         "went to the hotel near the station where later that week the festival was a wonderful success.")
    start = 0
    result = LexiconAttributionTone().score([s], [start], [5])
    assert result["tone_label"].iloc[0] == "neutral"
    assert result["tone"].iloc[0] == 0.0
    # ... whereas the sentence-level baseline calls it positive.
    assert VaderSentenceTone().score([s], [0], [5])["tone_label"].iloc[0] == "positive"


def test_words_inside_the_mention_do_not_count():
    # "Justice" is +2.4 in VADER's lexicon, but it is part of the target name; nothing else is rated.
    s = "Justice Kennedy spoke on Monday."
    assert LexiconAttributionTone().score([s], [0], [15])["tone"].iloc[0] == 0.0


def test_whole_sentence_span_means_no_target():
    # NYT convention: span = whole sentence -> every word counts with weight 1 (like VADER).
    s = "The plan is a wonderful success."
    tone = LexiconAttributionTone().score([s], [0], [len(s)])["tone"].iloc[0]
    assert tone > 0.5


def test_window_text_and_window_scorer():
    s = "Smith was brilliant today. Everyone else in the room was awful and rude to him."
    assert A.window_text(s, 0, 5, window=3) == "Smith was brilliant today."
    assert VaderWindowTone(window=3).score([s], [0], [5])["tone_label"].iloc[0] == "positive"


def test_length_mismatch_raises():
    with pytest.raises(ValueError):
        LexiconAttributionTone().score(["a"], [0, 1], [1])


def test_defaults_are_the_best_dev_row_of_the_tuning_csv():
    table = pd.read_csv(A.TUNING_CSV)
    best = table.sort_values(["mean_f1_macro", "grid_order"], ascending=[False, True]).iloc[0]
    assert (best.half_life, best.clause_penalty, best.max_distance, best.sharpness, best.threshold) == (
        A.DEFAULT_HALF_LIFE, A.DEFAULT_CLAUSE_PENALTY, A.DEFAULT_MAX_DISTANCE, A.DEFAULT_SHARPNESS,
        A.DEFAULT_THRESHOLD)


def test_raw_scores_do_not_depend_on_row_order():
    # Valences are reused only across consecutive rows of one sentence; interleaving must not matter.
    other = "Critics did not praise Smith."
    scorer = LexiconAttributionTone()
    rows = [(TWO, SMITH, [JONES]), (other, (23, 28), []), (TWO, JONES, [SMITH]), (TWO, SMITH, [JONES])]
    together = scorer.raw_scores([r[0] for r in rows], [r[1][0] for r in rows], [r[1][1] for r in rows],
                                 [r[2] for r in rows])
    alone = [scorer.raw_scores([s], [a], [b], [o])[0] for s, (a, b), o in rows]
    assert together.tolist() == alone
    assert together[0] == together[3]

"""Frame hits (stems, phrases, overlaps, KWIC), frame rates and actor x frame co-occurrence."""
from __future__ import annotations

import math
import random
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analysis import frames as frame_matching
from analysis.actors import find_mentions
from analysis.frames import (ACTOR_FRAME_COLUMNS, FRAME_HIT_COLUMNS, FRAME_RATE_COLUMNS, KWIC_WINDOW_WORDS,
                             actor_frames, find_frame_hits, frame_rates)
from analysis.lexicons import load_actors, load_frames

FRAMES = load_frames()
ACTORS = load_actors()


def _sentences(*texts, article="a"):
    return pd.DataFrame({"article_id": [article] * len(texts), "sentence_index": range(len(texts)),
                         "sentence": list(texts), "voice": ["author"] * len(texts)})


def _hits(text):
    h = find_frame_hits(_sentences(text), FRAMES)
    return [(r.frame, r.term, r.match) for r in h.itertuples()]


def test_stems_match_word_prefixes_only():
    assert _hits("Isolated, isolation; they isolate.") == [
        ("isolation", "isolat*", "Isolated"), ("isolation", "isolat*", "isolation"),
        ("isolation", "isolat*", "isolate")]
    assert _hits("nonisolated") == []          # a stem anchors at the start of a word


def test_exact_words_are_not_stems():
    # "war" is an exact word, so "warm" is ceremony (warm*) and "warn" threat (warn*), not security.
    assert _hits("a warm welcome, a warning, the war") == [
        ("ceremony_spectacle", "warm*", "warm"), ("ceremony_spectacle", "welcom*", "welcome"),
        ("threat_concern", "warn*", "warning"), ("security_military", "war", "war")]
    assert _hits("how important it is") == []  # "import" is exact, not a stem


def test_phrases_match_across_spaces_and_hyphens_and_longest_wins():
    # comrades-in-arms is one partnership hit; its "arms" does not also count as security.
    assert _hits("comrades in arms") == [("partnership", "comrades-in-arms", "comrades in arms")]
    assert _hits("comrades-in-arms and arms sales") == [
        ("partnership", "comrades-in-arms", "comrades-in-arms"), ("security_military", "arms", "arms")]
    assert _hits("a comprehensive strategic partnership treaty") == [
        ("partnership", "comprehensive strategic partnership", "comprehensive strategic partnership"),
        ("partnership", "treaty", "treaty")]


def test_case_sensitive_frame_term():
    assert _hits("not controlled by the West") == [
        ("alternative_order", "not controlled by the West", "not controlled by the West")]
    assert _hits("to the west of the city") == []


def test_kwic_context_is_window_words_each_side():
    assert KWIC_WINDOW_WORDS == 5
    text = "one two three four five six sanctions seven eight nine ten eleven twelve"
    h = find_frame_hits(_sentences(text), FRAMES)
    assert list(h.columns) == FRAME_HIT_COLUMNS
    row = h.iloc[0]
    assert (row.left_context, row.match, row.right_context) == (
        "two three four five six", "sanctions", "seven eight nine ten eleven")
    assert row.sentence[row.start:row.end] == "sanctions"


def test_no_hits_gives_empty_table_with_columns():
    h = find_frame_hits(_sentences("Nothing here."), FRAMES)
    assert list(h.columns) == FRAME_HIT_COLUMNS and h.empty


def _made_up_hits():
    # Article A: 3 isolation hits + 1 partnership hit; article B: 2 isolation hits.
    rows = [("A", 0, "isolation"), ("A", 1, "isolation"), ("A", 1, "isolation"), ("A", 2, "partnership"),
            ("B", 0, "isolation"), ("B", 3, "isolation")]
    return pd.DataFrame(rows, columns=["article_id", "sentence_index", "frame"])


def test_frame_rates_by_hand():
    articles = pd.DataFrame({"article_id": ["A", "B", "C"], "outlet": ["X", "Y", "Z"], "n_words": [200, 500, 0]})
    rates = frame_rates(_made_up_hits(), articles, FRAMES)
    assert list(rates.columns) == FRAME_RATE_COLUMNS
    assert len(rates) == 3 * len(FRAMES.names)           # every article x frame
    got = rates.set_index(["article_id", "frame"])["rate_per_1000_words"]
    assert got[("A", "isolation")] == pytest.approx(3 / 200 * 1000)     # 15.0
    assert got[("A", "partnership")] == pytest.approx(1 / 200 * 1000)   # 5.0
    assert got[("B", "isolation")] == pytest.approx(2 / 500 * 1000)     # 4.0
    assert got[("B", "partnership")] == 0.0
    assert math.isnan(got[("C", "isolation")])                          # no words: no rate, not 0
    assert rates.set_index(["article_id", "frame"]).loc[("A", "isolation"), "hits"] == 3


def test_actor_frames_same_sentence_cooccurrence_by_hand():
    sents = pd.concat([_sentences("Putin faces sanctions.",            # Russia + isolation
                                  "Putin signed a treaty.",            # Russia + partnership
                                  "Putin smiled.",                     # Russia only
                                  "Sanctions hit the US.",             # US + isolation
                                  article="A")])
    mentions = find_mentions(sents, ACTORS)
    hits = find_frame_hits(sents, FRAMES)
    articles = pd.DataFrame({"article_id": ["A"], "outlet": ["X"]})
    af = actor_frames(mentions, hits, articles, ACTORS, FRAMES)
    assert list(af.columns) == ACTOR_FRAME_COLUMNS
    assert len(af) == len(ACTORS.names) * len(FRAMES.names)
    got = af.set_index(["actor", "frame"])
    # Russia in 3 sentences; 1 with isolation, 1 with partnership, 0 with security.
    assert got.loc[("Russia", "isolation"), ["n_actor_sentences", "n_cooccur_sentences"]].tolist() == [3, 1]
    assert got.loc[("Russia", "isolation"), "share"] == pytest.approx(1 / 3)
    assert got.loc[("Russia", "partnership"), "share"] == pytest.approx(1 / 3)
    assert got.loc[("Russia", "security_military"), "share"] == 0.0
    assert got.loc[("US", "isolation"), "share"] == 1.0
    assert math.isnan(got.loc[("NATO", "isolation"), "share"])       # not mentioned -> NaN
    assert got.loc[("NATO", "isolation"), "n_actor_sentences"] == 0


def test_grids_are_sorted_by_article_then_lexicon_order_whatever_the_input_order():
    articles = pd.DataFrame({"article_id": ["B", "A", "B"], "outlet": ["Y", "X", "Z"], "n_words": [10, 20, 30]})
    empty_hits = find_frame_hits(_sentences("Nothing here.", article="A").iloc[0:0], FRAMES)
    rates = frame_rates(empty_hits, articles, FRAMES)
    assert rates["article_id"].tolist() == ["A"] * len(FRAMES.names) + ["B"] * len(FRAMES.names)
    assert rates["frame"].tolist()[:len(FRAMES.names)] == list(FRAMES.names)
    assert rates.loc[rates.article_id == "B", "outlet"].unique().tolist() == ["Y"]   # first row of a duplicate
    mentions = find_mentions(_sentences("Nothing here.", article="A").iloc[0:0], ACTORS)
    af = actor_frames(mentions, empty_hits, articles, ACTORS, FRAMES)
    first = af[af.article_id == "A"]
    assert af["article_id"].tolist()[0] == "A" and af["article_id"].tolist()[-1] == "B"
    assert first["actor"].tolist()[::len(FRAMES.names)] == list(ACTORS.names)


def _random_evidence(seed: int, n: int = 200):
    """Mentions and frame hits over a few articles and sentences, with names outside the lexicons."""
    rng = np.random.default_rng(seed)
    def table(column, names):
        return pd.DataFrame({"article_id": pd.Series(rng.choice(["b", "a", "c", "z"], n), dtype="str"),
                             "sentence_index": rng.integers(0, 6, n),
                             column: pd.Series(rng.choice(names, n), dtype="str")})
    articles = pd.DataFrame({"article_id": ["c", "a", "b", "a"], "outlet": ["o1", "o2", "o1", "o9"],
                             "n_words": [120, 0, 80, 5]})
    return table("actor", ["US", "Russia", "China"]), table("frame", ["war", "trade", "other"]), articles


def _actor_frames_by_merges(mentions, frame_hits, articles, actor_names, frame_names):
    """The straightforward pandas statement of ``actor_frames`` (the reference)."""
    grid = (articles[["article_id", "outlet"]].drop_duplicates("article_id").sort_values("article_id", kind="stable")
            .merge(pd.DataFrame({"actor": actor_names}), how="cross")
            .merge(pd.DataFrame({"frame": frame_names}), how="cross"))
    actor_sents = mentions[["article_id", "sentence_index", "actor"]].drop_duplicates()
    frame_sents = frame_hits[["article_id", "sentence_index", "frame"]].drop_duplicates()
    n_actor = actor_sents.groupby(["article_id", "actor"]).size().rename("n_actor_sentences").reset_index()
    both = actor_sents.merge(frame_sents, on=["article_id", "sentence_index"])
    n_both = both.groupby(["article_id", "actor", "frame"]).size().rename("n_cooccur_sentences").reset_index()
    out = (grid.merge(n_actor, on=["article_id", "actor"], how="left")
           .merge(n_both, on=["article_id", "actor", "frame"], how="left"))
    for col in ("n_actor_sentences", "n_cooccur_sentences"):
        out[col] = out[col].fillna(0).astype("int64")
    out["share"] = out["n_cooccur_sentences"] / out["n_actor_sentences"].astype("float64").where(lambda d: d > 0)
    return out.reset_index(drop=True)


@pytest.mark.parametrize("seed", range(3))
def test_actor_frames_equal_the_merge_statement_with_repeated_and_unknown_names(seed):
    mentions, frame_hits, articles = _random_evidence(seed)
    actor_names, frame_names = ["Russia", "US", "Russia", "Nobody"], ["trade", "war"]
    lexicons = SimpleNamespace(names=actor_names), SimpleNamespace(names=frame_names)
    pd.testing.assert_frame_equal(frame_matching.actor_frames(mentions, frame_hits, articles, *lexicons),
                                  _actor_frames_by_merges(mentions, frame_hits, articles, actor_names, frame_names),
                                  check_exact=True)


def test_frame_rates_count_hits_per_article_in_lexicon_order():
    _, frame_hits, articles = _random_evidence(4)
    rates = frame_matching.frame_rates(frame_hits, articles, SimpleNamespace(names=["war", "trade", "war"]))
    assert rates["article_id"].tolist() == ["a"] * 3 + ["b"] * 3 + ["c"] * 3
    assert rates["outlet"].tolist()[:3] == ["o2"] * 3                     # an article's first row
    expected = frame_hits.groupby(["article_id", "frame"]).size()
    assert rates["hits"].tolist() == [expected.get((a, f), 0) for a in "abc" for f in ("war", "trade", "war")]
    assert rates["rate_per_1000_words"].iloc[:3].isna().all()           # no words: NaN, not 0 or inf
    assert rates["rate_per_1000_words"].iat[3] == rates["hits"].iat[3] / 80 * 1000


def test_matching_pairs_is_an_inner_join():
    left, right = np.array([2, 7, 2, 4]), np.array([2, 2, 4, 9])
    pairs = sorted(zip(*(p.tolist() for p in frame_matching._matching_pairs(left, right))))
    assert pairs == sorted((i, j) for i in range(4) for j in range(4) if left[i] == right[j])


def test_kwic_equals_splitting_the_whole_prefix_and_suffix():
    from analysis.frames import _kwic
    rng = random.Random(7)
    pieces = ["a", "bb", " ", "  ", "\t", "\n", "\u00a0", "x-y", ","]
    for _ in range(2000):
        sentence = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 30)))
        start = rng.randrange(0, len(sentence) + 1)
        end = rng.randrange(start, len(sentence) + 1)
        for window in (0, 1, 2, 5):
            left, right = sentence[:start].split(), sentence[end:].split()
            expected = (" ".join(left[-window:] if window else []), " ".join(right[:window]))
            assert _kwic(sentence, start, end, window) == expected


def test_hit_frame_equals_the_dataframe_statement_on_unordered_rows():
    from analysis.frames import _hit_frame
    rows = [("b", 2, "f2", "t", "m", 4, 8, "l", "r", "s", "author"),
            ("a", 0, "f2", "t", "m", 0, 8, "l", "r", "t", "quoted"),
            ("a", 0, "f1", "t", "m", 0, 8, "l", "", "t", "quoted"),
            ("b", 1, "f1", "t", "m", 0, 2, "", "r", "u", "author"),
            (10, 0, "f1", "t", "m", 0, 2, "l", "r", "v", "author"),
            (9, 0, "f1", "t", "m", 0, 2, "l", "r", "w", float("nan"))]
    def by_pandas(rows):   # the straightforward statement: infer, cast, sort
        table = pd.DataFrame(rows, columns=FRAME_HIT_COLUMNS)
        for col in ("article_id", "frame", "term", "match", "left_context", "right_context", "sentence", "voice"):
            table[col] = table[col].astype("str")
        for col in ("sentence_index", "start", "end"):
            table[col] = table[col].astype("int64")
        table = table.sort_values(["article_id", "sentence_index", "start", "frame"], kind="stable")
        return table.reset_index(drop=True)
    for given in (rows, rows[::-1], sorted(rows[:4]), []):    # int ids sort as strings ("10" < "9")
        pd.testing.assert_frame_equal(_hit_frame(given), by_pandas(given), check_exact=True)


def test_find_frame_hits_with_shared_copies_equals_without():
    from analysis.lexicons import matching_copies
    sents = _sentences("Sanctions isolate the state.", "", "See www.sanctions.org on trade\u2019s fall.")
    copies = matching_copies(sents["sentence"].tolist())
    pd.testing.assert_frame_equal(find_frame_hits(sents, FRAMES, copies), find_frame_hits(sents, FRAMES),
                                  check_exact=True)

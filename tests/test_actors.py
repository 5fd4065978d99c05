"""Actor mentions: aliases, overlaps, case, exclusions, apostrophes, counts on a real paragraph."""
from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from analysis import config
from analysis.actors import MENTION_COLUMNS, find_mentions, mention_counts
from analysis.lexicons import _WORD_AFTER, _WORD_BEFORE, entry_regex, load_actors

LEX = load_actors()


def _sentences(*texts, article="a"):
    return pd.DataFrame({"article_id": [article] * len(texts), "sentence_index": range(len(texts)),
                         "sentence": list(texts), "voice": ["author"] * len(texts)})


def _found(text):
    """(actor, alias, matched text) triples for one sentence."""
    m = find_mentions(_sentences(text), LEX)
    return [(r.actor, r.alias, text[r.start:r.end]) for r in m.itertuples()]


def test_lowercase_us_is_not_the_united_states_but_US_and_U_S_are():
    assert _found("Tell us what happened.") == []
    assert _found("The U.S. and the US disagree.") == [("US", "U.S.", "U.S."), ("US", "US", "US")]


def test_us_led_counts_as_us():
    assert _found("criticism from US-led Western nations") == [("US", "US", "US"),
                                                              ("the West", "Western", "Western")]


def test_full_title_is_one_mention_not_three():
    # 32 characters: "Russian President Vladimir Putin"
    m = find_mentions(_sentences("Russian President Vladimir Putin arrived."), LEX)
    assert m[["actor", "alias", "start", "end"]].values.tolist() == [
        ["Russia", "Russian President Vladimir Putin", 0, 32]]


def test_kim_il_sung_square_is_not_a_mention_but_kim_is():
    assert _found("A parade in Kim Il Sung Square is expected.") == []
    assert _found("Kim waved from Kim Il Sung Square.") == [("DPRK", "Kim", "Kim")]


def test_curly_apostrophe_and_hyphenated_spellings():
    assert _found("Kim Jong Un\u2019s residence") == [("DPRK", "Kim Jong Un", "Kim Jong Un")]
    assert _found("leader Kim Jong-un and Kim Jong-Un") == [("DPRK", "Kim Jong Un", "Kim Jong-un"),
                                                            ("DPRK", "Kim Jong Un", "Kim Jong-Un")]
    assert _found("the Workers\u2019 Party") == [("DPRK", "Workers' Party", "Workers\u2019 Party")]


def test_en_dash_compound_counts_both_actors():
    # "Russia" = [0, 6), en dash at 6, "North Korea" = [7, 18)
    m = find_mentions(_sentences("Russia\u2013North Korea ties"), LEX)
    assert m[["actor", "start", "end"]].values.tolist() == [["Russia", 0, 6], ["DPRK", 7, 18]]


def test_south_korea_is_not_dprk_and_north_korean_is_not_south_korea():
    assert _found("South Korea and South Korean officials") == [
        ("South Korea", "South Korea", "South Korea"), ("South Korea", "South Korean", "South Korean")]
    assert _found("North Korean soldiers") == [("DPRK", "North Korean", "North Korean")]


def test_joint_alias_gives_one_mention_to_each_actor_on_the_same_span():
    m = find_mentions(_sentences("a new chapter in Russo-Korean relations"), LEX)
    assert m[["actor", "alias", "start", "end"]].values.tolist() == [
        ["DPRK", "Russo-Korean", 17, 29], ["Russia", "Russo-Korean", 17, 29]]


def test_bare_alliance_is_not_nato_and_handles_are_not_mentions():
    assert _found("the implications of this alliance") == []
    assert _found("(@mfa_russia) June 18") == []       # "_" joins the handle into one word


def test_no_mentions_gives_empty_table_with_the_contract_columns():
    m = find_mentions(_sentences("Nothing to see here."), LEX)
    assert list(m.columns) == MENTION_COLUMNS and len(m) == 0


def test_counts_on_a_real_seed_paragraph_counted_by_hand():
    # Last paragraph of 001 (two sentences). By hand:
    #   "The visit occurs amid allegations from Washington[US] and Seoul[South Korea] that
    #    North Korea[DPRK] has been supplying Russia[Russia] with military equipment ..."
    #   "The US[US] has raised concerns ..., viewing it as a counter to Western[the West] efforts
    #    to isolate Moscow[Russia]."
    # -> US 2, Russia 2, DPRK 1, South Korea 1, the West 1; nothing else (no bare "us").
    raw = (config.RAW_ARTICLES_DIR / "001_b57fed62e2f8785f.txt").read_text(encoding="utf-8")
    paragraph = raw.strip().splitlines()[-1]
    first, second = paragraph.split(" The US has", 1)
    m = find_mentions(_sentences(first, "The US has" + second), LEX)
    assert m["actor"].value_counts().to_dict() == {"US": 2, "Russia": 2, "DPRK": 1,
                                                   "South Korea": 1, "the West": 1}
    assert [s[a:b] for s, a, b in zip(m["sentence"], m["start"], m["end"])] == [
        "Washington", "Seoul", "North Korea", "Russia", "US", "Western", "Moscow"]


def test_offsets_index_the_original_sentence():
    m = find_mentions(_sentences("\u201cKim Jong Un\u2019s\u00a0Pyongyang\u201d"), LEX)
    assert [r.sentence[r.start:r.end] for r in m.itertuples()] == ["Kim Jong Un", "Pyongyang"]


def test_mention_counts_zero_fills_every_article_and_actor():
    sents = pd.concat([_sentences("Putin met Kim. ", "Putin left.", article="a"),
                       _sentences("Nothing here.", article="b")])
    m = find_mentions(sents, LEX)
    arts = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"]})
    counts = mention_counts(m, arts, LEX)
    assert len(counts) == 2 * len(LEX.names)
    got = counts.set_index(["article_id", "actor"])
    # a: Putin twice in two sentences, Kim once.
    assert got.loc[("a", "Russia"), ["n_mentions", "n_sentences"]].tolist() == [2, 2]
    assert got.loc[("a", "DPRK"), ["n_mentions", "n_sentences"]].tolist() == [1, 1]
    assert got.loc["b", "n_mentions"].sum() == 0 and got.loc[("b", "US"), "outlet"] == "Y"


# --- the trie-compiled pattern must behave like the plain longest-first alternation ------------

def _reference_pattern(lexicon):
    aliases = [a for actor in lexicon.actors for a in actor.aliases] + list(lexicon.joint_aliases)
    ordered = sorted(aliases, key=lambda e: (-len(e.text), e.text))
    alts = [f"({entry_regex(a.text)})" if a.case_sensitive else f"((?i:{entry_regex(a.text)}))"
            for a in ordered]
    return re.compile(_WORD_BEFORE + "(?:" + "|".join(alts) + ")" + _WORD_AFTER), ordered


_REF, _REF_ENTRIES = _reference_pattern(LEX)
_PIECES = sorted({a.text for actor in LEX.actors for a in actor.aliases}) + [
    "us", "the", "Korea", "Korean", "-", "'s", ",", "square", "Jong", "President", "KIM", "u.s."]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=8), st.sampled_from([" ", "-", "  "]))
def test_trie_pattern_equals_reference_alternation(pieces, sep):
    text = sep.join(pieces)
    got = [(m.span(), LEX.group_entries[m.lastindex - 1].text) for m in LEX.pattern.finditer(text)]
    want = [(m.span(), _REF_ENTRIES[m.lastindex - 1].text) for m in _REF.finditer(text)]
    assert got == want


@pytest.mark.parametrize("n_copies", [50])
def test_matching_is_fast(n_copies):
    # Generous bound (measured ~55 us/sentence on 2 cores): catches a regression to one pass per alias.
    import time
    raw = (config.RAW_ARTICLES_DIR / "000_0a8791c9a93fb0b5.txt").read_text(encoding="utf-8")
    sents = _sentences(*[line for line in raw.splitlines() if line.strip()] * n_copies)
    t0 = time.perf_counter()
    find_mentions(sents, LEX)
    assert (time.perf_counter() - t0) / len(sents) < 2e-3


def test_urls_are_not_mentions():
    # The URL holds "putin" and "kim" but is an address, not prose; only the final "Putin" counts.
    text = "See https://example.com/news/putin-kim and www.kim.kp about Putin."
    rows = find_mentions(_sentences(text), load_actors())
    assert rows[["actor", "start", "end"]].values.tolist() == [["Russia", text.index("Putin."), text.index("Putin.") + 5]]


def test_mention_frame_equals_the_dataframe_statement_on_unordered_rows():
    from analysis import actors
    rows = [("b", 2, "US", "U.S.", 4, 8, "s", "author"), ("a", 0, "Russia", "Russo-US", 0, 8, "t", "quoted"),
            ("a", 0, "DPRK", "Russo-US", 0, 8, "t", "quoted"), ("b", 1, "US", "US", 0, 2, "u", "author"),
            (10, 0, "US", "US", 0, 2, "v", "author"), (9, 0, "US", "US", 0, 2, "w", "author")]
    def by_pandas(rows):   # the straightforward statement: infer, cast, sort
        table = pd.DataFrame(rows, columns=actors.MENTION_COLUMNS)
        table = table.astype({c: "str" for c in ("article_id", "actor", "alias", "sentence", "voice")})
        table = table.astype({c: "int64" for c in ("sentence_index", "start", "end")})
        table = table.sort_values(["article_id", "sentence_index", "start", "actor"], kind="stable")
        return table.reset_index(drop=True)
    for given in (rows, rows[::-1], sorted(rows[:4]), []):    # int ids sort as strings ("10" < "9")
        pd.testing.assert_frame_equal(actors._mention_frame(given), by_pandas(given), check_exact=True)


def test_find_mentions_with_shared_copies_equals_without():
    from analysis.lexicons import matching_copies
    texts = ["Putin met Kim in Kim Il Sung Square.", "", "See www.kim.kp about Putin\u2019s visit."]
    sents = _sentences(*texts)
    copies = matching_copies(sents["sentence"].tolist())
    pd.testing.assert_frame_equal(find_mentions(sents, LEX, copies), find_mentions(sents, LEX), check_exact=True)
    with pytest.raises(ValueError):
        find_mentions(sents, LEX, copies[:1])

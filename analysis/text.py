"""The text stage: cleaning, sentence splitting, voice, word counts, matching normalisation.

Every function is pure (str in, plain Python out) so the pipeline can map it over a DataFrame
column and a notebook can call it on a single string.

>>> cleaned = clean_text("New Update\\r\\nThe U.S. said no. Kim\\u2019s visit ended.")
>>> cleaned
'The U.S. said no. Kim’s visit ended.'
>>> [cleaned[a:b] for a, b in split_sentences(cleaned)]
['The U.S. said no.', 'Kim’s visit ended.']
"""
from __future__ import annotations

import bisect
import re
from itertools import chain
from collections.abc import Callable
from dataclasses import dataclass, field

from analysis.memo import Memo

__all__ = [
    "CleaningRule",
    "CLEANING_RULES",
    "clean_text",
    "split_sentences",
    "sentence_voices",
    "sentence_voices_and_word_counts",
    "quotation_spans",
    "WORD_TOKEN_PATTERN",
    "word_tokens",
    "count_words",
    "normalize_for_matching",
    "MIN_QUOTE_WORDS",
    "REPORTING_VERBS",
    "SPEECH_ACT_VERBS",
]

# =============================================================================
# 1. Cleaning
# =============================================================================


@dataclass(frozen=True)
class CleaningRule:
    """One documented cleaning step: ``pattern.sub(replacement, text)``."""

    name: str
    pattern: re.Pattern[str]
    replacement: str | Callable[[re.Match[str]], str]
    rationale: str
    # Re-apply until nothing changes (for repairs that can uncover another match, such as
    # doubly encoded mojibake). Only for rules whose every change shortens the text, so the
    # loop ends.
    until_stable: bool = False
    # Cheap test (substring checks) that is False only when ``pattern`` cannot match, so the
    # regex pass is skipped for the many texts that need no change. None: always run the rule.
    may_match: Callable[[str], bool] | None = None

    def apply(self, text: str) -> str:
        if self.may_match is not None and not self.may_match(text):
            return text
        cleaned = self.pattern.sub(self.replacement, text)
        while self.until_stable and cleaned != text:
            text, cleaned = cleaned, self.pattern.sub(self.replacement, cleaned)
        return cleaned


# UTF-8 punctuation and Latin letters that were decoded as Latin-1 or Windows-1252 ("mojibake"):
# "’" (E2 80 99) shows up as "â\x80\x99" or "â€™", "é" (C3 A9) as "Ã©", NBSP as "Â\xa0". Only
# these three lead characters are repaired: they cover the general-punctuation block (quotes,
# dashes, ellipsis) and Latin-1 letters, and "â€", "Ã" or "Â" before such a byte-character do
# not occur in English prose. 837 of the 1,984 PerSenT documents contain the Latin-1 form.
_CP1252_HIGH_CHARS = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_MOJIBAKE_SEQUENCE = re.compile(
    f"â[\x80-\xbf{_CP1252_HIGH_CHARS}][\x80-\xbf{_CP1252_HIGH_CHARS}]"
    f"|[ÂÃ][\x80-\xbf{_CP1252_HIGH_CHARS}]"
)


def _repair_mojibake(match: re.Match[str]) -> str:
    """Re-decode one mojibake sequence as UTF-8; keep it unchanged if that is not possible."""
    sequence = match.group()
    try:
        # Each character back to the byte it was decoded from: Latin-1 for code points < 256
        # (including the C1 controls cp1252 leaves undefined), cp1252 for '€', '™', '“', ...
        raw = b"".join(
            bytes([ord(char)]) if ord(char) < 256 else char.encode("cp1252") for char in sequence
        )
        repaired = raw.decode("utf-8")
    except UnicodeError:
        return sequence
    # An invisible character (e.g. a mangled soft hyphen) is dropped, as the earlier rule does.
    return "" if repaired in _ZERO_WIDTH_CHARS else repaired


# Characters that render as nothing; U+00AD (soft hyphen) only marks a possible line break.
_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# Single-code-point spaces that are not a plain space: NBSP, the U+2000 block of typographic
# spaces, narrow NBSP, medium mathematical space, ideographic space, tab and form feeds.
_ODD_SPACE_CHARS = "\u00a0\u2000-\u200a\u202f\u205f\u3000\t\f\v"
# Characters used as list bullets in scraped news pages (000's "Key Takeaways" uses U+2022).
_BULLET_CHARS = "•‣◦▪●·*\\-"
# The same sets as plain strings (range and escape spelled out), for substring tests.
_ODD_SPACE_LIST = "\u00a0" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000\t\f\v"
_BULLET_SET = _BULLET_CHARS.replace("\\-", "-")


def _contains_any(chars: str) -> Callable[[str], bool]:
    """A ``may_match`` test: does the text contain any of ``chars``?"""
    return lambda text: any(char in text for char in chars)


def _contains_any_non_ascii(chars: str) -> Callable[[str], bool]:
    """``_contains_any`` for non-ASCII ``chars``: an ASCII text is rejected in one step."""
    return lambda text: not text.isascii() and any(char in text for char in chars)


def _has_repeated_line(text: str) -> bool:
    """A ``may_match`` test for ``repeated_paragraph``: some non-empty line occurs twice."""
    if "\n" not in text:
        return False
    lines = [line for line in text.split("\n") if line]
    return len(set(lines)) < len(lines)


def _has_space_at_line_edge(text: str) -> bool:
    """A ``may_match`` test for ``trim_line_edges``: a space starts or ends some line."""
    return text[:1] == " " or text[-1:] == " " or (
        "\n" in text and ("\n " in text or " \n" in text))


# A bullet character right after a line break (one scan instead of one per bullet character).
_BULLET_AFTER_LINE_BREAK = re.compile(f"\n[{_BULLET_CHARS}]")


def _has_leading_bullet(text: str) -> bool:
    """A ``may_match`` test for ``leading_bullets``: some line starts with a bullet character."""
    return (text[:1] != "" and text[0] in _BULLET_SET) or (
        _BULLET_AFTER_LINE_BREAK.search(text) is not None)


def _has_outer_whitespace(text: str) -> bool:
    """A ``may_match`` test for ``outer_whitespace`` (``\\s`` is ``str.isspace``)."""
    return text[:1].isspace() or text[-1:].isspace()


# The end of an embedded tweet's footer line '— Display Name (@handle) Month D, YYYY' (Twitter
# handles are 1-15 word characters).
_TWEET_FOOTER_TAIL = r"\(@\w{1,15}\)[ ]+[A-Z][a-z]+[ ]+\d{1,2},[ ]+\d{4}$"
_TWEET_FOOTER_TAIL_PATTERN = re.compile("(?m)" + _TWEET_FOOTER_TAIL)
# The display name before the handle: Twitter allows 50 characters; flags and other emoji take two
# code points each. A longer line is prose that happens to end like a footer (a one-line article
# quoting a tweet): it must not be deleted whole.
TWEET_NAME_MAX_CHARS = 80


# Applied in this order by ``clean_text``. Invisible characters go first so they cannot hide a
# mojibake sequence; the repair comes before the line-ending and space rules, which then also
# normalise what it produces. Space normalisation and bullet stripping come before the
# furniture rules so those match whole lines exactly ("• Dive deeper" is still furniture);
# duplicate-paragraph removal comes after furniture removal so that a caption repeated around
# a removed line is still seen as a repeat. The order makes ``clean_text`` idempotent
# (property-tested), so cleaning already-cleaned text changes no offsets.
# Runs of spaces are matched only from their first character ((?<![ ]) / (?<!\s)): without
# that, a pattern like '[ ]+$' restarts inside a long run at every position, which is
# quadratic (a 1 MB run of spaces did not finish in two minutes; now ~0.2 s).
CLEANING_RULES: tuple[CleaningRule, ...] = (
    CleaningRule(
        "zero_width_and_bom",
        re.compile(f"[{_ZERO_WIDTH_CHARS}]"),
        "",
        "Zero-width characters and the byte-order mark are invisible but break word and "
        "alias matching (e.g. 'Pu\\u200btin').",
        may_match=_contains_any_non_ascii(_ZERO_WIDTH_CHARS),
    ),
    CleaningRule(
        "mojibake_punctuation",
        _MOJIBAKE_SEQUENCE,
        _repair_mojibake,
        "UTF-8 text decoded with the wrong codec turns curly quotes into 'â\x80\x9c' or 'â€œ'; "
        "repairing them lets quotation and voice detection see the quotes and keeps words whole "
        "('donâ\x80\x99t' -> 'don’t'). Sequences that do not re-decode are left alone; "
        "doubly encoded text is repaired by repeating the rule.",
        until_stable=True,
        may_match=_contains_any_non_ascii("âÂÃ"),
    ),
    CleaningRule(
        "line_endings",
        re.compile(r"\r\n?"),
        "\n",
        "Windows (CRLF) and old-Mac (CR) line endings become \\n, so paragraph logic sees one "
        "line-break character.",
        may_match=_contains_any("\r"),
    ),
    CleaningRule(
        "unicode_line_separators",
        re.compile("[\u2028\u2029\u0085]"),
        "\n",
        "Unicode line/paragraph separators and NEL are line breaks too.",
        may_match=_contains_any_non_ascii("\u2028\u2029\u0085"),
    ),
    CleaningRule(
        "odd_spaces",
        re.compile(f"[{_ODD_SPACE_CHARS}]"),
        " ",
        "Non-breaking and typographic spaces (000 ends a paragraph with U+00A0) become plain "
        "spaces.",
        may_match=_contains_any(_ODD_SPACE_LIST),
    ),
    CleaningRule(
        "tweet_picture_links",
        re.compile(r"(?<![ ])[ ]*\bpic\.twitter\.com/[A-Za-z0-9]+(?!\S)"),
        "",
        "'pic.twitter.com/...' tokens are the image link of an embedded tweet (002), not prose.",
        may_match=_contains_any(("pic.twitter.com/",)),
    ),
    CleaningRule(
        "trim_line_edges",
        re.compile(r"(?m)^[ ]+|(?<![ ])[ ]+$"),
        "",
        "Leading/trailing spaces on a line carry no meaning (004 starts with a space; bullets "
        "in 000 are indented) and would stop the exact-line rules below from matching.",
        may_match=_has_space_at_line_edge,
    ),
    CleaningRule(
        "leading_bullets",
        re.compile(f"(?m)^(?:[{_BULLET_CHARS}]+[ ]+)+"),
        "",
        "Bullet characters ('•', '-', '*') at the start of a list line are layout; the line "
        "itself stays (000's 'Key Takeaways'). A following space is required so '-5' or "
        "'*emphasis*' are untouched.",
        may_match=_has_leading_bullet,
    ),
    CleaningRule(
        "template_byline_block",
        # A byline is a short name line; 80 characters bounds it so prose is never eaten.
        re.compile(r"(?m)^author-image\n[^\n]{1,80}\n(?=New Update$)"),
        "",
        "In the BNN Breaking template (000) the author's name sits between 'author-image' and "
        "'New Update'; that byline is not a sentence of the article (the metadata keeps it).",
        may_match=_contains_any(("author-image\n",)),
    ),
    CleaningRule(
        "template_furniture_lines",
        re.compile(r"(?m)^(?:author-image|New Update|Dive deeper)$\n?"),
        "",
        "Lines that are exactly a site-template label: 'author-image' and 'New Update' (BNN "
        "Breaking template, 000) and 'Dive deeper' (Al Mayadeen link box, 002).",
        may_match=_contains_any(("author-image", "New Update", "Dive deeper")),
    ),
    CleaningRule(
        "read_next_lines",
        re.compile(r"(?m)^Read next:.*$\n?"),
        "",
        "'Read next: <headline>' lines link to another article (002's last line).",
        may_match=_contains_any(("Read next:",)),
    ),
    CleaningRule(
        "tweet_attribution_lines",
        re.compile(r"(?m)^(?:[—–][ ]*)?[^\n]{0,%d}" % TWEET_NAME_MAX_CHARS + _TWEET_FOOTER_TAIL + r"\n?"),
        "",
        "The attribution footer of an embedded tweet ('— MFA Russia 🇷🇺 (@mfa_russia) June 18, "
        "2024' in 002) is page furniture, not a sentence.",
        # Every footer line ends with the tail, so no tail means nothing to remove; the tail
        # starts with a literal "(@", which the regex engine finds by fast substring search.
        may_match=lambda text: _TWEET_FOOTER_TAIL_PATTERN.search(text) is not None,
    ),
    CleaningRule(
        "repeated_paragraph",
        re.compile(r"(?m)^([^\n]+)(?:\n(?:[ ]*\n)*\1$)+"),
        r"\1",
        "A paragraph that exactly repeats the paragraph before it is a scraping artefact "
        "(000 prints its photo caption twice); it would double-count mentions and frames.",
        may_match=_has_repeated_line,
    ),
    CleaningRule(
        "excess_blank_lines",
        re.compile(r"\n{3,}"),
        "\n\n",
        "Removing lines can leave runs of blank lines; one blank line marks a paragraph break.",
        may_match=_contains_any(("\n\n\n",)),
    ),
    CleaningRule(
        "outer_whitespace",
        re.compile(r"\A\s+|(?<!\s)\s+\Z"),
        "",
        "Whitespace before the first or after the last character is not content.",
        may_match=_has_outer_whitespace,
    ),
)


def clean_text(raw: str) -> str:
    """Apply every rule of ``CLEANING_RULES`` in order; quotes and apostrophes are kept.

    >>> clean_text("  \\u2022 Key point.\\r\\n\\r\\nDive deeper\\r\\nNext\\u00a0line.")
    'Key point.\\n\\nNext line.'
    """
    if not isinstance(raw, str):
        raise TypeError(f"clean_text expects str, got {type(raw).__name__}")
    text = raw
    for rule in CLEANING_RULES:
        text = rule.apply(text)
    return text


# =============================================================================
# 2. Sentence splitting
# =============================================================================

# Abbreviations that (almost) never end an English news sentence because a name or number
# always follows: personal and military/political titles, "vs.", "e.g.", "i.e.", "approx.".
# Source: AP Stylebook title abbreviations plus the list in the brief. Lower-case, no final dot.
NEVER_FINAL_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "messrs", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cmdr", "sgt",
    "adm", "brig", "cpl", "pvt", "sen", "sens", "rep", "reps", "gov", "pres", "rev", "hon",
    "supt", "vs", "v", "e.g", "i.e", "cf", "approx", "ft", "mt", "ave", "fig",
})
# Abbreviations that often precede a name/number but can also close a sentence ("... of Apple
# Inc. The company ..."): split after them only when the next word is a common sentence starter.
# Months are AP's abbreviated forms (Jan., Feb., Aug., Sept., Oct., Nov., Dec.) plus variants.
AMBIGUOUS_ABBREVIATIONS = frozenset({
    "jr", "sr", "inc", "corp", "co", "ltd", "llc", "plc", "bros", "st", "etc",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "a.m", "p.m", "al",
})
# AP Stylebook abbreviations of U.S. state names, used in datelines ("WEST PALM BEACH, Fla.
# (Reuters) -") and after cities ("in Tampa, Fla. The storm ..."). Treated like the ambiguous
# abbreviations, but matched case-sensitively: "ill", "miss", "mass", "wash" are also words
# that end sentences ("He fell ill. Doctors came.").
STATE_ABBREVIATIONS = frozenset({
    "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind", "Kan",
    "Ky", "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev", "Okla",
    "Ore", "Pa", "Tenn", "Va", "Vt", "Wash", "Wis", "Wyo",
})
# "No." / "Nos." abbreviate "number" only before a numeral ("No. 1 priority"); before a word
# they are the English "no" ("He said no. Kim left.").
NUMBER_ABBREVIATIONS = frozenset({"no", "nos"})
# Capitalised words that typically open a news sentence but rarely follow an abbreviation
# inside one. After "U.S." / "Inc." / "J." we split only before one of these; "the U.S.
# President" stays one sentence, "influence in the U.S. The move ..." becomes two.
SENTENCE_STARTERS = frozenset({
    "The", "A", "An", "He", "She", "It", "They", "We", "I", "You", "This", "That", "These",
    "Those", "There", "His", "Her", "Its", "Their", "Our", "My", "But", "And", "Or", "So",
    "Yet", "However", "Meanwhile", "Moreover", "Still", "Then", "Now", "Also", "In", "On",
    "At", "As", "After", "Before", "During", "Since", "When", "While", "If", "Although",
    "Though", "Because", "For", "From", "With", "Without", "According", "Earlier", "Later",
    "Last", "Some", "Many", "Most", "Both", "Neither", "No", "Not", "Officials", "What",
    "Why", "How", "Who", "Where", "Such", "Each", "Other", "Another", "Asked",
})

# A run of terminal punctuation, any closing quotes/brackets after it, then whitespace or the
# end of the text; or a line break. The word before the punctuation is looked up afterwards
# (``_word_before``), only for the candidates whose decision depends on it; the token after the
# candidate is read by a lookahead in the same regex call.
_CLOSERS = "\"'”’»)\\]"
# Speed (figures: scripts/eval_splitter.py): the leading lookahead names the possible first
# characters, so the regex engine skips ahead with a character-set scan; a run of punctuation is
# tried once, from its start and without backtracking, so long runs of dots or quotes stay
# linear (``--scaling``).
_BOUNDARY_CANDIDATE = re.compile(
    rf"(?=[.!?…\n])"
    rf"(?:(?<![.!?…])(?P<term>[.!?…]++)(?P<close>[{_CLOSERS}]*+)(?=\s|\Z)"
    # The first token after the candidate, with any opening quotes/brackets before it, read in
    # the same regex call (a lookahead: it does not move the match end, nor the next search).
    r"(?=[ \t\f\v\u00a0]*(?P<open>[\"'“‘«(\[]*)(?P<token>[^\s\"'“”‘’«»()\[\]]*))"
    r"|(?P<newline>\n))"
)
# Dotted initialisms such as "U.S", "D.C", "J.K", "U.N" (final dot already removed).
_DOTTED_INITIALISM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
# An em or en dash right after sentence-final punctuation introduces an attribution or an
# afterthought, not a new sentence. The hyphen-minus is left out: it also opens list items.
_CONTINUING_DASHES = ("—", "–")
_OPENING_PUNCTUATION = "\"'“‘«(["
_TRAILING_PUNCTUATION = "\"'”’»)]"


def _is_boundary_after_period(word: str, next_token: str, next_open: str) -> bool:
    """Decide a boundary after a single '.' that ends ``word``, when the token after it could
    start a sentence (an opening quote/bracket, or a first character that is not lower-case)."""
    bare = word.lstrip(_OPENING_PUNCTUATION).rstrip(_TRAILING_PUNCTUATION)
    lowered = bare.lower()
    if lowered in NEVER_FINAL_ABBREVIATIONS:
        return False
    if lowered in NUMBER_ABBREVIATIONS:
        return not next_token[:1].isdigit()
    ambiguous = (
        lowered in AMBIGUOUS_ABBREVIATIONS
        or bare in STATE_ABBREVIATIONS
        or (len(bare) == 1 and bare.isalpha())  # initials: "Donald J. Trump", "Plan B."
        or ("." in bare and _DOTTED_INITIALISM.fullmatch(bare) is not None)  # "U.S.", "D.C."
    )
    if ambiguous:
        return next_open == "" and next_token in SENTENCE_STARTERS
    return True


# How far back to look for the word before a candidate. Every abbreviation and initialism the
# rules know is far shorter; the bound keeps a long text without spaces linear, not quadratic.
_WORD_LOOKBACK_CHARS = 64


def _word_before(text: str, position: int) -> str:
    """The whitespace-delimited token that ends at ``position`` ('' after a space)."""
    if position == 0 or text[position - 1].isspace():
        return ""
    return text[max(0, position - _WORD_LOOKBACK_CHARS):position].rsplit(None, 1)[-1]


def _boundary_end(match: re.Match[str], text: str) -> int | None:
    """Return the offset where the sentence ends at this candidate, or None if no boundary."""
    next_open, next_token = match.group("open", "token")
    if next_open is None:  # a line break
        return match.start()
    end = match.end()
    if end == len(text) or (not next_open and not next_token):
        return end  # the end of the text, or only a line break follows (the newline splits)
    if not next_open:
        first = next_token[0]
        # A lower-case word cannot start a sentence, nor can a dash:
        # '"... the other side." — Actor Jeff Bridges' (a dash after the end continues it).
        if first.islower() or first in _CONTINUING_DASHES:
            return None
    term = match.group("term")
    if "!" in term or "?" in term:
        # '"We ardently welcome President Putin!" were displayed' is one sentence.
        return end
    word = _word_before(text, match.start())
    if len(term) > 1 or term == "…":
        # Ellipsis. Set off by spaces (" ... ") it marks an omission inside a sentence or
        # quotation (AP style): never a boundary. Attached ("paused... Then") it ends the
        # sentence when a capitalised word follows.
        return end if word else None
    return end if _is_boundary_after_period(word, next_token, next_open) else None


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentences; return ``(start, end)`` offsets (end exclusive).

    Spans are stripped of surrounding whitespace and never empty. A line break always ends a
    sentence (headlines, bullets, paragraphs). Rules for '.', '!', '?', ellipses, closing quotes
    and abbreviations are documented at the constants above.

    >>> t = 'Mr. Kim met the U.S. envoy. He said "no." It was 3.5 hours.'
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['Mr. Kim met the U.S. envoy.', 'He said "no."', 'It was 3.5 hours.']
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in chain(_BOUNDARY_CANDIDATE.finditer(text), (None,)):
        if match is None:  # the rest of the text after the last boundary
            end = len(text)
        else:
            end = _boundary_end(match, text)
            if end is None:
                continue
        # the span between the previous boundary and this one, stripped of whitespace
        stripped_left = text[start:end].lstrip()
        if stripped_left:
            new_start = end - len(stripped_left)
            spans.append((new_start, new_start + len(stripped_left.rstrip())))
        start = end
    return spans


# =============================================================================
# 3. Voice (heuristic)
# =============================================================================

# A quotation must hold at least this many words to make a sentence 'quoted': shorter quoted
# strings are mostly scare quotes or labels ('expressed "concern"', '"strategic partnership"'),
# while quoted speech fragments in the seeds run to 3+ words. A heuristic choice, not a
# measured optimum.
MIN_QUOTE_WORDS = 3
# Verbs (and "according to") that attribute a sentence to a speaker. Only past tense and
# third-person forms that are not also common nouns: "states" (United States), "claims",
# "reports" and "notes" are left out on purpose, as are verbs of action that only sometimes
# report speech ("pledged support", "vowed", "urged", "asked for").
REPORTING_VERBS = (
    "said", "says", "told", "tells", "stated", "added", "adds", "announced", "announces",
    "wrote", "writes", "according to", "declared", "declares", "noted", "stressed",
    "stresses", "warned", "warns", "insisted", "insists", "claimed", "asserted", "asserts",
    "explained", "explains", "remarked", "commented", "replied", "responded", "emphasized",
    "emphasised", "underlined", "reported", "quoted", "recalled", "acknowledged", "argued",
    "argues", "confirmed", "say", "saying", "telling",
)
# Speech acts that report what someone said without a verb of saying ("Putin commended Kim",
# "pledged support", "expressing concerns"). Used only with ``sentence_voices(...,
# speech_acts=True)``. On the hand-labelled seed sentences (tests/fixtures/text/voice_gold.yaml)
# they lift recall of 'quoted' from 16/30 to 27/30 with no false positive, but the list was
# chosen after reading those seeds, so that is an in-sample figure. In 25 PerSenT sentences they
# newly flagged, about 7 in 10 were reported speech; the nouns "allegations"/"alleged", the main
# false positives there, were then dropped.
SPEECH_ACT_VERBS = (
    "voiced", "commended", "praised", "hailed", "thanked", "promised", "pledged", "vowed",
    "vowing", "expressed", "expressing", "raised concerns", "mentioned", "urged", "called for",
    "termed", "denied", "denies", "arguing",
)


# Every character that ``re.IGNORECASE`` matches to these ASCII letters besides their two cases
# (found by testing all code points; tests/test_text.py checks it): Turkish dotted/dotless i,
# the Kelvin sign, the long s.
_EXTRA_CASE_VARIANTS = {"i": "İı", "k": "\u212a", "s": "ſ"}


def _case_insensitive_class(letter: str) -> str:
    """A character class matching exactly what ``letter`` matches under ``re.IGNORECASE``."""
    return "[" + letter.lower() + letter.upper() + _EXTRA_CASE_VARIANTS.get(letter.lower(), "") + "]"


def _verb_alternation(verbs: tuple[str, ...]) -> str:
    """Case-insensitive alternation of ``verbs``; a space in a phrase matches any whitespace.

    Matches where ``(?:verb1|verb2|...)`` with ``re.IGNORECASE`` would (the verbs' order only
    decides which one is reported, and callers only test for a match). For speed the verbs are
    grouped by first letter, which is spelled as an explicit class: the regex engine then
    rejects a word start with one set test per letter instead of entering every alternative.
    """
    by_first_letter: dict[str, list[str]] = {}
    for verb in verbs:
        by_first_letter.setdefault(verb[0].lower(), []).append(verb[1:])
    return "(?:" + "|".join(
        _case_insensitive_class(first)
        + "(?i:" + "|".join(re.escape(rest).replace(r"\ ", r"\s+") for rest in rests) + ")"
        for first, rests in by_first_letter.items()
    ) + ")"


def _verb_pattern(verbs: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-word ``\\b(?:verb1|verb2|...)\\b`` with ``re.IGNORECASE`` (see ``_verb_alternation``)."""
    return re.compile(r"\b" + _verb_alternation(verbs) + r"\b")


@dataclass(frozen=True)
class _VerbFinder:
    """Tests ``pattern.search(text, start, end) is not None`` for a ``_verb_pattern``, faster.

    A search for ``\\b...`` makes the regex engine try the whole pattern at every position. A
    verb that does not start at ``start`` starts right after a non-word character, so one match
    attempt at ``start`` plus a search for "non-word character, then verb" finds the same
    verbs; that search begins with a character class, which the engine scans for in a tight
    loop. The class is every character but the ASCII word characters (a superset of ``\\W``
    testable by bitmap); the lookbehind ``(?<=\\W)`` then makes it exactly ``\\W``.
    """

    at_start: re.Pattern[str]
    after_non_word: re.Pattern[str]
    # The first word of a verb phrase ("according" of "according to") ending a whitespace-free
    # chunk; None if no verb is a phrase.
    phrase_head: re.Pattern[str] | None
    # whitespace-free chunk -> its packed ``_ChunkInfo`` (see ``chunk_info``)
    chunk_infos: Memo = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "chunk_infos", Memo(self.chunk_info))

    @classmethod
    def for_verbs(cls, verbs: tuple[str, ...]) -> _VerbFinder:
        heads = tuple(dict.fromkeys(verb.split()[0] for verb in verbs if " " in verb))
        return cls(
            _verb_pattern(verbs),
            re.compile(r"[^0-9A-Z_a-z](?<=\W)" + _verb_alternation(verbs) + r"\b"),
            re.compile(r"\b" + _verb_alternation(heads) + r"\Z") if heads else None,
        )

    def found_in(self, text: str, start: int, end: int) -> bool:
        return (self.at_start.match(text, start, end) is not None
                or self.after_non_word.search(text, start, end) is not None)

    def chunk_info(self, chunk: str) -> int:
        """Word count, whole verb (0/1) and phrase head (0/1) of one whitespace-free chunk, packed."""
        info = _chunk_word_count(chunk) * _ChunkInfo.WORD
        if self.found_in(chunk, 0, len(chunk)):
            info += _ChunkInfo.VERB
        if self.phrase_head is not None and self.phrase_head.search(chunk) is not None:
            info += _ChunkInfo.PHRASE_HEAD
        return info


class _ChunkInfo:
    """Fields of a packed chunk info: the sum of a span's chunk infos is its word count, number of
    chunks holding a whole verb, and number ending with the first word of a verb phrase."""
    FIELD_BITS = 20                      # a span of fewer chunks cannot carry into the next field
    VERB = 1
    PHRASE_HEAD = 1 << FIELD_BITS
    WORD = 1 << (2 * FIELD_BITS)
    MAX_CHUNKS = (1 << FIELD_BITS) - 1


_REPORTING_VERB_PATTERN = _verb_pattern(REPORTING_VERBS)
_SPEECH_ACT_PATTERN = _verb_pattern(REPORTING_VERBS + SPEECH_ACT_VERBS)
_REPORTING_VERB_FINDER = _VerbFinder.for_verbs(REPORTING_VERBS)
_SPEECH_ACT_FINDER = _VerbFinder.for_verbs(REPORTING_VERBS + SPEECH_ACT_VERBS)
_DOUBLE_QUOTE_CHARS = re.compile("[\"“”]")


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` of each double-quoted stretch, quote marks excluded.

    Curly “ opens and ” closes; a straight " opens when no quotation is open, else closes.
    A quotation still open at the end of a paragraph (line) runs to that line's end, as in
    multi-paragraph quotes.

    >>> quotation_spans('He said "we agree" and “so do they”.')
    [(9, 17), (24, 34)]
    """
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    line_end_positions = [m.start() for m in re.finditer("\n", text)] + [len(text)]
    line_index = 0
    for mark in _DOUBLE_QUOTE_CHARS.finditer(text):
        position = mark.start()
        while line_end_positions[line_index] < position:
            if open_at is not None:  # unclosed at paragraph end
                spans.append((open_at, line_end_positions[line_index]))
                open_at = None
            line_index += 1
        char = mark.group()
        if open_at is None:
            if char == "”":  # stray closer with nothing open: ignore
                continue
            open_at = position + 1
        elif char == "“":  # nested/re-opened curly quote: restart from the latest opener
            open_at = position + 1
        else:
            spans.append((open_at, position))
            open_at = None
    if open_at is not None:
        spans.append((open_at, line_end_positions[line_index]))
    return spans


def sentence_voices(
    text: str, spans: list[tuple[int, int]], *, speech_acts: bool = False
) -> list[str]:
    """Label each sentence span 'quoted' or 'author' (a transparent heuristic).

    'quoted' when the sentence overlaps a quotation of >= ``MIN_QUOTE_WORDS`` words (including
    one opened in an earlier sentence of the same paragraph and still open), or contains a
    reporting verb from ``REPORTING_VERBS`` (said, told, according to, ...). Otherwise 'author'.
    ``speech_acts=True`` also counts ``SPEECH_ACT_VERBS`` (praised, pledged, voiced, ...): a
    broader reading of "someone else's words", e.g. for a sensitivity analysis.

    >>> t = 'The US voiced "concern". "We will act now," Kim said. Putin left.'
    >>> sentence_voices(t, split_sentences(t))
    ['author', 'quoted', 'author']
    >>> sentence_voices(t, split_sentences(t), speech_acts=True)
    ['quoted', 'quoted', 'author']
    """
    return sentence_voices_and_word_counts(text, spans, speech_acts=speech_acts)[0]


def sentence_voices_and_word_counts(
    text: str, spans: list[tuple[int, int]], *, speech_acts: bool = False
) -> tuple[list[str], list[int]]:
    """``sentence_voices(text, spans, speech_acts=...)`` and each span's ``count_words``, from one
    pass over each span's whitespace chunks.

    >>> t = 'The US voiced "concern". "We will act now," Kim said. Putin left.'
    >>> sentence_voices_and_word_counts(t, split_sentences(t))
    (['author', 'quoted', 'author'], [4, 6, 2])
    """
    verb_finder = _SPEECH_ACT_FINDER if speech_acts else _REPORTING_VERB_FINDER
    long_quotes = [
        (start, end) for start, end in quotation_spans(text)
        if _has_words(text[start:end], MIN_QUOTE_WORDS)
    ]
    # Quotations are disjoint and sorted, so only the last one starting before a sentence's end
    # can overlap it: a bisection per sentence instead of a scan over all quotations.
    quote_starts = [q_start for q_start, _ in long_quotes]
    chunk_infos = verb_finder.chunk_infos
    if len(chunk_infos) > CHUNK_CACHE_MAX_ENTRIES:
        chunk_infos.clear()
    chunk_info = chunk_infos.__getitem__
    text_length = len(text)
    voices, word_counts = [], []
    for start, end in spans:
        chunks = text[start:end].split()
        info = sum(map(chunk_info, chunks))
        word_counts.append(info // _ChunkInfo.WORD)
        last = bisect.bisect_left(quote_starts, end) - 1
        if last >= 0 and long_quotes[last][1] > start:
            voices.append("quoted")
            continue
        # The chunks decide when the span is delimited by whitespace (or the text's ends), so that
        # a word boundary at a chunk's edge is one in the text, and no chunk ends with the first
        # word of a verb phrase, which continues in the next chunk: else the regex search decides.
        if (0 <= start <= end <= text_length and len(chunks) <= _ChunkInfo.MAX_CHUNKS
                and (start == 0 or text[start - 1].isspace()) and (end == text_length or text[end].isspace())
                and info % _ChunkInfo.WORD < _ChunkInfo.PHRASE_HEAD):
            attributed = info % _ChunkInfo.PHRASE_HEAD > 0
        else:
            attributed = verb_finder.found_in(text, start, end)
        voices.append("quoted" if attributed else "author")
    return voices, word_counts


# =============================================================================
# 3b. Headings (subheads are not sentences)
# =============================================================================

# A subheading ("Military and Technical Cooperation:", "Key Takeaways") is a label for what
# follows, not a statement: its actor mentions and frame terms are kept out of tone and frame
# rates (and counted apart). A line is a heading when it is a whole line of its own, is not the
# article's first line (the headline, which the study reads as the outlet's own sentence), has
# at most HEADING_MAX_WORDS words, does not end in sentence punctuation (a final ":" is allowed)
# and is in title case (every word but short function words capitalised). The seeds' subheads
# run to 4 words; 8 leaves room while a prose line in title case that long is rare.
HEADING_MAX_WORDS = 8
KIND_SENTENCE = "sentence"
KIND_HEADING = "heading"
# Words a title-case heading leaves in lower case (Chicago Manual of Style, 8.159).
TITLE_CASE_MINOR_WORDS = frozenset(
    "a an the and but or nor for so yet as at by in of off on per to up via with from into over".split())
# A line ending in one of these (optionally before closing quotes or brackets) is a sentence.
_SENTENCE_FINAL = re.compile(r"[.!?…;,][\"'”’)\]]*$")


def is_title_case(line: str) -> bool:
    """Whether every word of ``line`` except minor words starts with a capital or a digit.

    >>> is_title_case("Military and Technical Cooperation:"), is_title_case("Putin said:")
    (True, False)
    """
    words = [w for w in re.findall(r"[^\W_][\w'’\-]*", line)]
    if not words:
        return False
    return all(w[0].isupper() or w[0].isdigit() or (i > 0 and w.lower() in TITLE_CASE_MINOR_WORDS)
               for i, w in enumerate(words))


def is_heading(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` (a sentence span) is a subheading (rules at HEADING_MAX_WORDS).

    >>> t = "Headline Of The Day\\nWelcome of the President:\\nKim greeted Putin.\\nKey Takeaways"
    >>> [is_heading(t, a, b) for a, b in split_sentences(t)]
    [False, True, False, True]
    """
    if start <= 0 or text[start - 1] != "\n" or (end < len(text) and text[end] != "\n"):
        return False            # the article's first line (the headline), or not a whole line
    line = text[start:end]
    if _SENTENCE_FINAL.search(line) or not _has_words(line, 1) or _has_words(line, HEADING_MAX_WORDS + 1):
        return False
    return is_title_case(line)


def sentence_kinds(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """``KIND_HEADING`` or ``KIND_SENTENCE`` for each sentence span of ``text``.

    >>> t = "Title\\nAgreements and Promises:\\nThey signed a pact."
    >>> sentence_kinds(t, split_sentences(t))
    ['sentence', 'heading', 'sentence']
    """
    return [KIND_HEADING if "\n" in text[max(start - 1, 0):start] and is_heading(text, start, end) else KIND_SENTENCE
            for start, end in spans]


# =============================================================================
# 4. Words
# =============================================================================

# One token regex for counting and tokenising. A token is, in order of preference:
# a dotted initialism, possibly hyphenated on ("U.S.", "e.g.", "U.S.-led"), or a run of
# letters/digits in which an apostrophe or a hyphen joins two runs ("Kim's", "comrades-in-arms",
# "Jong-un") and a '.' or ',' joins two digit runs ("3.5", "1,500"). Underscore, punctuation
# and emoji are not word characters.
WORD_TOKEN_PATTERN = re.compile(
    r"(?:[^\W\d_]\.){2,}(?:[‐\-][^\W_]+)*"
    r"|[^\W_]+(?:(?:['’‐\-]|(?<=\d)[.,](?=\d))[^\W_]+)*"
)


def word_tokens(text: str) -> list[str]:
    """Lower-cased word tokens; curly apostrophes become straight ones so "Kim’s" == "Kim's".

    >>> word_tokens("Kim’s comrades-in-arms met the U.S. envoy at 3.5 p.m. 🇷🇺!")
    ["kim's", 'comrades-in-arms', 'met', 'the', 'u.s.', 'envoy', 'at', '3.5', 'p.m.']
    """
    return [token.lower().replace("’", "'") for token in WORD_TOKEN_PATTERN.findall(text)]


def _chunk_word_count(chunk: str) -> int:
    """Number of ``WORD_TOKEN_PATTERN`` tokens in one whitespace-free chunk."""
    return len(WORD_TOKEN_PATTERN.findall(chunk))


# Bound on the chunk cache (per process); it is cleared when full. Chunks are words with their
# punctuation ("said,", "Kim’s"), so a news corpus repeats most of them; 100k short entries
# take roughly 15 MB.
CHUNK_CACHE_MAX_ENTRIES = 100_000
_CHUNK_WORD_COUNTS = Memo(_chunk_word_count)


def count_words(text: str) -> int:
    """Number of ``WORD_TOKEN_PATTERN`` tokens in ``text``.

    >>> count_words("Putin's two-day visit, his first in 24 years!")
    8
    """
    # A token never contains whitespace, and the pattern looks at no character outside the
    # token except the one right after it (``(?=\d)``), which whitespace fails just as the end
    # of a string does. So the tokens of ``text`` are those of its ``str.split()`` chunks, and
    # counting per chunk through a cache gives the same number, several times faster.
    return sum(map(_chunk_word_counts(), text.split()))


def _chunk_word_counts() -> Callable[[str], int]:
    """Chunk -> word count through the cache (cleared first if full)."""
    if len(_CHUNK_WORD_COUNTS) > CHUNK_CACHE_MAX_ENTRIES:
        _CHUNK_WORD_COUNTS.clear()
    return _CHUNK_WORD_COUNTS.__getitem__


def _has_words(text: str, minimum: int) -> bool:
    """``count_words(text) >= minimum``, splitting off only the first ``minimum`` chunks of a long text.

    >>> _has_words("one two three four", 3), _has_words("— one — two", 3), _has_words("U.S.-led e-mail", 2)
    (True, False, True)
    """
    chunks = text.split(None, minimum)
    rest = chunks.pop() if len(chunks) > minimum else ""   # the unsplit remainder
    count = sum(map(_chunk_word_counts(), chunks))
    return count >= minimum or (rest != "" and count + count_words(rest) >= minimum)


# =============================================================================
# 5. Normalisation for matching
# =============================================================================

# Every mapping is one code point to one code point, so offsets found in the normalised text
# are valid in the original. Hyphen look-alikes (U+2010/U+2011) become '-' so "Jong‑un" matches
# an alias written "Jong-un"; dashes (en/em) keep their different meaning and are left alone.
_MATCHING_TRANSLATION = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
    "\u00a0": " ", "\u202f": " ", "\u2007": " ",
    "\u2010": "-", "\u2011": "-",
})
_MATCHING_REPLACEMENTS = tuple((chr(key), value) for key, value in _MATCHING_TRANSLATION.items())


def normalize_for_matching(text: str) -> str:
    """Map curly quotes/apostrophes to straight ones and NBSP to space; length is unchanged.

    >>> normalize_for_matching("Kim’s “friendly\\u00a0visit”")
    'Kim\\'s "friendly visit"'
    """
    # One ``str.replace`` per mapped character that occurs: much faster than ``translate`` on
    # text that holds few or none of them. No replacement is itself a key, so order is free.
    for char, replacement in _MATCHING_REPLACEMENTS:
        if char in text:
            text = text.replace(char, replacement)
    return text

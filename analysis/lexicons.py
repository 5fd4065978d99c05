"""Load and validate the actor and frame lexicons (versioned YAML) into frozen dataclasses.

Dictionaries are data (quanteda-style): ``data/lexicons/actors.yaml`` says which words count as a
mention of which actor, ``data/lexicons/frames.yaml`` which words signal which frame. Every entry
carries a rationale, and every validation error names the file and the line.

>>> lex = load_actors()
>>> lex.core_names
('Russia', 'DPRK', 'US', 'NATO')
>>> "isolation" in load_frames().names
True

Each lexicon carries one compiled regex (``.pattern``) with one capturing group per entry, longest
entries first, so ``match.lastindex`` says which entry matched (``.group_entries[lastindex - 1]``).
A batch's sentences are matched in one pass: ``JoinedCopies`` holds their matching copies joined
(and lower-cased for the scanners), and one scan finds where an alias, exclusion or frame term may
start (``EntryMatcher``).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, repeat
from operator import add, itemgetter
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import pandas as pd
import yaml

from analysis import config
from analysis.text import normalize_for_matching

__all__ = [
    "Alias", "Actor", "ActorLexicon", "EntryMatcher", "Exclusion", "Frame", "FrameLexicon", "LexiconError",
    "JoinedCopies", "Term", "ensure_matching_copies", "entry_regex", "join_copies", "joined_matching_copies",
    "matching_copy", "matching_copies", "lexicon_table", "load_actors", "load_frames", "shared_scanner",
]

ACTOR_GROUPS = ("core", "other")
STEM_MARK = "*"
# A space or hyphen inside an entry matches exactly one whitespace character or hyphen in the
# text: "Kim Jong Un" == "Kim Jong-un", "comrades-in-arms" == "comrades in arms".
_GAP = r"[\s\-]"
_SPLIT_GAP = re.compile(r"[\s\-]+")
# Whole words only; lookarounds instead of \b so entries that end in "." ("U.S.") still work.
_WORD_BEFORE = r"(?<!\w)"
_WORD_AFTER = r"(?!\w)"

_ACTORS_TOP_KEYS = {"version", "changelog", "actors", "joint_aliases"}
_ACTOR_KEYS = {"name", "group", "label", "description", "aliases", "exclude", "case_sensitive"}
_ACTOR_REQUIRED = ("name", "group", "label", "description", "aliases")
_ALIAS_KEYS = {"alias", "rationale", "case_sensitive"}
_EXCLUDE_KEYS = {"phrase", "rationale", "case_sensitive"}
_JOINT_KEYS = {"alias", "actors", "rationale", "case_sensitive"}
_FRAMES_TOP_KEYS = {"version", "changelog", "frames"}
_FRAME_KEYS = {"name", "label", "definition", "terms"}
_FRAME_REQUIRED = ("name", "label", "definition", "terms")
_TERM_KEYS = {"term", "rationale", "case_sensitive"}


class LexiconError(ValueError):
    """A lexicon file is malformed; the message starts with ``<file>:<line>:``."""

    def __init__(self, path: Path | str, line: int, message: str):
        self.path, self.line = Path(path), line
        super().__init__(f"{path}:{line}: {message}")


# --- dataclasses ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Alias:
    """One surface form of an actor; ``actors`` has several names only for joint aliases."""
    text: str
    actors: tuple[str, ...]
    rationale: str
    case_sensitive: bool = False
    line: int = 0


@dataclass(frozen=True)
class Exclusion:
    """A phrase blanked out before matching (a place name containing an alias)."""
    text: str
    actor: str
    rationale: str
    case_sensitive: bool = False
    line: int = 0


@dataclass(frozen=True)
class Actor:
    name: str
    group: str
    label: str
    description: str
    aliases: tuple[Alias, ...]
    exclude: tuple[Exclusion, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Term:
    """A frame term: a word, a stem ending in ``*``, or a phrase."""
    text: str
    frame: str
    rationale: str
    case_sensitive: bool = False
    line: int = 0

    @property
    def is_stem(self) -> bool:
        return self.text.endswith(STEM_MARK)


@dataclass(frozen=True)
class Frame:
    name: str
    label: str
    definition: str
    terms: tuple[Term, ...]
    line: int = 0


@dataclass(frozen=True)
class ActorLexicon:
    """All actors of one file, plus cross-actor ``joint_aliases`` and compiled patterns."""
    actors: tuple[Actor, ...]
    version: str
    path: Path
    joint_aliases: tuple[Alias, ...] = ()
    pattern: re.Pattern = field(init=False, repr=False, compare=False)
    group_entries: tuple[Alias, ...] = field(init=False, repr=False, compare=False)
    exclude_pattern: re.Pattern | None = field(init=False, repr=False, compare=False)
    alias_matcher: "EntryMatcher" = field(init=False, repr=False, compare=False)
    exclude_matcher: "EntryMatcher | None" = field(init=False, repr=False, compare=False)
    # Where an alias or an exclusion may start (see ``EntryMatcher``): one scan serves both.
    mention_scanner: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        aliases = [a for actor in self.actors for a in actor.aliases] + list(self.joint_aliases)
        matcher = _compile(aliases, stems=False)
        object.__setattr__(self, "alias_matcher", matcher)
        object.__setattr__(self, "pattern", matcher.pattern)
        object.__setattr__(self, "group_entries", matcher.entries)
        excl = [e for actor in self.actors for e in actor.exclude]
        exclude_matcher = _compile(excl, stems=False) if excl else None
        object.__setattr__(self, "exclude_matcher", exclude_matcher)
        object.__setattr__(self, "exclude_pattern", exclude_matcher.pattern if exclude_matcher else None)
        object.__setattr__(self, "mention_scanner", shared_scanner(self.matchers) if excl else matcher.scanner)

    @property
    def matchers(self) -> tuple[EntryMatcher, ...]:
        """The alias matcher, and the exclusion matcher if there are exclusions."""
        return (self.alias_matcher,) + ((self.exclude_matcher,) if self.exclude_matcher is not None else ())

    def mention_matches(self, copies: Sequence[str | None]) -> list[tuple[int, int, int, Alias]]:
        """``(i, start, end, alias)`` of every alias match in each ``copies[i]`` (None: no text) once its
        exclusion phrases are blanked: ``alias_matcher.finditer(exclude_matcher.blank(copy))``, in one scan.

        >>> [(i, start, end, alias.text) for i, start, end, alias in
        ...  load_actors().mention_matches(["Kim Il Sung Square", None, "Kim"])]
        [(2, 0, 3, 'Kim')]
        """
        return _find_all(copies, self.alias_matcher, self.mention_scanner, self.exclude_matcher)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.actors)

    @property
    def core_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.actors if a.group == "core")

    def actor(self, name: str) -> Actor:
        """The actor called ``name`` (KeyError if absent)."""
        for a in self.actors:
            if a.name == name:
                return a
        raise KeyError(name)


@dataclass(frozen=True)
class FrameLexicon:
    frames: tuple[Frame, ...]
    version: str
    path: Path
    pattern: re.Pattern = field(init=False, repr=False, compare=False)
    group_entries: tuple[Term, ...] = field(init=False, repr=False, compare=False)
    term_matcher: "EntryMatcher" = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        matcher = _compile([t for f in self.frames for t in f.terms], stems=True)
        object.__setattr__(self, "term_matcher", matcher)
        object.__setattr__(self, "pattern", matcher.pattern)
        object.__setattr__(self, "group_entries", matcher.entries)

    @property
    def matchers(self) -> tuple[EntryMatcher, ...]:
        return (self.term_matcher,)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.frames)


# --- regex building -----------------------------------------------------------------------------

def entry_regex(text: str, stems: bool = False) -> str:
    """Regex source for one entry (no word boundaries, no case flag).

    >>> entry_regex("Kim Jong-Un")
    'Kim[\\\\s\\\\-]Jong[\\\\s\\\\-]Un'
    >>> bool(re.fullmatch(entry_regex("isolat*", stems=True), "isolation"))
    True
    """
    parts = []
    for token in _SPLIT_GAP.split(_normalize(text).strip()):
        if stems and token.endswith(STEM_MARK):
            parts.append(re.escape(token[:-1]) + r"\w*")
        else:
            parts.append(re.escape(token))
    return _GAP.join(parts)


_STEM_ATOM = r"\w*"


def _atoms(text: str, stems: bool, lowered: bool = False) -> list[str]:
    """Case-folded regex atoms of one entry: one per character, a gap, or a stem tail.

    A cased character gives "[kK]", or with ``lowered`` what its cases lower-case to ("k"), for
    searching lower-cased text.
    """
    atoms: list[str] = []
    for i, token in enumerate(_SPLIT_GAP.split(_normalize(text).strip())):
        if i:
            atoms.append(_GAP)
        stem = stems and token.endswith(STEM_MARK)
        for ch in token[:-1] if stem else token:
            lo, up = ch.lower(), ch.upper()
            if lo != up and len(lo) == 1 and len(up) == 1:
                chars = sorted(_lower_chars(lo) | _lower_chars(up)) if lowered else [lo, up]
            else:
                chars = sorted(_lower_chars(ch)) if lowered else [ch]
            escaped = "".join(map(re.escape, chars))
            atoms.append(escaped if len(chars) == 1 else f"[{escaped}]")
        if stem:
            atoms.append(_STEM_ATOM)
    return atoms


def _lower_chars(ch: str) -> set[str]:
    """What ``str.lower`` turns ``ch`` into in a text (``ch`` itself where that is two characters: such
    text is not searched lower-cased); capital sigma becomes a final sigma at a word's end."""
    low = ch.lower()
    return {low, "\u03c2"} if ch == "\u03a3" else {low if len(low) == 1 else ch}


# A lexicon whose entries all contain one of at most this many words is first checked with plain
# substring tests (cheaper than a regex scan when few sentences can match, e.g. exclusions).
MAX_REQUIRED_WORDS = 16
_WORD_RUN = re.compile(r"\w+")
# Joins a batch's texts for one regex pass: not a word, space or gap character, so no match spans it.
_SEPARATOR = "\x00"


@dataclass(frozen=True)
class EntryMatcher:
    """A lexicon's compiled regex plus a faster scanner that finds exactly the same matches.

    ``pattern`` has one empty marker group per entry (``entries[m.lastindex - 1]`` matched).
    ``scanner`` searches the lower-cased text for where a match may start: the same trie without
    markers and case checks, over lower-case letters (a literal costs re one comparison, a "[kK]"
    class a call), behind a leading ``\\W`` that re can skip to; ``pattern`` then reads (or,
    for a case-sensitive entry, rejects) each candidate. Lower-casing keeps every character's
    word / space / hyphen class (checked for all of Unicode in the tests); text whose
    lower-casing changes its length ("İ") is matched with ``pattern`` alone.
    ``required``: lower-case words one of which every match contains, if there are few.
    """
    pattern: re.Pattern
    entries: tuple
    scanner: re.Pattern
    required: tuple[str, ...] | None = None
    stems: bool = False   # whether a final "*" marks a stem (frame terms)

    def finditer(self, text: str) -> Iterator[re.Match]:
        """The matches of ``pattern.finditer(text)``, found faster.

        >>> m = load_actors().alias_matcher
        >>> [x.group() for x in m.finditer("Putin met Kim Jong Un.")]
        ['Putin', 'Kim Jong Un']
        """
        lowered = text.lower()
        if self.required is not None and not _contains_any(lowered, self.required):
            return iter(())
        if len(lowered) != len(text):
            return self.pattern.finditer(text)
        return self._confirmed(text, lowered)

    def _confirmed(self, text: str, lowered: str) -> Iterator[re.Match]:
        resume = 0
        # The scanner consumes the non-word character before a start, so one space is put in
        # front: scanner positions are then text positions. Its candidates may overlap; like
        # finditer, keep the leftmost match and go on after its end.
        for hit in self.scanner.finditer(" " + lowered):
            start = hit.start()
            if start >= resume:
                match = self.pattern.match(text, start)
                if match is not None:
                    resume = match.end()
                    yield match

    def find_all(self, texts: Sequence[str | None]) -> list[tuple[int, int, int, Any]]:
        """``(i, start, end, entry)`` of every match in each ``texts[i]`` (None: no text), in order.

        The same as ``finditer`` on each text, in one scan of the texts joined (``texts`` may be
        ``JoinedCopies``, joined already).

        >>> load_frames().term_matcher.find_all(["Sanctions", None, "No trade."])[1][:3]
        (2, 3, 8)
        """
        return _find_all(texts, self, self.scanner)

    def blank(self, text: str) -> str:
        """``text`` with every match replaced by as many spaces (offsets stay valid)."""
        pieces, done = [], 0
        for match in self.finditer(text):
            start, end = match.span()
            pieces += [text[done:start], " " * (end - start)]
            done = end
        return "".join(pieces) + text[done:] if pieces else text


def _contains_any(text: str, words: tuple[str, ...]) -> bool:
    for word in words:
        if word in text:
            return True
    return False


def _find_all(copies: Sequence[str | None], matcher: EntryMatcher, scanner: re.Pattern,
              exclude: EntryMatcher | None = None) -> list[tuple[int, int, int, Any]]:
    """``matcher.find_all(copies)``, each copy's ``exclude`` matches blanked first if given.

    ``scanner`` (lower-cased, see ``EntryMatcher``) must find every start of a ``matcher`` or
    ``exclude`` match. A copy with an exclusion, or one left out of the joined text, is matched
    on its own afterwards.
    """
    copies = copies if isinstance(copies, JoinedCopies) else join_copies(copies)
    joined, starts, alone = copies.joined, copies.starts, set(copies.alone)
    pattern, entries = matcher.pattern, matcher.entries
    rows, resume = [], 0
    # Matches never span a separator, which like a text's edge is no word character: matching the
    # joined text gives each copy's matches.
    for start in copies.candidates((matcher,) if exclude is None else (matcher, exclude), scanner):
        if exclude is not None:
            i = bisect_right(starts, start) - 1
            if i in alone:
                continue
            if exclude.pattern.match(joined, start):
                alone.add(i)
                continue
        if start >= resume:
            match = pattern.match(joined, start)
            if match is not None:
                resume = match.end()
                i = bisect_right(starts, start) - 1
                rows.append((i, start - starts[i], resume - starts[i], entries[match.lastindex - 1]))
    if alone:
        rows = [row for row in rows if row[0] not in alone]
        for i in sorted(alone):
            if copies[i]:
                text = exclude.blank(copies[i]) if exclude is not None else copies[i]
                rows += [(i, *m.span(), entries[m.lastindex - 1]) for m in matcher.finditer(text)]
        rows.sort(key=itemgetter(0))   # stable: each copy's matches stay in order
    return rows


class JoinedCopies:
    """Matching copies of a batch's sentences (str or None each), joined for one regex pass.

    ``joined`` holds each copy behind a separator, ``lowered`` is it lower-cased (the same length),
    copy i starts at ``starts[i]``. ``alone`` maps the copies left out of ``joined`` (empty there:
    they hold a separator, or lower-case to another length) to their text; they are matched one by
    one. Indexing and iterating give the copies. Made by ``joined_matching_copies`` or
    ``join_copies``.
    """
    __slots__ = ("joined", "lowered", "starts", "alone", "_shared")

    def __init__(self, joined: str, lowered: str, starts: list[int], alone: dict[int, str]):
        self.joined, self.lowered, self.starts, self.alone = joined, lowered, starts, alone
        self._shared: tuple[tuple[EntryMatcher, ...], list[int]] | None = None

    def scan_for(self, matchers: tuple[EntryMatcher, ...]) -> None:
        """Find, in one scan, where an entry of any of ``matchers`` may start (for ``candidates``)."""
        self._shared = matchers, self._scan(shared_scanner(matchers))

    def candidates(self, matchers: tuple[EntryMatcher, ...], scanner: re.Pattern) -> list[int]:
        """Where in ``joined`` an entry of ``matchers`` may start: found by ``scanner``, or taken from
        the scan for more matchers (``scan_for``) if there was one."""
        if self._shared is not None and all(any(m is s for s in self._shared[0]) for m in matchers):
            return self._shared[1]
        return self._scan(scanner)

    def _scan(self, scanner: re.Pattern) -> list[int]:
        return [hit.start() + 1 for hit in scanner.finditer(self.lowered)]

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, i: int) -> str | None:
        if not 0 <= i < len(self):
            raise IndexError(i)
        if i in self.alone:
            return self.alone[i]
        return self.joined[self.starts[i]:self.starts[i + 1] - 1] or None

    def __iter__(self) -> Iterator[str | None]:
        copies = [copy or None for copy in self.joined.split(_SEPARATOR)[1:len(self) + 1]]
        for i, text in self.alone.items():
            copies[i] = text
        return iter(copies)


def join_copies(copies: Sequence[str | None]) -> JoinedCopies:
    """``copies`` (str or None each) as ``JoinedCopies``.

    >>> list(join_copies(["Kim", None, "a\\x00b"]))
    ['Kim', None, 'a\\x00b']
    """
    parts = [copy or "" for copy in copies]
    lows = [part.lower() for part in parts]
    joined, lowered = _SEPARATOR + _SEPARATOR.join(parts), _SEPARATOR + _SEPARATOR.join(lows)
    alone = {}
    if len(lowered) != len(joined) or joined.count(_SEPARATOR) != len(parts):
        alone = {i: part for i, (part, low) in enumerate(zip(parts, lows))
                 if len(low) != len(part) or _SEPARATOR in part}
        for i in alone:
            parts[i] = lows[i] = ""
        joined, lowered = _SEPARATOR + _SEPARATOR.join(parts), _SEPARATOR + _SEPARATOR.join(lows)
    return JoinedCopies(joined, lowered, _starts(parts), alone)


def _starts(parts: list[str]) -> list[int]:
    """Where each part starts in a separator followed by the parts joined by separators (and one past the end)."""
    return list(accumulate(map(add, map(len, parts), repeat(1)), initial=1))


def _compile(entries, stems: bool) -> EntryMatcher:
    """One regex for all entries, built as a character trie, and its scanner (see ``EntryMatcher``).

    A plain alternation of ~150 entries costs ~0.5 ms per sentence in Python's re (every entry is
    tried at every word start); the trie shares prefixes so only branches that fit are explored.
    The trie is case-folded; a case-sensitive entry checks its exact spelling with a fixed-width
    lookbehind at its end. Each entry ends in an empty marker group "()", so ``m.lastindex`` names
    the entry that matched. Longer continuations are tried before ending at a node (and literal
    letters before a stem's tail), so where entries overlap the longest one wins.
    """
    ordered = sorted(entries, key=lambda e: e.text)
    group_entries: list = []

    def marked_end(e) -> str:
        group_entries.append(e)
        return (f"(?<={entry_regex(e.text)})" if e.case_sensitive else "") + "()"

    pattern = re.compile(_WORD_BEFORE + _emit(_trie(ordered, stems, lowered=False), marked_end) + _WORD_AFTER)
    scanner = _scanner(_trie(ordered, stems, lowered=True))
    return EntryMatcher(pattern, tuple(group_entries), scanner, _required_words(ordered, stems), stems)


def _scanner(trie: dict) -> re.Pattern:
    """Finds, in lower-cased text, the non-word character before each place an entry of a lower-cased
    ``trie`` may start."""
    return re.compile(r"\W(?=" + _emit(trie, None) + _WORD_AFTER + ")")


@lru_cache(maxsize=8)
def shared_scanner(matchers: tuple[EntryMatcher, ...]) -> re.Pattern:
    """One scanner for the entries of all ``matchers``: one scan finds where any of them may start."""
    trie: dict = {"children": {}, "ends": []}
    for matcher in matchers:
        _trie(matcher.entries, matcher.stems, lowered=True, root=trie)
    return _scanner(trie)


def _trie(entries, stems: bool, lowered: bool, root: dict | None = None) -> dict:
    """A trie of ``entries`` (atoms by ``_atoms``), added to ``root`` if given."""
    root = root if root is not None else {"children": {}, "ends": []}
    for e in entries:
        node = root
        for atom in _atoms(e.text, stems, lowered):
            node = node["children"].setdefault(atom, {"children": {}, "ends": []})
        node["ends"].append(e)
    return root


def _emit(node: dict, end) -> str:
    """Regex source of a trie: ``end(entry)`` where an entry ends, or with ``end=None`` just an end."""
    alts = [atom + _emit(child, end)
            for atom, child in sorted(node["children"].items(), key=lambda kv: (kv[0] == _STEM_ATOM, kv[0]))]
    if end is None:
        alts += [""] if node["ends"] else []
    else:
        # Case-sensitive endings first: they are the more specific reading of the same letters.
        alts += [end(e) for e in sorted(node["ends"], key=lambda e: not e.case_sensitive)]
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


def _required_words(entries, stems: bool) -> tuple[str, ...] | None:
    """Lower-case words one of which every match of ``entries`` contains; None if over the limit.

    Each entry contributes its longest run of word characters (all of a match's runs are there,
    case-folded); a word that contains another one is dropped, as the shorter one is implied.

    >>> _required_words([Term("Latin America", "x", "r"), Term("Latin American", "x", "r")], False)
    ('america',)
    """
    words = set()
    for e in entries:
        runs = [run for token in _SPLIT_GAP.split(_normalize(e.text).strip())
                for run in _WORD_RUN.findall(token[:-1] if stems and token.endswith(STEM_MARK) else token)]
        if not runs:
            return None
        word = max(runs, key=len)
        # Only plain ASCII words: then "the matched text, lower-cased, contains it" is certain.
        if not word.isascii():
            return None
        words.add(word.lower())
    minimal = tuple(sorted(w for w in words if not any(o != w and o in w for o in words)))
    return minimal if len(minimal) <= MAX_REQUIRED_WORDS else None


def _normalize(text: str) -> str:
    return normalize_for_matching(text)


# Web addresses are not prose: "https://example.com/news/putin-kim" must not count as a mention of
# Putin or Kim, nor as a frame term.
URL_PATTERN = re.compile(r"(?:https?://|www\.)\S+|\bpic\.twitter\.com/\S+", re.IGNORECASE)


def matching_copy(sentence: str, exclude: EntryMatcher | None = None) -> str:
    """The same-length copy of ``sentence`` that the matchers search.

    Curly quotes and NBSP are made plain (``text.normalize_for_matching``); URLs and ``exclude``
    phrases (place names such as "Kim Il Sung Square") are blanked with spaces, so offsets into
    ``sentence`` stay valid.

    >>> matching_copy("Kim Jong Un\u2019s site www.kim.kp")
    "Kim Jong Un's site           "
    """
    text = normalize_for_matching(sentence)
    if _may_contain_url(text):
        text = URL_PATTERN.sub(_blank, text)
    return exclude.blank(text) if exclude is not None else text


def matching_copies(sentences: Iterable) -> list[str | None]:
    """``matching_copy`` of each sentence without exclusions; None where there is no text to match.

    Actor and frame matching can share these (``find_mentions`` blanks its exclusions itself).

    >>> matching_copies(["Kim\u2019s visit", "", None])
    ["Kim's visit", None, None]
    """
    return list(joined_matching_copies(sentences))


def joined_matching_copies(sentences: Iterable, *lexicons: ActorLexicon | FrameLexicon) -> JoinedCopies:
    """``matching_copies(sentences)`` as ``JoinedCopies``, made on the joined sentences at once.

    With ``lexicons``, one scan finds where any of their entries may start, for all their matchers.
    """
    copies = _joined_matching_copies(sentences)
    if lexicons:
        copies.scan_for(tuple(matcher for lexicon in lexicons for matcher in lexicon.matchers))
    return copies


def _joined_matching_copies(sentences: Iterable) -> JoinedCopies:
    texts = sentences if isinstance(sentences, list) else list(sentences)
    try:
        joined = _SEPARATOR + _SEPARATOR.join(texts)
    except TypeError:   # a missing sentence (None, NaN): no text to match
        texts = [text if isinstance(text, str) else "" for text in texts]
        joined = _SEPARATOR + _SEPARATOR.join(texts)
    joined = normalize_for_matching(joined)
    lowered = joined.lower()
    # normalize_for_matching replaces single characters by single characters, so this is the
    # copies joined, unless a sentence holds a separator or lower-cases to another length.
    if joined.count(_SEPARATOR) != len(texts) or len(lowered) != len(joined):
        return join_copies([matching_copy(text) if isinstance(text, str) and text else None for text in texts])
    starts = _starts(texts)
    blanked = {i: URL_PATTERN.sub(_blank, joined[starts[i]:starts[i + 1] - 1])
               for i in sorted(_url_candidates(lowered, starts))}
    if blanked:
        joined = _spliced(joined, starts, blanked)
        lowered = _spliced(lowered, starts, {i: copy.lower() for i, copy in blanked.items()})
    return JoinedCopies(joined, lowered, starts, {})


def _spliced(joined: str, starts: list[int], copies: dict[int, str]) -> str:
    """``joined`` with copy i replaced by ``copies[i]`` (as long; keys in order)."""
    pieces, done = [], 0
    for i, copy in copies.items():
        pieces += [joined[done:starts[i]], copy]
        done = starts[i + 1] - 1
    return "".join(pieces) + joined[done:]


def ensure_matching_copies(sentences: list, copies: Sequence[str | None] | None = None) -> JoinedCopies:
    """``copies`` (a list, or ``JoinedCopies``) if given, checked to be one per sentence, else the
    ``matching_copies`` of ``sentences``; as ``JoinedCopies``.

    >>> list(ensure_matching_copies(["Kim\u2019s", ""]))
    ["Kim's", None]
    """
    if copies is None:
        return joined_matching_copies(sentences)
    if len(copies) != len(sentences):
        raise ValueError(f"{len(copies)} matching copies for {len(sentences)} sentences")
    return copies if isinstance(copies, JoinedCopies) else join_copies(copies)


# ``_may_contain_url`` holds for a copy exactly when its lower-cased copy holds one of these (only
# ASCII letters lower-case to them, and text where "İ" lower-cases to two characters is not joined).
_URL_HINTS = ("://", "www.", "pic.twitter.com/")


def _url_candidates(lowered: str, starts: list[int]) -> set[int]:
    """Which copies of the joined, lower-cased ``lowered`` (copy i from ``starts[i]``) may hold a URL."""
    found: set[int] = set()
    for hint in _URL_HINTS:
        position = lowered.find(hint)
        while position >= 0:
            i = bisect_right(starts, position) - 1
            found.add(i)
            position = lowered.find(hint, starts[i + 1])
    return found


def _may_contain_url(text: str) -> bool:
    """Cheap pre-check: False only where ``URL_PATTERN`` cannot match (most sentences)."""
    if "://" in text:
        return True
    lowered = text.lower()
    return "www." in lowered or "pic.twitter.com/" in lowered


def _blank(match: re.Match) -> str:
    return " " * (match.end() - match.start())


def _key(text: str, case_sensitive: bool) -> str:
    """Canonical form used to detect duplicates: gaps collapsed, case folded unless sensitive."""
    k = _SPLIT_GAP.sub(" ", _normalize(text).strip())
    return k if case_sensitive else k.casefold()


# --- YAML with line numbers ---------------------------------------------------------------------

class _LineDict(dict):
    """A YAML mapping that remembers its own line and each key's line (1-based)."""
    line: int = 0
    key_lines: dict


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise LexiconError(loader.name, line, f"duplicate key {key!r} (first at line {seen[key]})")
        seen[key] = line
    out = _LineDict(loader.construct_mapping(node, deep=True))
    out.line = node.start_mark.line + 1
    out.key_lines = seen
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path) -> Any:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LexiconError(path, 0, f"cannot read lexicon: {exc}") from exc
    loader = _LineLoader(text)
    loader.name = str(path)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise LexiconError(path, line, f"malformed YAML: {problem}") from exc
    finally:
        loader.dispose()


def _line(node: Any, key: str | None = None) -> int:
    if isinstance(node, _LineDict):
        return node.key_lines.get(key, node.line) if key else node.line
    return 0


def _check_keys(path: Path, node: Any, allowed: set, required: tuple, what: str) -> None:
    if not isinstance(node, dict):
        raise LexiconError(path, _line(node), f"each {what} must be a mapping, got {type(node).__name__}")
    for key in node:
        if key not in allowed:
            raise LexiconError(path, _line(node, key),
                               f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})")
    for key in required:
        if key not in node:
            raise LexiconError(path, _line(node), f"{what} is missing required key {key!r}")


def _text(path: Path, node: dict, key: str, what: str, required: bool = True) -> str:
    value = node.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise LexiconError(path, _line(node, key),
                           f"{what} {key!r} must be a non-empty string (quote it in YAML), got {value!r}")
    return value.strip()


def _flag(path: Path, node: dict, key: str, default: bool) -> bool:
    value = node.get(key, default)
    if not isinstance(value, bool):
        raise LexiconError(path, _line(node, key), f"{key!r} must be true or false, got {value!r}")
    return value


def _top(path: Path, data: Any, allowed: set, list_key: str) -> tuple[str, list]:
    if data is None:
        raise LexiconError(path, 1, "empty lexicon file")
    _check_keys(path, data, allowed, ("version", list_key), "lexicon file")
    version = data["version"]
    if not isinstance(version, str) or not version.strip():
        raise LexiconError(path, _line(data, "version"),
                           f"version must be a quoted string like \"1.0.0\", got {version!r}")
    items = data[list_key]
    if not isinstance(items, list) or not items:
        raise LexiconError(path, _line(data, list_key), f"empty lexicon: {list_key!r} must be a non-empty list")
    return version.strip(), items


# --- actors -------------------------------------------------------------------------------------

def load_actors(path: Path | str = config.ACTORS_YAML) -> ActorLexicon:
    """Load and validate an actor lexicon; raises LexiconError naming file and line."""
    path = Path(path)
    data = _read_yaml(path)
    version, items = _top(path, data, _ACTORS_TOP_KEYS, "actors")
    actors: list[Actor] = []
    names: dict[str, int] = {}
    # casefolded key -> [(owner, line, case_sensitive, exact key)] of every alias/exclusion so far
    claimed: dict[str, list[tuple[str, int, bool, str]]] = {}

    def claim(alias: Alias | Exclusion, owner: str) -> None:
        # A case-insensitive entry clashes with any spelling; two case-sensitive ones only if equal.
        fold, exact = _key(alias.text, False), _key(alias.text, True)
        for other_owner, other_line, other_cs, other_exact in claimed.get(fold, []):
            if alias.case_sensitive and other_cs and exact != other_exact:
                continue
            if other_owner == owner:
                raise LexiconError(path, alias.line, f"alias {alias.text!r} appears twice in actor "
                                                     f"{owner!r} (first at line {other_line})")
            raise LexiconError(path, alias.line, f"alias {alias.text!r} of {owner!r} conflicts with "
                                                 f"the same alias of {other_owner!r} (line {other_line})")
        claimed.setdefault(fold, []).append((owner, alias.line, alias.case_sensitive, exact))

    for node in items:
        _check_keys(path, node, _ACTOR_KEYS, _ACTOR_REQUIRED, "actor")
        name = _text(path, node, "name", "actor")
        if name in names:
            raise LexiconError(path, _line(node, "name"),
                               f"duplicate actor name {name!r} (first at line {names[name]})")
        names[name] = _line(node, "name")
        group = _text(path, node, "group", f"actor {name!r}")
        if group not in ACTOR_GROUPS:
            raise LexiconError(path, _line(node, "group"),
                               f"actor {name!r}: group must be one of {ACTOR_GROUPS}, got {group!r}")
        default_cs = _flag(path, node, "case_sensitive", False)
        raw_aliases = node["aliases"]
        if not isinstance(raw_aliases, list) or not raw_aliases:
            raise LexiconError(path, _line(node, "aliases"), f"actor {name!r} has no aliases")
        aliases = []
        for a in raw_aliases:
            _check_keys(path, a, _ALIAS_KEYS, ("alias", "rationale"), f"alias of {name!r}")
            alias = Alias(_text(path, a, "alias", f"alias of {name!r}"), (name,),
                          _text(path, a, "rationale", f"alias of {name!r}"),
                          _flag(path, a, "case_sensitive", default_cs), _line(a))
            claim(alias, name)
            aliases.append(alias)
        exclusions = []
        raw_excl = node.get("exclude", []) or []
        if not isinstance(raw_excl, list):
            raise LexiconError(path, _line(node, "exclude"), f"actor {name!r}: exclude must be a list")
        for e in raw_excl:
            _check_keys(path, e, _EXCLUDE_KEYS, ("phrase", "rationale"), f"exclude of {name!r}")
            excl = Exclusion(_text(path, e, "phrase", f"exclude of {name!r}"), name,
                             _text(path, e, "rationale", f"exclude of {name!r}"),
                             _flag(path, e, "case_sensitive", False), _line(e))
            claim(excl, name)
            exclusions.append(excl)
        actors.append(Actor(name, group, _text(path, node, "label", f"actor {name!r}"),
                            _text(path, node, "description", f"actor {name!r}"),
                            tuple(aliases), tuple(exclusions), _line(node)))

    joints = []
    raw_joint = data.get("joint_aliases", []) or []
    if not isinstance(raw_joint, list):
        raise LexiconError(path, _line(data, "joint_aliases"), "joint_aliases must be a list")
    for j in raw_joint:
        _check_keys(path, j, _JOINT_KEYS, ("alias", "actors", "rationale"), "joint alias")
        owners = j["actors"]
        if (not isinstance(owners, list) or len(owners) < 2 or len(set(owners)) != len(owners)
                or any(o not in names for o in owners)):
            raise LexiconError(path, _line(j, "actors"),
                               f"joint alias actors must be two or more distinct known actors, got {owners!r}")
        alias = Alias(_text(path, j, "alias", "joint alias"), tuple(owners),
                      _text(path, j, "rationale", "joint alias"),
                      _flag(path, j, "case_sensitive", False), _line(j))
        claim(alias, "+".join(owners))
        joints.append(alias)
    return ActorLexicon(tuple(actors), version, path, tuple(joints))


# --- frames -------------------------------------------------------------------------------------

def load_frames(path: Path | str = config.FRAMES_YAML) -> FrameLexicon:
    """Load and validate a frame lexicon; raises LexiconError naming file and line."""
    path = Path(path)
    data = _read_yaml(path)
    version, items = _top(path, data, _FRAMES_TOP_KEYS, "frames")
    frames: list[Frame] = []
    names: dict[str, int] = {}
    all_terms: list[Term] = []
    for node in items:
        _check_keys(path, node, _FRAME_KEYS, _FRAME_REQUIRED, "frame")
        name = _text(path, node, "name", "frame")
        if name in names:
            raise LexiconError(path, _line(node, "name"),
                               f"duplicate frame name {name!r} (first at line {names[name]})")
        names[name] = _line(node, "name")
        raw_terms = node["terms"]
        if not isinstance(raw_terms, list) or not raw_terms:
            raise LexiconError(path, _line(node, "terms"), f"frame {name!r} has no terms")
        terms = []
        for t in raw_terms:
            _check_keys(path, t, _TERM_KEYS, ("term", "rationale"), f"term of {name!r}")
            term = Term(_text(path, t, "term", f"term of {name!r}"), name,
                        _text(path, t, "rationale", f"term of {name!r}"),
                        _flag(path, t, "case_sensitive", False), _line(t))
            _check_term_syntax(path, term)
            for other in all_terms:
                _check_term_pair(path, other, term)
            terms.append(term)
            all_terms.append(term)
        frames.append(Frame(name, _text(path, node, "label", f"frame {name!r}"),
                            _text(path, node, "definition", f"frame {name!r}"), tuple(terms), _line(node)))
    return FrameLexicon(tuple(frames), version, path)


def _check_term_syntax(path: Path, term: Term) -> None:
    for token in _SPLIT_GAP.split(term.text):
        if STEM_MARK in token[:-1] or token == STEM_MARK:
            raise LexiconError(path, term.line,
                               f"term {term.text!r}: '*' is only allowed at the end of a word")
    if term.case_sensitive and STEM_MARK in term.text:
        # The case check is a fixed-width lookbehind (see _compile), which a stem cannot give.
        raise LexiconError(path, term.line, f"term {term.text!r}: a stem cannot be case_sensitive")


def _literal(term: Term) -> str:
    return _SPLIT_GAP.sub(" ", term.text.replace(STEM_MARK, ""))


@lru_cache(maxsize=None)
def _term_matcher(text: str, case_sensitive: bool) -> re.Pattern:
    return re.compile(entry_regex(text, stems=True), 0 if case_sensitive else re.IGNORECASE)


def _covers(a: Term, b: Term) -> bool:
    """True if term ``a`` matches the whole text of term ``b`` (b's stems read literally)."""
    return _term_matcher(a.text, a.case_sensitive).fullmatch(_literal(b)) is not None


def _check_term_pair(path: Path, earlier: Term, term: Term) -> None:
    if not (_covers(earlier, term) or _covers(term, earlier)):
        return
    if earlier.frame == term.frame:
        if _key(earlier.text, earlier.case_sensitive and term.case_sensitive) == \
                _key(term.text, earlier.case_sensitive and term.case_sensitive):
            raise LexiconError(path, term.line, f"term {term.text!r} appears twice in frame "
                                                f"{term.frame!r} (first at line {earlier.line})")
        return  # a stem and a word it covers in the same frame: harmless, longest match wins
    raise LexiconError(path, term.line,
                       f"term {term.text!r} of frame {term.frame!r} conflicts with term "
                       f"{earlier.text!r} of frame {earlier.frame!r} (line {earlier.line})")


# --- methods table ------------------------------------------------------------------------------

LEXICON_TABLE_COLUMNS = ["lexicon", "version", "category", "group", "entry_type", "entry",
                         "case_sensitive", "rationale", "line"]


def lexicon_table(lexicon: ActorLexicon | FrameLexicon) -> pd.DataFrame:
    """Every entry of a lexicon with its rationale, sorted (for the report's methods section).

    >>> t = lexicon_table(load_actors())
    >>> t.loc[t.entry == "Kim Il Sung Square", "entry_type"].item()
    'exclude'
    """
    rows = []
    if isinstance(lexicon, ActorLexicon):
        kind = "actors"
        for actor in lexicon.actors:
            for a in actor.aliases:
                rows.append((actor.name, actor.group, "alias", a.text, a.case_sensitive, a.rationale, a.line))
            for e in actor.exclude:
                rows.append((actor.name, actor.group, "exclude", e.text, e.case_sensitive, e.rationale, e.line))
        for j in lexicon.joint_aliases:
            rows.append(("+".join(j.actors), "joint", "joint_alias", j.text, j.case_sensitive,
                         j.rationale, j.line))
    else:
        kind = "frames"
        for frame in lexicon.frames:
            for t in frame.terms:
                rows.append((frame.name, "", "stem" if t.is_stem else "term", t.text,
                             t.case_sensitive, t.rationale, t.line))
    df = pd.DataFrame(rows, columns=LEXICON_TABLE_COLUMNS[2:])
    df.insert(0, "version", lexicon.version)
    df.insert(0, "lexicon", kind)
    df["line"] = df["line"].astype("int64")
    df["case_sensitive"] = df["case_sensitive"].astype(bool)
    return df.sort_values(["category", "entry_type", "entry"], kind="stable").reset_index(drop=True)

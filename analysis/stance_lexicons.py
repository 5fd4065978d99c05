"""Load and validate the verb lexicon (``verbs.yaml``) and the opposition cues (``stance_cues.yaml``).

Both are versioned YAML like the actor and frame lexicons, read with the same line-aware loader
(``analysis.lexicons``): unknown keys, duplicate entries and conflicts raise ``LexiconError`` naming
the file and the line.

>>> verbs = load_verbs()
>>> verbs.entry("praise").stance, verbs.entry("say").kind
('supportive', 'verbal')
>>> verbs.entry("express", "concern").stance
'hostile'
>>> cues = load_stance_cues()
>>> "against" in cues.prepositions, cues.charge_nouns["pressure"]
(True, ('from', 'by'))
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analysis import config
from analysis.lexicons import LexiconError, _check_keys, _line, _read_yaml, _text, _top

VERB_KINDS = ("verbal", "material")
STANCES = ("supportive", "neutral", "hostile")
# Signed stance of each label, the relation table's numeric ``stance``.
STANCE_VALUES = {"supportive": 1.0, "neutral": 0.0, "hostile": -1.0}

_VERBS_TOP_KEYS = {"version", "changelog", "verbs"}
_VERB_KEYS = {"lemma", "kind", "stance", "rationale"}
_CUE_SECTIONS = ("prepositions", "charge_nouns", "punishment_nouns", "verbs", "negative_evaluations",
                 "positive_evaluations")
_CUES_TOP_KEYS = {"version", "changelog", *_CUE_SECTIONS}
_CUE_KEYS = {"cue", "rationale"}
_NOUN_CUE_KEYS = {"cue", "rationale", "prepositions"}


@dataclass(frozen=True)
class Verb:
    """One verb entry: ``lemma`` (and ``object`` for two-word entries such as "express concern")."""
    lemma: str
    object: str
    kind: str
    stance: str
    rationale: str
    line: int = 0

    @property
    def key(self) -> str:
        return f"{self.lemma} {self.object}".strip()


@dataclass(frozen=True)
class VerbLexicon:
    verbs: tuple[Verb, ...]
    version: str
    path: Path

    def __post_init__(self):
        object.__setattr__(self, "_by_key", {(v.lemma, v.object): v for v in self.verbs})

    def entry(self, lemma: str, obj: str = "") -> Verb | None:
        """The entry of verb ``lemma`` with direct object ``obj`` (two-word entry), else of the verb."""
        by_key = self._by_key
        return by_key.get((lemma, obj)) or by_key.get((lemma, ""))

    def __contains__(self, lemma: str) -> bool:
        return (lemma, "") in self._by_key or any(key[0] == lemma for key in self._by_key)


@dataclass(frozen=True)
class StanceCues:
    """Opposition cues: prepositions, nouns (lemma -> linking prepositions) and object verbs; the
    evaluation words of reports (relations)."""
    prepositions: frozenset[str]
    charge_nouns: dict[str, tuple[str, ...]]
    punishment_nouns: dict[str, tuple[str, ...]]
    verbs: frozenset[str]
    negative_evaluations: frozenset[str]
    positive_evaluations: frozenset[str]
    version: str
    path: Path


def _lemma(path: Path, node: dict, key: str, what: str) -> str:
    value = _text(path, node, key, what)
    if value != value.lower():
        raise LexiconError(path, _line(node, key), f"{what} {value!r} must be a lower-case lemma")
    return value


def _choice(path: Path, node: dict, key: str, allowed: tuple, what: str) -> str:
    value = _text(path, node, key, what)
    if value not in allowed:
        raise LexiconError(path, _line(node, key), f"{what}: {key} must be one of {allowed}, got {value!r}")
    return value


@lru_cache(maxsize=None)
def load_verbs(path: Path | str = config.VERBS_YAML) -> VerbLexicon:
    """Load and validate the verb lexicon; raises ``LexiconError`` naming file and line."""
    path = Path(path)
    version, items = _top(path, _read_yaml(path), _VERBS_TOP_KEYS, "verbs")
    verbs, seen = [], {}
    for node in items:
        _check_keys(path, node, _VERB_KEYS, ("lemma", "kind", "stance", "rationale"), "verb")
        text = _lemma(path, node, "lemma", "verb lemma")
        words = text.split()
        if len(words) > 2:
            raise LexiconError(path, _line(node, "lemma"),
                               f"verb {text!r}: a verb lemma, optionally followed by its object's lemma")
        key = " ".join(words)
        if key in seen:
            raise LexiconError(path, _line(node, "lemma"), f"verb {key!r} appears twice (first at line {seen[key]})")
        seen[key] = _line(node, "lemma")
        verbs.append(Verb(words[0], words[1] if len(words) == 2 else "",
                          _choice(path, node, "kind", VERB_KINDS, f"verb {key!r}"),
                          _choice(path, node, "stance", STANCES, f"verb {key!r}"),
                          _text(path, node, "rationale", f"verb {key!r}"), _line(node)))
    return VerbLexicon(tuple(verbs), version, path)


@lru_cache(maxsize=None)
def load_stance_cues(path: Path | str = config.STANCE_CUES_YAML,
                     verbs_path: Path | str = config.VERBS_YAML) -> StanceCues:
    """Load and validate the opposition cues; every cue verb must be a hostile verb of ``verbs_path``."""
    path = Path(path)
    data = _read_yaml(path)
    version, _ = _top(path, data, _CUES_TOP_KEYS, "prepositions")
    verb_lexicon = load_verbs(verbs_path)
    seen: dict[tuple[str, str], int] = {}
    sections: dict[str, dict[str, tuple[str, ...]]] = {}
    for section in _CUE_SECTIONS:
        items = data.get(section) or []
        if not isinstance(items, list):
            raise LexiconError(path, _line(data, section), f"{section} must be a list")
        nouns = section.endswith("_nouns")
        entries: dict[str, tuple[str, ...]] = {}
        for node in items:
            _check_keys(path, node, _NOUN_CUE_KEYS if nouns else _CUE_KEYS, ("cue", "rationale"), f"{section} cue")
            cue = _lemma(path, node, "cue", f"{section} cue")
            _text(path, node, "rationale", f"cue {cue!r}")
            # a noun may be a charge or a punishment, not both; a word positive or negative, not both
            kind = "noun" if nouns else "evaluation" if section.endswith("_evaluations") else section
            if (kind, cue) in seen:
                raise LexiconError(path, _line(node, "cue"),
                                   f"cue {cue!r} appears twice (first at line {seen[(kind, cue)]})")
            seen[(kind, cue)] = _line(node, "cue")
            entries[cue] = _prepositions(path, node) if nouns else ()
            if section == "verbs":
                entry = verb_lexicon.entry(cue)
                if entry is None or entry.stance != "hostile":
                    raise LexiconError(path, _line(node, "cue"), f"opposition verb {cue!r} must be a hostile "
                                                                f"verb of {verb_lexicon.path.name}")
        sections[section] = entries
    return StanceCues(frozenset(sections["prepositions"]), sections["charge_nouns"],
                      sections["punishment_nouns"], frozenset(sections["verbs"]),
                      frozenset(sections["negative_evaluations"]), frozenset(sections["positive_evaluations"]),
                      version, path)


def _prepositions(path: Path, node: dict) -> tuple[str, ...]:
    value = node.get("prepositions", [])
    if not isinstance(value, list) or not all(isinstance(p, str) and p == p.lower() and p.strip() for p in value):
        raise LexiconError(path, _line(node, "prepositions"), "prepositions must be a list of lower-case words")
    if len(set(value)) != len(value):
        raise LexiconError(path, _line(node, "prepositions"), f"repeated preposition in {value!r}")
    return tuple(value)

"""Who speaks and who is spoken about: the role of each actor mention, and role-aware tone.

A sentence's tone "toward" an actor is easily the tone of the sentence around it: in "The two
leaders promised to work together against the United States" the positive words (promised,
together) are about the leaders, and the US is the one opposed. This module reads the sentence's
dependency parse (``analysis.nlp``, spaCy's small English pipeline) and gives every mention a role:

- ``speaker``: it says or expresses the view, or is the agent acting on someone: the subject of a
  verb of ``data/lexicons/verbs.yaml`` (said, warned, expressed concern, praised, signed, ...), the
  agent of such a verb in the passive ("was praised by X"), the source in "according to X";
- ``target``: the sentence evaluates or acts on it: an object (of a verb, of a preposition such as
  "against" or "about"), the subject of a passive or of a predicate that is not an act of the
  lexicon ("X is isolated", "X depends on ..."), the subject of the content of a report;
- ``other``: anything else (a place in "in Moscow", a free-standing name).

Names inside noun phrases take the role of their phrase: "NATO's chief said" (NATO: possessor of
the subject of "said": speaker), "NATO Secretary General Jens Stoltenberg said", "Putin's visit"
(the object of "concern about": target), "the leaders of X"; coordinated names share the role of
the first ("Putin and Kim signed": both speakers).

**Opposition constructions** (``data/lexicons/stance_cues.yaml``) mark a mention as portrayed
negatively, whatever the words around it say: "against X"; "X's pressure", "US pressure", "pressure
from X" (charge nouns); "sanctions on X" (punishment nouns); "condemned X", "to counter X"
(opposition verbs, also in the passive "X was condemned"). A cue under a negated verb ("did not
condemn X", "will not work against X") does not count. The cue is the mention's ``construction``.

**Role-aware tone** (``RoleAwareTone``, registered in ``analysis.tone`` as ``<base>+roles``, e.g.
``lexicon_attribution+roles``): the base method's tone per mention, then ONE rule set:

1. a mention that is only the speaker of a statement (the subject or passive agent of a verbal
   verb of the lexicon, or "according to X") aimed at another actor (another actor of the sentence
   is a ``target``: ``DEFAULT_SPEAKER_SCOPE``) gets tone 0, label neutral: the tone of what it says
   is about others. Unless the sentence also evaluates it: an opposition cue on it, or an
   evaluative word (VADER lexicon, ``|valence| >= EVALUATIVE_MIN_VALENCE``) inside its own noun
   phrase ("Putin, a brutal dictator, said"). Agents of material acts ("Russia attacked Ukraine")
   keep their base tone: an act can portray its agent.
2. a mention that is the object of an opposition construction gets
   ``tone = min(base, -OPPOSITION_TONE)`` and label negative.
3. otherwise the base tone and label.

>>> [r.role for r in roles_of_sentence("NATO's chief said Putin depends on authoritarian leaders.",
...                                    [(0, 4), (18, 23)])]
['speaker', 'target']
>>> roles_of_sentence("They vowed to stand together against Brazil.", [(37, 43)])[0].construction
'against'
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from analysis import nlp, stance_lexicons, tone as tone_module
from analysis.tone import ToneScorer, accepts_other_spans

ROLES = ("target", "speaker", "other")
# Opposition tone: one clear negative cue. -0.30 is the VADER compound of a sentence whose one
# sentiment word has valence -1.2 (-1.2 / sqrt(1.2**2 + 15) = -0.296, VADER's normalisation with
# alpha 15), i.e. a mildly negative word such as "opposed"; it is beyond every method's neutral band
# (VADER's +-0.05, lexicon_attribution's tuned threshold). Measured on NewsMTSC dev among 0.1 / 0.3 /
# 0.5 (models/roles.selection.csv, ``python -m analysis.roles``): the three give the same labels
# (the label is set to negative either way), so the value only moves means; the middle one is kept.
OPPOSITION_TONE = 0.3
# A speaker counts as also evaluated when its own noun phrase holds a word this far from 0 in the
# VADER lexicon (valences run -4..+4; 1.5 leaves out weak words such as "big" 0.0 or "serious" -0.3).
EVALUATIVE_MIN_VALENCE = 1.5

# Dependency labels (spaCy's English ClearNLP scheme) through which a name takes the role of the
# noun phrase it is part of: "NATO Secretary General Jens Stoltenberg", "NATO's chief", "US
# pressure", "Kim Jong Un, the leader", "Putin and Kim".
NOMINAL_LINKS = frozenset({"compound", "poss", "nmod", "amod", "appos", "conj", "npadvmod", "flat"})
SUBJECTS = frozenset({"nsubj", "csubj", "expl"})
PASSIVE_SUBJECTS = frozenset({"nsubjpass", "csubjpass"})
OBJECTS = frozenset({"dobj", "dative", "attr", "oprd", "obj", "iobj"})
# Report content: the subject of a clause that is what someone says is what the report is about.
CONTENT_LINKS = frozenset({"ccomp", "xcomp", "advcl", "parataxis"})
# Prepositions whose object is a place, not a participant ("arrived in Moscow", "the summit in Oslo").
LOCATIVE_PREPOSITIONS = frozenset({"in", "at", "near", "inside", "outside", "within", "across", "through"})
# "the leaders of X", "the Secretary General of NATO": these nouns speak for the actor in "of X".
REPRESENTATIVE_NOUNS = frozenset({
    "leader", "leadership", "chief", "head", "president", "minister", "ministry", "spokesman",
    "spokeswoman", "spokesperson", "secretary", "official", "envoy", "ambassador", "delegation",
    "government", "representative", "commander", "premier", "chairman", "administration"})


@dataclass(frozen=True)
class MentionRole:
    """The role of one mention: ``construction`` is the opposition cue ("" for none), ``verb`` the
    lemma of the governing verb (or preposition / noun cue), ``verbal`` whether a speaker speaks
    (verbal verb) rather than acts, ``evaluated`` whether its own phrase carries evaluation, and
    ``head`` the index of the token whose clause role decided (the phrase head)."""
    role: str
    construction: str = ""
    verb: str = ""
    verbal: bool = False
    evaluated: bool = False
    head: int = -1
    negated: bool = False
    verb_stance: str = ""


# --- parse helpers -------------------------------------------------------------------------------

def span_root(doc, start: int, end: int):
    """The head token of the characters ``start:end`` of ``doc`` (expanded to whole tokens)."""
    span = doc.char_span(int(start), int(end), alignment_mode="expand")
    if span is None or not len(span):
        tokens = [t for t in doc if t.idx < end and t.idx + len(t) > start]
        if not tokens:
            return None
        span = doc[tokens[0].i:tokens[-1].i + 1]
    return span.root


# Subjects that negate their verb: "no one / nobody / none condemned X", "no country accused X".
NEGATIVE_SUBJECTS = frozenset({"nobody", "none", "noone"})


def is_negated(verb) -> bool:
    """A ``neg`` child (not, never, n't) on the verb or on a verb it is the complement of ("did not vow
    to counter X"), or a negative subject ("no one", "no women")."""
    while verb is not None:
        for child in verb.children:
            if child.dep_ == "neg":
                return True
            if child.dep_ in SUBJECTS and (child.lower_ in NEGATIVE_SUBJECTS or any(
                    grandchild.dep_ == "det" and grandchild.lower_ == "no" for grandchild in child.children)):
                return True
        if verb.dep_ not in ("xcomp", "aux") or verb.head.i == verb.i:
            return False
        verb = verb.head
    return False


def is_passive(verb) -> bool:
    return any(child.dep_ in ("auxpass", "nsubjpass", "csubjpass") for child in verb.children)


def direct_object_lemma(verb) -> str:
    return next((child.lemma_.lower() for child in verb.children if child.dep_ in ("dobj", "obj")), "")


def verb_entry(verb, verbs):
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    return verbs.entry(verb.lemma_.lower(), direct_object_lemma(verb))


def _is_report_content(verb, verbs) -> bool:
    """Whether ``verb``'s clause is the content of a verbal verb higher up ("X said [Y depends ...]")."""
    while verb.dep_ in CONTENT_LINKS and verb.head.i != verb.i:
        verb = verb.head
        entry = verb_entry(verb, verbs)
        if entry is not None and entry.kind == "verbal":
            return True
    return False


def evaluative_phrase(head, mention_tokens: set[int]) -> bool:
    """Whether the noun phrase of ``head`` (its subtree) holds a clearly evaluative word other than the
    mention itself, by the VADER lexicon."""
    from analysis.vader_fast import LEXICON
    for token in head.subtree:
        if token.i in mention_tokens:
            continue
        if abs(LEXICON.get(token.lower_, 0.0)) >= EVALUATIVE_MIN_VALENCE:
            return True
    return False


def climb_phrase(token, cues):
    """Climb from a name to the head of the noun phrase it belongs to; stop at a charge noun.

    Returns (phrase head, charge cue or ""). "US pressure": (pressure, "pressure"); "NATO's chief":
    (chief, ""); "Putin and Kim": (Putin, ""); "the leaders of Russia": (leaders, "").
    """
    while token.head.i != token.i:
        head = token.head
        if token.dep_ in NOMINAL_LINKS and token.dep_ != "conj":
            if head.lemma_.lower() in cues.charge_nouns and head.pos_ in ("NOUN", "PROPN"):
                return head, head.lemma_.lower()
            if head.pos_ in ("NOUN", "PROPN", "PRON", "NUM") or token.dep_ in ("npadvmod", "amod"):
                token = head
                continue
            return token, ""
        if token.dep_ == "conj" and head.pos_ in ("NOUN", "PROPN", "PRON"):
            token = head
            continue
        if token.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in REPRESENTATIVE_NOUNS:
            token = head.head
            continue
        return token, ""
    return token, ""


def _governing_verb(token):
    """The nearest verb above ``token`` (for the negation of a prepositional cue)."""
    while token.head.i != token.i and token.pos_ not in ("VERB", "AUX"):
        token = token.head
    return token if token.pos_ in ("VERB", "AUX") else None


# --- roles -----------------------------------------------------------------------------------------

def role_of_span(doc, start: int, end: int, verbs=None, cues=None) -> MentionRole:
    """The role of the mention at characters ``start:end`` of the parsed sentence ``doc``."""
    verbs = verbs or stance_lexicons.load_verbs()
    cues = cues or stance_lexicons.load_stance_cues()
    root = span_root(doc, start, end)
    if root is None:
        return MentionRole("other")
    mention_tokens = {t.i for t in doc if t.idx < end and t.idx + len(t) > start}
    head, charge = climb_phrase(root, cues)
    if charge:
        negated = bool(_governing_verb(head)) and is_negated(_governing_verb(head))
        return MentionRole("target", "" if negated else charge, charge, head=head.i, negated=negated)
    return _clause_role(head, mention_tokens, verbs, cues)


def _clause_role(head, mention_tokens: set[int], verbs, cues) -> MentionRole:
    dep, governor = head.dep_, head.head
    if dep in SUBJECTS and governor.i != head.i:
        entry = verb_entry(governor, verbs)
        if entry is not None and not is_passive(governor) and not _is_report_content(governor, verbs):
            return MentionRole("speaker", verb=entry.key, verbal=entry.kind == "verbal",
                               evaluated=evaluative_phrase(head, mention_tokens), head=head.i,
                               verb_stance=entry.stance)
        return MentionRole("target", verb=governor.lemma_.lower(), head=head.i)
    if dep in PASSIVE_SUBJECTS:
        return _object_role(governor, head)
    if dep in OBJECTS:
        return _object_role(governor, head)
    if dep == "pobj":
        return _prepositional_role(governor, head, mention_tokens, verbs, cues)
    return MentionRole("other", head=head.i)


def _object_role(verb, head) -> MentionRole:
    """The object (or passive subject) of ``verb``: a target, opposed if ``verb`` is an opposition verb."""
    cues = stance_lexicons.load_stance_cues()
    lemma = verb.lemma_.lower()
    negated = is_negated(verb)
    construction = lemma if lemma in cues.verbs and not negated else ""
    return MentionRole("target", construction, lemma, head=head.i, negated=negated)


def _prepositional_role(preposition, head, mention_tokens, verbs, cues) -> MentionRole:
    word, host = preposition.lower_, preposition.head
    if preposition.dep_ == "agent":                  # "was praised by X": X is the one who acts
        entry = verb_entry(host, verbs)
        if entry is not None:
            return MentionRole("speaker", verb=entry.key, verbal=entry.kind == "verbal",
                               evaluated=evaluative_phrase(head, mention_tokens), head=head.i,
                               verb_stance=entry.stance)
        return MentionRole("other", verb=host.lemma_.lower(), head=head.i)
    if word == "to" and host.lower_ == "according":  # "according to X"
        return MentionRole("speaker", verb="according to", verbal=True,
                           evaluated=evaluative_phrase(head, mention_tokens), head=head.i, verb_stance="neutral")
    verb = _governing_verb(preposition)
    negated = verb is not None and is_negated(verb)
    host_lemma = host.lemma_.lower()
    if word in cues.prepositions:
        return MentionRole("target", "" if negated else word, verb.lemma_.lower() if verb is not None else word,
                           head=head.i, negated=negated)
    for nouns in (cues.charge_nouns, cues.punishment_nouns):
        if word in nouns.get(host_lemma, ()):
            return MentionRole("target", "" if negated else f"{host_lemma} {word}", host_lemma,
                               head=head.i, negated=negated)
    if word in LOCATIVE_PREPOSITIONS:
        return MentionRole("other", verb=host_lemma, head=head.i)
    return MentionRole("target", verb=verb.lemma_.lower() if verb is not None else host_lemma, head=head.i,
                       negated=negated)


def roles_of_doc(doc, spans: Sequence[tuple[int, int]]) -> list[MentionRole]:
    verbs, cues = stance_lexicons.load_verbs(), stance_lexicons.load_stance_cues()
    return [role_of_span(doc, start, end, verbs, cues) for start, end in spans]


def roles_of_sentence(sentence: str, spans: Sequence[tuple[int, int]]) -> list[MentionRole]:
    """The role of each (start, end) mention span of ``sentence``."""
    return roles_of_doc(nlp.parse([sentence])[0], spans)


def span_roles(sentences: Sequence[str], starts: Sequence[int], ends: Sequence[int]) -> list[MentionRole]:
    """The role of each target span; every distinct sentence is parsed once."""
    docs = nlp.parse(list(sentences)) if len(sentences) else []
    verbs, cues = stance_lexicons.load_verbs(), stance_lexicons.load_stance_cues()
    return [role_of_span(doc, a, b, verbs, cues) for doc, a, b in zip(docs, starts, ends)]


ROLE_COLUMNS = ["role", "construction"]


def mention_roles(mentions: pd.DataFrame) -> pd.DataFrame:
    """``role`` and ``construction`` of each row of a mentions table (same index)."""
    if mentions.empty:
        return pd.DataFrame({"role": pd.Series([], dtype=object), "construction": pd.Series([], dtype=object)},
                            index=mentions.index)
    roles = span_roles(mentions["sentence"].tolist(), mentions["start"].astype(int).tolist(),
                       mentions["end"].astype(int).tolist())
    return pd.DataFrame({"role": [r.role for r in roles], "construction": [r.construction for r in roles]},
                        index=mentions.index)


# --- role-aware tone -------------------------------------------------------------------------------

ROLE_SUFFIX = "+roles"


def is_role_aware(method: str) -> bool:
    return str(method).endswith(ROLE_SUFFIX)


SPEAKER_SCOPES = ("other_target", "other_target_or_evaluative", "any")
# "other_target_or_evaluative": also the speaker of an evaluation verb ("praised", "condemned",
# "expressed concern") whose object is not an actor of the lexicon ("concern over this alliance").
EVALUATIVE_STANCES = frozenset({"supportive", "hostile"})
# Rule 1 fires only when another actor of the sentence is a target (the evaluation is aimed at
# another actor, as issue 10 words it). Chosen on NewsMTSC dev (models/roles.selection.csv): "any"
# (every speaker of a statement) lost F1 in 3 of 4 dev cells (minilm_logreg rw_dev 0.744 -> 0.711),
# "other_target_or_evaluative" in 3 of 4 (rw_dev 0.744 -> 0.734), "other_target" in 2 of 4 and by
# at most 0.011 (mean change over the four cells -0.003).
DEFAULT_SPEAKER_SCOPE = "other_target"


def apply_role_rules(tone: np.ndarray, labels: np.ndarray, roles: Sequence[MentionRole],
                     aimed_at_other: Sequence[bool] | None = None,
                     opposition_tone: float = OPPOSITION_TONE) -> tuple[np.ndarray, np.ndarray]:
    """The module docstring's rules 1-3 on a base method's tones and labels (new arrays).

    ``aimed_at_other[i]``: whether another actor of row i's sentence is a target (rule 1 needs it;
    None: assume so, every speaker of a statement).
    """
    tone = np.array(tone, dtype=float)
    labels = np.array(labels, dtype=object)
    for i, role in enumerate(roles):
        if role.construction:                                     # rule 2
            tone[i] = min(tone[i], -opposition_tone) if not math.isnan(tone[i]) else -opposition_tone
            labels[i] = "negative"
        elif (role.role == "speaker" and role.verbal and not role.evaluated
              and (aimed_at_other is None or aimed_at_other[i])):   # rule 1
            tone[i] = 0.0
            labels[i] = "neutral"
    return tone, labels


def speaker_aimed(roles: Sequence[MentionRole], other_target: Sequence[bool], scope: str) -> list[bool] | None:
    """Per row, whether rule 1 may fire under ``scope`` (None: always)."""
    if scope == "any":
        return None
    if scope == "other_target":
        return list(other_target)
    return [flag or role.verb_stance in EVALUATIVE_STANCES for role, flag in zip(roles, other_target)]


def other_targets(docs: Sequence, other_spans: Sequence[Sequence[tuple[int, int]]] | None) -> list[bool]:
    """For each row, whether one of its sentence's other actors' spans is a ``target``."""
    if other_spans is None:
        return [False] * len(docs)
    verbs, cues = stance_lexicons.load_verbs(), stance_lexicons.load_stance_cues()
    return [any(role_of_span(doc, a, b, verbs, cues).role == "target" for a, b in (spans or ()))
            for doc, spans in zip(docs, other_spans)]


class RoleAwareTone:
    """A base tone method with the role rules applied (see the module docstring).

    >>> scorer = RoleAwareTone(tone_module.get_method("vader_sentence"))
    >>> s = "The two leaders promised to work together against the United States."
    >>> scorer.score([s], [54], [67])["tone_label"].tolist()
    ['negative']
    """

    def __init__(self, base: ToneScorer, opposition_tone: float = OPPOSITION_TONE,
                 speaker_scope: str = DEFAULT_SPEAKER_SCOPE, label_threshold: float | None = None):
        if speaker_scope not in SPEAKER_SCOPES:
            raise ValueError(f"speaker_scope must be one of {SPEAKER_SCOPES}, got {speaker_scope!r}")
        self.base = base
        # One label rule: labels come from the tone with the base method's threshold t (None: the
        # base labels by most probable class, and the rules set the labels themselves). An opposition
        # object's tone is at most -max(OPPOSITION_TONE, t), so the rule labels it negative.
        self.label_threshold = label_threshold
        self.opposition_tone = opposition_tone if label_threshold is None else max(opposition_tone, label_threshold)
        self.speaker_scope = speaker_scope
        self.name = f"{getattr(base, 'name', type(base).__name__)}{ROLE_SUFFIX}"

    def score(self, sentences: Sequence[str], starts: Sequence[int], ends: Sequence[int],
              other_spans=None) -> pd.DataFrame:
        """Tone per target: ``other_spans`` (per row, the other actors' spans in its sentence) go to
        the base method if it takes them, and decide rule 1 (is the statement aimed at another actor?)."""
        sentences = [str(s) for s in sentences]
        if other_spans is not None and accepts_other_spans(self.base):
            base = self.base.score(sentences, starts, ends, other_spans=other_spans)
        else:
            base = self.base.score(sentences, starts, ends)
        docs = nlp.parse(sentences) if sentences else []
        verbs, cues = stance_lexicons.load_verbs(), stance_lexicons.load_stance_cues()
        roles = [role_of_span(doc, a, b, verbs, cues) for doc, a, b in zip(docs, starts, ends)]
        aimed = speaker_aimed(roles, other_targets(docs, other_spans), self.speaker_scope)
        tones, labels = apply_role_rules(base["tone"].to_numpy(dtype=float),
                                         base["tone_label"].to_numpy(dtype=object), roles, aimed,
                                         self.opposition_tone)
        if self.label_threshold is not None:
            labels = tone_module.label_from_tone(tones, positive=self.label_threshold, negative=-self.label_threshold)
        return pd.DataFrame({"tone": tones, "tone_label": labels})


# --- choosing the rules on NewsMTSC dev ------------------------------------------------------------

SELECTION_CSV = "roles.selection.csv"          # in config.MODELS_DIR
SELECTION_BASES = ("lexicon_attribution", "minilm_logreg")
SELECTION_SPLITS = ("rw_dev", "mt_dev")         # dev only: the test splits are scored by validate
OPPOSITION_TONE_GRID = (0.1, 0.3, 0.5)
# Rule variants: opposition only (rule 2), and rule 1 under each speaker scope, with rule 2.
VARIANTS = ("base", "opposition_only", *(f"speaker_{scope}" for scope in SPEAKER_SCOPES))


def selection_table(bases: Sequence[str] = SELECTION_BASES, splits: Sequence[str] = SELECTION_SPLITS) -> pd.DataFrame:
    """F1 macro on NewsMTSC dev of each base method and each rule variant x opposition tone."""
    from analysis import benchmarks, validate
    from analysis.attribution import other_target_spans
    rows = []
    for split in splits:
        frame = benchmarks.load_newsmtsc(split)
        others = other_target_spans(frame)
        sentences = frame["sentence"].astype(str).tolist()
        docs = nlp.parse(sentences)
        verbs, cues = stance_lexicons.load_verbs(), stance_lexicons.load_stance_cues()
        found = [role_of_span(doc, a, b, verbs, cues) for doc, a, b in zip(docs, frame["start"], frame["end"])]
        aimed = other_targets(docs, others)
        no_speaker = [MentionRole(r.role, r.construction) for r in found]   # verbal=False: rule 1 never fires
        for base_name in bases:
            if not tone_module.method_available(base_name):
                continue
            base = validate.score_targets(tone_module.get_method(base_name), frame["sentence"], frame["start"],
                                          frame["end"], others)
            for variant in VARIANTS:
                for c in (OPPOSITION_TONE_GRID if variant != "base" else (float("nan"),)):
                    if variant == "base":
                        labels = base["tone_label"].to_numpy(dtype=object)
                    else:
                        chosen = no_speaker if variant == "opposition_only" else found
                        scope = variant.removeprefix("speaker_") if variant != "opposition_only" else "any"
                        _, labels = apply_role_rules(base["tone"].to_numpy(dtype=float),
                                                     base["tone_label"].to_numpy(dtype=object), chosen,
                                                     speaker_aimed(found, aimed, scope), c)
                    metrics = validate.classification_metrics(frame["label"], labels)
                    rows.append({"base": base_name, "split": split, "variant": variant, "opposition_tone": c,
                                 "f1_macro": metrics["f1_macro"], "accuracy": metrics["accuracy"],
                                 "n": metrics["n"]})
    return pd.DataFrame(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m analysis.roles``: write models/roles.selection.csv (NewsMTSC dev only)."""
    from analysis import config, io
    table = selection_table()
    io.write_csv_atomic(table, config.MODELS_DIR / SELECTION_CSV)
    with pd.option_context("display.width", 160):
        print(table.to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

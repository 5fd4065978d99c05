"""Who says or does what to whom: one row per (sentence, source actor, target actor) (issue 14).

The **source** speaks, acts or holds the view: the subject (or passive agent, or "according to"
source) of a verb of ``data/lexicons/verbs.yaml``, found with the roles of ``analysis.roles``. The
**targets** of that verb are the other actors mentioned inside its clause (its objects, its
prepositional objects, the content of what is said), except its co-agents. Rules:

- coordinated subjects ("Putin and Kim promised ...") are each a source of the verb, and co-agents
  of one act are related to each other: X -> Y and Y -> X, supportive (they act together), unless
  the verb itself is hostile;
- a plural subject that is not an actor ("the two leaders", "they", "both sides") stands for the
  actors named before it in the sentence ("Putin met Kim, and the two leaders promised ...");
- nested verbs are acts of their own ("The US said Russia condemned Ukraine": US -> Russia,
  US -> Ukraine via "say", Russia -> Ukraine via "condemn");
- an evaluated actor with no actor source, in a sentence in the outlet's own voice (``voice ==
  "author"``), gets the outlet as its source: ``source = "(outlet)"``, source spans -1. Evaluated:
  an opposition construction on it, or a non-neutral tone toward it under the run's tone method.

**Stance** of an edge, first rule that applies:

1. the target is the object of an opposition construction (``analysis.roles``, not negated) ->
   hostile;
2. the verb (with its object, e.g. "express concern") is supportive or hostile in the lexicon ->
   that stance; a negated verb ("did not condemn") -> neutral (the codebook: restraint is not
   support);
3. otherwise (a neutral verb: say, state, promise) the stance of what is said about the target: a
   negative / positive evaluation word of ``stance_cues.yaml`` in the target's clause -> hostile /
   supportive; else the label of the run's tone toward the target (``tone`` of its mention);
   outlet edges use rule 1, then the tone label.

``stance`` (float) is +1 / 0 / -1 for the label when rules 1, 2 or an evaluation word decide it,
else the tone toward the target (in [-1, 1]); ``stance_label`` is its label. ``kind`` is the verb's
(verbal / material; outlet edges: verbal), ``quad`` is ``<kind>_cooperation`` (supportive),
``<kind>_conflict`` (hostile) or ``neutral`` (CAMEO's quad classes). ``verb`` is the source verb's
lexicon key ("say", "express concern"), or for outlet edges the cue or the verb governing the
target. Several edges of one (sentence, source, target) collapse into the one with the strongest
stance (ties: the first in the sentence). Mentions are those of the study's mentions table, so
actors are the lexicon's; pronouns are not resolved ("He pledged ..." has no source).

>>> import pandas as pd
>>> m = pd.DataFrame({"article_id": ["a"] * 2, "sentence_index": [0, 0], "actor": ["DPRK", "Russia"],
...                   "start": [0, 12], "end": [3, 17], "sentence": ["Kim thanked Putin."] * 2,
...                   "tone": [0.0, 0.3], "tone_label": ["neutral", "positive"], "voice": ["quoted"] * 2})
>>> extract_relations(m)[["source", "target", "verb", "quad", "stance_label"]].values.tolist()
[['DPRK', 'Russia', 'thank', 'verbal_cooperation', 'supportive']]
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import coding, nlp, roles, stance_lexicons, tone as tone_module

OUTLET_SOURCE = "(outlet)"
RELATION_COLUMNS = ["article_id", "sentence_index", "source", "target", "source_start", "source_end",
                    "target_start", "target_end", "verb", "kind", "quad", "stance", "stance_label", "voice",
                    "sentence", "unit_id"]
RELATION_KEYS = ["article_id", "sentence_index", "source", "target"]
# Plural subjects that stand for the actors named before them in the sentence.
GROUP_SUBJECT_LEMMAS = frozenset({"leader", "country", "side", "nation", "ally", "partner", "state",
                                  "government", "neighbor", "neighbour", "they", "both", "pair", "two"})
STANCE_LABELS = stance_lexicons.STANCES
GROUP_NUMBERS = {"both": 2, "two": 2, "three": 3}


@dataclass
class _Mention:
    actor: str
    start: int
    end: int
    tone: float
    tone_label: str
    role: roles.MentionRole
    tokens: frozenset[int]


@dataclass
class _Edge:
    source: str
    target: str
    source_span: tuple[int, int]
    target_span: tuple[int, int]
    verb: str
    kind: str
    stance_label: str
    stance: float


def quad_class(kind: str, stance_label: str) -> str:
    """CAMEO-style quad class of a relation.

    >>> quad_class("material", "hostile"), quad_class("verbal", "neutral")
    ('material_conflict', 'neutral')
    """
    if stance_label == "supportive":
        return f"{kind}_cooperation"
    if stance_label == "hostile":
        return f"{kind}_conflict"
    return "neutral"


def _tokens_of(doc, start: int, end: int) -> frozenset[int]:
    return frozenset(t.i for t in doc if t.idx < end and t.idx + len(t) > start)


def _has_subject(verb) -> bool:
    return any(child.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") for child in verb.children)


def _scope(verb) -> set[int]:
    """The tokens of ``verb``'s act: its subtree without the conjoined verbs that have a subject of
    their own ("Putin met Kim, and the two leaders promised ..." are two acts)."""
    tokens = {t.i for t in verb.subtree}
    for child in verb.children:
        if child.dep_ == "conj" and child.pos_ in ("VERB", "AUX") and _has_subject(child):
            tokens -= {t.i for t in child.subtree}
    return tokens


def _agents_of(verb, mentions: list[_Mention], doc) -> list[_Mention]:
    """The actor mentions that are the subject / passive agent of ``verb`` (coordination included),
    or, for a plural non-actor subject, the actors named before it; a conjoined verb without a
    subject of its own shares the first verb's ("Putin arrived and praised Kim")."""
    while verb.dep_ == "conj" and not _has_subject(verb) and verb.head.pos_ in ("VERB", "AUX"):
        verb = verb.head
    agents = [m for m in mentions if m.role.head >= 0 and _agent_verb(doc[m.role.head]) == verb.i]
    if agents:
        return agents
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is not None and subject.dep_ == "nsubj" and subject.lemma_.lower() in GROUP_SUBJECT_LEMMAS \
            and (subject.tag_ in ("NNS", "NNPS", "PRP", "DT", "CD") or subject.lower_ in ("they", "both")):
        if not any(m.tokens & {t.i for t in subject.subtree} for m in mentions):
            before = [m for m in mentions if max(m.tokens, default=len(doc)) < subject.i]
            count = _group_size(subject)
            if count:            # "both countries", "the two leaders": the last ``count`` actors named
                last = list(dict.fromkeys(m.actor for m in reversed(before)))[:count]
                before = [m for m in before if m.actor in last]
            return before if len({m.actor for m in before}) >= 2 else []
    return []


def _group_size(subject) -> int:
    """How many actors a group subject counts ("both", "the two leaders": 2); 0 if it says not."""
    words = [subject.lower_] + [child.lower_ for child in subject.children if child.dep_ in ("nummod", "det", "predet")]
    return next((GROUP_NUMBERS[word] for word in words if word in GROUP_NUMBERS), 0)


def _agent_verb(head) -> int:
    """The index of the verb whose agent the phrase head ``head`` is (its active subject or its "by"
    agent), else -1. A subject is an agent whatever its mention's role: "The US said [Russia
    condemned Ukraine]" makes Russia the target of the US and the agent of "condemned"."""
    if head.dep_ in ("nsubj", "csubj") and head.head.i != head.i:
        return head.head.i
    if head.dep_ == "pobj" and head.head.dep_ == "agent":
        return head.head.head.i
    return -1


def _according_to(head) -> bool:
    return head.dep_ == "pobj" and head.head.lower_ == "to" and head.head.head.lower_ == "according"


def _clause_of(token):
    """The nearest verb (or the root) above ``token``: the clause a target is part of."""
    while token.head.i != token.i and token.pos_ not in ("VERB", "AUX"):
        token = token.head
    return token


def _content_stance(target: _Mention, doc, cues) -> tuple[str, float, bool]:
    """Stance of what is said about ``target`` (rule 3): evaluation words in its clause, else its tone."""
    if target.role.head >= 0:
        clause = _clause_of(doc[target.role.head])
        lemmas = {t.lemma_.lower() for t in clause.subtree} | {t.lower_ for t in clause.subtree}
        if lemmas & cues.negative_evaluations:
            return "hostile", -1.0, True
        if lemmas & cues.positive_evaluations:
            return "supportive", 1.0, True
    label = {"negative": "hostile", "positive": "supportive"}.get(target.tone_label, "neutral")
    return label, float(target.tone) if not np.isnan(target.tone) else 0.0, False


def _edge_stance(verb_entry, negated: bool, target: _Mention, doc, cues) -> tuple[str, float]:
    if target.role.construction:                                               # rule 1
        return "hostile", -1.0
    if verb_entry is not None and verb_entry.stance != "neutral":              # rule 2
        if negated:
            return "neutral", 0.0
        return verb_entry.stance, stance_lexicons.STANCE_VALUES[verb_entry.stance]
    label, value, _ = _content_stance(target, doc, cues)                       # rule 3
    return label, value


def _sentence_edges(doc, mentions: list[_Mention], voice: str, verbs, cues) -> list[_Edge]:
    edges: list[_Edge] = []
    verb_tokens = [t for t in doc if roles.verb_entry(t, verbs) is not None]
    targeted: set[int] = set()
    acts = [(verb, agents) for verb in verb_tokens if (agents := _agents_of(verb, mentions, doc))]
    for verb, agents in acts:
        entry = roles.verb_entry(verb, verbs)
        negated = roles.is_negated(verb)
        subtree = _scope(verb)
        # An act nested in this one with an actor agent of its own owns its targets: "The US said
        # [Russia condemned Ukraine]" is US -> Russia and Russia -> Ukraine, not US -> Ukraine.
        for inner, inner_agents in acts:
            if inner.i != verb.i and inner.i in subtree and not {m.actor for m in inner_agents} & {
                    m.actor for m in agents}:
                subtree -= _scope(inner) - set().union(*(m.tokens for m in inner_agents))
        agent_tokens = set().union(*(m.tokens for m in agents))
        for position, target in enumerate(mentions):
            if not target.tokens or not target.tokens <= subtree or target.tokens & agent_tokens:
                continue
            if any(m is target for m in agents):
                continue
            label, value = _edge_stance(entry, negated, target, doc, cues)
            targeted.add(position)
            for agent in agents:
                if agent.actor != target.actor:
                    edges.append(_Edge(agent.actor, target.actor, (agent.start, agent.end), (target.start, target.end),
                                       entry.key, entry.kind, label, value))
        joint = "hostile" if entry.stance == "hostile" and not negated else "supportive"
        for a in agents:                                     # co-agents act together
            for b in agents:
                if a.actor != b.actor:
                    edges.append(_Edge(a.actor, b.actor, (a.start, a.end), (b.start, b.end), entry.key, entry.kind,
                                       joint, stance_lexicons.STANCE_VALUES[joint]))
    for source in mentions:                                  # "according to X": X is the source of all
        if source.role.head < 0 or not _according_to(doc[source.role.head]):
            continue
        for position, target in enumerate(mentions):
            if target.actor != source.actor and target.role.role != "speaker":
                label, value, _ = _content_stance(target, doc, cues)
                targeted.add(position)
                edges.append(_Edge(source.actor, target.actor, (source.start, source.end),
                                   (target.start, target.end), "according to", "verbal", label, value))
    if voice == "author":
        edges += _outlet_edges(doc, mentions, targeted, verbs, cues)
    return edges


def _outlet_edges(doc, mentions: list[_Mention], targeted: set[int], verbs, cues) -> list[_Edge]:
    """The outlet's own evaluations: evaluated mentions that no actor speaks about."""
    edges = []
    for position, mention in enumerate(mentions):
        if position in targeted or mention.role.role == "speaker":
            continue
        if mention.role.construction:
            label, value, verb = "hostile", -1.0, mention.role.construction
        elif mention.tone_label in ("negative", "positive"):
            label = "hostile" if mention.tone_label == "negative" else "supportive"
            value, verb = float(mention.tone), mention.role.verb
        else:
            continue
        entry = verbs.entry(verb.split()[0]) if verb else None
        edges.append(_Edge(OUTLET_SOURCE, mention.actor, (-1, -1), (mention.start, mention.end), verb,
                           entry.kind if entry is not None else "verbal", label, value))
    return edges


def _collapse(edges: list[_Edge]) -> list[_Edge]:
    """One edge per (source, target): the strongest stance, ties to the first in the sentence."""
    best: dict[tuple[str, str], _Edge] = {}
    for edge in edges:
        key = (edge.source, edge.target)
        current = best.get(key)
        strength = abs(stance_lexicons.STANCE_VALUES[edge.stance_label])
        if current is None or strength > abs(stance_lexicons.STANCE_VALUES[current.stance_label]):
            best[key] = edge
    return list(best.values())


def extract_relations(mentions: pd.DataFrame) -> pd.DataFrame:
    """The relations table of a mentions table (columns ``article_id, sentence_index, actor, start,
    end, sentence, tone, tone_label, voice``); sorted by ``RELATION_KEYS``.

    Every sentence with a mention is parsed (the parser's latest batch is reused, so after a
    role-aware tone method or the mentions' roles nothing is parsed twice).
    """
    if mentions.empty:
        return empty_relations()
    verbs, cues = stance_lexicons.load_verbs(), stance_lexicons.load_stance_cues()
    groups = list(mentions.groupby(["article_id", "sentence_index"], sort=True))
    docs = nlp.parse([str(group["sentence"].iloc[0]) for _, group in groups])
    rows = []
    for ((article_id, sentence_index), group), doc in zip(groups, docs):
        sentence = str(group["sentence"].iloc[0])
        voice = str(group["voice"].iloc[0])
        group = group.sort_values(["start", "actor"], kind="stable")
        mentions_here = [
            _Mention(actor, int(start), int(end), float(value), str(label),
                     roles.role_of_span(doc, int(start), int(end), verbs, cues), _tokens_of(doc, int(start), int(end)))
            for actor, start, end, value, label in zip(group["actor"], group["start"], group["end"],
                                                       group["tone"], group["tone_label"])]
        for edge in _collapse(_sentence_edges(doc, mentions_here, voice, verbs, cues)):
            rows.append({"article_id": article_id, "sentence_index": int(sentence_index), "source": edge.source,
                         "target": edge.target, "source_start": edge.source_span[0],
                         "source_end": edge.source_span[1], "target_start": edge.target_span[0],
                         "target_end": edge.target_span[1], "verb": edge.verb, "kind": edge.kind,
                         "quad": quad_class(edge.kind, edge.stance_label), "stance": float(edge.stance),
                         "stance_label": edge.stance_label, "voice": voice, "sentence": sentence,
                         "unit_id": coding.relation_unit_id(article_id, sentence, edge.source, edge.target)})
    if not rows:
        return empty_relations()
    table = pd.DataFrame(rows, columns=RELATION_COLUMNS)
    return table.sort_values(RELATION_KEYS, kind="stable").reset_index(drop=True)


def empty_relations() -> pd.DataFrame:
    """A relations table with no rows (typed columns)."""
    table = pd.DataFrame({column: pd.Series([], dtype="str") for column in RELATION_COLUMNS})
    for column in ("sentence_index", "source_start", "source_end", "target_start", "target_end"):
        table[column] = table[column].astype(np.int64)
    table["stance"] = table["stance"].astype(float)
    return table


def relations_of_sentence(sentence: str, actors: dict[str, list[str]], method: str = "lexicon_attribution",
                          voice: str = "quoted") -> pd.DataFrame:
    """The relations of one hand-made sentence: ``actors`` maps an actor to its names in it (testing aid).

    The tone toward each mention is that of ``method`` (the other names as other spans).
    """
    import re
    rows = []
    for actor, names in actors.items():
        for name in names:
            for match in re.finditer(re.escape(name), sentence):
                rows.append({"actor": actor, "start": match.start(), "end": match.end()})
    mentions = pd.DataFrame(rows).assign(article_id="t", sentence_index=0, sentence=sentence, voice=voice)
    mentions = tone_module.score_mentions(mentions, method)
    return extract_relations(mentions)

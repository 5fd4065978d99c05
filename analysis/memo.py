"""Memo tables for pure functions of short strings (words, tokens), shared by the hot text paths.

>>> lengths = Memo(len)
>>> lengths["Pyongyang"], dict(lengths)
(9, {'Pyongyang': 9})

Callers bound a memo's size themselves (each clears its memo when it holds more entries than a
limit it names), so memory stays bounded on any corpus.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Memo(dict):
    """``memo[key]`` is ``fn(key)``, computed on first use and kept (``fn`` must be pure).

    A dict subclass, so ``map(memo.__getitem__, keys)`` runs at C speed for keys already seen.
    """

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        super().__init__()
        self._fn = fn

    def __missing__(self, key):
        value = self[key] = self._fn(key)
        return value

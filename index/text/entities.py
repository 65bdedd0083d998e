"""Named entities of a sentence: underthesea's CRF tagger (POS, chunks, then PER / LOC / ORG),
returned as character spans of the sentence.

underthesea is imported on the first call (its import costs about half a second), and calls are
serialised: the taggers are shared by every thread of the bot. A sentence the tagger cannot align
with its own words gives no entity rather than a wrong span.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["Entity", "named_entities"]

_LOCK = threading.Lock()
_TAGGER: list[Callable[[str], list[tuple[Any, ...]]]] = []


@dataclass(frozen=True)
class Entity:
    """A named entity: its label (PER, LOC, ORG, MISC) and its [start, end) in the sentence."""

    label: str
    start: int
    end: int


def _tagger() -> Callable[[str], list[tuple[Any, ...]]]:
    if not _TAGGER:
        from underthesea import ner

        _TAGGER.append(ner)
    return _TAGGER[0]


@lru_cache(maxsize=4096)
def named_entities(sentence: str) -> tuple[Entity, ...]:
    """The entities underthesea finds in a sentence, in order."""
    with _LOCK:
        try:
            tagged = _tagger()(sentence)
        except Exception:  # a tagger failure costs a signal, never the answer
            return ()
    found: list[Entity] = []
    position = 0
    current: list[Any] | None = None  # [label, start, end]
    for row in tagged:
        word, tag = str(row[0]), str(row[-1])
        start = sentence.find(word, position)
        if start < 0:
            return ()
        end = start + len(word)
        position = end
        if tag.startswith("B-") or (tag.startswith("I-") and current is None):
            if current is not None:
                found.append(Entity(*current))
            current = [tag[2:], start, end]
        elif tag.startswith("I-") and current is not None and current[0] == tag[2:]:
            current[2] = end
        else:
            if current is not None:
                found.append(Entity(*current))
            current = None
    if current is not None:
        found.append(Entity(*current))
    return tuple(found)

"""What every part of the archive works over: the store and the search engine above it."""

from __future__ import annotations

from ..search.engine import SearchEngine
from ..store.store import Store
from ..text.analyzer import Analyzer

__all__ = ["Rooms"]


class Rooms:
    """The store, the engine and its analyzer; `Archive` sets them, its concerns use them."""

    store: Store
    engine: SearchEngine
    analyzer: Analyzer

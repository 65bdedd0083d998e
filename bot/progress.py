"""Long work in a worker thread, reported while it runs: the thread leaves its latest progress
here, the event loop shows it every few seconds (/reindex, /crawl)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

__all__ = ["Latest", "while_running"]

T = TypeVar("T")
R = TypeVar("R")


class Latest(Generic[T]):
    """The latest progress a worker thread reported (one reference: no lock needed)."""

    def __init__(self) -> None:
        self.value: T | None = None

    def __call__(self, value: T) -> None:
        self.value = value


async def while_running(
    work: Callable[[], R], latest: Latest[T], every: float, show: Callable[[T], Awaitable[None]]
) -> R:
    """Run `work` in a thread; every `every` seconds, `show` the latest progress if it changed.
    Returns what `work` returns (or raises what it raised)."""
    task = asyncio.ensure_future(asyncio.to_thread(work))
    shown = None
    while not (await asyncio.wait({task}, timeout=every))[0]:
        if latest.value is not None and latest.value != shown:
            shown = latest.value
            await show(shown)
    return task.result()

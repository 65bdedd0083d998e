"""The real bot, built by `bot.app.build_application` and run by `bot.app.run_polling`, in a
thread of the test process, against the fake Bot API server."""

from __future__ import annotations

import asyncio
import threading
import time

from bot.app import build_application, run_polling
from bot.settings import Settings
from index import Archive

__all__ = ["RunningBot"]


class RunningBot:
    """`start()` it, talk to it through the fake server, `stop()` it (a clean shutdown)."""

    def __init__(self, settings: Settings, archive: Archive) -> None:
        self.settings = settings
        self.archive = archive
        self.application = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._failure: BaseException | None = None

    def start(self, timeout: float = 20) -> RunningBot:
        """Start polling; return once the application runs."""
        self._thread = threading.Thread(target=self._main, name="bot", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.running:
            if self._failure is not None or not self._thread.is_alive():
                raise RuntimeError(f"the bot did not start: {self._failure!r}") from self._failure
            if time.monotonic() > deadline:
                raise TimeoutError("the bot did not start in time")
            time.sleep(0.02)
        return self

    @property
    def running(self) -> bool:
        """True while the application and its polling run."""
        app = self.application
        return bool(app and app.running and app.updater and app.updater.running)

    def _main(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        try:
            self.application = build_application(self.settings, self.archive)
            run_polling(self.application, stop_signals=None)
        except BaseException as exc:  # reported by start()
            self._failure = exc

    def stop(self, timeout: float = 60) -> None:
        """Stop as a signal would: updater, application, shutdown hooks (the engine is closed)."""
        if self._thread is None or not self._thread.is_alive():
            return
        assert self._loop is not None and self.application is not None
        self._loop.call_soon_threadsafe(self.application.stop_running)
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the bot did not stop"
        if self._failure is not None:
            raise self._failure

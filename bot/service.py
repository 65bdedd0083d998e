"""Running as a service: following other writers, one poller, /healthz, alerts, housekeeping.

Several processes may serve one bot (webhook replicas, the command line ingesting and
crawling); what they must agree on lives in the database, so each job here is short work in a
thread against the archive, run by PTB's JobQueue.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import tornado.httpserver
import tornado.web
from telegram.error import TelegramError

from index import Archive, Health, HealthProblem

from . import texts

if TYPE_CHECKING:
    from .context import BotApplication, BotContext, BotState

__all__ = [
    "PollerBusy",
    "ServiceState",
    "check_alerts",
    "follow_index",
    "join_replicas",
    "leave_replicas",
    "renew_replica",
    "health_body",
    "housekeeping",
    "release_poller",
    "renew_poller",
    "start_health_server",
    "stop_health_server",
    "take_poller",
]

log = logging.getLogger(__name__)

POLLER_LEASE = "poller"
INDEX_LAG_ALERT = "index-lag"
SOURCE_ALERT = "crawl-failing:"  # + the source's name
IDLE_BUCKET_SECONDS = 3600.0


def replica_name() -> str:
    """This process among the replicas: host, pid and a random tail (pids repeat)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass
class ServiceState:
    """What this process knows of its place among the replicas."""

    replica: str = field(default_factory=replica_name)
    following: bool = False  # a follow job is running (the next one skips)
    alerting: bool = False
    health_server: Any = None  # tornado's HTTPServer while /healthz is served


class PollerBusy(Exception):
    """This process cannot serve in the mode asked: another one polls Telegram for this bot
    (Telegram would answer 409 Conflict), or webhook replicas run (polling would remove their
    webhook)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)

    @classmethod
    def polling(cls, holder: str, until: str, webhook: bool = False) -> PollerBusy:
        """Another process holds the poller's lease."""
        then = (
            "stop it before starting webhook replicas"
            if webhook
            else "stop it first, or run several replicas with --webhook-url"
        )
        return cls(
            f"another process ({holder}) is polling Telegram for this bot (its lease runs until "
            f"{until}); {then}"
        )


WEBHOOK_LEASE = "webhook:"  # + the replica's name: a webhook replica is running


# -- readers follow writers ----------------------------------------------------------------


async def follow_index(context: BotContext) -> None:
    """Every FOLLOW_SECONDS: swap in what other processes wrote (a generation published in the
    shared index folder, or changes in the database this replica's index lacks)."""
    state = context.state
    if state.service.following or state.reindexing:  # a reindex publishes all when it ends
        return
    state.service.following = True
    try:
        if await asyncio.to_thread(state.archive.refresh):
            log.info("index follows the database: generation %s", _generation(state.archive))
    except Exception:
        log.warning("could not follow the index; retrying", exc_info=True)
    finally:
        state.service.following = False


def _generation(archive: Archive) -> int:
    return archive.engine.snapshot.generation.manifest.generation


# -- one poller ----------------------------------------------------------------------------


def take_poller(state: BotState) -> None:
    """Take the poller's lease before polling; raises PollerBusy when another process has it
    or webhook replicas run (polling would delete their webhook)."""
    replicas = state.archive.live_leases(WEBHOOK_LEASE)
    if replicas:
        names = ", ".join(r.name.removeprefix(WEBHOOK_LEASE) for r in replicas[:3])
        raise PollerBusy(
            f"webhook replicas of this bot are running ({names}); polling would remove their "
            "webhook: stop them first, or start this one with --webhook-url too"
        )
    ttl = state.settings.poller_lease_seconds
    if state.archive.acquire_lease(POLLER_LEASE, state.service.replica, ttl) is not None:
        return
    raise _polling(state, webhook=False)


def _polling(state: BotState, webhook: bool) -> PollerBusy:
    holder = state.archive.lease_holder(POLLER_LEASE)
    who = holder.holder if holder else "?"
    until = holder.expires_at.isoformat(timespec="seconds") if holder else "?"
    return PollerBusy.polling(who, until, webhook)


def join_replicas(state: BotState) -> None:
    """Before serving a webhook: refuse while a process polls; then say this replica runs (a
    lease renewed with the poller's period, so a later poller refuses to start)."""
    if state.archive.live_leases(POLLER_LEASE):
        raise _polling(state, webhook=True)
    ttl = state.settings.poller_lease_seconds
    state.archive.acquire_lease(WEBHOOK_LEASE + state.service.replica, state.service.replica, ttl)


async def renew_replica(context: BotContext) -> None:
    """Keep this webhook replica's lease."""
    state = context.state
    name = WEBHOOK_LEASE + state.service.replica
    ttl = state.settings.poller_lease_seconds
    try:
        await asyncio.to_thread(state.archive.acquire_lease, name, state.service.replica, ttl)
    except Exception:
        log.warning("could not renew this replica's lease; retrying", exc_info=True)


def leave_replicas(state: BotState) -> None:
    """At shutdown: this replica no longer serves."""
    try:
        state.archive.release_lease(WEBHOOK_LEASE + state.service.replica, state.service.replica)
    except Exception:
        log.warning("could not release this replica's lease (it expires)", exc_info=True)


async def renew_poller(context: BotContext) -> None:
    """Every third of the lease: keep it; a process that lost it (stalled longer than the lease,
    and another poller started) stops rather than poll beside the other."""
    state = context.state
    ttl = state.settings.poller_lease_seconds
    try:
        held = await asyncio.to_thread(
            state.archive.acquire_lease, POLLER_LEASE, state.service.replica, ttl
        )
    except Exception:
        log.warning("could not renew the poller's lease; retrying", exc_info=True)
        return
    if held is None:
        log.error("another process took over polling: stopping")
        context.application.stop_running()


def release_poller(state: BotState) -> None:
    """Give the poller's lease back at shutdown (a killed process's lease expires instead)."""
    try:
        state.archive.release_lease(POLLER_LEASE, state.service.replica)
    except Exception:
        log.warning("could not release the poller's lease (it expires)", exc_info=True)


# -- health --------------------------------------------------------------------------------


def health_body(health: Health) -> dict[str, object]:
    """What /healthz and `bot.py health` show: numbers only, no article nor user data."""
    return {
        "status": "ok" if health.ok else "unhealthy",
        "problems": [p.value for p in health.problems],
        "database": "unreachable"
        if HealthProblem.DATABASE_UNREACHABLE in health.problems
        else "reachable",
        "index_generation": health.generation,
        "articles": health.articles,
        "change_log": {
            "head": health.change_head,
            "applied": health.applied,
            "behind": health.behind,
            "lag_seconds": round(health.lag_seconds, 1) if health.lag_seconds is not None else None,
        },
    }


class _HealthHandler(tornado.web.RequestHandler):
    """GET /healthz: 200 when this replica can answer, 503 when it cannot."""

    def initialize(self, archive: Archive) -> None:
        self.archive = archive

    async def get(self) -> None:
        health = await asyncio.to_thread(self.archive.health)
        self.set_status(200 if health.ok else 503)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(health_body(health)))


def start_health_server(application: BotApplication) -> None:
    """Serve /healthz on HEALTH_LISTEN:HEALTH_PORT (when HEALTH_PORT is set)."""
    state = _state(application)
    port = state.settings.health_port
    if port is None:
        return
    app = tornado.web.Application([(r"/healthz", _HealthHandler, {"archive": state.archive})])
    server = tornado.httpserver.HTTPServer(app, xheaders=True)
    server.listen(port, address=state.settings.health_listen)
    state.service.health_server = server
    log.info("health at http://%s:%d/healthz", state.settings.health_listen, port)


async def stop_health_server(application: BotApplication) -> None:
    """Stop serving /healthz."""
    state = _state(application)
    server = state.service.health_server
    if server is not None:
        server.stop()
        await server.close_all_connections()
        state.service.health_server = None


def _state(application: BotApplication) -> BotState:
    from .context import STATE_KEY  # the context module imports this one

    state: BotState = application.bot_data[STATE_KEY]
    return state


# -- alerts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Change:
    raised: bool  # True: raised now; False: cleared now
    text: str


def _alert_changes(state: BotState) -> list[_Change]:
    """Raise or clear each alert; what changed in this call (blocks: reads the database)."""
    archive, settings = state.archive, state.settings
    changes: list[_Change] = []
    names = [s.name for s in state.crawls.scheduled]
    for name, count in archive.failed_in_a_row(names).items():
        key = SOURCE_ALERT + name
        if count >= settings.alert_crawl_failures:
            if archive.raise_alert(key, f"{count} failed crawls"):
                changes.append(_Change(True, texts.alert_source_failing(name, count)))
        elif archive.clear_alert(key):
            changes.append(_Change(False, texts.alert_source_recovered(name)))
    health = archive.health()
    if health.lag_seconds is not None:
        minutes = int(health.lag_seconds // 60)
        if health.lag_seconds > settings.alert_index_lag_seconds:
            if archive.raise_alert(INDEX_LAG_ALERT, f"{health.lag_seconds:.0f} s behind"):
                changes.append(_Change(True, texts.alert_index_behind(minutes)))
        elif archive.clear_alert(INDEX_LAG_ALERT):
            changes.append(_Change(False, texts.ALERT_INDEX_CAUGHT_UP))
    return changes


async def check_alerts(context: BotContext) -> None:
    """Every ALERT_CHECK_SECONDS: tell every admin once when a source keeps failing or the index
    falls behind, and once when it is over (whichever replica notices first)."""
    state = context.state
    if state.service.alerting:
        return
    state.service.alerting = True
    try:
        changes = await asyncio.to_thread(_alert_changes, state)
    except Exception:
        log.warning("could not check the alerts; retrying", exc_info=True)
        return
    finally:
        state.service.alerting = False
    for change in changes:
        log.warning("alert %s: %s", "raised" if change.raised else "cleared", change.text)
        for admin_id in sorted(state.settings.admin_ids):
            try:
                await context.bot.send_message(admin_id, change.text)
            except TelegramError:
                log.warning("could not tell admin %s of an alert", admin_id, exc_info=True)


# -- housekeeping --------------------------------------------------------------------------


async def housekeeping(context: BotContext) -> None:
    """Hourly: forget change log rows older than CHANGE_LOG_DAYS and idle throttle buckets."""
    state = context.state
    archive = state.archive
    try:
        before = archive.engine.clock() - timedelta(days=state.settings.change_log_days)
        pruned = await asyncio.to_thread(archive.prune_changes, before)
        forgotten = await asyncio.to_thread(archive.forget_idle_buckets, IDLE_BUCKET_SECONDS)
    except Exception:
        log.warning("housekeeping failed; retrying in an hour", exc_info=True)
        return
    if pruned or forgotten:
        log.info("housekeeping: %d change log rows, %d idle buckets forgotten", pruned, forgotten)

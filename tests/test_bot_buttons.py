"""Forged buttons: any callback data gets exactly one answer, a polite one, and no error."""

from __future__ import annotations

import logging
import random

import pytest

from bot import texts

from .fakebotapi import FakeBotAPI
from .test_bot import ask, button, citizen

FORGED = [
    "",
    None,
    "d:9999999999999999999",
    "d:0",
    "d:-1",
    "n:999999999",
    "s:AAAAAAAA:999999999",
    "c:AAAAAAAA:0",
    "r:AAAAAAAA",
    "k:",
    "x:",
    "s:" + "A" * 62,
    "\x00\x01\x02",
    "d:١٢",  # Arabic-Indic digits match \\d
    "g:d:9999999999:0",  # a digest no database holds
    "g:w:0:0",
    "g:d:1:" + "9" * 10,
    "😀" * 16,
]


def _random_data(rng: random.Random) -> str:
    raw = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 65)))
    return raw.decode("utf-8", "replace")[:64]


def test_forged_callback_data_gets_one_polite_answer_and_no_error(
    fake_api: FakeBotAPI, start_bot, caplog: pytest.LogCaptureFixture
) -> None:
    start_bot(user_burst=100, user_per_minute=6000)  # every press reaches the handlers
    user = citizen(1)
    reply = ask(fake_api, user, "phố sách")
    rng = random.Random(20261129)
    forged = [*FORGED, *(_random_data(rng) for _ in range(15))]
    # Another chat's button: a real one, pressed by someone who never saw the question.
    other = citizen(2)
    fake_api.open_chat(other)
    forged.append(button(reply, "Sau ▶"))
    with caplog.at_level(logging.ERROR):
        ids = [fake_api.forge_press(user, reply, data) for data in forged[:-1]]
        ids.append(fake_api.forge_press(other, reply, forged[-1]))
        for query_id in ids:
            fake_api.wait_call(
                "answerCallbackQuery", lambda c, q=query_id: c.params["callback_query_id"] == q
            )
    answers = fake_api.recorded("answerCallbackQuery")
    for query_id, data in zip(ids, forged, strict=True):
        mine = [c for c in answers if c.params["callback_query_id"] == query_id]
        assert len(mine) == 1, f"{data!r} was answered {len(mine)} times"
    refused = [c for c in answers if not c.ok]
    assert not refused
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
    for call in answers:
        assert call.params.get("text") in (None, texts.RESULTS_EXPIRED, texts.DIGEST_PAGE_GONE), (
            call
        )
    for query_id in ids[:3]:  # "", no data, an id no database holds
        (call,) = [c for c in answers if c.params["callback_query_id"] == query_id]
        assert call.params["text"] == texts.RESULTS_EXPIRED and call.params["show_alert"] == "true"

"""Deep links that carry a question, and the keyed hash that stands for a chat."""

import re

import pytest

from bot.conversation import Channel, ChatKeys
from bot.conversation.handover import PAYLOAD_LIMIT, decode, encode, new_token, token_of

VALID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # Telegram's start parameter


@pytest.mark.parametrize("question", ["hội thảo", "phố sách năm 2018", "IPv6 là gì?"])
def test_a_short_question_travels_whole_in_base64url(question: str) -> None:
    payload = encode(question)
    assert payload is not None and VALID.fullmatch(payload)
    assert decode(payload) == question


def test_a_long_question_does_not_fit_and_gets_a_token() -> None:
    assert encode("hội thảo chính quyền điện tử tỉnh Hòa Bình năm 2019 tổ chức ở đâu") is None
    payload, token = new_token()
    assert VALID.fullmatch(payload) and len(payload) <= PAYLOAD_LIMIT
    assert token_of(payload) == token and token_of("t_short") is None


@pytest.mark.parametrize("payload", ["tim", "doc_12", "q_%%%", "q_", "t_x"])
def test_other_payloads_are_not_questions(payload: str) -> None:
    assert decode(payload) is None


def test_chat_keys_are_stable_per_secret_and_hide_the_id() -> None:
    keys = ChatKeys("a-secret-of-sixteen+")
    key = keys.of(Channel.TELEGRAM, "2001")
    assert key == ChatKeys("a-secret-of-sixteen+").of(Channel.TELEGRAM, "2001")
    assert key != ChatKeys("another-secret-of-16").of(Channel.TELEGRAM, "2001")
    assert key != keys.of(Channel.ZALO, "2001") and "2001" not in key and len(key) == 64
    with pytest.raises(ValueError, match="16 characters"):
        ChatKeys("short")

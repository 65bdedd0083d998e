"""What a message means: the rule order of bot/conversation/intents.py, on the shipped table."""

import pytest

from bot.conversation import ChatTable, Intent, understand
from index import QueryDictionary

from .conftest import ROOT

TABLE = ChatTable(QueryDictionary.load(ROOT / "data" / "dictionary.txt").chat)


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("xin chào", Intent.GREETING),
        ("hi", Intent.GREETING),
        ("Chào bot!", Intent.GREETING),
        ("cảm ơn", Intent.THANKS),
        ("cảm ơn bạn nhiều nhé!", Intent.THANKS),
        ("cam on", Intent.THANKS),
        ("tks", Intent.THANKS),
        ("tạm biệt", Intent.GOODBYE),
        ("bạn là ai", Intent.WHO_AM_I),
        ("giúp tôi", Intent.HELP),
        ("sai rồi", Intent.COMPLAINT),
        ("không đúng", Intent.COMPLAINT),
        ("ok", Intent.ACKNOWLEDGED),
        ("tin mới", Intent.LATEST),
        ("tin mới nhất", Intent.LATEST),
        ("có gì mới", Intent.LATEST),
        ("tin moi nhat", Intent.LATEST),
        ("mới", Intent.LATEST),
        ("hôm nay có tin gì", Intent.TODAY),
        ("tiếp", Intent.NEXT),
        ("xem tiếp nhé", Intent.NEXT),
        ("trước", Intent.PREVIOUS),
        ("chuyên mục", Intent.CATEGORIES),
        ("chi tiết hơn", Intent.DETAILS),
        ("nói rõ hơn", Intent.DETAILS),
        ("tin cũ hơn", Intent.OLDER),
        ("mới hơn", Intent.NEWER),
        ("xóa dữ liệu", Intent.FORGET),
        ("???", Intent.EMPTY),
    ],
)
def test_whole_messages_of_the_table(message: str, intent: Intent) -> None:
    assert understand(message, TABLE).intent is intent


@pytest.mark.parametrize(
    "message",
    [
        "thư cảm ơn của Chủ tịch nước",
        "xin chào Việt Nam",
        "chào mừng ngày thành lập ngành",
        "hướng dẫn thủ tục đăng ký",
        "tiếp xúc cử tri",
        "sai phạm trong đấu thầu",
        "tin mới về chuyển đổi số",
        "hội thảo chính quyền điện tử",
        "hoi thao chinh quyen dien tu",
    ],
)
def test_a_real_question_containing_a_phrase_stays_a_search(message: str) -> None:
    understood = understand(message, TABLE)
    assert understood.intent is Intent.SEARCH and understood.words == message


@pytest.mark.parametrize(
    ("message", "intent", "number"),
    [
        ("đọc 2", Intent.READ_NUMBER, 2),
        ("doc 2", Intent.READ_NUMBER, 2),
        ("bài thứ 2 nói gì", Intent.READ_NUMBER, 2),
        ("bài thứ hai", Intent.READ_NUMBER, 2),
        ("xem bài số 3", Intent.READ_NUMBER, 3),
        ("bài đầu", Intent.READ_NUMBER, 1),
        ("bài cuối", Intent.READ_LAST, None),
        ("bài đó", Intent.READ_THAT, None),
        ("bài đó nói gì", Intent.READ_THAT, None),
    ],
)
def test_references_to_the_list_shown(message: str, intent: Intent, number: int | None) -> None:
    understood = understand(message, TABLE)
    assert (understood.intent, understood.number) == (intent, number)


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("còn hội sách thì sao", "hội sách"),
        ("còn hội sách thì sao?", "hội sách"),
        ("thế còn phố sách", "phố sách"),
        ("vậy còn phố sách thế nào", "phố sách"),
        ("hội sách nữa", "hội sách"),
        ("hội sách thì sao", "hội sách"),
        ("con hoi sach thi sao", "hoi sach"),
    ],
)
def test_elliptical_follow_ups_carry_their_new_words(message: str, words: str) -> None:
    understood = understand(message, TABLE)
    assert (understood.intent, understood.words) == (Intent.FOLLOW_UP, words)


def test_a_greeting_before_a_question_is_the_question() -> None:
    assert understand("chào bạn, hội sách ở đâu?", TABLE).words == "hội sách ở đâu?"
    assert understand("xin chào! tin mới nhất", TABLE).intent is Intent.LATEST


@pytest.mark.parametrize("message", ["covid vaccine news", "what is new today", "你好"])
def test_another_language_is_noted_then_searched(message: str) -> None:
    understood = understand(message, TABLE)
    assert understood.intent is Intent.FOREIGN and understood.words == message


def test_the_rule_order_puts_the_table_before_references_and_follow_ups() -> None:
    # "mới hơn" is the table's, though "mới" alone means the latest articles
    assert understand("mới hơn", TABLE).intent is Intent.NEWER
    # "bài đầu" is a reference, "còn X" a follow-up, even when X is a table phrase
    assert understand("còn tin mới thì sao", TABLE).intent is Intent.FOLLOW_UP

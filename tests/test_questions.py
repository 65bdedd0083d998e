import pytest

from bot.callbacks import short_key
from bot.questions import QuestionCache, clean_question


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("  hội thảo   chính quyền\nđiện tử ", "hội thảo chính quyền điện tử"),
        ("/tim phố sách", "phố sách"),
        ("/tim@Tin_So_Bot phố sách", "phố sách"),
        ("/TIM phố sách", "phố sách"),
        ("/tim", ""),
        ("/timkiem phố sách", "/timkiem phố sách"),
        ("@tin_so_bot phố sách", "phố sách"),
        ("cho hỏi @TIN_SO_BOT về phố sách", "cho hỏi về phố sách"),
        ("@tin_so_bot_khac phố sách", "@tin_so_bot_khac phố sách"),
        ("email@tin_so_bot.vn", "email@tin_so_bot.vn"),
    ],
)
def test_the_question_is_the_message_without_command_or_mention(text: str, question: str) -> None:
    assert clean_question(text, "tin_so_bot") == question


def test_recent_questions_are_kept_least_recently_used_first_out() -> None:
    cache = QuestionCache(2)
    first, second = cache.remember("phố sách"), cache.remember("chuyển đổi số")
    assert first == short_key("phố sách")
    assert cache.get(first) == "phố sách"  # now the most recent
    cache.remember("hội thảo")
    assert cache.get(second) is None and cache.get(first) == "phố sách" and len(cache) == 2

"""The answer line: for "when / where / who / how many" questions, the one sentence of the best
article that answers, e.g. the sentence naming the date and the venue of an event."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .snippets import QueryMatcher, Snippet, best_sentence

__all__ = ["find_answer"]

_DATE = re.compile(
    r"\b\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?\b|\b(?:ngày|tháng|năm|quý|tuần)\s+\d"
    r"|\b\d{1,2}\s*(?:h|giờ)\s*\d{0,2}\b|\b(?:sáng|chiều|tối)\s+(?:ngày|nay|mai|qua)\b",
    re.IGNORECASE,
)
_PLACE = re.compile(
    r"\b(?:tại|ở|địa điểm|trụ sở|hội trường|trung tâm|nhà văn hóa|khách sạn|sân|phòng họp)\s",
    re.IGNORECASE,
)
_PERSON = re.compile(
    r"\b(?:đồng chí|ông|bà|anh|chị|giám đốc|phó giám đốc|chủ tịch|phó chủ tịch|bí thư|trưởng|"
    r"thứ trưởng|bộ trưởng|tổng giám đốc|chánh văn phòng)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?<![/\d])\b\d+(?:[.,]\d+)*\b(?!\s*/\s*\d)")

_EVIDENCE: dict[str, Callable[[str], bool]] = {
    "when": lambda s: bool(_DATE.search(s)),
    "where": lambda s: bool(_PLACE.search(s)),
    "who": lambda s: bool(_PERSON.search(s)),
    "how_many": lambda s: bool(_NUMBER.search(s)),
}


def find_answer(
    intent: str | None, sentences: Sequence[str], matcher: QueryMatcher
) -> Snippet | None:
    """The best-matching sentence that holds the kind of fact the question asks for."""
    evidence = _EVIDENCE.get(intent or "")
    if evidence is None:
        return None
    return best_sentence(sentences, matcher, lambda s: 1.0 if evidence(s) else 0.0)

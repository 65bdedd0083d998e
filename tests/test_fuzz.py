"""Fuzzing what users send and files hold (fixed seeds, bounded budgets): never a traceback,
never an unbounded step. Random bytes, JSON and text files through the importers and the store;
random Unicode questions through the search and the renderers; random callback data through the
bot's decoder (and, end to end, tests/test_bot_buttons.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.callbacks import decode
from bot.render import HTML, TELEGRAM_LIMIT, render_results, utf16_length
from index import Archive, EmptyQuery, bound_question
from index.store import ArticleRecord, Problem, Store, read_bytes
from index.text.analyzer import Analyzer

FUZZ = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# JSON values shaped like articles, then broken in the ways files break.
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=60),
    st.sampled_from(["0001-01-01", "9999-12-31", "01/01/2099", "31/02/2020", "1e20", "\u0000",
                     "http://", "https://so.gov.vn/\u0000", "<b>x</b>&amp;", "hôm kia"]),
)  # fmt: skip
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_FIELDS = st.sampled_from(["title", "url", "link", "body", "content", "summary", "date",
                           "published", "category", "author", "source", "items"])  # fmt: skip
RECORDS = st.dictionaries(_FIELDS, _VALUES, max_size=7)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1258", "cp1252"])


@st.composite
def files(draw: st.DrawFn) -> tuple[bytes, str]:
    """(content, suffix) of a file an admin might feed the importer."""
    kind = draw(st.sampled_from(["jsonl", "json", "txt", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=2048)), draw(st.sampled_from([".txt", ".json", ".jsonl"]))
    if kind == "txt":
        text = "\n".join(draw(st.lists(st.text(max_size=80), max_size=8)))
        return text.encode(draw(ENCODINGS), "replace"), ".txt"
    records = draw(st.lists(RECORDS, max_size=6))
    if kind == "jsonl":
        lines = [json.dumps(r, ensure_ascii=draw(st.booleans())) for r in records]
        lines = [line[: draw(st.integers(0, len(line)))] if draw(st.booleans()) else line
                 for line in lines]  # fmt: skip
        text = "\n".join(lines)
    else:
        text = json.dumps(draw(st.sampled_from([records, {"items": records}, records[:1]])))
        text = text[: draw(st.integers(0, len(text)))] if draw(st.booleans()) else text
    return text.encode(draw(ENCODINGS), "replace"), f".{kind}"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.sqlite3'}")
    yield opened
    opened.close()


@settings(FUZZ, max_examples=100)
@given(files())
def test_any_file_is_read_and_stored_without_a_traceback(
    store: Store, file: tuple[bytes, str]
) -> None:
    data, suffix = file
    items = list(read_bytes(data, f"fuzz{suffix}", suffix))
    assert all(isinstance(i, (ArticleRecord, Problem)) for i in items)
    assert all(str(p) and len(p.detail) <= 1000 for p in items if isinstance(p, Problem))
    report = store.store_items(iter(items), Analyzer())
    records = sum(isinstance(i, ArticleRecord) for i in items)
    assert report.added + report.updated + report.unchanged + report.failed >= records
    assert not [p for p in report.problems if p.code.value == "cannot_store"]


_QUESTION_PIECES = st.sampled_from(
    ["hội thảo", "hoi thao", "tháng 5/2019", "ddooir", "UBND", "\u0301", "\u200b", "\u200f",
     "مرحبا", "😀", "<b>", "&", "x" * 200, "chuyendoiso", " ", "\n", "?", "1" * 20]
)  # fmt: skip
QUESTIONS = st.builds(
    lambda parts, repeat, size: ("".join(parts) * repeat)[:size],
    st.lists(st.one_of(_QUESTION_PIECES, st.text(max_size=20)), min_size=1, max_size=6),
    st.integers(1, 300),
    st.integers(1, 4096),
)


@settings(FUZZ, max_examples=20)
@given(QUESTIONS)
def test_any_question_is_searched_and_rendered_within_telegrams_limit(
    sample_engine: Archive, question: str
) -> None:
    """As the engine will search it once it calls bound_question (the reply quotes the
    question as typed)."""
    try:
        page = sample_engine.search(bound_question(question).text, 5)
    except EmptyQuery:
        return
    page = type(page)(**{**page.__dict__, "query": question})
    message = render_results(page, HTML)
    assert message and utf16_length(message) <= TELEGRAM_LIMIT


@settings(FUZZ, max_examples=300)
@given(st.one_of(st.none(), st.text(max_size=64), st.binary(max_size=64).map(
    lambda b: b.decode("utf-8", "replace"))))  # fmt: skip
def test_any_callback_data_decodes_to_a_reference_or_nothing(data: str | None) -> None:
    decode(data)  # never raises; what it returns is checked by the handlers

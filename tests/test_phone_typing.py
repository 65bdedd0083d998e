"""Questions typed the way phones type them, end to end: `bot.py ask --json` and the bot over the
fake Bot API, one question per kind of the typing evaluation set (data/eval/typing)."""

from __future__ import annotations

import json

import pytest

from index import Archive, ArticleRecord

from .fakebotapi import FakeBotAPI
from .test_bot import SEED_TITLE, ask, citizen
from .test_cli import run

BUDGET_2018 = "Công khai số liệu quyết toán ngân sách năm 2018 của Sở Thông tin và Truyền thông"


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh database: the first `ask` builds it from the shipped sample."""
    return f"sqlite:///{tmp_path_factory.mktemp('typing') / 'fresh.sqlite3'}"


@pytest.mark.parametrize(
    ("kind", "typed", "understood", "first"),
    [
        (
            "telex",
            "hooij thaor chinhs quyeenf ddieenj tuwr",
            "hội thảo chính quyền điện tử",
            SEED_TITLE,
        ),
        (
            "vni",
            "ho6i5 tha3o chi1nh quye62n d9ie65n tu73",
            "hội thảo chính quyền điện tử",
            SEED_TITLE,
        ),
        ("typo", "hoi thao chinh quyen dien tuu", None, SEED_TITLE),
        ("glued", "hoithao chinhquyen dientu", None, SEED_TITLE),
        (
            "zerowidth",
            "\ufeffHội thảo chính\u200b quyền điện\u200btử tỉnh Hòa Bình",
            None,
            SEED_TITLE,
        ),
        ("year_as_topic", "quyết toán ngân sách năm 2018", None, BUDGET_2018),
        ("event_date", "hội thảo chính quyền điện tử tháng 5/2019", None, SEED_TITLE),
    ],
)
def test_ask_json_reads_a_phone_typed_question(
    cli_db: str, kind: str, typed: str, understood: str | None, first: str
) -> None:
    result = run("ask", "--json", typed, database_url=cli_db)
    assert result.returncode == 0, result.stderr
    page = json.loads(result.stdout)
    assert page["hits"][0]["title"] == first, kind
    if understood is not None:
        assert page["understood"] == understood
    assert page["filters"] is None  # nothing is a wall: a named period is only preferred


def test_ask_json_says_which_period_it_prefers(cli_db: str) -> None:
    result = run(
        "ask", "--json", "hoi thao chinh quyen dien tu thang 5 nam 2019", database_url=cli_db
    )
    page = json.loads(result.stdout)
    assert page["preferred"]["label"] == "tháng 5 năm 2019"  # said back in proper Vietnamese
    assert page["preferred"]["since"].startswith("2019-05-01")
    assert page["hits"][0]["title"] == SEED_TITLE  # held 31/5, published 02/06


def test_ask_teencode_finds_the_book_fair(cli_db: str) -> None:
    result = run("ask", "--json", "hn co hoi sach j ko", database_url=cli_db)
    page = json.loads(result.stdout)
    assert page["total"] > 0 and "Hội Sách Hà Nội" in page["hits"][0]["title"]


def test_a_category_name_alone_is_a_topic_not_a_filter(cli_db: str) -> None:
    result = run("ask", "--json", "công nghệ thông tin", database_url=cli_db)
    page = json.loads(result.stdout)
    assert page["filters"] is None
    assert len({hit["category"] for hit in page["hits"]}) > 1 or page["total"] > 5


def test_near_identical_copies_are_one_hit(sqlite_url: str) -> None:
    archive = Archive.open(sqlite_url)
    body = (
        "Ngày 12/3, Sở Thông tin và Truyền thông tổ chức hội nghị tập huấn an toàn thông tin "
        "cho cán bộ phụ trách công nghệ thông tin của các quận, huyện, thị xã trên địa bàn "
        "thành phố. Hội nghị giới thiệu các nguy cơ mất an toàn thông tin và cách phòng tránh."
    )
    records = [
        ArticleRecord(
            title="Tập huấn an toàn thông tin cho cán bộ quận huyện",
            body=body + extra,
            url=f"https://example.vn/{name}",
            source=name,
        )
        for name, extra in (("Báo A", ""), ("Báo B", " Nguồn: Báo B."))
    ]
    records.append(
        ArticleRecord(
            title="Tập huấn an toàn thông tin cho cán bộ quận huyện",
            body="Lịch tập huấn năm sau gồm các lớp về chữ ký số và dịch vụ công trực tuyến.",
            url="https://example.vn/c",
            source="Báo C",
        )
    )
    filler = [
        ArticleRecord(
            title=f"Tin số {i}",
            body=f"Hội nghị thường kỳ tháng {i}.",
            url=f"https://example.vn/f{i}",
        )
        for i in range(1, 7)
    ]
    archive.ingest_items([*records, *filler])
    page = archive.search("tập huấn an toàn thông tin", limit=10)
    titles = [hit.title for hit in page.hits]
    assert titles.count("Tập huấn an toàn thông tin cho cán bộ quận huyện") == 2  # not 3
    assert page.hits[0].also_at in (("Báo A",), ("Báo B",))
    archive.close()


def test_the_bot_says_what_it_understood_of_telex(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    reply = ask(fake_api, citizen(31), "chuyeenr ddooir soos")
    lines = reply["text"].split("\n")
    assert lines[1] == "✍️ Bot hiểu câu hỏi là: “chuyển đổi số”"
    assert "chuyển đổi số" in reply["text"].lower()


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("d9a2o ta5o di5ch vu5 co6ng tru75c tuye61n", None),  # VNI
        ("hn co hoi sach j ko", "Hội Sách Hà Nội"),  # teencode
        ("tuyen truyen phong chong covit", "COVID"),  # typo
        ("hội thảo chính quyền điện\u200btử", SEED_TITLE),  # zero-width space
        ("kế hoạch ứng dụng CNTT năm 2011", None),  # year as topic
        ("hội thảo chính quyền điện tử tháng 5/2019", SEED_TITLE),  # event date
        ("số hóa truyền dẫn", None),  # a category name
    ],
)
def test_the_bot_answers_each_kind(
    fake_api: FakeBotAPI, start_bot, typed: str, title: str | None
) -> None:
    start_bot()
    reply = ask(fake_api, citizen(32), typed)
    assert reply["text"].startswith("🔎 Kết quả cho"), reply["text"][:200]
    first = reply["text"].split("\n1. ", 1)[1].split("\n", 1)[0]
    if title is not None:
        assert title.lower() in first.lower()

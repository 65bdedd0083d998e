import json
import unicodedata
from pathlib import Path

import pytest

from index.store.importers import ArticleRecord, Problem, parse_text_article, read_paths

from .conftest import SAMPLE, SEED


def _records(items: list) -> list[ArticleRecord]:
    return [i for i in items if isinstance(i, ArticleRecord)]


def _problems(items: list) -> list[Problem]:
    return [i for i in items if isinstance(i, Problem)]


def test_seed_text_dump_is_parsed_into_fields() -> None:
    (record,) = list(read_paths([SEED]))
    assert record.category == "Tin hoạt động sở"
    assert record.title == (
        "Hội thảo xây dựng chính quyền điện tử và đô thị thông minh tỉnh Hòa Bình năm 2019"
    )
    assert record.published_at is not None
    assert record.published_at.isoformat() == "2019-06-02T17:00:00+07:00"
    assert record.author == "Nguyễn Hải"
    assert record.body.startswith("Ngày 31/5, tại Trung tâm thương mại AP Plaza")
    assert record.body.endswith("theo mô hình hợp tác công – tư./.")


def test_site_chrome_and_photo_captions_are_not_body_text() -> None:
    (record,) = list(read_paths([SEED]))
    assert "Danh sách bài viết mới" not in record.body
    assert "Toàn cảnh hội thảo" not in record.body
    assert "phát biểu tại hội thảo\n" not in record.body + "\n"
    assert "Nguyễn Hải" not in record.body


def test_jsonl_records_of_the_hanoi_portal() -> None:
    items = list(read_paths([SAMPLE / "sotttt-hanoi" / "items.jsonl"]))
    records = _records(items)
    assert len(records) == 213 and not _problems(items)
    first = records[0]
    assert first.url and first.url.startswith("https://sotttt.hanoi.gov.vn/")
    assert first.published_at and first.published_at.utcoffset().total_seconds() == 7 * 3600
    assert first.category == "Chỉ đạo điều hành"
    assert not any("grave;" in r.summary or "rdquo;" in r.summary for r in records)


def test_json_array_object_and_aliases(tmp_path: Path) -> None:
    data = [
        {
            "title": "Tin một",
            "link": "https://example.gov.vn/a",
            "content": "<p>Đoạn một.</p><p>Đoạn hai.</p>",
            "published": "Thứ hai, 03/06/2019 - 08:15",
            "category": "Tin tức",
        },
        {"title": "Tin hai", "description": "Tóm tắt", "date": "2019-06-04"},
    ]
    (tmp_path / "a.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps({"items": data[:1]}), encoding="utf-8")
    records = _records(list(read_paths([tmp_path])))
    assert [r.title for r in records] == ["Tin một", "Tin hai", "Tin một"]
    assert records[0].body == "Đoạn một.\nĐoạn hai."
    assert records[0].published_at.isoformat() == "2019-06-03T08:15:00+07:00"
    assert records[1].summary == "Tóm tắt"


def test_bad_jsonl_lines_are_reported_with_line_numbers_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    good = json.dumps({"title": "Bài tốt", "url": "https://x.gov.vn/1"}, ensure_ascii=False)
    path.write_bytes(
        b"\n".join(
            [
                good.encode(),
                '{"title": "thiếu'.encode(),  # truncated JSON
                b'{"title": "Latin-1 \xe9"}',  # not UTF-8
                b'["not", "an", "object"]',
                b'{"summary": "no title"}',
                b'{"title": "Bad url", "url": "ftp//x"}',
                '{"title": "Bad date", "date": "hôm kia"}'.encode(),
                json.dumps({"title": "Bài tốt 2"}).encode(),
            ]
        )
    )
    items = list(read_paths([path]))
    assert [r.title for r in _records(items)] == ["Bài tốt", "Bài tốt 2"]
    reasons = {p.origin.rsplit(":", 1)[1]: p.message for p in _problems(items)}
    assert set(reasons) == {"2", "3", "4", "5", "6", "7"}
    assert "malformed JSON" in reasons["2"]
    assert "UTF-8" in reasons["3"]
    assert "object" in reasons["4"]
    assert "missing title" in reasons["5"]
    assert "invalid url" in reasons["6"]
    assert "date" in reasons["7"]


def test_binary_empty_and_unsupported_files(tmp_path: Path) -> None:
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    (tmp_path / "empty.jsonl").write_bytes(b"   \n")
    (tmp_path / "notes.md").write_text("# notes")
    items = list(read_paths([tmp_path]))
    problems = {Path(p.origin).name: p for p in _problems(items)}
    assert "binary" in problems["photo.txt"].message and problems["photo.txt"].skipped
    assert "empty" in problems["empty.jsonl"].message and problems["empty.jsonl"].skipped
    assert not problems["notes.md"].skipped  # ignored inside a folder, not a failure
    assert list(read_paths([tmp_path / "notes.md"]))[0].skipped  # named explicitly: a failure


def test_text_in_a_legacy_encoding_is_read_with_a_warning(tmp_path: Path) -> None:
    original = SEED.read_text(encoding="utf-8")
    tones = "\u0300\u0301\u0303\u0309\u0323"
    legacy = "".join(
        unicodedata.normalize(
            "NFC", "".join(c for c in unicodedata.normalize("NFD", ch) if c not in tones)
        )
        + "".join(c for c in unicodedata.normalize("NFD", ch) if c in tones)
        for ch in original.replace("–", "-")
    )
    path = tmp_path / "cp1258.txt"
    path.write_bytes(legacy.encode("cp1258"))
    items = list(read_paths([path]))
    (record,) = _records(items)
    assert record.title.startswith("Hội thảo xây dựng chính quyền điện tử")
    assert any("cp1258" in p.message and not p.skipped for p in _problems(items))


def test_missing_path_is_a_problem() -> None:
    (problem,) = list(read_paths([Path("/nonexistent/file.jsonl")]))
    assert problem.skipped and "no such file" in problem.message


@pytest.mark.parametrize(
    ("text", "title", "category"),
    [
        ("Tiêu đề bài\n01/02/2020 08:00\nNội dung bài viết đầy đủ.", "Tiêu đề bài", None),
        ("Chuyên mục\n\nTiêu đề\n\n01/02/2020\n\nThân bài.", "Tiêu đề", "Chuyên mục"),
    ],
)
def test_text_dump_variants(text: str, title: str, category: str | None) -> None:
    record = parse_text_article(text, "x.txt")
    assert isinstance(record, ArticleRecord)
    assert (record.title, record.category) == (title, category)
    assert record.published_at is not None

import json
import unicodedata
from pathlib import Path

import pytest

from index.store.importers import ArticleRecord, Problem, parse_text_article, read_paths
from index.store.records import ProblemCode

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


# -- bounded records (robustness issue) ---------------------------------------------------------

GOOD = {"title": "Hội nghị chuyển đổi số", "url": "https://so.gov.vn/1", "date": "01/06/2024"}


def _line(**changes: object) -> str:
    return json.dumps({**GOOD, **changes}, ensure_ascii=False)


@pytest.mark.parametrize("date", [1e20, -1e20, 253402300800, "0001-01-01", "9999-12-31"])
def test_a_date_out_of_range_is_dropped_with_a_note_and_the_record_kept(
    tmp_path: Path, date: object
) -> None:
    path = tmp_path / "dates.jsonl"
    path.write_text(_line(date=date) + "\n" + _line(url="https://so.gov.vn/2"), encoding="utf-8")
    items = list(read_paths([path]))
    first, second = _records(items)
    assert first.published_at is None and second.published_at is not None
    (note,) = _problems(items)
    assert not note.skipped and note.origin.endswith(":1") and "stored without a date" in str(note)


def test_future_dates_of_text_dumps_are_dropped_too(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Tiêu đề\n01/01/2099 08:00\nNội dung bài.", encoding="utf-8")
    items = list(read_paths([tmp_path / "a.txt"]))
    (record,) = _records(items)
    assert record.published_at is None
    assert [p.code for p in _problems(items)] == [ProblemCode.DATE_OUT_OF_RANGE]


def test_a_nan_date_is_a_bad_date_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "nan.jsonl"
    path.write_text('{"title": "Tin", "date": NaN}\n' + _line(), encoding="utf-8")
    items = list(read_paths([path]))
    assert len(_records(items)) == 1
    assert [p.code for p in _problems(items)] == [ProblemCode.BAD_DATE]


def test_nul_characters_are_removed_with_a_note_and_refused_in_urls(tmp_path: Path) -> None:
    path = tmp_path / "nul.jsonl"
    path.write_text(
        _line(body="Nội\u0000 dung", title="Tiêu\u0000đề")
        + "\n"
        + _line(url="https://a.vn/\u0000"),
        encoding="utf-8",
    )
    items = list(read_paths([path]))
    (record,) = _records(items)
    assert record.body == "Nội dung" and record.title == "Tiêuđề"
    codes = {p.code: p for p in _problems(items)}
    assert not codes[ProblemCode.NUL_REMOVED].skipped
    assert "title" in codes[ProblemCode.NUL_REMOVED].detail
    assert codes[ProblemCode.INVALID_URL].skipped


def test_deep_json_is_refused_with_a_reason_and_the_next_line_kept(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    deep = "[" * 100_000 + "]" * 100_000
    nested = json.dumps({**GOOD, "body": json.loads("[" * 40 + "1" + "]" * 40)})
    path.write_text("\n".join([deep, nested, _line(url="https://so.gov.vn/3")]), encoding="utf-8")
    items = list(read_paths([path]))
    assert [r.url for r in _records(items)] == ["https://so.gov.vn/3"]
    assert [p.code for p in _problems(items)] == [ProblemCode.TOO_DEEP] * 2


def test_deep_json_arrays_are_refused_item_by_item(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    deep = "[" * 100_000 + "]" * 100_000
    path.write_text(f'{{"items": [{deep}, {_line()}]}}', encoding="utf-8")
    items = list(read_paths([path]))
    assert len(_records(items)) == 1
    (problem,) = _problems(items)
    assert problem.code is ProblemCode.TOO_DEEP and problem.origin.endswith("item 1")


def test_a_huge_line_is_skipped_without_being_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.store import importers

    monkeypatch.setattr(importers, "MAX_RECORD_BYTES", 1000)
    path = tmp_path / "long.jsonl"
    path.write_text(_line(body="x" * 5000) + "\n" + _line(url="https://so.gov.vn/9"), "utf-8")
    items = list(read_paths([path]))
    assert [r.url for r in _records(items)] == ["https://so.gov.vn/9"]
    (problem,) = _problems(items)
    assert problem.code is ProblemCode.TOO_LARGE and problem.origin.endswith(":1")


def test_a_huge_body_is_cut_with_a_note(tmp_path: Path) -> None:
    from index.store.records import MAX_BODY_CHARS

    path = tmp_path / "big.json"
    body = ("Sở tổ chức hội nghị chuyển đổi số. " * 10) + "\n"
    path.write_text(json.dumps([{**GOOD, "body": body * (MAX_BODY_CHARS // len(body) + 999)}]))
    items = list(read_paths([path]))
    (record,) = _records(items)
    assert MAX_BODY_CHARS * 0.9 < len(record.body) <= MAX_BODY_CHARS
    assert [p.code for p in _problems(items)] == [ProblemCode.BODY_CUT]


def test_a_title_is_kept_whole_unless_absurd(tmp_path: Path) -> None:
    path = tmp_path / "titles.jsonl"
    path.write_text(_line(title="Dài " * 2000) + "\n" + _line(title="x" * 20_000), "utf-8")
    items = list(read_paths([path]))
    (record,) = _records(items)
    assert len(record.title) == len(("Dài " * 2000).strip())
    assert [p.code for p in _problems(items)] == [ProblemCode.TITLE_TOO_LONG]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_unicode_files_with_or_without_a_byte_order_mark(
    tmp_path: Path, encoding: str, suffix: str
) -> None:
    records = [_line(url=f"https://so.gov.vn/{i}") for i in range(3)]
    text = "\n".join(records) if suffix == ".jsonl" else "[" + ",\n".join(records) + "]"
    path = tmp_path / f"a{suffix}"
    path.write_bytes(text.encode(encoding))
    items = list(read_paths([path]))
    assert [r.title for r in _records(items)] == [GOOD["title"]] * 3
    assert not _problems(items)


def test_json_arrays_are_read_item_by_item_and_a_syntax_error_keeps_what_came_before(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cut.json"
    path.write_text(f'[{_line()}, {_line(url="https://so.gov.vn/2")}, {{"title": "x', "utf-8")
    items = list(read_paths([path]))
    assert len(_records(items)) == 2
    (problem,) = _problems(items)
    assert problem.code is ProblemCode.MALFORMED_JSON and problem.origin.endswith("item 3")


def test_a_single_object_and_wrappers_other_than_items(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text(_line(), "utf-8")
    (tmp_path / "wrapped.json").write_text(f'{{"meta": {{"n": 1}}, "articles": [{_line()}]}}')
    (tmp_path / "scalar.json").write_text("42")
    items = list(read_paths([tmp_path]))
    assert len(_records(items)) == 2
    assert [p.code for p in _problems(items)] == [ProblemCode.NOT_ARTICLES]


def test_a_windows_1252_text_is_read_as_1252_not_1250(tmp_path: Path) -> None:
    path = tmp_path / "cp1252.txt"
    text = "Tin tức\nHà Nội mở rộng\n01/06/2024\nSở họp ở Hà Nội."
    path.write_bytes(text.encode("cp1252", "replace"))
    items = list(read_paths([path]))
    (record,) = _records(items)
    assert record.title.startswith("Hà N") and "Hà N" in record.body
    assert any(p.code is ProblemCode.LEGACY_ENCODING and p.detail == "cp1252" for p in items)


def test_one_bad_byte_costs_one_character_not_the_article(tmp_path: Path) -> None:
    text = SEED.read_bytes()
    path = tmp_path / "damaged.txt"
    path.write_bytes(text[:300] + b"\xff" + text[300:])
    items = list(read_paths([path]))
    (record,) = _records(items)
    assert record.title.startswith("Hội thảo xây dựng chính quyền điện tử")
    assert [(p.code, p.detail) for p in _problems(items)] == [(ProblemCode.BYTES_REPLACED, "1")]


def test_every_problem_code_has_an_english_and_a_vietnamese_reason() -> None:
    from bot.texts import PROBLEMS

    for code in ProblemCode:
        assert Problem("f", code, "x").message
        assert code in PROBLEMS and PROBLEMS[code].format(detail="x")

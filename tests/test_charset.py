"""Decoding pages: header, then meta tag, then detection; Windows-1258 comes out as NFC."""

import unicodedata

import pytest

from index.text.charset import declared_charset, decode_page

from .sites import to_cp1258

TEXT = "Hội thảo xây dựng chính quyền điện tử và đô thị thông minh tỉnh Hòa Bình năm 2019"
PAGE = (
    f"<html><head>{{meta}}</head><body><h1>{TEXT}</h1><p>Ngày 31/5, tại Trung tâm thương mại "
    f"AP Plaza.</p></body></html>"
)


def test_windows_1258_declared_in_the_header_becomes_nfc() -> None:
    data = to_cp1258(PAGE.format(meta=""))
    assert "\u0323".encode("cp1258") in data  # the tone marks really are combining characters
    text, encoding = decode_page(data, "text/html; charset=windows-1258")
    assert encoding == "cp1258" and TEXT in text and text == unicodedata.normalize("NFC", text)


def test_windows_1258_declared_only_in_a_meta_tag() -> None:
    data = to_cp1258(
        PAGE.format(
            meta='<meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'
        )
    )
    text, encoding = decode_page(data, "text/html")
    assert encoding == "cp1258" and TEXT in text


def test_windows_1258_without_any_declaration_is_detected() -> None:
    text, encoding = decode_page(to_cp1258(PAGE.format(meta="")), None)
    assert encoding == "cp1258" and TEXT in text


@pytest.mark.parametrize(
    "header",
    [
        "text/html; charset=iso-8859-1",
        "text/html; charset=windows-1258",
        "text/html; charset=bogus",
    ],
)
def test_a_wrong_header_loses_against_valid_utf8(header: str) -> None:
    text, encoding = decode_page(PAGE.format(meta='<meta charset="utf-8">').encode("utf-8"), header)
    assert encoding == "utf-8" and TEXT in text


def test_a_utf8_header_on_a_legacy_page_falls_back_to_its_meta_tag() -> None:
    data = to_cp1258(PAGE.format(meta='<meta charset="windows-1258">'))
    text, encoding = decode_page(data, "text/html; charset=utf-8")
    assert encoding == "cp1258" and TEXT in text


def test_byte_order_marks_win() -> None:
    text, _ = decode_page(
        "\ufeff".encode("utf-16-le") + PAGE.format(meta="").encode("utf-16-le"),
        "text/html; charset=iso-8859-1",
    )
    assert TEXT in text


def test_declared_charset_reads_only_known_codecs() -> None:
    assert declared_charset('text/html; charset="Windows-1258"') == "cp1258"
    assert declared_charset("text/html;charset=UTF-8") == "utf-8"
    assert declared_charset("text/html; charset=x-unknown") is None
    assert declared_charset(None) is None

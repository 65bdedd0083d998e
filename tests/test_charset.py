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


# -- imported files ------------------------------------------------------------------------------

FILE_TEXT = "Hội thảo chính quyền điện tử tỉnh Hòa Bình\nSở họp ở Hà Nội ngày 31/5."


@pytest.mark.parametrize(
    ("data", "codec", "bom"),
    [
        (FILE_TEXT.encode("utf-8"), "utf-8", 0),
        (b"\xef\xbb\xbf" + FILE_TEXT.encode("utf-8"), "utf-8", 3),
        (FILE_TEXT.encode("utf-16"), "utf-16-le", 2),
        (FILE_TEXT.encode("utf-16-le"), "utf-16-le", 0),
        (FILE_TEXT.encode("utf-16-be"), "utf-16-be", 0),
        (to_cp1258(FILE_TEXT), "cp1258", 0),
        ("Hà Nội, Sở Tài chính.".encode("cp1252", "replace"), "cp1252", 0),
    ],
    ids=["utf-8", "utf-8 bom", "utf-16 bom", "utf-16-le", "utf-16-be", "cp1258", "cp1252"],
)
def test_a_files_encoding_is_sniffed_from_its_first_bytes(
    data: bytes, codec: str, bom: int
) -> None:
    from index.text.charset import is_binary, sniff_encoding

    encoding = sniff_encoding(data)
    assert encoding is not None and (encoding.codec, encoding.bom) == (codec, bom)
    assert encoding.legacy == codec.startswith("cp") and not is_binary(data)


def test_utf8_with_a_bad_byte_stays_utf8_and_counts_it() -> None:
    from index.text.charset import decode_text

    data = FILE_TEXT.encode("utf-8")
    decoded = decode_text(data[:20] + b"\xff" + data[20:])
    assert decoded is not None and decoded.encoding.codec == "utf-8" and decoded.replaced == 1
    assert decoded.text.startswith("Hội thảo") and decoded.encoding.damaged


def test_vietnamese_score_prefers_the_reading_with_valid_syllables() -> None:
    from index.text.charset import vietnamese_score

    assert vietnamese_score("Hà Nội") == 2 and vietnamese_score("Hŕ N?i") == -1


def test_binary_is_not_text_but_utf16_is() -> None:
    from index.text.charset import is_binary

    assert is_binary(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    assert not is_binary("tin tức".encode("utf-16-le") * 10)

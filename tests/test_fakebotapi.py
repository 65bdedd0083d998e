"""The fake Bot API server refuses what Telegram refuses: tests of the tests' referee."""

import json

import httpx
import pytest

from .fakebotapi import FakeBotAPI, HTMLError, entity_texts, parse_html


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<b>đậm</b> &amp; <i>nghiêng</i>", "đậm & nghiêng"),
        ('<a href="https://a.vn/?x=1&amp;y=2">liên kết</a>', "liên kết"),
        ("&lt;script&gt; &quot;x&quot; &#39; &#x1F600;", '<script> "x" \' 😀'),
        ("a > b", "a > b"),
        ('<span class="tg-spoiler">bí mật</span><tg-spoiler>x</tg-spoiler>', "bí mậtx"),
        ('<pre><code class="language-python">print(1)</code></pre>', "print(1)"),
        ("<blockquote expandable>trích</blockquote><u>g</u><s>s</s>", "tríchgs"),
    ],
)
def test_telegram_html_is_accepted(html: str, text: str) -> None:
    assert parse_html(html)[0] == text


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        "<b>không đóng",
        "<b><i>chéo</b></i>",
        "đóng thừa</b>",
        "a < b",
        "Thông tin & Truyền thông",
        "&nbsp;",
        "&#0;",
        "<a>không href</a>",
        '<a href="x" target="_blank">thuộc tính lạ</a>',
        '<a href="https://a.vn/?x=1&y=2">& trần trong thuộc tính</a>',
        '<span class="red">x</span>',
        "<br/>",
        "<code><b>x</b></code>",
        '<a href="https://a.vn"><a href="https://b.vn">x</a></a>',
    ],
)
def test_what_telegram_refuses_is_refused(html: str) -> None:
    with pytest.raises(HTMLError):
        parse_html(html)


def test_entities_are_counted_in_utf16_units() -> None:
    text, entities = parse_html("📅 <b>02/06</b> 😀<i>x</i>")
    assert entities == [
        {"type": "bold", "offset": 3, "length": 5},
        {"type": "italic", "offset": 11, "length": 1},
    ]
    assert entity_texts({"text": text, "entities": entities}, "bold") == ["02/06"]


@pytest.fixture
def server():
    fake = FakeBotAPI().start()
    yield fake
    fake.stop()


def _call(
    fake: FakeBotAPI, method: str, token: str | None = None, **params: object
) -> httpx.Response:
    data = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    return httpx.post(
        f"http://127.0.0.1:{fake.port}/bot{token or fake.token}/{method}", data=data, timeout=10
    )


def _assert_refused_like_telegram(server: FakeBotAPI, chat: int) -> None:
    """The wrong token, an unknown chat, too long or badly marked-up text, blank text, too long
    button data, a reply to a missing message and an unknown method are refused as Telegram
    refuses them (7 sendMessage calls, 9 rejections)."""
    assert _call(server, "getMe", token="1:wrong").status_code == 401
    assert (
        _call(server, "sendMessage", chat_id=999, text="x").json()["description"]
        == "Bad Request: chat not found"
    )
    assert _call(server, "sendMessage", chat_id=chat, text="x" * 4097).status_code == 400
    assert (
        _call(server, "sendMessage", chat_id=chat, text="😀" * 2049).json()["description"]
        == "Bad Request: message is too long"
    )
    assert (
        _call(server, "sendMessage", chat_id=chat, text="a & b", parse_mode="HTML").status_code
        == 400
    )
    assert _call(server, "sendMessage", chat_id=chat, text="  ").status_code == 400
    too_long_data = {"inline_keyboard": [[{"text": "Sau", "callback_data": "x" * 65}]]}
    assert (
        _call(server, "sendMessage", chat_id=chat, text="x", reply_markup=too_long_data).json()[
            "description"
        ]
        == "Bad Request: BUTTON_DATA_INVALID"
    )
    missing = {"message_id": 12345}
    assert (
        _call(server, "sendMessage", chat_id=chat, text="x", reply_parameters=missing).status_code
        == 400
    )
    assert _call(server, "frobnicate").status_code == 404


def test_over_http_it_refuses_like_telegram_and_records_everything(server: FakeBotAPI) -> None:
    user = server.user(5, "Lan")
    question = server.send_text(user, "xin chào")
    chat = user["id"]
    _assert_refused_like_telegram(server, chat)

    sent = _call(
        server,
        "sendMessage",
        chat_id=chat,
        text="<b>Chào</b>",
        parse_mode="HTML",
        reply_parameters={"message_id": question["message_id"]},
    ).json()["result"]
    assert sent["text"] == "Chào" and sent["reply_to_message"]["text"] == "xin chào"
    same = _call(
        server,
        "editMessageText",
        chat_id=chat,
        message_id=sent["message_id"],
        text="<b>Chào</b>",
        parse_mode="HTML",
    )
    assert "message is not modified" in same.json()["description"]
    assert (
        _call(
            server, "editMessageText", chat_id=chat, message_id=sent["message_id"], text="Chào lại"
        ).status_code
        == 200
    )
    assert server.replies_to(question)[0]["text"] == "Chào lại"
    assert [c.ok for c in server.recorded("sendMessage")] == [False] * 7 + [True]
    assert len(server.rejections) == 10


def test_inline_answers_are_limited_to_50_results(server: FakeBotAPI) -> None:
    def results(n: int) -> list[dict]:
        return [
            {
                "type": "article",
                "id": str(i),
                "title": f"Bài {i}",
                "input_message_content": {"message_text": f"<b>{i}</b>", "parse_mode": "HTML"},
            }
            for i in range(n)
        ]

    too_many = server.inline_query(server.user(5, "Lan"), "sách")
    assert (
        _call(server, "answerInlineQuery", inline_query_id=too_many, results=results(51)).json()[
            "description"
        ]
        == "Bad Request: RESULTS_TOO_MUCH"
    )
    assert (
        _call(
            server, "answerInlineQuery", inline_query_id=too_many, results=results(50)
        ).status_code
        == 200
    )
    assert (
        _call(server, "answerInlineQuery", inline_query_id=too_many, results=[]).status_code == 400
    )  # answered


def test_long_polling_waits_for_an_update_and_offsets_confirm_them(server: FakeBotAPI) -> None:
    import threading
    import time

    started = time.monotonic()
    assert _call(server, "getUpdates", timeout=1).json()["result"] == []
    assert time.monotonic() - started >= 0.9
    threading.Timer(0.3, lambda: server.send_text(server.user(5, "Lan"), "muộn")).start()
    updates = _call(server, "getUpdates", timeout=5).json()["result"]
    assert [u["message"]["text"] for u in updates] == ["muộn"]
    assert server.pending_updates() == 1
    assert _call(server, "getUpdates", offset=updates[0]["update_id"] + 1).json()["result"] == []
    assert server.pending_updates() == 0


def test_a_burst_without_a_rate_limiter_earns_429(server: FakeBotAPI) -> None:
    user = server.user(5, "Lan")
    server.open_chat(user)
    url = f"http://127.0.0.1:{server.port}/bot{server.token}/sendMessage"
    with httpx.Client(timeout=10) as client:  # one kept-alive connection: as fast as it goes
        codes = [
            client.post(url, data={"chat_id": "5", "text": f"tin {i}"}).status_code
            for i in range(80)
        ]
    assert codes[:40] == [200] * 40 and 429 in codes
    refused = next(c for c in server.rejections if c.status == 429)
    assert refused.description.startswith("Too Many Requests: retry after")


def test_files_are_served_by_get_file_and_download(server: FakeBotAPI) -> None:
    message = server.send_document(
        server.user(5, "Lan"), "bai.jsonl", b'{"title": "x"}', caption="/ingest"
    )
    info = _call(server, "getFile", file_id=message["document"]["file_id"]).json()["result"]
    download = httpx.get(
        f"http://127.0.0.1:{server.port}/file/bot{server.token}/{info['file_path']}"
    )
    assert download.content == b'{"title": "x"}' and info["file_size"] == 14
    assert message["caption_entities"] == [{"type": "bot_command", "offset": 0, "length": 7}]

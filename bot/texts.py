"""The bot's fixed sentences, in Vietnamese. Telegram HTML: `<`, `>` and `&` never appear raw."""

from __future__ import annotations

import html

__all__ = [
    "start",
    "help_text",
    "ADMIN_HELP",
    "THROTTLED",
    "SOMETHING_WENT_WRONG",
    "ADMIN_ONLY",
    "EMPTY_QUESTION",
    "FIND_NEEDS_QUESTION",
    "MENTION_WITHOUT_QUESTION",
    "DOC_NEEDS_NUMBER",
    "article_not_found",
    "RESULTS_EXPIRED",
    "UNKNOWN_COMMAND",
    "TEXT_ONLY",
    "NO_CATEGORIES",
    "CHOOSE_CATEGORY",
    "BACK_TO_CATEGORIES",
    "READ_BUTTON",
    "SUGGESTION_BUTTON",
    "PREVIOUS",
    "NEXT",
    "page_counter",
    "INGEST_HOW",
    "INGEST_WORKING",
    "unsupported_file",
    "file_too_big",
    "REINDEX_BUSY",
    "REINDEX_STARTED",
    "REINDEX_FAILED",
    "CRAWL_BUSY",
    "CRAWL_STARTED",
    "NO_ENABLED_SOURCE",
    "unknown_source",
    "INLINE_NOTHING_FOUND",
    "COMMANDS",
    "ADMIN_COMMANDS",
]

EXAMPLES = ("hội thảo chính quyền điện tử", "chuyển đổi số", "phố sách Hà Nội")


def start(first_name: str | None) -> str:
    """The greeting of /start."""
    name = f" {html.escape(first_name, quote=False)}" if first_name else ""
    examples = "\n".join(f"• {example}" for example in EXAMPLES)
    return (
        f"👋 Xin chào{name}!\n"
        "Đây là trợ lý tra cứu tin hoạt động của Sở. Bạn chỉ cần gõ điều muốn tìm, "
        f"có dấu hay không dấu đều được, ví dụ:\n{examples}\n\n"
        "/moi – xem tin mới nhất\n"
        "/chuyenmuc – xem tin theo chuyên mục\n"
        "/help – hướng dẫn sử dụng"
    )


def help_text(bot_username: str) -> str:
    """The guide of /help."""
    bot = f"@{html.escape(bot_username, quote=False)}"
    return (
        "📘 <b>Hướng dẫn sử dụng</b>\n\n"
        "🔎 <b>Tìm tin</b>: gõ câu hỏi hoặc vài từ khóa, ví dụ “hội thảo chính quyền điện tử”. "
        "Gõ không dấu cũng được (“hoi thao chinh quyen dien tu”), nhưng gõ có dấu cho kết quả "
        "chính xác hơn. Mỗi lần bot gửi 5 bài phù hợp nhất; bấm “Sau ▶” để xem tiếp.\n\n"
        "🗓 <b>Lọc theo thời gian, chuyên mục</b>: thêm vào câu hỏi, ví dụ “hội thảo tháng 5/2019”, "
        "“phố sách năm 2018”, “tin tuần này”, “từ 01/05/2019 đến 30/06/2019”, "
        "“chuyên mục công nghệ thông tin IPv6”. Viết tắt như UBND, Sở TT&amp;TT, CĐS cũng được.\n\n"
        "💡 Hỏi “khi nào”, “ở đâu”, “ai”, “bao nhiêu” thì bot trích luôn câu trả lời, "
        "ví dụ “Hội thảo chính quyền điện tử tỉnh Hòa Bình tổ chức ở đâu?”.\n\n"
        "📖 <b>Đọc toàn văn</b>: bấm nút “Đọc toàn văn” dưới kết quả, hoặc gõ /doc kèm số bài, "
        "ví dụ /doc 1.\n\n"
        "🆕 /moi – các tin mới nhất.\n"
        "📂 /chuyenmuc – chọn một chuyên mục để xem tin.\n\n"
        f"👥 <b>Trong nhóm</b>: gõ /tim kèm câu hỏi (ví dụ /tim chuyển đổi số), nhắc tên {bot} "
        "hoặc trả lời tin nhắn của bot.\n"
        f"💬 <b>Ở cuộc trò chuyện bất kỳ</b>: gõ {bot} rồi từ khóa để chọn và gửi nhanh một bài."
    )


ADMIN_HELP = (
    "\n\n🔧 <b>Dành cho quản trị viên</b>\n"
    "/reindex – lập lại chỉ mục (/reindex full để phân tích lại toàn bộ bài)\n"
    "/stats – thống kê dữ liệu, câu hỏi và tình trạng thu thập tin\n"
    "/crawl – thu thập tin mới từ các cổng thông tin đang bật; /crawl kèm tên một nguồn hoặc "
    "địa chỉ một trang để thu thập riêng nguồn hay trang đó\n"
    "Gửi tệp .txt, .json hoặc .jsonl kèm chú thích /ingest để nhập bài mới."
)

THROTTLED = "⏳ Bạn gửi hơi nhanh. Vui lòng chờ khoảng {seconds} giây rồi gửi tiếp nhé."
SOMETHING_WENT_WRONG = (
    "😔 Xin lỗi, đã có lỗi xảy ra khi xử lý yêu cầu của bạn. Bạn vui lòng thử lại sau ít phút."
)
ADMIN_ONLY = "🔒 Xin lỗi, lệnh này chỉ dành cho quản trị viên của bot."
EMPTY_QUESTION = "Câu hỏi chưa có từ nào để tìm. Bạn vui lòng gõ vài từ khóa, ví dụ: chuyển đổi số."
FIND_NEEDS_QUESTION = (
    "Bạn vui lòng gõ câu hỏi ngay sau lệnh, ví dụ: /tim hội thảo chính quyền điện tử"
)
MENTION_WITHOUT_QUESTION = "Bạn muốn tìm tin gì? Hãy gõ /tim kèm câu hỏi, ví dụ: /tim chuyển đổi số"
DOC_NEEDS_NUMBER = "Bạn vui lòng gõ số bài ngay sau lệnh, ví dụ: /doc 1"
RESULTS_EXPIRED = "Kết quả này đã cũ. Bạn vui lòng gửi lại câu hỏi để xem kết quả mới nhé."
UNKNOWN_COMMAND = (
    "Xin lỗi, bot chưa hiểu lệnh này. Gõ /help để xem các lệnh, hoặc gõ thẳng điều bạn muốn tìm."
)
TEXT_ONLY = (
    "Hiện bot chỉ đọc được câu hỏi bằng chữ. Bạn vui lòng gõ điều muốn tìm, ví dụ: chuyển đổi số."
)
NO_CATEGORIES = "Hiện chưa có chuyên mục nào."
CHOOSE_CATEGORY = "📂 Mời bạn chọn một chuyên mục:"
BACK_TO_CATEGORIES = "◀ Các chuyên mục"
READ_BUTTON = "📖 Đọc toàn văn bài {number}"
SUGGESTION_BUTTON = "🔎 Tìm “{question}”"
PREVIOUS = "◀ Trước"
NEXT = "Sau ▶"


def article_not_found(article_id: int) -> str:
    """/doc of an id that no article has."""
    return f"Không tìm thấy bài viết số {article_id}. Bạn vui lòng kiểm tra lại số bài."


def page_counter(page: int, pages: int) -> str:
    """The middle button, and what pressing it says."""
    return f"{page}/{pages}"


INGEST_HOW = (
    "Để nhập bài, bạn vui lòng gửi tệp .txt, .json hoặc .jsonl và ghi /ingest ở phần chú thích "
    "của tệp."
)
INGEST_WORKING = "📥 Đã nhận tệp, đang nhập bài…"


def unsupported_file(name: str) -> str:
    """A file of a type the importer does not read."""
    return (
        f"Xin lỗi, bot chỉ nhập được tệp .txt, .json hoặc .jsonl; tệp "
        f"“{html.escape(name, quote=False)}” chưa được nhập."
    )


def file_too_big(name: str, size: int, limit: int) -> str:
    """A file over the upload limit."""
    return (
        f"Tệp “{html.escape(name, quote=False)}” nặng {_megabytes(size)}, vượt giới hạn "
        f"{_megabytes(limit)} cho mỗi lần nhập. Bạn vui lòng chia nhỏ tệp rồi gửi lại."
    )


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


REINDEX_BUSY = "⏳ Chỉ mục đang được lập lại. Bạn vui lòng chờ xong rồi thử lại."
REINDEX_STARTED = "⏳ Bắt đầu lập chỉ mục… Trong lúc này bot vẫn trả lời bình thường."
REINDEX_FAILED = (
    "❌ Lập chỉ mục không thành công; bot vẫn dùng chỉ mục cũ. "
    "Chi tiết lỗi đã được ghi vào nhật ký."
)
CRAWL_BUSY = "⏳ Việc thu thập tin đang chạy. Bạn vui lòng chờ xong rồi thử lại nhé."
CRAWL_STARTED = "⏳ Bắt đầu thu thập tin… Trong lúc này bot vẫn trả lời bình thường."
NO_ENABLED_SOURCE = (
    "Hiện chưa có nguồn nào được bật trong tệp nguồn. Bạn có thể gõ /crawl kèm tên một nguồn, "
    "hoặc kèm địa chỉ một trang, ví dụ: /crawl https://so.example.gov.vn/tin-tuc"
)
MAX_KNOWN_SOURCES = 20


def unknown_source(name: str, known: list[str]) -> str:
    """/crawl of a name that no source in the sources file has."""
    shown = [html.escape(n if len(n) <= 60 else n[:59] + "…", quote=False) for n in known]
    if len(shown) > MAX_KNOWN_SOURCES:
        shown = shown[:MAX_KNOWN_SOURCES] + [f"và {len(known) - MAX_KNOWN_SOURCES} nguồn khác"]
    listed = f"Các nguồn hiện có: {', '.join(shown)}." if shown else "Tệp nguồn chưa có nguồn nào."
    name = name if len(name) <= 100 else name[:99] + "…"
    return (
        f"Không tìm thấy nguồn “{html.escape(name, quote=False)}”. {listed} "
        "Bạn cũng có thể gõ /crawl kèm địa chỉ một trang, bắt đầu bằng http:// hoặc https://."
    )


INLINE_NOTHING_FOUND = "Không tìm thấy bài phù hợp – bấm để hỏi bot"

COMMANDS = (
    ("tim", "Tìm tin, ví dụ: /tim chuyển đổi số"),
    ("moi", "Tin mới nhất"),
    ("chuyenmuc", "Xem tin theo chuyên mục"),
    ("doc", "Đọc toàn văn một bài, ví dụ: /doc 1"),
    ("help", "Hướng dẫn sử dụng"),
    ("start", "Lời chào và ví dụ"),
)
ADMIN_COMMANDS = (
    ("reindex", "Lập lại chỉ mục tìm kiếm"),
    ("stats", "Thống kê dữ liệu, câu hỏi và thu thập tin"),
    ("ingest", "Cách nhập bài từ tệp"),
    ("crawl", "Thu thập tin mới từ các cổng thông tin"),
)

"""The bot's fixed sentences, in Vietnamese. Telegram HTML: `<`, `>` and `&` never appear raw."""

from __future__ import annotations

import html
from collections.abc import Callable

from index import ProblemCode
from index.crawl import CrawlIssue, RunStatus

from .conversation.said import Said
from .crawl_outcome import CrawlFailure

__all__ = [
    "start",
    "help_text",
    "ADMIN_HELP",
    "THROTTLED",
    "INLINE_THROTTLED",
    "error_report",
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
    "BACK_TO_CATEGORIES",
    "READ_BUTTON",
    "SUGGESTION_BUTTON",
    "PREVIOUS",
    "NEXT",
    "page_counter",
    "INGEST_HOW",
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
    "INLINE_ASK_BOT",
    "PROBLEMS",
    "CRAWL_ISSUES",
    "COMMANDS",
    "ADMIN_COMMANDS",
    "PRIVACY",
    "SAID",
    "PLAIN_GUIDE",
    "LATEST_BUTTON",
    "CATEGORIES_BUTTON",
    "TODAY_HEADING",
    "ZALO_READ_ON",
    "ZALO_NOTHING_TO_READ_ON",
    "ZALO_INGEST_TELEGRAM_ONLY",
    "ZALO_ADMIN_HELP",
    "ZALO_ERROR_REPORT",
]

EXAMPLES = ("hội thảo chính quyền điện tử", "chuyển đổi số", "phố sách Hà Nội")


def _escape_html(text: str) -> str:
    return html.escape(text, quote=False)


def start(first_name: str | None, escape: Callable[[str], str] = _escape_html) -> str:
    """The greeting of /start (the name escaped by `escape`: HTML unless told otherwise)."""
    name = f" {escape(first_name)}" if first_name else ""
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
        "📂 /chuyenmuc – chọn một chuyên mục để xem tin.\n"
        "☎️ /lienhe – cách liên hệ với cán bộ của Sở khi bot chưa trả lời được.\n"
        "👍 👎 dưới mỗi câu trả lời: cho bot biết câu trả lời có đúng không.\n\n"
        "💬 <b>Hỏi tiếp</b>: sau một câu hỏi, gõ “còn hội sách thì sao” để hỏi tiếp cùng thời "
        "gian; “tiếp”, “trước” để lật trang; “đọc 2” hay “bài thứ 2 nói gì” để đọc bài 2; "
        "“chi tiết hơn” để đọc bài trả lời; “tin cũ hơn”, “mới hơn” để xem khoảng thời gian "
        "trước hoặc sau.\n\n"
        f"👥 <b>Trong nhóm</b>: gõ /tim kèm câu hỏi (ví dụ /tim chuyển đổi số), nhắc tên {bot} "
        "hoặc trả lời tin nhắn của bot (chỉ khi trả lời tin nhắn của bot, câu hỏi mới được hiểu "
        "là hỏi tiếp).\n"
        f"🔗 <b>Ở cuộc trò chuyện bất kỳ</b>: gõ {bot} rồi từ khóa để chọn và gửi nhanh một bài."
    )


ADMIN_HELP = (
    "\n\n🔧 <b>Dành cho quản trị viên</b>\n"
    "/reindex – lập lại chỉ mục (/reindex full để phân tích lại toàn bộ bài)\n"
    "/stats – thống kê dữ liệu, câu hỏi và tình trạng thu thập tin\n"
    "/crawl – thu thập tin mới từ các cổng thông tin đang bật; /crawl kèm tên một nguồn hoặc "
    "địa chỉ một trang để thu thập riêng nguồn hay trang đó\n"
    "/xoa – gỡ một bài khỏi kết quả, ví dụ /xoa 12 (hoặc /xoa kèm địa chỉ bài)\n"
    "/baocao – câu hỏi và góp ý của người dân trong 7 ngày (/baocao 30 cho 30 ngày)\n"
    "/tudien – từ điển tra cứu: xem, xóa, hoặc thêm một dòng (xem kết quả trước và sau)\n"
    "Gửi tệp .txt, .json hoặc .jsonl kèm chú thích /ingest để nhập bài mới."
)

THROTTLED = "⏳ Bạn gửi hơi nhanh. Vui lòng chờ khoảng {seconds} giây rồi gửi tiếp nhé."
INLINE_THROTTLED = "⏳ Bạn gõ hơi nhanh, vui lòng chờ giây lát"
SOMETHING_WENT_WRONG = (
    "😔 Xin lỗi, đã có lỗi xảy ra khi xử lý yêu cầu của bạn. Bạn vui lòng thử lại sau ít phút."
)


def error_report(kind: str, detail: str, update: str) -> str:
    """What admins are told of an error (every argument already escaped)."""
    return (
        f"⚠️ <b>Bot gặp lỗi khi xử lý một yêu cầu</b>: {kind}\n"
        f"<code>{detail}</code>\n"
        f"Yêu cầu: {update}\n"
        "Chi tiết đầy đủ có trong nhật ký (log) của bot."
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


TAKE_DOWN_HOW = (
    "Bạn vui lòng gõ số bài hoặc địa chỉ bài cần gỡ ngay sau lệnh, ví dụ: /xoa 12 hoặc "
    "/xoa https://so.example.gov.vn/tin-tuc/bai-12"
)


def taken_down(numbers: list[int], missing: list[str]) -> str:
    """The reply to /xoa: which articles were taken down, and which were not found."""
    lines = []
    if numbers:
        shown = ", ".join(str(n) for n in numbers)
        lines.append(f"🗑 Đã gỡ {len(numbers)} bài (số {shown}): bài không còn hiện trong kết quả.")
    if missing:
        cut = [m if len(m) <= 80 else m[:79] + "…" for m in missing[:10]]
        lines.append(f"Không tìm thấy bài: {html.escape(', '.join(cut), quote=False)}.")
    return "\n".join(lines)


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
INLINE_ASK_BOT = "💬 Hỏi bot câu này (trả lời nhanh, hỏi tiếp)"

# -- the conversation (bot/conversation, rendered by bot/render/conversation.py) ---------------
PRIVACY = (
    "🔒 Bot không lưu tên bạn; câu hỏi gần nhất và danh sách bài vừa xem được giữ 24 giờ để "
    "hiểu câu hỏi tiếp theo, câu hỏi (không kèm tên) giữ 30 ngày để thống kê, góp ý 👍/👎 "
    "kèm câu hỏi giữ 180 ngày để cải thiện câu trả lời. "
    "Gõ /xoadulieu để xóa ngay."
)
_EXAMPLE = "“hội thảo chính quyền điện tử”"
SAID = {
    Said.GREETING: (
        "👋 Chào bạn! Bạn muốn tìm tin gì? Cứ gõ vài từ khóa, ví dụ " + _EXAMPLE + ", "
        "hoặc xem các tin mới nhất."
    ),
    Said.THANKS: "😊 Rất vui được giúp bạn! Khi cần tìm tin, bạn cứ nhắn cho mình nhé.",
    Said.GOODBYE: "👋 Tạm biệt bạn, hẹn gặp lại! Khi cần tìm tin, bạn cứ nhắn cho mình nhé.",
    Said.WHO_AM_I: (
        "🤖 Mình là trợ lý tra cứu tin hoạt động của Sở: bạn hỏi, mình tìm trong các bài đã "
        "đăng và gửi lại bài phù hợp kèm đường dẫn. Thử gõ " + _EXAMPLE + " xem nhé."
    ),
    Said.HELP: (
        "💡 Bạn chỉ cần gõ điều muốn tìm, ví dụ " + _EXAMPLE + " hoặc “hội sách năm 2019”. "
        "Sau đó gõ “tiếp” để xem thêm, “đọc 2” để đọc bài thứ 2, “tin mới” để xem tin mới "
        "nhất. Gõ /help để xem đầy đủ."
    ),
    Said.COMPLAINT: (
        "😔 Xin lỗi vì kết quả chưa đúng ý bạn. Bạn thử gõ lại ngắn gọn hơn, chỉ giữ những từ "
        "chính, hoặc thêm thời gian, ví dụ “hội sách năm 2019”."
    ),
    Said.ACKNOWLEDGED: "👌 Vâng ạ. Bạn cần tìm gì thêm cứ gõ nhé.",
    Said.FOREIGN: (
        "🇻🇳 Bot trả lời bằng tiếng Việt. / This bot answers in Vietnamese; "
        "here is what matches your words:"
    ),
    Said.FOREIGN_NOTHING: (
        "🇻🇳 Bot trả lời bằng tiếng Việt, bạn vui lòng gõ câu hỏi bằng tiếng Việt nhé. / "
        "This bot answers in Vietnamese: please ask in Vietnamese (no accents needed), "
        "e.g. “hoi thao chinh quyen dien tu”."
    ),
    Said.EMPTY_QUESTION: EMPTY_QUESTION,
    Said.NO_LIST: (
        "Mình chưa có danh sách bài nào để tiếp tục (danh sách chỉ được giữ 24 giờ). "
        "Bạn gõ điều muốn tìm, hoặc xem các tin mới nhất nhé."
    ),
    Said.NO_SUCH_NUMBER: (
        "Danh sách vừa rồi không có bài số {number}. Bạn xem lại số bài ở đầu mỗi bài nhé."
    ),
    Said.LAST_PAGE: "Đó là những bài cuối cùng của danh sách rồi ạ.",
    Said.FIRST_PAGE: "Đây đã là trang đầu của danh sách rồi ạ.",
    Said.NEWEST_ALREADY: "Đây đã là những tin mới nhất rồi ạ.",
    Said.TODAY_EMPTY: "Hôm nay chưa có bài mới. Dưới đây là các tin mới nhất:",
    Said.ARTICLE_NOT_FOUND: (
        "Không tìm thấy bài viết số {number}. Bạn vui lòng kiểm tra lại số bài."
    ),
    Said.RESULTS_EXPIRED: RESULTS_EXPIRED,
    Said.HANDOVER_EXPIRED: (
        "Câu hỏi gửi sang từ chế độ inline đã hết hạn. Bạn vui lòng gõ lại câu hỏi nhé."
    ),
    Said.FORGOTTEN: (
        "🗑 Đã xóa mọi dữ liệu bot lưu về cuộc trò chuyện này (câu hỏi và danh sách bài vừa xem)."
    ),
    Said.NOTHING_TO_FORGET: "🗑 Bot không lưu dữ liệu nào về cuộc trò chuyện này.",
}
LATEST_BUTTON = "🆕 Tin mới nhất"
CATEGORIES_BUTTON = "📂 Chuyên mục"
TODAY_HEADING = "🗓 Tin hôm nay"
PLAIN_GUIDE = (
    "📘 Hướng dẫn sử dụng\n"
    "🔎 Gõ điều muốn tìm, có dấu hay không dấu đều được, ví dụ " + _EXAMPLE + ". "
    "Thêm thời gian hay chuyên mục để lọc: “hội sách năm 2019”, “chuyên mục công nghệ thông tin”.\n"
    "💡 Hỏi “khi nào”, “ở đâu”, “ai”, “bao nhiêu” thì bot trích luôn câu trả lời khi chắc chắn.\n"
    "💬 Sau đó: “tiếp”, “trước” để lật trang; “đọc 2” để đọc bài 2; “chi tiết hơn”; "
    "“còn hội sách thì sao”; “tin cũ hơn”, “mới hơn”; “mới” để xem tin mới nhất; "
    "“chuyên mục” để xem các chuyên mục; “xóa dữ liệu” để xóa những gì bot lưu."
)
HINT_NEXT = "“tiếp” để xem thêm"
HINT_PREVIOUS = "“trước” để quay lại"
HINT_READ = "“đọc {number}” để đọc bài {number}"
HINT_SUGGEST = "“{question}” để tìm lại"
HINT_LATEST = "“mới” để xem tin mới nhất"
HINT_CATEGORIES = "“chuyên mục” để xem các chuyên mục"
HINT_CATEGORY = "“chuyên mục {name}”"
HINT_EXAMPLE = "ví dụ “{example}”"
HINTS = "👉 Gõ {hints}."

COMMANDS = (
    ("tim", "Tìm tin, ví dụ: /tim chuyển đổi số"),
    ("moi", "Tin mới nhất"),
    ("chuyenmuc", "Xem tin theo chuyên mục"),
    ("doc", "Đọc toàn văn một bài, ví dụ: /doc 1"),
    ("help", "Hướng dẫn sử dụng"),
    ("start", "Lời chào và ví dụ"),
    ("xoadulieu", "Xóa dữ liệu bot lưu về cuộc trò chuyện này"),
    ("lienhe", "Thông tin liên hệ của Sở"),
    ("theodoi", "Theo dõi một chủ đề, ví dụ: /theodoi chuyển đổi số"),
    ("huytheodoi", "Bỏ theo dõi một hoặc tất cả chủ đề"),
    ("bantin", "Chọn nhận tin ngay, hằng ngày hay hằng tuần"),
)
ADMIN_COMMANDS = (
    ("reindex", "Lập lại chỉ mục tìm kiếm"),
    ("stats", "Thống kê dữ liệu, câu hỏi và thu thập tin"),
    ("ingest", "Cách nhập bài từ tệp"),
    ("crawl", "Thu thập tin mới từ các cổng thông tin"),
    ("xoa", "Gỡ một bài, ví dụ: /xoa 12"),
    ("baocao", "Báo cáo câu hỏi và góp ý của người dân trong 7 ngày"),
    ("tudien", "Từ điển tra cứu: xem, thêm, xóa dòng"),
    ("kenh", "Tự đăng tin mới lên kênh của Sở, ví dụ: /kenh @ten_kenh"),
    ("thongbao", "Gửi thông báo tới mọi người đang theo dõi tin"),
)


# Why a record of an imported file was skipped (or what a note about the file says), by code;
# {detail} is the offending value, already escaped by the caller.
PROBLEMS = {
    ProblemCode.NO_SUCH_PATH: "không có tệp hay thư mục này",
    ProblemCode.NOT_A_FILE: "không phải là một tệp",
    ProblemCode.UNSUPPORTED_TYPE: "loại tệp chưa hỗ trợ (hãy dùng .txt, .json hoặc .jsonl)",
    ProblemCode.IGNORED_FILE: "bỏ qua: không phải tệp .txt, .json hay .jsonl",
    ProblemCode.CANNOT_READ: "không đọc được tệp ({detail})",
    ProblemCode.EMPTY_FILE: "tệp rỗng",
    ProblemCode.BINARY_FILE: "tệp nhị phân, không phải văn bản",
    ProblemCode.UNKNOWN_ENCODING: "không phải UTF-8 và không nhận ra bảng mã nào khác",
    ProblemCode.LEGACY_ENCODING: "không phải UTF-8; đã đọc theo bảng mã {detail}",
    ProblemCode.NOT_UTF8: "không phải văn bản UTF-8 (byte {detail})",
    ProblemCode.MALFORMED_JSON: "JSON sai cú pháp ({detail})",
    ProblemCode.NOT_AN_OBJECT: "cần một đối tượng JSON, nhận được {detail}",
    ProblemCode.NOT_ARTICLES: "JSON phải là một bài viết hoặc một danh sách bài viết",
    ProblemCode.WRONG_FIELD_TYPE: "trường “{detail}” phải là văn bản",
    ProblemCode.MISSING_TITLE: "thiếu tiêu đề",
    ProblemCode.INVALID_URL: "địa chỉ bài {detail} không hợp lệ (cần http:// hoặc https://)",
    ProblemCode.BAD_DATE: "không đọc được ngày “{detail}”",
    ProblemCode.NO_TEXT: "không có nội dung",
    ProblemCode.NO_BODY: "không có nội dung sau tiêu đề",
    ProblemCode.CANNOT_STORE: "không lưu được vào cơ sở dữ liệu ({detail})",
    ProblemCode.INVALID_RECORD: "không đọc được bản ghi này ({detail})",
    ProblemCode.TOO_LARGE: "bản ghi lớn hơn {detail} MB",
    ProblemCode.TOO_DEEP: "JSON lồng nhau quá {detail} tầng",
    ProblemCode.TITLE_TOO_LONG: "tiêu đề dài quá {detail} ký tự",
    ProblemCode.DATE_OUT_OF_RANGE: (
        "ngày “{detail}” trước năm 1900 hoặc ở tương lai nên được bỏ; bài vẫn được lưu, "
        "chưa rõ ngày đăng"
    ),
    ProblemCode.NUL_REMOVED: "đã bỏ ký tự NUL trong trường {detail}",
    ProblemCode.BODY_CUT: "nội dung dài nên chỉ giữ {detail} ký tự đầu",
    ProblemCode.FILE_CUT: "tệp quá lớn nên chỉ đọc {detail} MB đầu",
    ProblemCode.BYTES_REPLACED: "{detail} byte không phải UTF-8 đã được thay bằng ký tự thay thế",
}

# Why a page failed or was left out while crawling, by code; {detail} as above.
CRAWL_ISSUES = {
    CrawlIssue.HTTP_STATUS: "máy chủ trả lỗi HTTP {detail}",
    CrawlIssue.PAGE_GONE: "trang đã bị gỡ (HTTP {detail} hai lần liền), bài đã được xoá khỏi kho",
    CrawlIssue.TIMEOUT: "quá thời gian chờ ({detail} giây)",
    CrawlIssue.TOO_SLOW: "tải quá {detail} giây",
    CrawlIssue.CONNECTION: "không kết nối được ({detail})",
    CrawlIssue.TOO_MANY_REDIRECTS: "chuyển hướng quá {detail} lần (có thể bị lặp)",
    CrawlIssue.NOT_HTTP: "không phải địa chỉ http:// hay https://",
    CrawlIssue.INVALID_URL: "địa chỉ không hợp lệ ({detail})",
    CrawlIssue.TOO_LARGE: "trang lớn hơn {detail}",
    CrawlIssue.ANNOUNCED_TOO_LARGE: "trang báo trước dung lượng {detail}, vượt giới hạn",
    CrawlIssue.NOT_A_PAGE: "không phải trang web ({detail})",
    CrawlIssue.ROBOTS_DISALLOWED: "robots.txt không cho phép tải",
    CrawlIssue.ROBOTS_REDIRECT: "chuyển hướng tới {detail}, nơi robots.txt không cho phép tải",
    CrawlIssue.ROBOTS_STATUS: "robots.txt trả lỗi HTTP {detail}, tạm dừng tải từ máy chủ này",
    CrawlIssue.ROBOTS_UNREACHABLE: "không đọc được robots.txt ({detail})",
    CrawlIssue.EXTRACTION_FAILED: "không trích được nội dung bài ({detail})",
    CrawlIssue.NOT_FEED_OR_SITEMAP: "không phải RSS hay sitemap",
    CrawlIssue.BAD_FEED: "không đọc được RSS ({detail})",
    CrawlIssue.BAD_SITEMAP: "không đọc được sitemap",
    CrawlIssue.EMPTY_PAGE: "trang trống",
    CrawlIssue.EMPTY_LIST: (
        "không thấy bài nào trên trang danh sách (hãy kiểm tra bộ chọn CSS của nguồn)"
    ),
    CrawlIssue.NOTHING_FOUND: "không thấy bài, RSS hay sitemap nào",
    CrawlIssue.CANNOT_STORE: "không lưu được vào cơ sở dữ liệu ({detail})",
    CrawlIssue.HOME_PAGE: "không phải tin: trang chủ",
    CrawlIssue.STATIC_PAGE: "không phải tin: “{detail}” là trang tĩnh",
    CrawlIssue.LOGIN_PAGE: "không phải tin: trang đăng nhập",
    CrawlIssue.LIST_PAGE: "không phải tin: trang danh sách bài",
    CrawlIssue.NO_TITLE: "không có tiêu đề",
    CrawlIssue.NO_ARTICLE_TEXT: "không phải tin: không có nội dung bài",
    CrawlIssue.UNDATED_PAGE: "không phải tin: không có ngày đăng và không có dấu hiệu bài viết",
    CrawlIssue.FEED_OR_SITEMAP: "không phải tin: RSS hoặc sitemap",
    CrawlIssue.UNKNOWN: "{detail}",
}


# -- result lists (bot/render/results.py) ------------------------------------------------------
DATE_MARK = "📅 {date}"
CATEGORY_MARK = "📂 {category}"
READ_COMMAND = "đọc toàn văn: /doc_{article_id}"
READ_IN_FULL = "📖 Đọc toàn văn"
RESULTS_HEADING = "🔎 Kết quả cho {query}"
FOUND = "Tìm thấy {total} bài viết phù hợp."
FOUND_PAGE = "Bài {first}–{last} trong {total} bài viết phù hợp."
FILTERED_BY = "Lọc theo: {filters}"
QUESTION_SHORTENED = (
    "✂️ Câu hỏi khá dài nên bot chỉ tìm theo {chars} ký tự đầu; từ nào dài hơn {word} ký tự "
    "cũng được rút gọn."
)
FILTER_TIME = "🗓 {period}"
UNTIL_NOW = "nay"
RELAXED = "Không có bài nào phù hợp trong {period}; dưới đây là kết quả ở mọi thời điểm."
ANSWER_LABEL = "Trả lời nhanh:"
ANSWER = "💡 {label} {fact}\n“{sentence}”\n(theo bài “{title}”)"
SUGGESTION = "🤔 Có phải bạn muốn tìm: {question}?"
UNDERSTOOD = "✍️ Bot hiểu câu hỏi là: {question}"
ALSO_AT = "cũng đăng tại {sources}"
PREFERRED_BY = "Ưu tiên bài trong: {period} (các bài khác vẫn được liệt kê)"
NOTHING_FOUND = "Rất tiếc, chưa có bài viết nào phù hợp với {query}."
NOTHING_FOUND_TIPS = (
    "Bạn có thể thử:",
    "• bớt vài từ, chỉ giữ những từ chính (ví dụ: “chuyển đổi số”);",
    "• gõ tiếng Việt có dấu (ví dụ: “hội thảo” thay vì “hoi thao”);",
)
NOTHING_FOUND_DROP_FILTERS = "• bỏ phần thời gian hoặc chuyên mục trong câu hỏi;"
NOTHING_FOUND_LATEST = "• xem các tin mới nhất bằng lệnh /moi."
CATEGORY_HEADING = "📂 Chuyên mục {category}"
LATEST_HEADING = "🆕 Tin mới nhất"
NO_ARTICLES_YET = "Hiện chưa có bài viết nào."
LISTING_PAGE = "Bài {first}–{last} trong {total} bài, mới nhất trước."
NO_CATEGORIES = "Hiện chưa có chuyên mục nào."
CHOOSE_CATEGORY = "📂 Mời bạn chọn một chuyên mục"
CATEGORIES_COUNT = "{count} chuyên mục, {total} bài viết."

# -- administration (bot/render/admin.py) -------------------------------------------------------
STATS_HEADING = "📊 Thống kê"
STATS_ARTICLES = "• Số bài viết: {count}"
STATS_SOURCES = "• Nguồn: {count}"
STATS_SOURCE = "{name}: {count}"
STATS_MORE_SOURCES = "và {count} nguồn khác"
STATS_PERIOD = "• Khoảng thời gian: {first} – {last}"
STATS_INDEX = "• Chỉ mục: {indexed} bài, {words} từ, {megabytes} MB, lập trong {seconds} giây"
STATS_LAST_REINDEX = "• Lập chỉ mục lần cuối: {when}"
STATS_NEVER = "chưa lần nào"
STATS_QUESTIONS = "• Câu hỏi hôm nay: {count}"
STATS_TAKEN_DOWN = "• Bài đã gỡ: {count}"
INGESTED = (
    "📥 Đã nhập tệp {name}: thêm mới {added}, cập nhật {updated}, không đổi {unchanged}, "
    "bỏ qua {failed}."
)
INGEST_DETAILS = "Chi tiết:"
INGEST_ALL_VALID = "Mọi bản ghi đều hợp lệ."
INGEST_MORE = "… và {count} dòng khác; chạy “python bot.py ingest” trên máy chủ để xem đầy đủ."
PROBLEM_SKIPPED = "⚠️ Bỏ qua {origin}: {reason}"
PROBLEM_NOTE = "ℹ️ Lưu ý {origin}: {reason}"
REINDEX_PROGRESS = "⏳ Đang lập chỉ mục: {done}/{total} bài…"
REINDEX_PROGRESS_UNKNOWN = "⏳ Đang lập chỉ mục: đã xử lý {done} bài…"
REINDEX_DONE = (
    "✅ Lập chỉ mục xong: {indexed} bài trong chỉ mục, {reanalysed} bài được phân tích lại, "
    "trong {seconds} giây. Từ giờ bot trả lời bằng chỉ mục mới."
)

# -- crawling (bot/render/crawl.py) ------------------------------------------------------------
HEALTH_HEADING = "🌐 Thu thập tin"
RUN_STATUS = {
    RunStatus.OK: "thành công",
    RunStatus.FAILED: "có trang lỗi",
    RunStatus.INTERRUPTED: "bị gián đoạn",
    RunStatus.RUNNING: "đang chạy",
}
SOURCE_ENABLED = {True: "đang bật", False: "đang tắt", None: "ngoài tệp nguồn"}
NEVER_CRAWLED = "• {name} ({state}): chưa thu thập lần nào"
LAST_CRAWL = (
    "• {name} ({state}): lần cuối {when}, {status}; {added} bài mới, {updated} cập nhật, "
    "{failed} trang lỗi; tổng {articles} bài"
)
LAST_CRAWL_PENDING = ", {pending} trang chờ thử lại"
LAST_ERROR = "   ⚠️ Lỗi gần nhất{when}: {error}"
MORE_SOURCES = "… và {count} nguồn khác"
KEPT_FROM_LISTING = " (đã lưu theo trang danh sách, sẽ thử lại)"
CRAWL_COUNTS = "mới {added}, cập nhật {updated}, không đổi {unchanged}, lỗi {failed}"
CRAWL_REMOVED = ", đã gỡ {removed}"
CRAWL_DISCOVERING = "🔎 Đang tìm bài mới: đã đọc {done} trang danh sách"
CRAWL_FETCHING = "📥 Đang tải bài viết: {done}/{total} trang"
CRAWL_NOTHING_TO_FETCH = "📥 Không có trang bài viết nào cần tải"
CRAWL_IN_PROGRESS = "⏳ Đang thu thập nguồn {source}{where}"
CRAWL_SO_FAR = "Đến giờ: {added} bài mới, {updated} cập nhật, {failed} lỗi."
CRAWL_STILL_ANSWERING = "Trong lúc này bot vẫn trả lời bình thường."
CRAWL_SOURCE_FAILED = "Nguồn {name}: {failure}."
CRAWL_FAILURES = {
    CrawlFailure.BUSY: "đang được thu thập ở nơi khác, bạn vui lòng thử lại sau",
    CrawlFailure.FAILED: "❌ không thu thập được; chi tiết lỗi đã được ghi vào nhật ký",
    CrawlFailure.STOPPED: "⏹ dừng giữa chừng vì bot đang tắt; lần chạy sau sẽ làm tiếp",
}
CRAWL_SOURCE_DONE = "{icon} Thu thập xong nguồn {name}: {counts}."
CRAWL_SOURCES_DONE = "{icon} Thu thập xong {done}/{count} nguồn: {counts}."
CRAWL_SOURCE_LINE = "• {name}: {counts}"
CRAWL_FOUND_NOW = "🔎 Các bài mới đã có thể tìm thấy ngay."
CRAWL_PENDING = "🔁 {pending} trang chưa tải được sẽ được thử lại ở lần sau."
CRAWL_PROBLEMS = "Các trang gặp sự cố ({count}):"
CRAWL_MORE = "… và {count} trang khác; chạy “python bot.py crawl” trên máy chủ để xem đầy đủ."
CRAWL_PROBLEM_FAILED = "⚠️ Lỗi {url}: {reason}"
CRAWL_PROBLEM_SKIPPED = "ℹ️ Bỏ qua {url}: {reason}"
CRAWL_PROBLEM_REMOVED = "🗑 Đã gỡ {url}: {reason}"

# -- a whole article (bot/render/article.py) ---------------------------------------------------
ARTICLE_AUTHOR = "✍️ {author}"


# -- alerts to admins (running as a service) ---------------------------------------------------
ALERT_SOURCE_FAILING = (
    "🚨 Nguồn {name} đã thu thập lỗi {count} lần liên tiếp. Bot sẽ báo lại khi nguồn hoạt động "
    "bình thường; xem chi tiết bằng lệnh /stats."
)
ALERT_SOURCE_RECOVERED = "✅ Nguồn {name} đã thu thập bình thường trở lại."
ALERT_INDEX_BEHIND = (
    "🚨 Chỉ mục tìm kiếm đang chậm hơn cơ sở dữ liệu {minutes} phút: các bài mới chưa tìm thấy "
    "được. Bot sẽ báo lại khi chỉ mục theo kịp."
)
ALERT_INDEX_CAUGHT_UP = "✅ Chỉ mục tìm kiếm đã theo kịp cơ sở dữ liệu."


def alert_source_failing(name: str, count: int) -> str:
    """A source failed `count` scheduled crawls in a row."""
    return ALERT_SOURCE_FAILING.format(name=html.escape(name), count=count)


def alert_source_recovered(name: str) -> str:
    """The source crawls normally again."""
    return ALERT_SOURCE_RECOVERED.format(name=html.escape(name))


def alert_index_behind(minutes: int) -> str:
    """The index lags the database by `minutes`."""
    return ALERT_INDEX_BEHIND.format(minutes=minutes)


# -- closing the loop with the staff: feedback, the report, the dictionary, contact, progress ---
SAID[Said.FEEDBACK_THANKS] = "🙏 Cảm ơn bạn đã góp ý! Nếu đổi ý, bạn cứ chọn lại nhé."
SAID[Said.FEEDBACK_EXPIRED] = "Câu trả lời này đã cũ nên không ghi nhận góp ý được nữa. Cảm ơn bạn!"
SAID[Said.JUDGMENT_THANKS] = (
    "🙏 Cảm ơn bạn! Góp ý đã được ghi lại để cán bộ của Sở cải thiện câu trả lời."
)
SAID[Said.NO_CONTACT] = "Hiện chưa có thông tin liên hệ của Sở. Bạn vui lòng thử lại sau nhé."
FEEDBACK_UP = "👍 Hữu ích"
FEEDBACK_DOWN = "👎 Chưa đúng"
FEEDBACK_UP_NOTED = "👍 Đã ghi nhận. Cảm ơn bạn!"
FEEDBACK_DOWN_NOTED = "👎 Đã ghi nhận. Cảm ơn bạn!"
WHICH_WAS_RIGHT = "🤔 Bài nào đúng với câu hỏi {question}? (không bắt buộc)"
WHICH_WAS_RIGHT_NONE = "Bạn có thể bấm “Không bài nào đúng”, hoặc bỏ qua tin nhắn này."
PICK_BUTTON = "✅ {number}. {title}"
PICK_NONE = "❌ Không bài nào đúng"
CONTACT_BUTTON = "☎️ Liên hệ Sở"
ORIGINAL_BUTTON = "🔗 Xem bài gốc"
CONTACT_HEADING = "☎️ {name}"
CONTACT_ADDRESS = "📍 Địa chỉ: {address}"
CONTACT_HOTLINE = "📞 Điện thoại: {hotline}"
CONTACT_EMAIL = "✉️ Email: {email}"
CONTACT_HOURS = "🕘 Giờ làm việc: {hours}"
CONTACT_WEBSITE = "🌐 Trang thông tin: {website}"
CONTACT_EXAMPLE = "ℹ️ Thông tin mẫu: quản trị viên cần cập nhật tệp data/department.toml."
HINT_CONTACT = "“liên hệ” để xem cách liên hệ với Sở"

__all__ += [
    "FEEDBACK_UP",
    "FEEDBACK_DOWN",
    "FEEDBACK_UP_NOTED",
    "FEEDBACK_DOWN_NOTED",
    "WHICH_WAS_RIGHT",
    "WHICH_WAS_RIGHT_NONE",
    "PICK_BUTTON",
    "PICK_NONE",
    "CONTACT_BUTTON",
    "ORIGINAL_BUTTON",
    "HINT_CONTACT",
]
REPORT_HEADING = "📋 Báo cáo câu hỏi từ {since} đến {until}"
REPORT_TOTALS = "Có {questions} câu hỏi; góp ý: {up} 👍, {down} 👎."
REPORT_TOP = "🔝 Được hỏi nhiều nhất"
REPORT_UNANSWERED = "❓ Chưa tìm được bài nào"
REPORT_DISLIKED = "👎 Bị chê (👎)"
REPORT_JUDGMENTS = "✅ Bài người dân chọn là đúng"
REPORT_NONE = "(không có)"
REPORT_ASKED = "{number}. {question} — {times} lần, {results} kết quả"
REPORT_VOTED = "{number}. {question} — {down} 👎, {up} 👍"
REPORT_JUDGED = "• {question} → bài {article_id}: {title} ({count} lần)"
REPORT_JUDGED_NONE = "• {question} → không bài nào đúng ({count} lần)"
REPORT_FIX_HINT = (
    "✏️ Bấm nút “Sửa từ điển” của một câu để thêm từ viết tắt, từ đồng nghĩa hay từ hỏi "
    "giúp bot hiểu câu đó; hoặc gõ /tudien để xem từ điển."
)
REPORT_FIX_BUTTON = "✏️ Sửa từ điển: {question}"
REPORT_DAYS_HOW = "Bạn gõ /baocao (7 ngày gần nhất) hoặc /baocao kèm số ngày, ví dụ: /baocao 30"
SECTION_NAMES = {  # the dictionary file's sections, as admins read and type them
    "đồng nghĩa": "đồng nghĩa",
    "từ hỏi": "từ hỏi",
    "viết tắt": "viết tắt khi nhắn tin",
}
DICTIONARY_HEADING = "📖 Từ điển tra cứu: {count} dòng do quản trị viên thêm"
DICTIONARY_LINE = "{number}. [{section}] {line}"
DICTIONARY_EMPTY = "Chưa có dòng nào được thêm qua bot (tệp data/dictionary.txt vẫn được dùng)."
DICTIONARY_HOW = (
    "✏️ Thêm một dòng: /tudien rồi dòng cần thêm, ví dụ:\n"
    "• /tudien PSHN = phố sách Hà Nội (đồng nghĩa, chữ viết tắt)\n"
    "• /tudien tuhoi ở đâu vậy (từ để hỏi, từ đệm)\n"
    "• /tudien viettat ko = k = không (viết tắt khi nhắn tin)\n"
    "Bot cho xem kết quả trước và sau khi thêm để bạn xác nhận."
)
DICTIONARY_REMOVE_BUTTON = "🗑 Xóa dòng {number}"
DICTIONARY_FIXING = "✏️ Sửa từ điển cho câu {question}."
DICTIONARY_PREVIEW = "🧪 Thử thêm dòng [{section}]: {line}\nVới câu hỏi {question}:"
DICTIONARY_BEFORE = "Trước: {count} kết quả"
DICTIONARY_AFTER = "Sau: {count} kết quả"
DICTIONARY_RESULT = "   {number}. {title}"
DICTIONARY_CONFIRM_BUTTON = "✅ Xác nhận thêm"
DICTIONARY_CANCEL_BUTTON = "✖ Bỏ"
DICTIONARY_CONFIRMED = (
    "✅ Đã thêm vào từ điển: [{section}] {line}\n"
    "Bot áp dụng ngay; các tiến trình khác áp dụng trong vòng 10 giây, không cần khởi động lại."
)
DICTIONARY_CANCELLED = "✖ Đã bỏ dòng: {line}"
DICTIONARY_REMOVED = "🗑 Đã xóa khỏi từ điển: [{section}] {line}"
DICTIONARY_GONE = "Dòng này không còn nữa (có thể đã được xóa hay xác nhận ở nơi khác)."
DICTIONARY_BAD_LINE = "⚠️ Dòng từ điển chưa đúng cách viết. Bạn xem ví dụ bằng lệnh /tudien nhé."
DICTIONARY_NO_QUESTION = "⚠️ Câu hỏi để thử không có từ nào để tìm."
QUESTION_NOT_IN_REPORT = "Câu hỏi này không còn trong báo cáo. Bạn gõ lại /baocao nhé."
TECHNICAL_DETAIL = "<i>Chi tiết kỹ thuật: {detail}</i>"
TECHNICAL_DETAIL_PLAIN = "Chi tiết kỹ thuật: {detail}"
ATTACHMENTS_HEADING = "📎 Tệp đính kèm:"
ATTACHMENT_LINE = "• {name}"
ATTACHMENT_SIZE = " ({size})"
SUMMARY_ONLY = (
    "ℹ️ Bot chỉ lưu phần tóm tắt của bài này; mời bạn bấm “🔗 Xem bài gốc” để đọc toàn văn "
    "và các văn bản đính kèm trên trang của Sở."
)
INGEST_RECEIVED = (
    "📥 Đã nhận tệp “{name}” ({size}), đang nhập… Trong lúc này bot vẫn trả lời bình thường."
)
INGEST_PROGRESS = "⏳ Đang nhập tệp “{name}”: đã xử lý {done} bản ghi…"
INGEST_FAILED = "❌ Không nhập được tệp “{name}”; các bài đã nhập trước đó vẫn được giữ."


def file_size(size: int) -> str:
    """A file's size as Vietnamese readers write it: 3,9 MB, 512 KB."""
    if size >= 1024 * 1024:
        return _megabytes(size)
    return f"{max(1, round(size / 1024))} KB"


# Crawl problems whose detail is a technical message (often in English): admins read the short
# Vietnamese sentence, the detail goes on a second, smaller line.
CRAWL_ISSUES_SHORT = {
    CrawlIssue.CONNECTION: "không kết nối được tới máy chủ",
    CrawlIssue.ROBOTS_UNREACHABLE: "không đọc được robots.txt của máy chủ, tạm dừng tải",
    CrawlIssue.EXTRACTION_FAILED: "không trích được nội dung bài",
    CrawlIssue.BAD_FEED: "không đọc được RSS",
    CrawlIssue.CANNOT_STORE: "không lưu được vào cơ sở dữ liệu",
    CrawlIssue.NOT_A_PAGE: "không phải trang web",
    CrawlIssue.INVALID_URL: "địa chỉ không hợp lệ",
}
HINT_RATE = "“👍” hoặc “👎” để cho biết câu trả lời có đúng không"
HINT_PICK = "“bài đúng {number}” nếu bài {number} đúng"
HINT_PICK_NONE = "“không bài nào đúng”"

# -- Zalo (bot/zalo): plain text, no buttons, no files -----------------------------------------
ZALO_READ_ON = "👉 Bài còn tiếp ({shown}/{total} phần). Gõ “đọc tiếp” để xem phần sau."
ZALO_NOTHING_TO_READ_ON = (
    "Không còn phần nào để đọc tiếp. Bạn gõ “đọc 2” để đọc một bài trong danh sách, "
    "hoặc gõ điều muốn tìm nhé."
)
ZALO_INGEST_TELEGRAM_ONLY = (
    "📎 Nhập bài từ tệp chỉ làm được trên Telegram: Zalo không chuyển tệp tới bot. Bạn gửi "
    "tệp .txt, .json hoặc .jsonl kèm chú thích /ingest cho bot trên Telegram, hoặc chạy "
    "“python bot.py ingest” trên máy chủ."
)
ZALO_ADMIN_HELP = (
    "\n\n🔧 Dành cho quản trị viên\n"
    "/reindex – lập lại chỉ mục (/reindex full để phân tích lại toàn bộ bài)\n"
    "/stats – thống kê dữ liệu, câu hỏi và tình trạng thu thập tin\n"
    "/crawl – thu thập tin mới (kèm tên một nguồn hoặc địa chỉ một trang để thu thập riêng)\n"
    "/xoa – gỡ một bài khỏi kết quả, ví dụ /xoa 12\n"
    "/ingest – chỉ dùng được trên Telegram (Zalo không chuyển tệp tới bot)."
)
ZALO_ERROR_REPORT = (
    "⚠️ Bot gặp lỗi khi xử lý một tin nhắn Zalo: {kind}\n{detail}\n"
    "Chi tiết đầy đủ có trong nhật ký (log) của bot."
)

# -- following topics (subscriptions) --------------------------------------------------------

FOLLOW_BUTTON = "🔔 Theo dõi"
FOLLOW_CATEGORY_BUTTON = "🔔 Theo dõi chuyên mục này"
FOLLOW_SHORT = "🔔"  # beside each category of /chuyenmuc
UNFOLLOW_BUTTON = "❌ {label}"
UNFOLLOW_ALL_BUTTON = "❌ Bỏ theo dõi tất cả"
UNFOLLOW_THIS_BUTTON = "🔕 Bỏ theo dõi “{label}”"
FOLLOW_HOW = (
    "🔔 Gõ /theodoi kèm chủ đề bạn muốn nhận tin, ví dụ “/theodoi chuyển đổi số” hoặc "
    "“/theodoi học bổng”. Khi có bài mới phù hợp, bot sẽ gửi ngay cho bạn."
)
FOLLOWING_NONE = "Bạn chưa theo dõi chủ đề nào. " + FOLLOW_HOW
FOLLOWING_HEADING = "🔔 <b>Các chủ đề bạn đang theo dõi</b> ({count}/{limit}):"
FOLLOWING_HINT = "Bấm ❌ để bỏ theo dõi một chủ đề, hoặc gõ /huytheodoi kèm số thứ tự."
FOLLOWED = "✅ Đã theo dõi “{label}”. Khi có bài mới phù hợp, bot sẽ gửi cho bạn."
FOLLOWED_CATEGORY = "✅ Đã theo dõi chuyên mục “{label}”. Khi có bài mới, bot sẽ gửi cho bạn."
TIME_WORDS_DROPPED = (
    "ℹ️ Bot bỏ qua phần thời gian (“{words}”): bạn sẽ nhận mọi bài mới về chủ đề này."
)
FOLLOW_RECENT = "Trong 30 ngày qua có {total} bài như vậy, ví dụ:"
FOLLOW_RECENT_NONE = "Trong 30 ngày qua chưa có bài nào như vậy; bot sẽ báo khi có."
FOLLOW_REFUSED = {
    "too_many": "Rất tiếc, mỗi cuộc trò chuyện theo dõi được tối đa {limit} chủ đề. "
    "Bạn hãy bỏ bớt một chủ đề (/huytheodoi) rồi thử lại nhé.",
    "too_long": "Chủ đề hơi dài: bạn hãy viết gọn trong {chars} ký tự nhé.",
    "duplicate": "Bạn đã theo dõi chủ đề này rồi.",
    "no_topic": "Bot chưa thấy chủ đề để theo dõi. Bạn hãy gõ vài từ khóa, ví dụ "
    "“/theodoi chuyển đổi số”.",
}
UNFOLLOWED = "✅ Đã bỏ theo dõi “{label}”."
UNFOLLOWED_ALL = "✅ Đã bỏ theo dõi tất cả {count} chủ đề."
UNFOLLOW_UNKNOWN = "Không có chủ đề số {number}. Gõ /theodoi để xem danh sách."
UNFOLLOW_HOW = "Gõ /huytheodoi kèm số thứ tự (xem bằng /theodoi), hoặc “/huytheodoi tất cả”."
GROUP_ADMINS_ONLY = "Trong nhóm, chỉ quản trị viên của nhóm mới thay đổi được việc theo dõi tin."
NEWS_HEADING = "🔔 <b>Tin mới</b>"
NEWS_BECAUSE = "Vì bạn theo dõi: {label}"
NEWS_MANY_HEADING = "🔔 <b>{count} tin mới</b> theo các chủ đề bạn theo dõi:"
DIGEST_HEADING = "🗞 <b>Bản tin {period}</b> – {count} bài mới:"
DIGEST_DAILY = "hằng ngày"
DIGEST_WEEKLY = "hằng tuần"
DIGEST_SUBSCRIPTION = "🔔 <b>{label}</b>"
DIGEST_OTHER = "📌 <b>Tin khác</b>"
DIGEST_PAGE = "📄 Trang {page}/{pages}"
DIGEST_PAGE_GONE = (
    "Không mở được trang này của bản tin. "
    "Bạn vui lòng dùng nút ◀ Trước / Sau ▶ ngay dưới bản tin nhé."
)
MODE_INSTANT = "⚡ Ngay khi có"
MODE_DAILY = "🗓 Hằng ngày"
MODE_WEEKLY = "📅 Hằng tuần"
QUIET_ON = "🌙 Giờ yên lặng: bật"
QUIET_OFF = "🌙 Giờ yên lặng: tắt"
DELIVERY_SETTINGS = (
    "📬 <b>Cách nhận tin</b>: {mode}.\n"
    "Bản tin hằng ngày gửi lúc {at} (giờ Việt Nam); bản tin hằng tuần gửi sáng thứ Hai.\n"
    "Giờ yên lặng (22:00–06:00): {quiet}; tin đến lúc này sẽ được gửi vào buổi sáng.\n"
    "Đổi giờ bản tin: gõ /bantin kèm giờ, ví dụ “/bantin 06:30”."
)
DELIVERY_MODE_NAMES = {
    "instant": "ngay khi có bài mới",
    "daily": "hằng ngày",
    "weekly": "hằng tuần",
}
QUIET_NAMES = {True: "bật", False: "tắt"}
DIGEST_TIME_INVALID = "Giờ chưa đúng: bạn hãy gõ theo dạng giờ:phút, ví dụ “/bantin 06:30”."
SUBSCRIPTION_STATS = (
    "🔔 <b>Theo dõi tin</b>: {subscriptions} chủ đề của {chats} cuộc trò chuyện "
    "({paused} đã tạm dừng vì chặn bot hoặc không còn tồn tại).\n"
    "24 giờ qua: đã gửi {sent} tin, {failed} lần gửi lỗi; đang chờ gửi {waiting}."
)
CHANNEL_HOW = (
    "Gõ /kenh kèm tên kênh (bot phải là quản trị viên của kênh, có quyền đăng bài), rồi "
    "nếu muốn thì một chuyên mục hoặc từ khóa, ví dụ “/kenh @tin_so chuyên mục Tin hoạt động sở” "
    "hoặc “/kenh @tin_so chuyển đổi số”. Không kèm gì thì mọi tin mới đều được đăng."
)
CHANNEL_NOT_FOUND = (
    "Bot không tìm thấy kênh {name}: bạn kiểm tra lại tên kênh (bắt đầu bằng @) nhé."
)
CHANNEL_NOT_ADMIN = (
    "Bot chưa là quản trị viên có quyền đăng bài của kênh {name}. Bạn hãy thêm bot làm quản trị "
    "viên của kênh (quyền “Đăng bài”) rồi gõ lại lệnh nhé."
)
CHANNEL_ATTACHED = "✅ Từ nay bot sẽ tự đăng lên kênh {name} {what}."
CHANNEL_EVERYTHING = "mọi tin mới"
CHANNEL_CATEGORY = "tin mới của chuyên mục “{label}”"
CHANNEL_TOPIC = "tin mới về “{label}”"
CHANNEL_NO_CATEGORY = "Không có chuyên mục “{label}”. Gõ /chuyenmuc để xem tên các chuyên mục."
ANNOUNCE_HOW = "Gõ /thongbao kèm nội dung thông báo gửi tới mọi cuộc trò chuyện đang theo dõi tin."
ANNOUNCE_CONFIRM = (
    "📣 <b>Gửi thông báo này tới {chats} cuộc trò chuyện đang theo dõi tin?</b>\n\n{text}"
)
ANNOUNCE_SEND_BUTTON = "✅ Gửi"
ANNOUNCE_CANCEL_BUTTON = "✖️ Hủy"
ANNOUNCE_SENT = "✅ Đã xếp hàng gửi thông báo tới {chats} cuộc trò chuyện."
ANNOUNCE_CANCELLED = "Đã hủy thông báo."
ANNOUNCE_EXPIRED = "Thông báo này đã hết hạn xác nhận; bạn gõ lại /thongbao nhé."
ANNOUNCEMENT = "📣 <b>Thông báo</b>\n\n{text}"
ANNOUNCE_TOO_LONG = "Thông báo dài quá: bạn hãy viết trong {chars} ký tự nhé."

# -- following by typed words (any channel; plain text on Zalo) ----------------------------
SAID[Said.UNFOLLOW_HOW] = UNFOLLOW_HOW
FOLLOW_HOW_WORDS = (
    "🔔 Gõ “theo dõi” kèm chủ đề bạn muốn nhận tin, ví dụ “theo dõi chuyển đổi số” hoặc "
    "“theo dõi học bổng”. Khi có bài mới phù hợp, bot sẽ gửi ngay cho bạn."
)
FOLLOWING_NONE_WORDS = "Bạn chưa theo dõi chủ đề nào. " + FOLLOW_HOW_WORDS
FOLLOWING_HINT_WORDS = (
    "👉 Gõ “bỏ theo dõi” kèm số thứ tự (ví dụ “bỏ theo dõi 1”) để bỏ một chủ đề, "
    "hoặc “bỏ theo dõi tất cả”."
)
UNFOLLOW_UNKNOWN_WORDS = "Không có chủ đề số {number}. Gõ “theo dõi” để xem danh sách."
UNFOLLOW_HOW_WORDS = (
    "Gõ “bỏ theo dõi” kèm số thứ tự (xem bằng “theo dõi”), ví dụ “bỏ theo dõi 1”, "
    "hoặc “bỏ theo dõi tất cả”."
)
HINT_FOLLOW = "“theo dõi {question}” để nhận tin mới về chủ đề này"
HINT_FOLLOW_CATEGORY = "“theo dõi chuyên mục {name}” để nhận tin mới của chuyên mục"
HINT_UNFOLLOW = "“bỏ theo dõi {number}” để thôi theo dõi “{label}”"
NEWS_UNFOLLOW_WORDS = "👉 Gõ “bỏ theo dõi {number}” để thôi nhận tin về “{label}”."
NEWS_UNFOLLOW_ANY_WORDS = (
    "👉 Gõ “theo dõi” để xem các chủ đề bạn theo dõi, “bỏ theo dõi 1” (hay số khác) để bỏ bớt."
)
__all__ += [
    "FOLLOW_HOW_WORDS",
    "FOLLOWING_NONE_WORDS",
    "FOLLOWING_HINT_WORDS",
    "UNFOLLOW_UNKNOWN_WORDS",
    "UNFOLLOW_HOW_WORDS",
    "HINT_FOLLOW",
    "HINT_FOLLOW_CATEGORY",
    "HINT_UNFOLLOW",
    "NEWS_UNFOLLOW_WORDS",
    "NEWS_UNFOLLOW_ANY_WORDS",
]

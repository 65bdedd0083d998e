"""The department's contact card: /lienhe, typed “liên hệ”, and the button offered when a
question finds nothing; data/department.toml read once, a mistake named in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import texts
from bot.conversation import Said
from bot.department import DepartmentError, load_department

from .conftest import ROOT
from .fakebotapi import FakeBotAPI
from .test_bot import ask, button, buttons, citizen


def test_lienhe_shows_the_shipped_card(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    card = ask(fake_api, citizen(1), "/lienhe")
    lines = card["text"].split("\n")
    assert lines[0] == "☎️ Sở Thông tin và Truyền thông Hà Nội"
    assert "📍 Địa chỉ: Số 185 Giảng Võ, Quận Đống Đa, Thành phố Hà Nội" in lines
    assert "✉️ Email: tiepnhanykien_sotttt@hanoi.gov.vn" in lines
    assert lines[-1] == texts.CONTACT_EXAMPLE  # the shipped card is an example to edit
    assert ask(fake_api, citizen(1), "liên hệ")["text"] == card["text"]


def test_a_question_without_answer_offers_the_card(fake_api: FakeBotAPI, start_bot) -> None:
    start_bot()
    user = citizen(2)
    nothing = ask(fake_api, user, "tàu vũ trụ sao hỏa")
    fake_api.press(user, nothing, button(nothing, texts.CONTACT_BUTTON))
    card = fake_api.wait_for(lambda: fake_api.replies_to(nothing))[0]
    assert card["text"].startswith("☎️ Sở Thông tin và Truyền thông Hà Nội")


def test_without_a_card_lienhe_says_so(fake_api: FakeBotAPI, start_bot, tmp_path: Path) -> None:
    start_bot(department_file=tmp_path / "none.toml")
    assert ask(fake_api, citizen(3), "/lienhe")["text"] == texts.SAID[Said.NO_CONTACT]
    nothing = ask(fake_api, citizen(3), "tàu vũ trụ sao hỏa")
    assert texts.CONTACT_BUTTON not in [label for label, _ in buttons(nothing)]


def test_an_edited_card_shows_only_its_fields(tmp_path: Path) -> None:
    path = tmp_path / "department.toml"
    path.write_text('[department]\nname = "Sở A & B"\nhotline = "1900 0000"\n', encoding="utf-8")
    card = load_department(path)
    assert card is not None and card.hotline == "1900 0000" and not card.example
    assert load_department(ROOT / "data" / "department.toml") is not None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[department]\naddress = 'x'\n", "name: Field required"),
        ("[department]\nname = 'x'\nfax = '1'\n", "fax: Extra inputs are not permitted"),
        ("[department\nname = 'x'\n", "cannot read the contact card"),
        ("[department]\nname = 'x'\nwebsite = 'sotttt.gov.vn'\n", "website must start with"),
    ],
)
def test_a_mistake_in_the_card_is_one_clear_line(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "department.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DepartmentError, match=message) as caught:
        load_department(path)
    assert "\n" not in str(caught.value) and str(path) in str(caught.value)

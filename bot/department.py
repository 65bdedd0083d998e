"""The department's contact card, read once from data/department.toml (DEPARTMENT_FILE)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from index import InputError

from .conversation import ContactCard

__all__ = ["DepartmentError", "load_department"]

_FIELDS = ("name", "address", "hotline", "email", "hours", "website")


class DepartmentError(InputError):
    """The contact card file is malformed; the message is one line naming the file."""


class _Card(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str
    address: str = ""
    hotline: str = ""
    email: str = ""
    hours: str = ""
    website: str = ""
    example: bool = False


def load_department(path: Path) -> ContactCard | None:
    """The card in `path`; None when the file does not exist (then /lienhe says so)."""
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        card = _Card.model_validate(data.get("department", {}))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DepartmentError(f"{path}: cannot read the contact card: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "department"
        raise DepartmentError(
            f"{path}: [department] {where}: {first['msg']} (keys: {', '.join(_FIELDS)}, example)"
        ) from exc
    if card.website and not card.website.startswith(("http://", "https://")):
        raise DepartmentError(f"{path}: [department] website must start with https://")
    return ContactCard(**card.model_dump())

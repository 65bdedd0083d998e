"""The packages' public maps, loaded on first use (`index._lazy`, which the bot's packages use
too)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from types import ModuleType

import pytest

from .conftest import ROOT

LAZY_PACKAGES = (
    "index",
    "index.text",
    "index.store",
    "index.search",
    "index.crawl",
    "bot.conversation",
    "bot.render",
)


@pytest.mark.parametrize("name", LAZY_PACKAGES)
def test_every_public_name_is_mapped_and_loads(name: str) -> None:
    package = importlib.import_module(name)
    mapped = [each for names in package._LAZY.values() for each in names]
    assert sorted(mapped) == sorted(package.__all__)
    for each in package.__all__:
        value = getattr(package, each)
        assert not isinstance(value, ModuleType), each


@pytest.mark.parametrize("name", LAZY_PACKAGES)
def test_an_unknown_name_is_an_attribute_error(name: str) -> None:
    package = importlib.import_module(name)
    with pytest.raises(AttributeError, match="has no attribute 'Nothing'"):
        package.Nothing  # noqa: B018
    with pytest.raises(ImportError):
        exec(f"from {name} import Nothing")  # noqa: S102


def test_a_name_that_is_also_its_modules_name_is_the_name() -> None:
    # A fresh interpreter: `index.backup` is imported first through another of its names.
    script = (
        "import index; index.BackupError; from index import backup, upgrade; "
        "print(callable(backup), type(backup).__name__, callable(upgrade))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.split() == ["True", "function", "True"]


def test_importing_a_package_loads_none_of_its_modules() -> None:
    script = (
        "import sys, index.crawl, bot.render; "
        "print(*sorted(m for m in sys.modules if m.startswith(('index.', 'bot.'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert set(result.stdout.split()) == {"index._lazy", "index.crawl", "bot.render"}

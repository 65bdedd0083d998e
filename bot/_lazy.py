"""A package's public names imported on first use (PEP 562), so that `python bot.py ask` does
not load the conversation core or every renderer. The same loader as `index._lazy` (a copy:
`bot` uses only `index`'s public API); see there.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    namespace: dict[str, Any], lazy: Mapping[str, tuple[str, ...]]
) -> Callable[[str], Any]:
    """The module `__getattr__` of the package whose globals are `namespace`: a listed name is
    imported from its module on first use, then kept in the package like an ordinary import."""
    package = namespace["__name__"]
    module_of = {name: module for module, names in lazy.items() for name in names}

    def __getattr__(name: str) -> Any:
        module = module_of.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        loaded = importlib.import_module(module, package)
        child = module[1:]  # ".backup" -> "backup": importing it set the module there
        if child in lazy[module] and namespace.get(child) is loaded:
            namespace[child] = getattr(loaded, child)
        value = namespace[name] = getattr(loaded, name)
        return value

    return __getattr__

"""Public names of a package imported on first use (PEP 562).

A package's ``__init__`` lists its public names and the modules that define them; nothing
is imported until a name is used. Loading one light module of a package (the demo city,
the standards) then does not import the package's heavy ones (readers, the coverage
engine), and packages never import their own modules at start-up, so no import cycle can
start in an ``__init__``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(
    package: str, exports: dict[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``__getattr__`` and ``__dir__`` for a package exporting ``exports``.

    Parameters
    ----------
    package
        The package's ``__name__``.
    exports
        Public name -> full name of the module that defines it.
    """
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:  # noqa: N807 (the module protocol's name)
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value  # the next access is a plain attribute lookup
        return value

    def __dir__() -> list[str]:  # noqa: N807
        return sorted({*namespace, *exports})

    return __getattr__, __dir__

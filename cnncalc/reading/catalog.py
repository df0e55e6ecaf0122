"""The architectures shipped with cnncalc (the top-level architectures/ folder)."""

from __future__ import annotations

import os
from importlib.util import find_spec

from cnncalc.errors import CnncalcError, Position
from cnncalc.reading.architecture import Architecture, from_text

SUFFIX = ".yaml"


def _folder() -> str:
    # The package's folder, found without importing importlib.resources (its imports
    # cost more start-up time than `show lenet5` spends on anything else).
    try:
        spec = find_spec("cnncalc.architectures")
    except ModuleNotFoundError:
        spec = None
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            return str(location)
    # Imported from a source checkout (e.g. `python -m pytest` puts the checkout first
    # on sys.path): the files sit beside the package, not inside it.
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # cnncalc/
    checkout = os.path.dirname(package)
    return os.path.join(checkout, "architectures")


def names() -> list[str]:
    """Bundled architecture names, sorted."""
    folder = _folder()
    return sorted(
        entry.name[: -len(SUFFIX)]
        for entry in os.scandir(folder)
        if entry.name.endswith(SUFFIX) and entry.is_file()
    )


def display_path(name: str) -> str:
    return f"architectures/{name}{SUFFIX}"


def _path(name: str) -> str:
    return os.path.join(_folder(), name + SUFFIX)


def exists(name: str) -> bool:
    return os.path.isfile(_path(name))


class UnknownArchitecture(CnncalcError, KeyError):
    """No bundled architecture of that name (a KeyError too, as a lookup by name)."""


def load(name: str) -> Architecture:
    """Load a bundled architecture by name (`lenet5`, `alexnet`, ...)."""
    if not isinstance(name, str):
        raise TypeError(f"a bundled architecture's name is text, got {type(name).__name__}")
    path = _path(name)
    if not name or os.sep in name or "/" in name or not os.path.isfile(path):
        from cnncalc.reading.fields import nearest

        raise UnknownArchitecture(
            name,
            Position(1, 1),
            f"no bundled architecture of that name{nearest(name, names())}; "
            "`cnncalc list` shows the bundled ones",
        )
    with open(path, encoding="utf-8") as handle:
        return from_text(handle.read(), display_path(name))

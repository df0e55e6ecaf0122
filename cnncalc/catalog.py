"""The architectures shipped with cnncalc (the top-level architectures/ folder)."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from cnncalc.architecture import Architecture, from_text

SUFFIX = ".yaml"


def _folder() -> Traversable:
    try:
        return resources.files("cnncalc.architectures")
    except ModuleNotFoundError:
        # Imported from a source checkout (e.g. `python -m pytest` puts the checkout
        # first on sys.path): the files sit beside the package, not inside it.
        return Path(__file__).resolve().parent.parent / "architectures"


def names() -> list[str]:
    """Bundled architecture names, sorted."""
    return sorted(
        entry.name[: -len(SUFFIX)]
        for entry in _folder().iterdir()
        if entry.name.endswith(SUFFIX) and entry.is_file()
    )


def display_path(name: str) -> str:
    return f"architectures/{name}{SUFFIX}"


def exists(name: str) -> bool:
    return _folder().joinpath(name + SUFFIX).is_file()


def load(name: str) -> Architecture:
    """Load a bundled architecture by name (`lenet5`, `alexnet`, ...)."""
    entry = _folder().joinpath(name + SUFFIX)
    if not entry.is_file():
        raise KeyError(name)
    return from_text(entry.read_text(encoding="utf-8"), display_path(name))

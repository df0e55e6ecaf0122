"""Files cnncalc writes besides standard output (exports, JUnit reports), written safely.

A report is written to a temporary file in the target's folder and renamed over the
target only once it is complete, so a failed write (a full disk, a signal) leaves
the previous file, or no file, never a cut-off one. An existing file is replaced
(a symbolic link is replaced by the file, its target left alone). A file the same
run reads as an architecture is never a target: a misplaced argument must not
destroy the input. A device or a pipe (/dev/stdout) is written into, not replaced.
Pure: no click, no rich.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable

from cnncalc.errors import CnncalcError, Position

YAML_SUFFIXES = (".yaml", ".yml")


def _error(path: str, message: str) -> CnncalcError:
    return CnncalcError(path, Position(1, 1), message)


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return os.path.abspath(a) == os.path.abspath(b)


def _is_input(path: str, inputs: Iterable[str]) -> bool:
    target = os.path.abspath(path)
    for source in inputs:
        if source == "-":
            continue
        if os.path.isdir(source):
            # A folder given to `check` is read for every *.yaml/*.yml under it.
            folder = os.path.abspath(source)
            if target.lower().endswith(YAML_SUFFIXES) and target.startswith(folder + os.sep):
                return True
        elif _same_file(path, source):
            return True
    return False


def prepare(path: str, what: str, inputs: Iterable[str] = ()) -> None:
    """Refuse up front, before any work, a target that cannot or must not be written."""
    if not path:
        raise _error(path, f"the {what} needs a file name, got an empty one")
    if _is_input(path, inputs):
        raise _error(path, f"this is an input of the command; write the {what} to another file")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise _error(path, f"cannot write the {what}: its folder does not exist")
    if os.path.isdir(path):
        raise _error(path, f"cannot write the {what}: this is a folder")


def write(path: str, data: bytes, what: str, inputs: Iterable[str] = ()) -> None:
    """Write ``data`` to ``path`` whole, or not at all; errors as one `CnncalcError`."""
    inputs = list(inputs)
    prepare(path, what, inputs)
    if os.path.exists(path) and not os.path.isfile(path):
        # A device or a pipe (/dev/stdout, a FIFO): written into, never replaced.
        try:
            with open(path, "wb") as stream:
                stream.write(data)
        except OSError as exc:
            raise _error(path, f"cannot write the {what}: {exc.strerror or exc}") from None
        return
    folder = os.path.dirname(os.path.abspath(path))
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(
            prefix="." + os.path.basename(path) + ".", suffix=".part", dir=folder
        )
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        # mkstemp makes the file private; a report gets the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
        temporary = None
    except OSError as exc:
        raise _error(path, f"cannot write the {what}: {exc.strerror or exc}") from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)

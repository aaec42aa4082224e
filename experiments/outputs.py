"""Where a command writes: an output folder (or file) checked before anything runs, and nothing made by the check.

Every command that writes calls `check_output` first, so a path that cannot be written (under a file, in a
folder without write permission, a name too long for the file system) or a folder that holds someone
else's files is refused in one line before any simulation, and the folder is made only when the outputs
are written. The rule, for every command: the outputs go into a new folder, an empty one, or one that
holds this command's earlier outputs (`previous` says which); any other folder is refused, so a file the
user put there is never overwritten.
"""

import os
from collections.abc import Callable
from pathlib import Path

from model.errors import InputError

ROOM_INSIDE = 100
"""Bytes kept free under the file system's longest path for the names the outputs get inside the folder."""


class OutputError(InputError):
    """An output path that cannot be written, or a folder holding files that are not this command's outputs."""


def _limit(folder: Path, name: str, fallback: int) -> int:
    try:
        return os.pathconf(folder, name)
    except (OSError, ValueError):
        return fallback


def _nearest_existing(path: Path, option: str) -> Path:
    """The deepest folder of `path` that exists; every name below it (still to be made) must fit the file system."""
    here = Path(path.anchor) if path.is_absolute() else Path(".")
    parts = list(path.parts[1:] if path.is_absolute() else path.parts)
    while parts:
        longest = _limit(here, "PC_NAME_MAX", 255)
        if len(os.fsencode(parts[0])) > longest:
            raise OutputError(f"{option} {path}: the name {parts[0][:24]}... is {len(os.fsencode(parts[0]))} "
                              f"bytes; the file system takes names of up to {longest}")
        step = here / parts[0]
        if not os.path.isdir(step):
            if os.path.lexists(step) and len(parts) > 1:
                raise OutputError(f"{option} {path}: {step} is a file, so nothing can be made under it")
            break
        here = step
        parts.pop(0)
    for part in parts[1:]:
        longest = _limit(here, "PC_NAME_MAX", 255)
        if len(os.fsencode(part)) > longest:
            raise OutputError(f"{option} {path}: the name {part[:24]}... is {len(os.fsencode(part))} bytes; "
                              f"the file system takes names of up to {longest}")
    return here


def check_output(path: str | Path, *, option: str = "--out", file: bool = False,
                 previous: Callable[[Path], bool] | None = None) -> Path:
    """Refuse an output that cannot be written, in one line naming `option` and the path; nothing is made.

    `file`: the output is one file (its folder is made), not a folder. `previous(folder)`: whether an existing,
    non-empty folder holds this command's earlier outputs (then it is written into); None: any folder is.
    """
    path = Path(path)
    longest = _limit(Path("."), "PC_PATH_MAX", 4096)
    if len(os.fsencode(str(path))) + ROOM_INSIDE > longest:
        raise OutputError(f"{option} {str(path)[:40]}...: the path is {len(os.fsencode(str(path)))} bytes; the "
                          f"file system takes paths of up to {longest} (less the names written inside)")
    existing = _nearest_existing(path, option)
    if os.path.lexists(path):
        return _check_existing(path, option, file, previous)
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"{option} {path}: no permission to create it in {existing}")
    return path


def _check_existing(path: Path, option: str, file: bool, previous) -> Path:
    if file:
        if path.is_dir():
            raise OutputError(f"{option} {path}: is a folder; name the file to write")
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK):
            raise OutputError(f"{option} {path}: no permission to write it")
        return path
    if not path.is_dir():
        raise OutputError(f"{option} {path}: is a file; name a folder for the outputs (a new or empty one)")
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputError(f"{option} {path}: no permission to write in this folder")
    entries = sorted(entry.name for entry in path.iterdir())
    if entries and previous is not None and not previous(path):
        shown = ", ".join(entries[:3]) + (f" and {len(entries) - 3} more" if len(entries) > 3 else "")
        raise OutputError(f"{option} {path}: holds files that are not this command's outputs ({shown}); "
                          "name a new or empty folder")
    return path


def holds_any(*patterns: str) -> Callable[[Path], bool]:
    """A `previous` test: the folder holds a file or folder matching one of `patterns` (a command's outputs)."""
    return lambda folder: any(next(folder.glob(pattern), None) is not None for pattern in patterns)


__all__ = ["OutputError", "check_output", "holds_any"]

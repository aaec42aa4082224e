"""Finding and reading a data file: one rule for scenarios, sweep specs, calibration files, mappings and data.

A source that ends in `.toml` or holds a path separator is a path (relative ones relative to `relative_to`
when given); anything else is the name of a file shipped in the package's folder for that kind. A folder,
a missing, unreadable, empty or non-UTF-8 file is refused here, by name, before anything parses it.
"""

import tomllib
from pathlib import Path


def builtin_names(folder) -> list[str]:
    """Names of the `.toml` files shipped in `folder` (a path or an `importlib.resources` folder)."""
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def _a(what: str) -> str:
    return f"{'an' if what[:1] in 'aeiou' else 'a'} {what}"


def file_problem(path: Path, what: str) -> str | None:
    """Why `path` cannot be read as a `what` file (a folder, missing), or None if it is a file."""
    if path.is_dir():
        return f"a folder, not {_a(what)} file"
    if not path.is_file():
        return f"no such {what} file"
    return None


def find_data_file(source: str | Path, folder, what: str, error: type, relative_to: Path | None = None) -> Path:
    """The file `source` names: a path, or a built-in name in `folder`; else `error` naming the known ones.

    `what` names the kind in messages ("scenario", "sweep spec"); `error` is the `DataFileError` to raise.
    """
    text = str(source)
    if text.endswith(".toml") or "/" in text or "\\" in text:
        path = Path(text)
        if relative_to is not None and not path.is_absolute():
            path = relative_to / path
        why = file_problem(path, what)
        if why is not None:
            raise error(text, [("file", text, why)])
        return path
    names = builtin_names(folder)
    if text in names:
        return Path(str(folder / f"{text}.toml"))
    raise error(text, [("name", text, f"no built-in {what} of this name and no such file; "
                                      f"built-in: {', '.join(names)}")])


def read_text(path: str | Path, what: str, error: type) -> str:
    """The whole text of a data file, or `error` naming it: a folder, missing, unreadable, empty or not UTF-8."""
    path = Path(path)
    where = str(path)
    why = file_problem(path, what)
    if why is not None:
        raise error(where, [("file", where, why)])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as failure:
        raise error(where, [("file", where, f"not UTF-8 text (byte {failure.start}: "
                                            f"{failure.object[failure.start:failure.start + 1]!r}); "
                                            "save it as UTF-8")]) from None
    except OSError as failure:
        raise error(where, [("file", where, f"cannot be read: {failure.strerror}")]) from None
    if not text.strip():
        raise error(where, [("file", where, f"empty; {_a(what)} file cannot be empty")])
    return text


def read_toml(path: str | Path, what: str, error: type) -> dict:
    """A TOML data file's tables, or `error` naming the file: unreadable (see `read_text`) or not valid TOML."""
    text = read_text(path, what, error)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as failure:
        raise error(str(path), [("file", Path(path).name, f"not valid TOML: {failure}")]) from None
    if not raw:
        raise error(str(path), [("file", str(path), f"holds no keys (only comments): {_a(what)} file cannot be empty")])
    return raw

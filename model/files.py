"""Finding a data file by built-in name or by path: one rule for scenarios, sweep specs and calibration files.

A source that ends in `.toml` or holds a path separator is a path (relative ones relative to `relative_to`
when given); anything else is the name of a file shipped in the package's folder for that kind.
"""

from pathlib import Path


def builtin_names(folder) -> list[str]:
    """Names of the `.toml` files shipped in `folder` (a path or an `importlib.resources` folder)."""
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def find_data_file(source: str | Path, folder, what: str, error: type, relative_to: Path | None = None) -> Path:
    """The file `source` names: a path, or a built-in name in `folder`; else `error` naming the known ones.

    `what` names the kind in messages ("scenario", "sweep spec"); `error` is the `DataFileError` to raise.
    """
    text = str(source)
    if text.endswith(".toml") or "/" in text or "\\" in text:
        path = Path(text)
        if relative_to is not None and not path.is_absolute():
            path = relative_to / path
        if not path.is_file():
            raise error(text, [("file", text, f"no such {what} file")])
        return path
    names = builtin_names(folder)
    if text in names:
        return Path(str(folder / f"{text}.toml"))
    raise error(text, [("name", text, f"no built-in {what} of this name and no such file; "
                                      f"built-in: {', '.join(names)}")])

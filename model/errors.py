"""The errors a data file raises: every problem named by file, key and value, in one line each.

Its own module so that every reader of data files (scenarios, observed attacks, specs, ensembles) can raise
them without importing another reader. Values are shown as a file writes them (`show`): dates as
2025-05-01, a table as `{...}` unless it is a short one of plain values.
"""

from datetime import date


class Missing:
    """The value of a key a file does not write (shown as `(missing)`)."""

    def __repr__(self) -> str:
        return "(missing)"


MISSING = Missing()


def show(value) -> str:
    """A value as a file writes it: dates in ISO form, lists item by item, tables short or as `{...}`."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(show(v) for v in value) + "]" if len(value) <= 8 else "[...]"
    if isinstance(value, dict):
        plain = len(value) <= 6 and all(isinstance(v, bool | int | float | str | date) for v in value.values())
        return "{" + ", ".join(f"{k} = {show(v)}" for k, v in value.items()) + "}" if plain and value else "{...}"
    return repr(value)


class DataFileError(ValueError):
    """A data file that cannot be used, with every problem named by file, key and value."""

    def __init__(self, source: str, problems: list[tuple[str, object, str]]) -> None:
        """Collect the problems found in `source`: (key path, value found, what is wrong)."""
        self.source = source
        self.problems = problems
        lines = [f"{source}: {key} = {show(value)}: {why}" for key, value, why in problems]
        super().__init__("\n".join(lines))


class InputError(ValueError):
    """An input a person gave that cannot be used (an option, an argument, a period); the message names it.

    The command line prints these in one line; any other exception is a bug and keeps its traceback.
    """


class ScenarioError(DataFileError):
    """A scenario that cannot be run."""


__all__ = ["MISSING", "DataFileError", "InputError", "ScenarioError", "show"]

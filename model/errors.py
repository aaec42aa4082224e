"""The errors a data file raises: every problem named by file, key and value, in one line each.

Its own module so that every reader of data files (scenarios, observed attacks, specs, ensembles) can raise
them without importing another reader.
"""


class DataFileError(ValueError):
    """A data file that cannot be used, with every problem named by file, key and value."""

    def __init__(self, source: str, problems: list[tuple[str, object, str]]) -> None:
        """Collect the problems found in `source`: (key path, value found, what is wrong)."""
        self.source = source
        self.problems = problems
        lines = [f"{source}: {key} = {value!r}: {why}" for key, value, why in problems]
        super().__init__("\n".join(lines))


class InputError(ValueError):
    """An input a person gave that cannot be used (an option, an argument, a period); the message names it.

    The command line prints these in one line; any other exception is a bug and keeps its traceback.
    """


class ScenarioError(DataFileError):
    """A scenario that cannot be run."""


__all__ = ["DataFileError", "InputError", "ScenarioError"]

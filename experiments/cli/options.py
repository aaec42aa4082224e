"""What each command-line option accepts: argparse `type=` functions, one per kind of value, and the parser.

A bad value stops the command while its arguments are read, before any file is read or written, with one
line naming the option and the value: `attrition: error: --workers 0: ...`. Every command's options use
these, so a rule (a seed is a whole number 0 or more) lives here once.
"""

import argparse
import re
from datetime import date

from model.errors import InputError
from model.limits import MAX_RUNS


class UsageError(InputError):
    """A command line argparse cannot read: an unknown option, a missing argument, a value its type refuses."""


class CommandParser(argparse.ArgumentParser):
    """argparse, with its errors in the command's one-line form instead of usage lines and exit."""

    def error(self, message: str):
        """Raise the error for `main` to print: `--workers 0: ...`, not argparse's `argument --workers: 0: ...`.

        A message that names no option (a missing or unknown argument) points to the command's --help.
        """
        message, named = re.subn(r"^argument (\S+): ", r"\1 ", message)
        raise UsageError(message if named else f"{message} (see `{self.prog} --help`)")


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: not a whole number") from None


def at_least(minimum: int, why: str, most: int | None = None):
    """A type for a whole number from `minimum` (to `most`, if given); `why` says what the number counts."""

    def whole_number(text: str) -> int:
        value = _whole(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"{value}: {why}")
        if most is not None and value > most:
            raise argparse.ArgumentTypeError(f"{value}: above the limit of {most:,} (model/limits.py); a count "
                                             "this large is almost always a typing slip")
        return value

    return whole_number


workers = at_least(1, "give 1 or more local processes; leave --workers out to use every core")
seed = at_least(0, "a seed is a whole number, 0 or more")
replications = at_least(1, "give 1 or more runs", MAX_RUNS)
days = at_least(1, "give 1 or more days")  # the limit is the command's: `run --allow-large` lifts it
datasets = at_least(1, "give 1 or more synthetic data sets", MAX_RUNS)
generations = at_least(1, "give 1 or more generations (the prior's included)", MAX_RUNS)
population = at_least(10, "give 10 or more particles a generation", MAX_RUNS)
predictive = at_least(0, "give 0 (no check) or more posterior draws", MAX_RUNS)
maxiter = at_least(1, "give 1 or more optimiser generations", MAX_RUNS)


def port(text: str) -> int:
    """A TCP port to listen on, 1 to 65535."""
    value = _whole(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value}: a port is 1 to 65535")
    return value


def shard(text: str) -> tuple[int, int]:
    """`I/N`: slice I of N, counted from 0 (0/2 and 1/2 are the two halves)."""
    from experiments.sweep.runner import parse_shard
    from experiments.sweep.spec import SpecError

    try:
        return parse_shard(text)
    except SpecError as error:
        (_, value, why), = error.problems
        raise argparse.ArgumentTypeError(f"{value!r}: {why}") from None


def period(text: str) -> tuple[date, date]:
    """`START:END`, two dates, the first not after the second."""
    from model.observed import parse_period

    try:
        return parse_period(text)
    except InputError as error:  # it names --period; argparse names the option itself
        raise argparse.ArgumentTypeError(str(error).removeprefix("--period ")) from None


def day(text: str) -> date:
    """A date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: write it as YYYY-MM-DD, e.g. 2025-09-30") from None


def days_list(text: str) -> list[date]:
    """Dates written YYYY-MM-DD, separated by commas; at least one."""
    try:
        found = [date.fromisoformat(part.strip()) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: write dates as YYYY-MM-DD, separated by commas") from None
    if not found:
        raise argparse.ArgumentTypeError(f"{text!r}: give at least one date, e.g. 2025-03-31,2025-06-30")
    return found

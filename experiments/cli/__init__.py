"""The `attrition` command.

    attrition run baseline-2025 --seed 42 --out runs/demo
    attrition sweep pause-length --out results/pause-length [--workers N] [--scheduler ADDR] [--shard I/N]
    attrition report results/NAME [--out DIR]      # report.html and report.md (figures beside it)
    attrition headline --out results/headline       # the headline sweeps, then one report of them all
    attrition calibrate DATA.csv --period 2025-01-01:2025-12-31 --out fits/2025   # posterior; resumes
    attrition calibrate DATA.csv --period 2025-01-01:2025-06-30 --method point --out calibrated.toml
    attrition validate DATA.csv --scenario calibrated.toml --period 2025-07-01:2025-12-31
    attrition recovery DATA.csv --period 2025-01-01:2025-03-31 --datasets 20   # do 90% intervals hold the truth?
    attrition forecast DATA.csv --scenario calibrated-2025 --days 90 [--policy FILE ...]
    attrition backtest DATA.csv --origins 2025-03-31,2025-06-30,2025-09-30 --days 90 [--fit point]
    attrition view [--port 8765]                    # the interactive view, in a browser
    attrition scenarios

Bad input (an unknown scenario, a malformed file, an option's value out of
range, an output folder holding another run or someone's files, or one that
cannot be written) is reported in one line on stderr with exit status 2,
before anything runs or is written. Every command writes into a new folder,
an empty one, or one holding its own earlier outputs (`experiments/outputs.py`).
Ctrl-C says what is kept: sweeps and fits resume, a single run starts over.
"""

import argparse
import os
import sys

from experiments.cli import campaigns, explore, fits, forecasts, options, sweeps
from experiments.cli.notices import show_notices
from model.errors import DataFileError, InputError


def parser() -> argparse.ArgumentParser:
    """The command line's grammar: each group of commands adds its own."""
    top = options.CommandParser(prog="attrition", description=__doc__.split("\n")[0])
    sub = top.add_subparsers(dest="command", required=True)
    observed = argparse.ArgumentParser(add_help=False)  # what calibrate, recovery and validate all read
    observed.add_argument("data", help="attack-data CSV in the 'Massive Missile Attacks on Ukraine' format")
    observed.add_argument("--period", required=True, type=options.period,
                          help="START:END, e.g. 2025-01-01:2025-12-31")
    observed.add_argument("--mapping", default=None, help="weapon model -> class TOML (default: the built-in one)")
    campaigns.add_commands(sub)
    sweeps.add_commands(sub)
    fits.add_commands(sub, observed)
    forecasts.add_commands(sub)
    explore.add_commands(sub)
    return top


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `attrition` command."""
    from experiments.analysis import AnalysisError
    from experiments.single_run import OutputConflict
    from experiments.sweep.executors import SweepAborted
    from experiments.sweep.storage import SweepConflict

    args = None
    show_notices()
    try:
        args = parser().parse_args(argv)
        import matplotlib

        matplotlib.use("Agg")  # the command writes figures to files; it never opens a window
        return args.handler(args)
    except (DataFileError, InputError, AnalysisError, OutputConflict, SweepConflict, SweepAborted) as error:
        # the project's own errors name what was wrong in one line; anything else is a bug: its traceback shows
        print(f"attrition: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print(f"attrition: interrupted; {interrupted_message(args)}", file=sys.stderr)
        return 130


def interrupted_message(args) -> str:
    """What Ctrl-C leaves behind, as the command set it: `interrupted`, text or a function of the options."""
    if args is None or not hasattr(args, "interrupted"):
        return "nothing was written"
    message = args.interrupted(args) if callable(args.interrupted) else args.interrupted
    return message.format(**vars(args))

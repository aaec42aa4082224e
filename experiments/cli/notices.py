"""Notices on stderr: what a scenario file does that is allowed but seldom meant, one line each.

Loading warns a `ScenarioNotice` and prints nothing (a notebook or a test decides what to show); the
command shows each as `attrition: notice: ...`, and every other warning as Python would.
"""

import sys
import warnings

from model.extension import ScenarioNotice


def show_notices() -> None:
    """From now on, show each scenario notice as one line on stderr (once per notice, Python's default)."""
    previous = warnings.showwarning
    if getattr(previous, "shows_scenario_notices", False):
        return

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, ScenarioNotice):
            print(f"attrition: notice: {message}", file=sys.stderr)
        else:
            previous(message, category, filename, lineno, file, line)

    show.shows_scenario_notices = True
    warnings.showwarning = show

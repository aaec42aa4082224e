"""Running the campaign model for people: sweeps, storage, the command line, run outputs and figures.

    from experiments import run_sweep, open_results, load_spec
    from experiments import analysis, plots               # intervals, paired differences; figures
    from experiments.report import build_report           # what `attrition report` writes

`analysis`, `plots` and `report` are not imported here, so worker processes
start without matplotlib.

Nothing in `model` or `agents` imports from this package.
"""

from experiments.spec import SpecError, SweepSpec, builtin_specs, load_spec
from experiments.sweep import SweepResult, open_results, run_sweep

__all__ = ["SpecError", "SweepResult", "SweepSpec", "builtin_specs", "load_spec", "open_results", "run_sweep"]

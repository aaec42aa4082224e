"""Running the campaign model for people: sweeps, storage, the command line, run outputs and figures.

    from experiments import run_sweep, open_results, load_spec

Nothing in `model` or `agents` imports from this package.
"""

from experiments.spec import SpecError, SweepSpec, builtin_specs, load_spec
from experiments.sweep import SweepResult, open_results, run_sweep

__all__ = ["SpecError", "SweepResult", "SweepSpec", "builtin_specs", "load_spec", "open_results", "run_sweep"]

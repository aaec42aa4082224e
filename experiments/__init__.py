"""Running the campaign model for people: sweeps, analysis, reports, calibration and the command line.

    from experiments import run_sweep, open_results, load_spec
    from experiments import analysis                      # intervals, paired differences
    from experiments.reporting import plots               # figures
    from experiments.reporting.report import build_report # what `attrition report` writes

    sweep/        the engine: spec, design, workers, executors, store
    analysis/     statistics on results tables (no model)
    reporting/    documents, figures, answers, the report
    calibration/  fits, validation, the posterior, forecasts, backtests
    cli/          `attrition`, one module per group of commands

The names below load on first use, so `import experiments.analysis` does not load the model, and
worker processes start without matplotlib. Nothing in `model` or `agents` imports from this package.
"""

import importlib

_EXPORTS = {"SpecError": "experiments.sweep.spec", "SweepSpec": "experiments.sweep.spec",
            "builtin_specs": "experiments.sweep.spec", "load_spec": "experiments.sweep.spec",
            "SweepResult": "experiments.sweep.runner", "open_results": "experiments.sweep.runner",
            "run_sweep": "experiments.sweep.runner"}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    """`experiments.run_sweep` and the others, imported when first asked for (PEP 562)."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'experiments' has no attribute {name!r}")

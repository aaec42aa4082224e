"""Sweep results turned into statements with their uncertainty. Reads tables; imports no model.

from experiments import analysis
analysis.outcome_table(result.runs, "leaked_ballistic", by=["shots_per_ballistic"])

statistics.py   means with intervals, paired differences, effects per unit, fans, parameter shares
sensitivity.py  Sobol and Morris indices (SALib)
discovery.py    scenario discovery (PRIM, EMA Workbench)
"""

from experiments.analysis.discovery import Discovery, discover
from experiments.analysis.sensitivity import sensitivity
from experiments.analysis.statistics import (
    CONFIDENCE,
    QUANTILES,
    AnalysisError,
    describe,
    effect_per_unit,
    fan,
    level_of,
    outcome_table,
    pair_keys,
    paired_differences,
    parameter_share,
    paused_share,
)

__all__ = ["CONFIDENCE", "QUANTILES", "AnalysisError", "Discovery", "describe", "discover", "effect_per_unit",
           "fan", "level_of", "outcome_table", "pair_keys", "paired_differences", "parameter_share",
           "paused_share", "sensitivity"]

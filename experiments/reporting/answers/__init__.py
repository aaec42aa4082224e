"""The headline questions, each answered in plain words with numbers and intervals.

An answer is a function `(result, spec, **options) -> Section`, named in a
sweep spec's `[report] answers = [...]`; `options` come from
`[report.options]` (which factor holds what). Every number it states comes
from `experiments.analysis`: means with 95% intervals over replications, and
paired differences under common random numbers for policy comparisons.

Every policy comparison reports all it moves, not only the outcome it was
asked about: the leakers of every threat family that does damage (read off
the sweep's base scenario's catalog, decoys left out), damage and
value-weighted damage, and the rounds fired of every interceptor type the
policy touches. Names of classes, interceptor and battery types come from the
catalog, and factor levels from the sweep's manifest, never from these files.

    registry.py        the answers by name, and `check_answers`
    words.py           levels, estimates and paired comparisons in words
    scenario_facts.py  what the base scenario and its catalog say
    pause.py           pause_cost
    doctrine.py        doctrine_cost
    layers.py          layer_value, cost_exchange
    saturation.py      attacker_saturation
"""

from experiments.reporting.answers.doctrine import doctrine_cost
from experiments.reporting.answers.doctrine import engage_baseline as _engage_baseline
from experiments.reporting.answers.layers import cost_exchange, layer_value
from experiments.reporting.answers.pause import pause_cost
from experiments.reporting.answers.registry import ANSWERS, answer, check_answers
from experiments.reporting.answers.saturation import attacker_saturation
from experiments.reporting.answers.scenario_facts import base_scenario as _base_scenario
from experiments.reporting.answers.words import Comparison, moves, row_estimate, wide_table

__all__ = ["ANSWERS", "Comparison", "_base_scenario", "_engage_baseline", "answer", "attacker_saturation",
           "check_answers", "cost_exchange", "doctrine_cost", "layer_value", "moves", "pause_cost", "row_estimate",
           "wide_table"]

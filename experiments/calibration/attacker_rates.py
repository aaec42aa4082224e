"""The forecast attacker: drawn nights at the rates of the recent reports (routine nights, salvos, production).

`attacker_rates` reads a window of reports and gives the scenario overrides
(path -> value) that make drawn mode fly nights like them; the forecast sets
them after the origin, where replay stops.
"""

import math
from datetime import date

import numpy as np
import pandas as pd

from model.observed import ObservedAttacks
from model.weapon_mapping import FAMILIES, OTHER

BUFFER_DAYS = 60
"""The forecast attacker's stockpile at the origin: this many days of its fitted launches (it does not run dry)."""
DISPERSION_CAP = 1000.0
"""Routine nights less spread than Poisson get this negative-binomial shape (Poisson, to the eye)."""


def _uniform_range(values: np.ndarray, floor: int) -> list[int]:
    """[low, high] of a uniform integer draw with the values' mean and standard deviation (at least `floor`)."""
    mean = float(values.mean())
    spread = math.sqrt(3.0) * (float(values.std(ddof=1)) if len(values) > 1 else 0.0)
    low = max(floor, int(round(mean - spread)))
    return [low, max(low, int(round(mean + spread)))]


def attacker_rates(observed: ObservedAttacks, start: date, end: date, *, salvo_above: int = 250,
                   decoy_share: float = 0.38, decoy: tuple[str, str] | None = None,
                   buffer_days: float = BUFFER_DAYS) -> dict:
    """Scenario overrides (path -> value) for drawn nights at the rates of the reports from `start` to `end`.

    A night of more Shahed-type launches than `salvo_above` is a salvo, as replay counts it. Routine
    nights: the mean per class (observed subtypes) over the other nights, and a negative-binomial shape
    fitted to their Shahed-type totals by moments. Salvos: the interval between salvo nights and the swarm
    size as uniform ranges with the observed mean and spread, each class's missiles the mean over salvo
    nights. `decoy = (decoy class, the class it mimics)` splits that class's counts at `decoy_share`, as
    replay does. Production is the window's mean launches a day; the stockpile `buffer_days` of it, so the
    projection follows the recent rates rather than the attacker's unknown stocks. Fewer than two salvo
    nights: one salvo per window (none: one per two windows).
    """
    table = observed.period(start, end)
    nights = len(table)
    subtypes = [s for s in observed.subtypes if s != OTHER]
    counts = pd.DataFrame({s: table[f"launched_{s}"].to_numpy(float) for s in subtypes})
    if decoy is not None:  # as replay: the decoy and the class it passes for make the swarm
        name, mimics = decoy
        counts[name] = counts[mimics] * decoy_share
        counts[mimics] = counts[mimics] * (1.0 - decoy_share)
        swarm = [mimics, name]
    else:
        swarm = [s for s in subtypes if observed.family_of.get(s) == FAMILIES[0]]
    swarm_total = counts[swarm].sum(axis=1).to_numpy()
    salvo = swarm_total > salvo_above
    routine = counts[~salvo]
    routine_total = swarm_total[~salvo]
    mean, variance = float(routine_total.mean()) if len(routine_total) else 0.0, 0.0
    if len(routine_total) > 1:
        variance = float(routine_total.var(ddof=1))
    dispersion = mean ** 2 / (variance - mean) if variance > mean > 0 else DISPERSION_CAP
    days = np.flatnonzero(salvo)
    if len(days) >= 2:
        interval = _uniform_range(np.diff(days).astype(float), 1)
    else:
        interval = [nights * (2 if len(days) == 0 else 1)] * 2
    salvos = counts[salvo]
    sizes = swarm_total[salvo]
    size = _uniform_range(sizes, salvo_above + 1) if len(sizes) else [salvo_above + 1] * 2
    mix = salvos[swarm].sum() if len(salvos) else counts[swarm].sum()
    mix = mix / mix.sum() if mix.sum() > 0 else pd.Series(1.0 / len(swarm), index=swarm)
    others = [c for c in counts.columns if c not in swarm]
    production = counts.sum() / nights
    return {
        "attacker.routine.mean": {c: round(float(routine[c].mean()) if len(routine) else 0.0, 4)
                                  for c in counts.columns},
        "attacker.routine.dispersion": round(min(dispersion, DISPERSION_CAP), 3),
        "attacker.salvo.interval_days": interval,
        "attacker.salvo.swarm_size": size,
        "attacker.salvo.swarm_mix": {c: float(mix[c]) for c in swarm},
        "attacker.salvo.missiles": {c: round(float(salvos[c].mean()) if len(salvos) else 0.0, 4) for c in others},
        "attacker.production_per_day": {c: round(float(production[c]), 4) for c in counts.columns},
        "attacker.initial_stockpile": {c: int(math.ceil(buffer_days * production[c])) for c in counts.columns},
    }

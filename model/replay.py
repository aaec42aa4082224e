"""Replay mode: the observed launches of every night, by the catalog's classes (`attacker.mode = "replay"`).

The reports are read by `model.observed`; the attacker launches these
nights exactly (`Attacker.launch`). Observed Shahed-type counts include
decoys: each night's count is split between `drone` and the class that
mimics it, with a binomial draw at `replay.decoy_share`.
"""

import numpy as np

from model.errors import ScenarioError
from model.observed import decoy_class, load_observed
from model.scenario import Scenario


def replayed_nights(scenario: Scenario, route_open: np.ndarray, rng: np.random.Generator,
                    days: int | None = None) -> np.ndarray | None:
    """In replay mode, the observed launches of the first `days` nights (default all), (nights, classes); else None.

    `route_open` (routes, classes) says which classes reach which routes'
    targets: a class the reports launch that reaches no site is an error.
    Nights after the last report launch nothing and draw nothing, so only the
    reported ones are read and drawn: memory follows the data and `days`, not
    the scenario's end, and the draws are the same whatever `days` is.
    """
    replay = scenario.attacker.replay
    if scenario.attacker.mode != "replay":
        return None
    observed = load_observed(replay.file, replay.mapping, replay.include_regional)
    threats = scenario.catalog.threats
    names = list(threats)
    flown = [n for n in names if n in observed.subtypes]
    last = scenario.end if observed.daily.empty else min(scenario.end, observed.daily.index.max().date())
    reported = max(scenario.day_of(last) + 1, 0)
    counts = observed.launches(scenario.start, scenario.date_of(reported - 1), flown)
    rows = scenario.horizon if days is None else days
    nights = np.zeros((max(reported, rows), len(names)), dtype=np.int64)
    for k, name in enumerate(flown):
        nights[:reported, names.index(name)] = counts[:, k]
    unreachable = [n for n in flown if counts[:, flown.index(n)].sum() > 0 and not route_open[:, names.index(n)].any()]
    if unreachable:
        raise ScenarioError(scenario.name, [(f"catalog.threats.{n}.range_km", threats[n].range_km,
                                             "the reports launch it, but it reaches no site of this grid")
                                            for n in unreachable])
    decoy = decoy_class(threats)
    if decoy is not None:
        drones = nights[:, names.index("drone")]
        decoys = rng.binomial(drones, replay.decoy_share)
        nights[:, names.index(decoy)] = decoys
        nights[:, names.index("drone")] = drones - decoys
    return nights[:rows]

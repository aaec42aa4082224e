"""Every seed a run's randomness comes from, in one place: common random numbers hold by construction.

- A sweep's replication r runs with `SeedSequence(root_seed, spawn_key=(r,))`
  at every design point (`replication_seed`), so policies meet the same nights.
- Within a run, each night's draws in numba's generator (the attacker's
  launches, the raid kernel's kills) are seeded from tables of seeds drawn
  from the run's `numpy.random.Generator` when the run is built, before its
  first night (`night_seeds`). A night's kill draws therefore do
  not depend on what the attacker drew that night or before, so two design
  points whose salvos differ still share every night's kill draws.
- What the attacker draws on salvo nights (the calendar's intervals, the
  swarms) comes from streams of its own (`own_stream`), split off the run's
  generator when the run is built: two design points whose swarms or battery
  strikes differ still get their salvos on the same nights.
"""

import numpy as np


def replication_seed(root_seed: int, replication: int) -> int:
    """The seed of replication r at every design point (common random numbers)."""
    state = np.random.SeedSequence(root_seed, spawn_key=(replication,)).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))  # 63 bits: stays an int64 in every table


def night_seeds(rng: np.random.Generator, nights: int, kept: int | None = None, chunk: int = 1 << 16) -> np.ndarray:
    """One seed a night for numba's generator (32 bits, what `np.random.seed` takes there), drawn at once.

    Only the first `kept` of the `nights` seeds are held (a run of a few days of a long scenario holds seeds for
    its days only), and `rng` is left where drawing all `nights` would leave it: every later draw is the one the
    whole run makes (numpy's 32-bit draws do not depend on how they are split into calls).
    """
    kept = nights if kept is None else kept
    seeds = rng.integers(2**32, size=kept)
    for start in range(kept, nights, chunk):
        rng.integers(2**32, size=min(chunk, nights - start))
    return seeds


def own_stream(rng: np.random.Generator) -> np.random.Generator:
    """An independent generator split off `rng` (numpy's `spawn`), for draws whose number varies from run to run.

    Drawing such numbers from the run's generator would shift every later draw of it: spawning leaves `rng`'s
    stream where it is, and the child's draws depend only on the run's seed and the order the streams are made.
    """
    return rng.spawn(1)[0]


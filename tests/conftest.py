"""Shared fixtures: a tiny scenario as plain data, to be changed and built by each test."""

import copy
from datetime import date

import pytest

TINY = {
    "name": "tiny",
    "start": date(2025, 1, 1),
    "end": date(2025, 1, 31),
    "grid": {"width": 10, "height": 10, "launch_areas": [[9, 5]]},
    "sites": [{"name": "City", "cell": [1, 5], "value": 1.0}],
    "batteries": [{"type": "patriot", "cell": [1, 5]}],
    "attacker": {
        "initial_stockpile": {"drone": 1000, "decoy": 0, "cruise": 0, "ballistic": 100},
        "production_per_day": {},
        "routine": {"mean": {"ballistic": 2.0}, "dispersion": 0.0},
        "salvo": {"interval_days": [1000, 1000], "swarm_size": [0, 0], "swarm_mix": {"drone": 1.0}},
        "waves": {"drone": [1.0], "decoy": [1.0], "cruise": [1.0], "ballistic": [1.0]},
    },
    "suppliers": [
        {"name": "us", "products": {"pac3_mse": 1.0}, "lead_time_days": 3, "ship_every_days": 1},
    ],
}
"""One city, one Patriot battery on it, one launch area, a month, 2 ballistic missiles a night.

Randomness in launches is off (dispersion 0). Catalog entries come from the
built-in catalog; tests override them through the `catalog` key.
"""


@pytest.fixture
def tiny() -> dict:
    """A fresh deep copy of the tiny scenario, to edit freely."""
    return copy.deepcopy(TINY)

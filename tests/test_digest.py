"""Results stay bit-identical under the same seeds: a small sweep's tables against a stored digest.

The sweep runs `posterior-2025` (its 2025 timeline, its ensemble) for four months: two Patriot doctrines
by two shots per ballistic missile, two replications, so it meets drawn raids, salvos, the March
intelligence pause, deliveries and posterior draws. A rearrangement of the code must not move one bit of it.

A change that is meant to alter results (a new rule, a new default) updates the digest on purpose:

    ATTRITION_UPDATE_DIGEST=1 pytest tests/test_digest.py

and says so in its commit.
"""

import hashlib
import json
import os
from pathlib import Path

from experiments import run_sweep

DIGEST = Path(__file__).parent / "fixtures" / "sweep_digest.json"
SCENARIO = """extends = "posterior-2025"
name = "posterior-2025-four-months"
end = 2025-04-30
"""
SPEC = """name = "digest"
scenario = "four-months.toml"
replications = 2
root_seed = 11

[design]
kind = "full_factorial"

[[factors]]
name = "patriot_engages"
kind = "lever"
path = "catalog.doctrines.patriot_keep_off_drones.engage"
values = [["ballistic", "cruise"], ["ballistic", "cruise", "drone"]]

[[factors]]
name = "shots_per_ballistic"
kind = "lever"
path = "catalog.doctrines.patriot_keep_off_drones.shots_per_target.ballistic"
values = [1, 2]

[outputs]
daily = ["stock_pac3_mse", "stock_gem_t", "leaked_ballistic", "leaked_drone", "damage"]
"""


def _digest(frame) -> str:
    """SHA-256 of a table written with every float's full precision."""
    return hashlib.sha256(frame.to_csv(index=False, float_format="%.17g").encode()).hexdigest()


def test_a_small_sweep_is_bit_identical_to_the_stored_digest(tmp_path):
    (tmp_path / "four-months.toml").write_text(SCENARIO)
    (tmp_path / "spec.toml").write_text(SPEC)
    result = run_sweep(tmp_path / "spec.toml", tmp_path / "out", workers=1, progress=False)
    runs = result.runs.sort_values("run_id").reset_index(drop=True)
    daily = result.daily().sort_values(["run_id", "day"]).reset_index(drop=True)
    found = {"runs": _digest(runs), "daily": _digest(daily), "shape": [list(runs.shape), list(daily.shape)]}
    if os.environ.get("ATTRITION_UPDATE_DIGEST"):
        DIGEST.write_text(json.dumps(found, indent=2) + "\n")
    assert runs["draw"].nunique() == 2 and len(runs) == 8  # posterior draws, four points, two replications
    assert found == json.loads(DIGEST.read_text())

"""Synthetic reports for the calibration and posterior tests: data the model itself made from known values.

One national row a night per class (100 Shahed-type drones, 5 Kalibr, 4 Iskander-M), in the columns of
`tests/fixtures/attacks_small.csv`, whose `destroyed` is the neutralised count of one replay run of a known
scenario. Fitting such data must give back the values that made it.
"""

import csv
from datetime import date, timedelta
from pathlib import Path

from experiments.calibration.replay import in_period, replay_data
from experiments.sweep.design import with_values
from model import AirCampaign, build_scenario, scenario_data

FIXTURE = Path(__file__).parent / "fixtures" / "attacks_small.csv"
HEADER = FIXTURE.read_text().splitlines()[0].split(",")
NIGHTLY = {"Shahed-136/131": 100, "Kalibr": 5, "Iskander-M": 4}
PATHS = {
    "mfg_kill_drone": ["catalog.interceptors.mfg_burst.kill_probability.drone",
                       "catalog.interceptors.mfg_burst.kill_probability.decoy"],
    "pac3_kill_ballistic": ["catalog.interceptors.pac3_mse.kill_probability.ballistic"],
}
TRUTH = {"mfg_kill_drone": 0.6, "pac3_kill_ballistic": 0.4}
RANGES = {"mfg_kill_drone": [0.1, 0.9], "pac3_kill_ballistic": [0.1, 0.95]}


def write_reports(path: Path, start: date, end: date, destroyed: dict[str, list[int]] | None = None) -> Path:
    """`NIGHTLY` launches every night from `start` to `end`; `destroyed` per model and night, or unknown."""
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, HEADER, lineterminator="\n")
        writer.writeheader()
        for d in range((end - start).days + 1):
            day = start + timedelta(days=d)
            for k, (model, launched) in enumerate(NIGHTLY.items()):
                writer.writerow({"time_start": f"{day - timedelta(days=1)} 19:00", "time_end": f"{day} 07:00",
                                 "model": model, "launched": launched,
                                 "destroyed": "" if destroyed is None else destroyed[model][d],
                                 "not_reach_goal": 0, "source": f"kpszsu/posts/synthetic-{d}-{k}"})
    return path


def synthetic_reports(folder: Path, base_text: str, start: date, end: date, seed: int) -> dict:
    """Write the base scenario and the reports one run of it at `TRUTH` (run seed `seed`) would have made.

    Returns the folder, the base scenario's path, the reports' path and the run's daily table in the period.
    """
    base = folder / "base.toml"
    base.write_text(base_text)
    launches = write_reports(folder / "launches.csv", start, end)  # destroyed unknown: only to drive the run
    raw, source = scenario_data(base)
    truth = with_values(replay_data(raw, launches, start, end), PATHS, TRUTH)
    daily = in_period(AirCampaign(build_scenario(truth, source), rng=seed).run().daily(), start, end)
    daily = daily.reset_index(drop=True)  # a run carries its state from the scenario's start
    destroyed = {"Shahed-136/131": (daily["neutralised_drone"] + daily["neutralised_decoy"]).tolist(),
                 "Kalibr": daily["neutralised_cruise"].tolist(),
                 "Iskander-M": daily["neutralised_ballistic"].tolist()}
    data = write_reports(folder / "reports.csv", start, end, destroyed)
    return {"folder": folder, "base": base, "data": data, "daily": daily}

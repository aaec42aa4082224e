"""One campaign run, written to a folder: daily table, summary and figure.

The folder keeps what makes the run reproducible (scenario name and file,
seed, package version) in `summary.json`, so a rerun with the same inputs
overwrites identical files and a different run never overwrites silently.
"""

import json
import math
from importlib.metadata import version
from pathlib import Path

import matplotlib.pyplot as plt

from experiments.outputs import check_output
from experiments.reporting.figures import campaign_figure
from model import AirCampaign, Scenario
from model.families import headings

OUTPUT_FILES = ("daily.csv", "summary.json", "campaign.png")


class OutputConflict(RuntimeError):
    """The output folder holds a different run's results."""


def _json_safe(value):
    return None if isinstance(value, float) and math.isnan(value) else value


def _previous_run(out: Path) -> dict | None:
    """The identity a previous run left in `out`'s summary.json, or None if `out` holds no run's summary."""
    try:
        found = json.loads((out / "summary.json").read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    run = found.get("run") if isinstance(found, dict) else None
    return run if isinstance(run, dict) else None


def check_output_folder(out: Path, identity: dict, force: bool = False) -> None:
    """Refuse a folder that cannot be written, that holds others' files, or (unless `force`) another run's.

    A run writes into a new or empty folder, or one holding an earlier run's outputs (its summary.json says
    so); the same run again rewrites identical files.
    """
    found = _previous_run(out)  # read once: it both admits the folder and says whose run it holds
    check_output(out, previous=lambda folder: found is not None)
    if force or found is None:
        return
    if any(found.get(key) != value for key, value in identity.items()):
        raise OutputConflict(
            f"{out} already holds results of another run ({found}); "
            "choose another --out or pass --force to overwrite")


def write_run(campaign: AirCampaign, out: Path, identity: dict) -> dict[str, Path]:
    """Write the daily table, the summary (with `identity`) and the figure; returns their paths.

    The summary goes first: it marks the folder as this run's, so a write cut short is rewritten by a rerun.
    """
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / name for name in OUTPUT_FILES}
    summary = {key: _json_safe(value) for key, value in campaign.summary().items()}
    payload = {"run": identity, "summary": summary}
    paths["summary.json"].write_text(json.dumps(payload, indent=2, default=str) + "\n")
    daily = campaign.daily()
    daily.to_csv(paths["daily.csv"], index=False)
    fig = campaign_figure(daily, f"{campaign.config.name}, seed {identity.get('seed')}",
                          headings(campaign.config.catalog.threats))
    fig.savefig(paths["campaign.png"], dpi=120)
    plt.close(fig)
    return paths


def run_identity(scenario: Scenario, source: str, seed: int, days: int | None) -> dict:
    """What identifies a run's outputs: scenario, its source, seed, days and package version."""
    return {"scenario": scenario.name, "source": source, "seed": seed,
            "days": days if days is not None else scenario.horizon, "attrition": version("attrition")}

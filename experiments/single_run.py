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

from experiments.reporting.figures import campaign_figure
from model import AirCampaign, Scenario
from model.families import headings

OUTPUT_FILES = ("daily.csv", "summary.json", "campaign.png")


class OutputConflict(RuntimeError):
    """The output folder holds a different run's results."""


def _json_safe(value):
    return None if isinstance(value, float) and math.isnan(value) else value


def check_output_folder(out: Path, identity: dict, force: bool = False) -> None:
    """Refuse to overwrite another run's results unless `force`; nothing is written here."""
    previous = out / "summary.json"
    if force or not previous.exists():
        return
    try:
        found = json.loads(previous.read_text()).get("run", {})
    except (json.JSONDecodeError, OSError):
        found = {}
    if any(found.get(key) != value for key, value in identity.items()):
        raise OutputConflict(
            f"{out} already holds results of another run ({found or 'unreadable summary.json'}); "
            "choose another --out or pass --force to overwrite")


def write_run(campaign: AirCampaign, out: Path, identity: dict) -> dict[str, Path]:
    """Write the daily table, the summary (with `identity`) and the figure; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / name for name in OUTPUT_FILES}
    daily = campaign.daily()
    daily.to_csv(paths["daily.csv"], index=False)
    summary = {key: _json_safe(value) for key, value in campaign.summary().items()}
    payload = {"run": identity, "summary": summary}
    paths["summary.json"].write_text(json.dumps(payload, indent=2, default=str) + "\n")
    fig = campaign_figure(daily, f"{campaign.config.name}, seed {identity.get('seed')}",
                          headings(campaign.config.catalog.threats))
    fig.savefig(paths["campaign.png"], dpi=120)
    plt.close(fig)
    return paths


def run_identity(scenario: Scenario, source: str, seed: int, days: int | None) -> dict:
    """What identifies a run's outputs: scenario, its source, seed, days and package version."""
    return {"scenario": scenario.name, "source": source, "seed": seed,
            "days": days if days is not None else scenario.horizon, "attrition": version("attrition")}

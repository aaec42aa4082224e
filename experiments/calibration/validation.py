"""Validation against observed attacks: monthly neutralised shares by class, any period.

    attrition validate DATA.csv --scenario calibrated.toml --period 2025-07-01:2025-12-31

It replays the observed nights with the scenario and compares the simulated
monthly neutralised share of drones (with decoys), cruise and ballistic
missiles with the observed one: the model's monthly errors beside naive
guesses scored on the same months (`experiments.calibration.skill`), months
weighted by their days in the period; a 90% band of what would be observed
given the model (run-to-run spread plus binomial noise); the drone share by
night size; and ballistic kills by month with their correlation. Every
replication runs once and all of it comes from those runs.
"""

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from experiments.calibration.patterns import ballistic_kills, correlation, drone_nights, night_size_bins
from experiments.calibration.replay import extension_note, in_period, replay_data
from experiments.calibration.shares import (
    fitted_families,
    monthly_from_daily,
    observed_shares,
    pooled_shares,
    weighted_mean,
)
from experiments.calibration.skill import previous_shares, skill_against_guesses
from experiments.calibration.spec import FITTED
from experiments.sweep.design import replication_seed
from experiments.sweep.ensemble import scenario_ensemble
from model import AirCampaign, Scenario, build_scenario, scenario_data
from model.errors import InputError
from model.observed import ObservedAttacks, load_observed

OBSERVATION_DRAWS = 200
"""Binomial draws per replication and month for the observation band (a mixture over the runs)."""
TABLE_COLUMNS = ["month", "class", "days", "observed_launched", "with_outcome", "observed_neutralised", "observed",
                 "simulated", "sim_q05", "sim_q50", "sim_q95", "par_q05", "par_q95", "obs_q05", "obs_q95", "covered",
                 "error"]
"""The columns of `Validation.table`, in order."""


@dataclass
class Validation:
    """Observed against simulated monthly shares, the model's skill against naive guesses, and two patterns.

    - `table`: per month and class, the days in the period, the observed counts and share, the pooled
      simulated share, its 90% band over replications (`sim_q05`, `sim_q95`) and the 90% band of what
      would be observed given the model (`obs_q05`, `obs_q95`: binomial noise of the month's count).
    - `skill`: per class, day-weighted monthly MAE of the model, of the constant share (pooled share of
      `reference`) and of last month's share, the binomial floor, and the months scored.
    - `night_bins`: drone share by night size; `ballistic_kills` and `ballistic_correlation`: neutralised
      ballistic missiles per month, observed against simulated.
    """

    table: pd.DataFrame
    errors: dict[str, float]
    replications: int
    skill: pd.DataFrame | None = field(default=None, repr=False)
    night_bins: pd.DataFrame | None = field(default=None, repr=False)
    ballistic_kills: pd.DataFrame | None = field(default=None, repr=False)
    ballistic_correlation: float = math.nan
    period: tuple[date, date] | None = None
    reference: tuple[date, date] | None = None
    notes: list[str] = field(default_factory=list)
    """What the last-month guess did with each class's first scored month."""
    caveats: list[str] = field(default_factory=list)
    """How the run was carried to the period or past the scenario's end, and models the mapping did not know."""
    ensemble: int | None = None
    """Particles in the posterior ensemble the replications drew from (None: the scenario's own values)."""

    def coverage(self) -> dict[str, float]:
        """Per class: the day-weighted share of months whose observed share lies in the outer 90% band."""
        out = {}
        for cls in FITTED:
            rows = self.table[self.table["class"] == cls]
            if len(rows):
                out[cls] = weighted_mean(rows["covered"].astype(float), rows["days"])
        return out


def _observation_band(table: pd.DataFrame, runs: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """5-95% of binomial(n_obs, share of replication r) / n_obs, `OBSERVATION_DRAWS` draws per replication."""
    shares = {key: group.sort_values("replication")["share"].to_numpy(float)
              for key, group in runs.groupby(["month", "class"])}
    low, high = [], []
    for month, cls, known in zip(table["month"], table["class"], table["with_outcome"], strict=True):
        simulated = shares.get((month, cls), np.array([]))
        simulated = simulated[~np.isnan(simulated)]
        n = max(int(round(known)), 1)
        if simulated.size == 0:
            low.append(math.nan)
            high.append(math.nan)
            continue
        draws = rng.binomial(n, np.clip(simulated, 0, 1)[:, None], size=(simulated.size, OBSERVATION_DRAWS)) / n
        q05, q95 = np.quantile(draws, [0.05, 0.95])
        low.append(float(q05))
        high.append(float(q95))
    return table.assign(obs_q05=low, obs_q95=high)


def _replication_runs(scenarios: Iterable[Scenario], period, replications: int, root_seed: int, desc: str,
                      progress: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly counts and drone nights of each replication r: the r-th scenario, seed r, scored over `period`."""
    runs, nights = [], []
    bar = tqdm(zip(range(replications), scenarios, strict=False), total=replications, desc=desc, unit="run",
               disable=not progress)
    for r, scenario in bar:
        campaign = AirCampaign(scenario, rng=replication_seed(root_seed, r)).run()
        daily, families = in_period(campaign.daily(), *period), fitted_families(campaign)
        runs.append(monthly_from_daily(daily, families).assign(replication=r))
        nights.append(drone_nights(daily, families["drone"]).assign(replication=r))
    runs = pd.concat(runs, ignore_index=True)
    runs["share"] = runs["neutralised"] / runs["launched"].where(runs["launched"] > 0)
    return runs, pd.concat(nights, ignore_index=True)


def _band(runs: pd.DataFrame, names: tuple[str, ...], q=(0.05, 0.95)) -> pd.DataFrame:
    bands = runs.groupby(["month", "class"])["share"].quantile(list(q)).unstack()
    bands.columns = list(names)
    return bands.reset_index()


def _scored_shares(data, period, reference, mapping) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The observed shares of the period and of the reference period; refused if either has no known outcome."""
    observed = observed_shares(data, *period, mapping)
    if observed.empty:
        raise InputError(f"{data} has no reports with known outcomes between {period[0]} and {period[1]}")
    reference_shares = observed_shares(data, *reference, mapping)
    if reference_shares.empty:
        raise InputError(f"{data} has no reports with known outcomes in the reference period {reference[0]} to "
                         f"{reference[1]}")
    return observed, reference_shares


def _month_table(observed: pd.DataFrame, point_runs: pd.DataFrame, runs: pd.DataFrame, drawn: bool,
                 root_seed: int) -> pd.DataFrame:
    """Per month and class: observed and pooled simulated shares, the three nested bands, coverage, error."""
    pooled = pooled_shares(runs)
    merged = observed.rename(columns={"share": "observed", "launched": "observed_launched",
                                      "neutralised": "observed_neutralised"}).merge(
        pooled["share"].rename("simulated").reset_index(), on=["month", "class"]).merge(
        _band(point_runs, ("sim_q05", "sim_q50", "sim_q95"), (0.05, 0.5, 0.95)), on=["month", "class"])
    if drawn:
        merged = merged.merge(_band(runs, ("par_q05", "par_q95")), on=["month", "class"])
    else:
        merged = merged.assign(par_q05=math.nan, par_q95=math.nan)
    merged["error"] = merged["simulated"] - merged["observed"]
    merged = _observation_band(merged, runs, np.random.default_rng(root_seed))
    merged["covered"] = (merged["observed"] >= merged["obs_q05"]) & (merged["observed"] <= merged["obs_q95"])
    return merged[TABLE_COLUMNS]


def _caveats(base: dict, period, attacks: ObservedAttacks, draws, replications: int) -> list[str]:
    """How the run was carried or extended, models the mapping did not know, and what the ensemble ran."""
    carried = extension_note(base, *period)
    caveats = [carried] if carried else []
    if attacks.unknown_models:
        caveats.append("weapon models the mapping does not know, counted as other and not flown: "
                       + ", ".join(f"{name} ({count:g})" for name, count in attacks.unknown_models.items()))
    if draws is not None:
        caveats.append(f"replication r runs draw r of the posterior ensemble {Path(draws.source).name} "
                       f"({min(replications, len(draws))} distinct of {len(draws)} particles' draws); the "
                       f"narrowest band holds the scenario's own values, run to run")
    return caveats


def validate(data: str | Path, scenario: str | Path, period: tuple[date, date], *, replications: int = 20,
             root_seed: int = 7, mapping: str | None = None, progress: bool = True,
             reference: tuple[date, date] | None = None, ensemble: str | Path | None = None) -> Validation:
    """Replay `period` with `scenario` and compare monthly neutralised shares with the observed ones.

    Each replication runs once; everything is computed from those runs. Each replication's monthly share
    is kept, for the 90% band; the error is that of the replications' pooled share, as in the fit. Errors
    are averaged over months weighted by their days in the period. The naive guesses, scored on the same
    months: the constant pooled share of `reference` (default: `period`), last month's share (the whole
    previous calendar month's observed share; the first month's comes from before the period if the data
    has it, else it is left out of that guess only), and the binomial floor.
    """
    if replications < 1:
        raise InputError(f"replications {replications}: validation needs at least 1 run")
    reference = tuple(reference) if reference is not None else tuple(period)
    base, source = scenario_data(scenario)
    draws = scenario_ensemble(base, source, ensemble)
    replayed = replay_data(base, data, *period, mapping)
    own_values = build_scenario(replayed, source)  # built once: every point replication runs it
    observed, reference_shares = _scored_shares(data, period, reference, mapping)
    attacks = load_observed(data, mapping)
    point_runs, nights = _replication_runs(itertools.repeat(own_values), period, replications, root_seed,
                                           "validating (scenario values)", progress)
    runs = point_runs
    if draws is not None:
        drawn = (build_scenario(draws.apply(replayed, r), source) for r in range(replications))
        runs, nights = _replication_runs(drawn, period, replications, root_seed, "validating (posterior draws)",
                                         progress)
    table = _month_table(observed, point_runs, runs, draws is not None, root_seed)
    skill, notes = skill_against_guesses(table, reference_shares, previous_shares(attacks, table["month"].tolist()))
    errors = dict(zip(skill["class"], skill["model_mae"].astype(float), strict=True))
    covered = table[table["simulated"].notna()].groupby("class")
    skill["coverage"] = [weighted_mean(covered.get_group(c)["covered"].astype(float), covered.get_group(c)["days"])
                         for c in skill["class"]]
    kills = ballistic_kills(table, runs)
    return Validation(table, errors, replications, skill, night_size_bins(attacks.period(*period), nights), kills,
                      correlation(kills["observed"], kills["simulated"]), tuple(period), reference, notes,
                      _caveats(base, period, attacks, draws, replications),
                      ensemble=len(draws) if draws is not None else None)


def validation_figure(result: Validation, title: str = ""):
    """Observed against simulated monthly neutralised share, one panel per class, nested 90% bands.

    Darkest: run to run with the scenario's own values (the nights); green, with a posterior ensemble:
    parameter draws as well; lightest: the observation's binomial noise added, where the observed share
    should fall if the model were right.
    """
    from experiments.reporting.document import new_figure

    table = result.table
    skill = result.skill.set_index("class") if result.skill is not None else pd.DataFrame()
    fig, axes = new_figure(1, len(FITTED), figsize=(14, 5), sharey=True, layout="constrained")
    for ax, cls in zip(axes, FITTED, strict=True):
        rows = table[table["class"] == cls]
        x = pd.PeriodIndex(rows["month"], freq="M").to_timestamp()
        if {"obs_q05", "obs_q95"} <= set(rows.columns):
            ax.fill_between(x, rows["obs_q05"], rows["obs_q95"], color="C1", alpha=0.18, linewidth=0,
                            label="+ binomial noise of the count: where the observed share should fall, 90%")
        if "par_q05" in rows.columns and rows["par_q05"].notna().any():
            ax.fill_between(x, rows["par_q05"], rows["par_q95"], color="C2", alpha=0.25, linewidth=0,
                            label=f"+ parameters: 90% of {result.replications} posterior draws")
        ax.fill_between(x, rows["sim_q05"], rows["sim_q95"], color="C0", alpha=0.35, linewidth=0,
                        label=f"run to run (nights): 90% of {result.replications} runs, scenario values")
        ax.plot(x, rows["simulated"], color="C0", marker="o", label="simulated (pooled)")
        ax.plot(x, rows["observed"], color="black", marker="s", linestyle="--", label="observed")
        error = result.errors.get(cls, math.nan)
        heading = f"{cls}: mean absolute error {100 * error:.1f} pp"
        if cls in skill.index:
            heading += (f"\nconstant share {100 * skill.loc[cls, 'constant_mae']:.1f} pp, "
                        f"last month's {100 * skill.loc[cls, 'last_month_mae']:.1f} pp")
        ax.set_title(heading, fontsize="medium")
        ax.set_xlabel("month")
        ax.tick_params(axis="x", rotation=45)
    axes[0].set_ylabel("neutralised share (shot down or lost, of launched)")
    axes[0].set_ylim(0, 1.02)
    axes[0].legend(loc="lower left", fontsize="small")
    if title:
        fig.suptitle(title)
    return fig

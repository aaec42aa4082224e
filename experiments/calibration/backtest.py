"""Backtests: fit on the reports before each origin, forecast the next days, score against what was reported.

    attrition backtest DATA.csv --origins 2025-03-31,2025-06-30,2025-09-30 --days 90 --fit point

For each origin: a fit strategy (`FITS`: `none` takes the scenario as it is,
`point` runs `point_fit.calibrate` on the scenario's start to the origin,
`abc` runs `posterior.fit_posterior`) gives a scenario; `forecast.forecast`
replays to the origin and draws the days after it; the monthly neutralised
share of each fitted family is scored against the reports, months weighted
by their days inside the horizon (`forecast_scores.py`: the MAE, the 90% band's
coverage and the CRPS of what would be observed), each beside two naive
forecasts: the pooled share from the scenario's start to the origin, and the
share of the origin's month up to the origin. Skill = 1 - model / the better
naive score.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.calibration.forecast import forecast
from experiments.calibration.forecast_scores import pooled_share, score_months, simulated_months, summarise
from experiments.calibration.shares import observed_shares
from experiments.calibration.spec import FITTED, CalibrationSpec, load_calibration_spec
from model import scenario_data
from model.errors import InputError
from model.observed import load_observed

DEFAULT_SCENARIO = "calibrated-2025"
"""What `--fit none` forecasts with when no scenario is named (its fit saw all of 2025: not out of sample)."""
NAIVE = ("pooled", "last_month")
"""The naive forecasts scored beside the model: the share pooled before the origin, the origin month's."""


# ---------------------------------------------------------------------------------------------- fit strategies
def fit_none(data, scenario, period, out: Path, **_) -> str | Path:
    """The scenario as it is: no fit."""
    return scenario


def _spec(scenario, spec):
    spec = spec if isinstance(spec, CalibrationSpec) else load_calibration_spec(spec)
    if scenario is None:
        return spec
    text = str(scenario)
    named = Path(text).resolve() if text.endswith(".toml") or "/" in text else text
    return spec.model_copy(update={"scenario": str(named)})


def fit_point(data, scenario, period, out: Path, *, workers=None, spec="defender", maxiter=None, mapping=None,
              progress=True, profile_points=7, **_) -> Path:
    """`point_fit.calibrate` on `period`; writes and returns the calibrated scenario."""
    from experiments.calibration.point_fit import calibrate, calibrated_scenario_text

    spec = _spec(scenario, spec)
    if maxiter:
        spec = spec.model_copy(update={"optimiser": spec.optimiser.model_copy(update={"maxiter": maxiter})})
    result = calibrate(data, period, spec, mapping=mapping, workers=workers, progress=progress,
                       profile_points=profile_points)
    path = out / f"calibrated-{period[1]}.toml"
    path.write_text(calibrated_scenario_text(result))
    return path


def fit_abc(data, scenario, period, out: Path, *, workers=None, spec="defender", progress=True, mapping=None,
            population=None, generations=None, **_) -> Path:
    """`posterior.fit_posterior` on `period` into `out/posterior-<origin>`; its scenario names the ensemble.

    Each fit resumes like any other, so a stopped backtest goes on where it was.
    """
    from experiments.calibration.posterior import fit_posterior

    result = fit_posterior(data, period, _spec(scenario, spec), out=out / f"posterior-{period[1]}", workers=workers,
                           progress=progress, mapping=mapping, population=population, generations=generations,
                           predictive=0)
    return result.scenario_path


FITS: dict[str, Callable] = {"none": fit_none, "point": fit_point, "abc": fit_abc}


@dataclass
class Backtest:
    """Scored forecasts from several origins: per month (`months`), per origin and class, and over all origins."""

    origins: list[date]
    days: int
    fit: str
    months: pd.DataFrame = field(repr=False)
    scores: pd.DataFrame
    history: pd.DataFrame = field(repr=False)
    scenarios: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def figure(self, origin: date):
        """One origin's forecast against the reports, one panel per family.

        Observed monthly shares before it; after it the model's 90% band of what would be reported, its
        pooled share, the two naive guesses and what was reported.
        """
        from experiments.reporting.document import new_figure

        fig, axes = new_figure(1, len(FITTED), figsize=(14, 4.5), sharey=True)
        months = self.months[self.months["origin"] == origin]
        history = self.history[self.history["origin"] == origin]
        for ax, cls in zip(axes, FITTED, strict=True):
            past = history[history["class"] == cls]
            ahead = months[months["class"] == cls]
            ax.plot(pd.PeriodIndex(past["month"], freq="M").to_timestamp(), past["share"], color="black",
                    marker=".", linewidth=1, label="reported, before the origin")
            x = pd.PeriodIndex(ahead["month"], freq="M").to_timestamp()
            ax.fill_between(x, ahead["model_q05"], ahead["model_q95"], color="C0", alpha=0.25, linewidth=0,
                            label="model: 90% of what would be reported")
            ax.plot(x, ahead["model"], color="C0", marker="o", label="model (pooled)")
            for k, name in enumerate(NAIVE):
                if name in ahead:
                    ax.plot(x, ahead[name], color=f"C{k + 1}", linestyle=":", label=name.replace("_", " "))
            ax.plot(x, ahead["observed"], color="black", marker="s", linestyle="--", label="reported")
            ax.axvline(pd.Timestamp(origin), color="grey", linewidth=0.8)
            row = self.scores[(self.scores["origin"] == str(origin)) & (self.scores["class"] == cls)]
            title = cls
            if len(row):
                r = row.iloc[0]
                title += (f": MAE {100 * r['model_mae']:.1f} pp (naive {100 * r['pooled_mae']:.1f}, "
                          f"{100 * r['last_month_mae']:.1f}); covered {r['model_coverage']:.0%}")
            ax.set_title(title, fontsize="medium")
            ax.tick_params(axis="x", rotation=45)
        axes[0].set_ylabel("neutralised share of launched")
        axes[0].set_ylim(0, 1.02)
        axes[0].legend(loc="lower left", fontsize="x-small")
        fig.suptitle(f"backtest from {origin}, {self.days} days (fit: {self.fit})")
        return fig


def check_origins(data, origins: list[date], start: date, mapping=None) -> tuple[date, date]:
    """Every origin inside the data, with reports after it, and not before the scenario's start; else ValueError."""
    observed = load_observed(data, mapping)
    first, last = (d.date() for d in (observed.daily.index.min(), observed.daily.index.max()))
    for origin in origins:
        if not first <= origin < last:
            raise InputError(f"origin {origin} is outside the data: {Path(data).name} reports {first} to {last}, "
                             f"and an origin needs reports after it to score")
        if origin < start:
            raise InputError(f"origin {origin} is before the scenario's start ({start})")
    return first, last


def backtest(data, origins: list[date], days: int = 90, *, scenario=None, fit: str = "none",
             out: str | Path | None = None, replications: int = 20, root_seed: int = 20250331,
             workers: int | None = None, progress: bool = True, mapping: str | None = None,
             fit_options: dict | None = None) -> Backtest:
    """Fit before each origin (`FITS[fit]`), forecast `days` after it, score the monthly shares.

    `out` receives what a fit writes (the point fit's scenario, the posterior's folder).
    """
    if fit not in FITS:
        raise InputError(f"fit {fit!r}: one of {', '.join(FITS)}")
    if days < 1:
        raise InputError(f"days = {days}: a backtest forecasts at least one day")
    if not origins:
        raise InputError("no origins given")
    if fit != "none" and out is None:
        raise InputError(f"fit {fit}: needs a folder (out) for what the fit writes")
    fit_options = fit_options or {}
    named = scenario if scenario is not None else (DEFAULT_SCENARIO if fit == "none" else None)
    raw, _ = scenario_data(named if named is not None else _spec(None, fit_options.get("spec", "defender")).scenario)
    check_origins(data, origins, raw["start"], mapping)
    observed = load_observed(data, mapping)
    rng = np.random.default_rng(root_seed)
    out = Path(out) if out is not None else None
    months, scores, history, scenarios = [], [], [], {}
    for origin in sorted(origins):
        period = (raw["start"], origin)
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
        fitted = FITS[fit](data, named, period, out, workers=workers, progress=progress, mapping=mapping,
                           **fit_options)
        scenarios[origin] = str(fitted)
        result = forecast(data, fitted, days, replications=replications, root_seed=root_seed, origin=origin,
                          workers=workers, mapping=mapping, progress=progress)
        horizon = (origin + timedelta(days=1), origin + timedelta(days=days))
        reported = observed_shares(data, *horizon, mapping)
        before = observed_shares(data, *period, mapping)
        month_of_origin = observed.monthly_shares(origin.replace(day=1), origin)
        naive = {"pooled": {c: pooled_share(before, c) for c in FITTED},
                 "last_month": {c: pooled_share(month_of_origin, c) for c in FITTED}}
        scored = score_months(reported, simulated_months(result.flows), naive, rng)
        months.append(scored.assign(origin=origin))
        scores.append(summarise(scored, ["model", *NAIVE]).assign(origin=str(origin)))
        history.append(before.assign(origin=origin))
    months = pd.concat(months, ignore_index=True)
    scores.append(summarise(months, ["model", *NAIVE]).assign(origin="all"))
    scores = pd.concat(scores, ignore_index=True)
    scores = scores[["origin", *[c for c in scores.columns if c != "origin"]]]
    notes = []
    if fit == "none":
        notes.append(f"fit none: {named} is forecast as it is; if its values were fitted on reports after an "
                     f"origin, that origin's scores are not out of sample")
    return Backtest(sorted(origins), days, fit, months, scores, pd.concat(history, ignore_index=True), scenarios,
                    notes)


def scores_text(result: Backtest) -> str:
    """The scores for reading: per origin and class, in percentage points (coverage in %), with the skill."""
    table = result.scores
    frame = pd.DataFrame({"origin": table["origin"], "class": table["class"], "months": table["months"]})
    for score, scale, unit in (("mae", 100, "MAE pp"), ("coverage", 100, "90% cover %"), ("crps", 100, "CRPS pp")):
        for name in ("model", *NAIVE):
            frame[f"{unit} {name.replace('_', ' ')}"] = (scale * table[f"{name}_{score}"]).round(1)
    frame["skill MAE"] = table["skill_mae"].round(2)
    frame["skill CRPS"] = table["skill_crps"].round(2)
    return frame.to_string(index=False)

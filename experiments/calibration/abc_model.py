"""What pyabc fits: the simulator (parameter values in, one replay's monthly shares out) and the distance.

The fit moves each parameter on the real line (`from_unbounded`): a standard
logistic prior there is exactly the uniform prior over the parameter's range.
The distance is the point fit's loss on one run: the sum over classes of the
day-weighted monthly MAE over the class's target.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np

from experiments.calibration.shares import monthly_counts
from experiments.sweep.design import with_values
from model import AirCampaign, build_scenario


def from_unbounded(parameter, z):
    """A parameter's value from its coordinate on the real line: low + (high - low) / (1 + exp(-z)).

    The fit moves each parameter on the real line with a standard logistic prior, which is exactly the
    uniform prior over its range: proposals never leave the range, so no weight is inflated by the
    part of a kernel that falls outside it (which, compounded over 16 bounded dimensions, left a handful
    of particles carrying the whole posterior).
    """
    low, high = (float(v) for v in parameter.range)
    return low + (high - low) / (1 + np.exp(-np.asarray(z, dtype=float)))


def to_unbounded(parameter, value):
    """The inverse of `from_unbounded` (an end of the range maps to minus or plus infinity)."""
    low, high = (float(v) for v in parameter.range)
    with np.errstate(divide="ignore"):
        return np.log(np.asarray(value, dtype=float) - low) - np.log(high - np.asarray(value, dtype=float))


@dataclass
class ShareSimulator:
    """pyabc's model: parameter values in, one replay's monthly shares (aligned to the observed rows) out.

    A parameter the proposal does not carry (one the spec's `[abc] marginalise` names) is drawn from its
    uniform prior in every simulation: the fit then targets the posterior of the others with it integrated
    out, and the values every kept particle ran with are returned beside the shares, so the ensemble holds
    them too. The run's seed and those draws come from numpy's global generator, which the sampler seeds
    per candidate.
    """

    base: dict
    source: str
    parameters: list
    period: tuple[date, date]
    keys: list[tuple[str, str]]

    def counts(self, campaign) -> tuple[np.ndarray, np.ndarray]:
        """Launched and neutralised per observed (month, class) row of the period: `monthly_counts`, aligned."""
        table = monthly_counts(campaign, self.period).set_index(["month", "class"]).reindex(self.keys, fill_value=0)
        return table["launched"].to_numpy(float), table["neutralised"].to_numpy(float)

    def values(self, pars) -> dict:
        """Parameter values by name: from the fit's real-line coordinates, or drawn from the prior if absent.

        Integer parameters are rounded.
        """
        out = {}
        for p in self.parameters:
            if p.name in pars:
                value = float(from_unbounded(p, pars[p.name]))
            else:
                value = float(np.random.uniform(*(float(v) for v in p.range)))  # noqa: NPY002 - seeded per candidate
            out[p.name] = int(round(value)) if p.is_integer else value
        return out

    def __call__(self, pars) -> dict:
        """Replay once: `{"share": monthly shares in the observed rows' order, "values": the values run}`."""
        values = self.values(pars)
        raw = with_values(self.base, {p.name: p.paths for p in self.parameters}, values)
        seed = int(np.random.randint(0, 2**62))  # noqa: NPY002 - pyabc proposes from numpy's global state
        campaign = AirCampaign(build_scenario(raw, self.source), rng=seed).run()
        launched, neutralised = self.counts(campaign)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(launched > 0, neutralised / launched, np.nan)
        return {"share": share, "values": np.array([values[p.name] for p in self.parameters], dtype=float)}


@dataclass
class ShareDistance:
    """Sum over classes of the day-weighted mean |simulated - observed| share, over the class's target."""

    classes: np.ndarray
    days: np.ndarray
    targets: dict[str, float]

    def __call__(self, x: dict, x_0: dict, *_) -> float:
        """The distance of simulated statistics `x` from the observed `x_0`."""
        error = np.abs(np.asarray(x["share"], float) - np.asarray(x_0["share"], float))
        error = np.where(np.isnan(error), 1.0, error)  # a month the run never met counts as wholly wrong
        total = 0.0
        for cls, target in self.targets.items():
            rows = self.classes == cls
            if rows.any():
                total += float((self.days[rows] * error[rows]).sum() / self.days[rows].sum()) / target
        return total

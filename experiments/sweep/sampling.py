"""Samplers: how a sweep's design points are chosen from its factors, one class per design `kind`.

A sampler is one subclass of `Sampler` below, registered by its `kind` (what a
spec's `[design] kind` says): it draws its design on the unit cube, seeded
from the spec's root seed, which `scale` maps onto each factor's range or list
of values; it names the `[design]` settings it reads and, if SALib's
sensitivity indices read its design back, their analyser. The spec's `kind`
allows exactly these, and its docs list them. It reads only the spec's design
settings and imports no model, so analysis can import it.
"""

import inspect
import itertools
import math
from datetime import date, timedelta
from typing import ClassVar

import numpy as np
import pandas as pd


class Sampler:
    """A way of choosing design points; a subclass that sets `kind` is registered in `SAMPLERS`."""

    kind: ClassVar[str]
    """The name a spec's `[design] kind` uses."""
    settings: ClassVar[dict[str, str]] = {}
    """The `[design]` settings it reads, and what each means to it."""
    analyser: ClassVar[str | None] = None
    """The SALib analyser that reads this design back with the outcomes (sensitivity indices), if any."""
    grid: ClassVar[bool] = False
    """Design points are every combination of the factors' listed values (no ranges, no unit sample)."""

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:
            if cls.kind in SAMPLERS:
                raise TypeError(f"two samplers are of kind {cls.kind!r}")
            SAMPLERS[cls.kind] = cls()

    def size(self, spec) -> int:
        """How many design points the spec's design has, counted without building it (`samples` unless told)."""
        return spec.design.samples

    def unit_sample(self, spec) -> np.ndarray:
        """The design on the unit cube, (points, factors): the array SALib's analysers take back with the outcomes."""
        raise ValueError(f"a {self.kind} design has no unit sample")

    def table(self, spec) -> pd.DataFrame:
        """One row per design point, one column per factor: the unit sample on each factor's values."""
        unit = self.unit_sample(spec)
        return pd.DataFrame({f.name: scale(f, unit[:, k]) for k, f in enumerate(spec.factors)})


SAMPLERS: dict[str, Sampler] = {}
"""Samplers by the `kind` a spec's design names."""


def _problem(spec) -> dict:
    """SALib's description of the unit cube over the spec's factors."""
    d = len(spec.factors)
    return {"num_vars": d, "names": [f.name for f in spec.factors], "bounds": [[0.0, 1.0]] * d}


class FullFactorial(Sampler):
    """Every combination of the factors' `values` (`itertools.product`)."""

    kind = "full_factorial"
    grid = True

    def size(self, spec) -> int:
        """The product of the factors' numbers of values."""
        return math.prod(len(f.values or []) for f in spec.factors)

    def table(self, spec) -> pd.DataFrame:
        """The product of the factors' values, the last factor varying fastest."""
        rows = list(itertools.product(*(f.values for f in spec.factors)))
        return pd.DataFrame(rows, columns=[f.name for f in spec.factors])


class LatinHypercube(Sampler):
    """A Latin hypercube (`scipy.stats.qmc.LatinHypercube`): each factor's range cut into `samples` strata."""

    kind = "latin_hypercube"
    settings: ClassVar[dict[str, str]] = {"samples": "points"}

    def unit_sample(self, spec) -> np.ndarray:
        """`samples` points, one in each stratum of every factor."""
        from scipy.stats import qmc

        rng = np.random.default_rng(spec.root_seed)
        return qmc.LatinHypercube(d=len(spec.factors), rng=rng).random(spec.design.samples)


class Sobol(Sampler):
    """Saltelli's sample for Sobol' indices (SALib), first and total order: N (D + 2) points for D factors."""

    kind = "sobol"
    analyser = "sobol"
    settings: ClassVar[dict[str, str]] = {"samples": "base samples N"}

    def size(self, spec) -> int:
        """N (D + 2)."""
        return spec.design.samples * (len(spec.factors) + 2)

    def unit_sample(self, spec) -> np.ndarray:
        """N (D + 2) points, N = `samples`."""
        from SALib.sample import sobol

        return sobol.sample(_problem(spec), spec.design.samples, calc_second_order=False, seed=spec.root_seed)


class Morris(Sampler):
    """Morris trajectories (SALib) for elementary effects: N (D + 1) points on a grid of `levels` levels."""

    kind = "morris"
    analyser = "morris"
    settings: ClassVar[dict[str, str]] = {"samples": "trajectories N", "levels": "grid levels"}

    def size(self, spec) -> int:
        """N (D + 1)."""
        return spec.design.samples * (len(spec.factors) + 1)

    def unit_sample(self, spec) -> np.ndarray:
        """`samples` trajectories of D + 1 points each."""
        from SALib.sample import morris

        return morris.sample(_problem(spec), spec.design.samples, num_levels=spec.design.levels,
                             seed=spec.root_seed)


class Halton(Sampler):
    """A scrambled Halton sequence (`scipy.stats.qmc.Halton`): `samples` quasi-random points spread evenly.

    Factor k's coordinate is the radical inverse in the k-th prime base, its
    digits permuted at random from the root seed: the first b**m points put
    one point in each of b**m equal bins of that factor, at any m.
    """

    kind = "halton"
    settings: ClassVar[dict[str, str]] = {"samples": "points"}

    def unit_sample(self, spec) -> np.ndarray:
        """The first `samples` points of the sequence, scrambled from the root seed."""
        from scipy.stats import qmc

        rng = np.random.default_rng(spec.root_seed)
        return qmc.Halton(d=len(spec.factors), scramble=True, rng=rng).random(spec.design.samples)


def unit_sample(spec) -> np.ndarray:
    """The spec's sampler's design on the unit cube, (points, factors) (not for full factorial designs).

    The same array SALib's analysers take back with the outcomes.
    """
    return SAMPLERS[spec.design.kind].unit_sample(spec)


def scale(factor, unit: np.ndarray) -> list:
    """Map unit-interval samples onto a factor's range (rounded for whole numbers and dates) or list of values."""
    if factor.range is None:
        values = factor.values
        return [values[min(int(u * len(values)), len(values) - 1)] for u in unit]
    low, high = factor.range
    if isinstance(low, date):
        span = (high - low).days
        return [low + timedelta(days=int(round(u * span))) for u in unit]
    scaled = low + unit * (high - low)
    return [int(round(x)) for x in scaled] if factor.is_integer else [float(x) for x in scaled]


def _first_paragraph(sampler: Sampler) -> str:
    return " ".join((inspect.getdoc(sampler) or "").split("\n\n")[0].split()).rstrip(".")


def kinds_described() -> str:
    """Every sampler's kind and what it does (for the spec's docs)."""
    return "; ".join(f"`{kind}`: {_first_paragraph(sampler)}" for kind, sampler in SAMPLERS.items()) + "."


def setting_described(setting: str) -> str:
    """What a `[design]` setting means to each sampler that reads it (for the spec's docs)."""
    return "; ".join(f"{kind}: {sampler.settings[setting]}" for kind, sampler in SAMPLERS.items()
                     if setting in sampler.settings) + "."

"""What a calibration fits: the base scenario, the parameters and their ranges, targets, optimiser and ABC settings.

    spec = load_calibration_spec("defender")     # experiments/calibration/defender.toml, or a path

Parameters are written as in sweep specs (`[[parameters]]` with `name`, `path`
and `range`); every calibrated parameter needs a range.
"""

from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from experiments.sweep.spec import Factor, SpecError
from model.files import find_data_file, read_toml
from model.loading import validation_problems

FITTED = ("drone", "cruise", "ballistic")
"""Observed classes whose monthly shares are fitted (`other` is not simulated)."""
SPECS = resources.files("experiments") / "calibration"


class Optimiser(BaseModel):
    """Settings of `scipy.optimize.differential_evolution`."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    maxiter: int = Field(25, ge=1)
    popsize: int = Field(6, ge=2)
    tol: float = Field(0.01, gt=0)


class AbcSettings(BaseModel):
    """Settings of the ABC-SMC posterior (`experiments/calibration/posterior.py`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    population: int = Field(500, ge=10, description="particles kept per generation: the ensemble's size")
    generations: int = Field(6, ge=1, description="generations at most, the prior's included")
    quantile: float = Field(0.5, gt=0, lt=1, description="each tolerance is this quantile of the last distances")
    min_epsilon: float = Field(0.0, ge=0, description="stop once the tolerance is this low")
    max_simulations: int = Field(20_000, ge=1, description="stop after this many simulations in all")
    predictive: int = Field(100, ge=0, description="posterior draws the predictive check runs (0: none)")
    kernel: float | None = Field(None, gt=0, description="each particle's perturbation kernel: this multiple of "
                                                         "the population's covariance (None: Silverman's rule)")
    marginalise: list[str] = Field(default_factory=list, description="parameters drawn from their priors in "
                                   "every simulation instead of inferred (integrated out; the ensemble keeps the "
                                   "values each particle ran with)")


class CalibrationSpec(BaseModel):
    """What to fit: the base scenario, the parameters and their ranges, replications and targets."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str
    scenario: str
    replications: int = Field(4, ge=1)
    root_seed: int = Field(2025, ge=0)
    targets: dict[str, float] = Field(default_factory=lambda: {"drone": 0.05, "cruise": 0.05, "ballistic": 0.10})
    optimiser: Optimiser = Optimiser()
    abc: AbcSettings = AbcSettings()
    parameters: list[Factor] = Field(min_length=1)
    base_dir: str = Field("", exclude=True)


def load_calibration_spec(source: str | Path = "defender") -> CalibrationSpec:
    """A calibration file by built-in name (`defender`) or path; every parameter needs a range."""
    path = find_data_file(source, SPECS, "calibration", SpecError)
    raw = read_toml(path, "calibration", SpecError)
    try:
        spec = CalibrationSpec.model_validate({**raw, "base_dir": str(path.parent)})
    except ValidationError as error:
        raise SpecError(str(path), validation_problems(error)) from None
    problems = [(f"parameters[{k}].range", p.range, "a calibrated parameter needs a range")
                for k, p in enumerate(spec.parameters) if p.range is None]
    problems += [(f"targets.{c}", v, f"unknown class; fitted classes: {', '.join(FITTED)}")
                 for c, v in spec.targets.items() if c not in FITTED]
    names = [p.name for p in spec.parameters]
    problems += [("abc.marginalise", name, f"no such parameter; parameters: {', '.join(names)}")
                 for name in spec.abc.marginalise if name not in names]
    if set(names) <= set(spec.abc.marginalise):
        problems.append(("abc.marginalise", spec.abc.marginalise, "leaves no parameter to infer"))
    if problems:
        raise SpecError(str(path), problems)
    return spec

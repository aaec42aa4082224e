"""Sweep specifications: a base scenario, factors, a design, replications and a root seed, as data.

A spec is a TOML file (or a built-in name from `experiments/specs/`):

    name = "pause-length"
    scenario = "historical-2025"       # built-in scenario name, or a path relative to the spec
    replications = 50                  # with a scenario naming a posterior ensemble, replication r runs draw r
    root_seed = 2025
    [design]
    kind = "full_factorial"            # or any sampler's kind in experiments/sweep/sampling.py
    [[factors]]
    name = "pause_days"
    kind = "uncertainty"               # or lever: a choice the defender makes
    path = "timeline[0].days"          # any scenario parameter, by its dotted path
    values = [0, 30, 60, 90, 120]      # factorial levels; sampling designs take range = [low, high]
    [outputs]
    daily = ["stock_pac3_mse", "leaked_ballistic"]   # daily columns to keep (summary metrics always)
    [report]                           # optional: what `attrition report` answers
    question = "How long do stocks last under a pause?"
    answers = ["pause_cost"]           # analyses in experiments/reporting/answers.py

Errors name the file, the key and the value, and nothing is written.
"""

from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from experiments.sweep.sampling import SAMPLERS, Sampler, kinds_described, setting_described
from model.errors import DataFileError
from model.files import builtin_names, find_data_file, read_toml
from model.limits import check_runs
from model.loading import validation_problems

SPECS = resources.files("experiments") / "specs"


class SpecError(DataFileError):
    """A sweep spec that cannot run, every problem named by file, key and value."""


Value = bool | int | float | str | date | list | dict
"""A factor's value: a number, a date, a name, or a whole list or table set at its path."""


class Factor(BaseModel):
    """One thing the sweep varies: a lever (a policy) or an uncertainty (what nobody controls).

    `path` may be a list of paths that all take the factor's value (e.g. the
    waves of cruise and ballistic missiles together).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    path: str | list[str]
    kind: Literal["lever", "uncertainty"] = "uncertainty"
    values: list[Value] | None = None
    range: Annotated[list[int | float | date], Field(min_length=2, max_length=2)] | None = None
    description: str = ""

    @property
    def paths(self) -> list[str]:
        """Every path the factor's value is set at."""
        return [self.path] if isinstance(self.path, str) else list(self.path)

    @property
    def is_integer(self) -> bool:
        """Sampled values are rounded to whole numbers (integer ranges) or days (date ranges)."""
        low, high = self.range
        return all(isinstance(v, int | date) for v in (low, high))


class Design(BaseModel):
    """How design points are chosen from the factors: by the sampler of `kind`, with the settings it reads."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    kind: Literal[tuple(SAMPLERS)] = Field("full_factorial", description=kinds_described())
    samples: int = Field(16, ge=1, description=setting_described("samples"))
    levels: int = Field(4, ge=2, description=setting_described("levels"))

    @property
    def sampler(self) -> Sampler:
        """The sampler `kind` names."""
        return SAMPLERS[self.kind]


class Outputs(BaseModel):
    """What to keep of each run: summary metrics always, and these daily columns."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    daily: list[str] | Literal["all"] = Field(default_factory=list)


DEFAULT_OUTCOMES = ["leaked_threats", "leaked_ballistic", "value_weighted_damage", "value_protected",
                    "days_without_ballistic_defence", "cost_exchange_ratio"]


class Report(BaseModel):
    """What `attrition report` says about the sweep: its question and the analyses that answer it.

    `answers` name functions in `experiments.reporting.answers` (`attrition report --list`
    shows them); `options` are passed to them by name, e.g. which factor holds
    the pause length.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    question: str = ""
    answers: list[str] = Field(default_factory=list)
    options: dict[str, str | int | float | list[str]] = Field(default_factory=dict)
    outcomes: list[str] = Field(default_factory=lambda: list(DEFAULT_OUTCOMES))


class SweepSpec(BaseModel):
    """A whole sweep, as data."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str
    description: str = ""
    scenario: str
    factors: list[Factor] = Field(min_length=1)
    design: Design = Design()
    replications: int = Field(ge=1)
    root_seed: int = Field(ge=0)
    ensemble: str | None = Field(
        None, description="Posterior ensemble (Parquet, relative to the spec) whose draw r replication r runs; "
                          "default: the one the scenario names; \"none\": the scenario's own values.")
    outputs: Outputs = Outputs()
    report: Report = Report()
    base_dir: str = Field("", exclude=True, description="Folder of the spec file; scenario paths are relative to it.")
    source: str = Field("<spec>", exclude=True, description="Where the spec was read from, for messages.")
    allow_large: bool = Field(False, exclude=True, description="Lift the limits of `model.limits` (--allow-large).")


def builtin_specs() -> list[str]:
    """Names of the sweep specs shipped in `experiments/specs/`."""
    return builtin_names(SPECS)


def _path_of(source: str | Path) -> Path:
    return find_data_file(source, SPECS, "sweep spec", SpecError)


def parse_spec(raw: dict, source: str = "<spec>", base_dir: str = "", allow_large: bool = False) -> SweepSpec:
    """Validate a spec given as plain data; structural checks only (see `experiments.sweep.design`).

    A design of more runs than `model.limits.MAX_RUNS` is refused, counted before it is built, unless
    `allow_large`.
    """
    try:
        spec = SweepSpec.model_validate({**raw, "base_dir": base_dir, "source": source, "allow_large": allow_large})
    except ValidationError as error:
        raise SpecError(source, validation_problems(error)) from None
    problems = []
    names = [f.name for f in spec.factors]
    for i, factor in enumerate(spec.factors):
        key = f"factors[{i}]"
        if names.count(factor.name) > 1:
            problems.append((f"{key}.name", factor.name, "two factors have this name"))
        if spec.design.sampler.grid:
            if not factor.values:
                problems.append((f"{key}.values", factor.values,
                                 f"a {spec.design.kind} design needs a non-empty list of values"))
        elif factor.values is not None and factor.range is not None:
            problems.append((f"{key}.range", factor.range, "give values or a range, not both"))
        elif factor.range is None and not factor.values:
            problems.append((f"{key}.range", factor.range, f"a {spec.design.kind} design needs a range or values"))
        if factor.range is not None:
            low, high = factor.range
            if type(low) is not type(high) and not all(isinstance(v, int | float) for v in (low, high)):
                problems.append((f"{key}.range", factor.range, "both ends must be numbers, or both dates"))
            elif not low < high:
                problems.append((f"{key}.range", factor.range,
                                 "the range is empty: its low end must be below its high end"))
    if problems:
        raise SpecError(source, problems)
    check_runs(spec.design.sampler.size(spec), spec.replications, source, SpecError, allow_large)
    return spec


def load_spec(source: str | Path, allow_large: bool = False) -> SweepSpec:
    """Load a sweep spec by built-in name or from a TOML file path (`allow_large`: see `parse_spec`)."""
    path = _path_of(source)
    raw = read_toml(path, "sweep spec", SpecError)
    return parse_spec(raw, str(path), str(path.parent), allow_large)

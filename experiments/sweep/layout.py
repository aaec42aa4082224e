"""The layout of a sweep's runs table, as its manifest states it: which columns are factors, and what they hold.

A runs table has the run's ids (`run_id`, `point`, `replication`, `draw` with a
posterior ensemble, `seed`), one column per factor, and the summary metrics. A
factor's value is stored as it is, except a list or a table, which is stored as
JSON text: a cell must be hashable to group and pair runs by it.

The manifest keeps, for every factor, its kind (lever or uncertainty), its
paths, whether its cells are JSON text, each stored cell beside the value it
stands for, and, for sampling designs, the unit sample that SALib's analysers
take back. Analysis and reporting read all of this from here: nothing finds a
factor column by its position or decodes a cell itself.

It imports no model, so analysis can import it.
"""

import json
from dataclasses import dataclass, field

import numpy as np

from experiments.sweep.sampling import SAMPLERS, unit_sample

ATTRS_KEY = "sweep_layout"
"""Where a runs table read from a results folder carries its layout (`DataFrame.attrs`), as JSON-able data."""


def cell_value(value):
    """A factor value as a runs-table cell: lists and tables as JSON text, anything else as it is."""
    return json.dumps(value, default=str) if isinstance(value, list | dict) else value


@dataclass(frozen=True)
class FactorColumn:
    """One factor's column in the runs table."""

    name: str
    kind: str = "uncertainty"
    """`lever` (a choice the defender makes) or `uncertainty`."""
    paths: tuple[str, ...] = ()
    encoded: bool = False
    """Whether the cells are JSON text of lists or tables (see `cell_value`)."""
    levels: tuple[tuple[object, object], ...] = ()
    """(stored cell, value it stands for) of each value a factor given by `values` takes, in spec order."""
    range: tuple | None = None

    @classmethod
    def of(cls, factor) -> "FactorColumn":
        """The column of a spec's factor (or anything with a `name` and `values`, and optionally `kind`...)."""
        values = list(getattr(factor, "values", None) or [])
        path = getattr(factor, "path", None) or ()
        found = getattr(factor, "range", None)
        paths = tuple([path] if isinstance(path, str) else path)
        return cls(factor.name, getattr(factor, "kind", "uncertainty"), paths,
                   any(isinstance(v, list | dict) for v in values), tuple((cell_value(v), v) for v in values),
                   None if found is None else tuple(found))

    @property
    def values(self) -> list:
        """The values the factor takes, decoded, in spec order (empty for a range)."""
        return [value for _, value in self.levels]

    def decode(self, cell):
        """The value a stored cell stands for: the list or table of a JSON cell; any other cell as it is."""
        if self.encoded:
            for stored, value in self.levels:
                if stored == cell:
                    return value
        return cell

    def to_dict(self) -> dict:
        """As the manifest keeps it."""
        return {"name": self.name, "kind": self.kind, "paths": list(self.paths), "encoded": self.encoded,
                "levels": [{"cell": cell, "value": value} for cell, value in self.levels],
                "range": None if self.range is None else list(self.range)}

    @classmethod
    def from_dict(cls, data: dict) -> "FactorColumn":
        """Read back from the manifest."""
        return cls(data["name"], data.get("kind", "uncertainty"), tuple(data.get("paths", ())),
                   bool(data.get("encoded", False)),
                   tuple((level["cell"], level["value"]) for level in data.get("levels", ())),
                   None if data.get("range") is None else tuple(data["range"]))


@dataclass
class SweepLayout:
    """What a sweep's runs table holds: its id columns, its factor columns, and the sampler's unit sample."""

    factors: list[FactorColumn]
    ids: list[str] = field(default_factory=lambda: ["run_id", "point", "replication", "seed"])
    design: str = "full_factorial"
    unit_sample: list[list[float]] | None = None
    """The sampler's design on the unit cube, (points, factors); None for a full factorial design."""

    @classmethod
    def from_spec(cls, spec, ensemble: bool = False) -> "SweepLayout":
        """The layout a spec's sweep writes (`ensemble`: its replications run posterior draws)."""
        ids = ["run_id", "point", "replication", *(["draw"] if ensemble else []), "seed"]
        kind = spec.design.kind
        unit = None if SAMPLERS[kind].grid else unit_sample(spec).tolist()
        return cls([FactorColumn.of(f) for f in spec.factors], ids, kind, unit)

    @property
    def names(self) -> list[str]:
        """The factor columns, in spec order."""
        return [f.name for f in self.factors]

    def __getitem__(self, name: str) -> FactorColumn:
        """The column of the factor `name`."""
        for factor in self.factors:
            if factor.name == name:
                return factor
        raise KeyError(f"no factor {name}; the factors are {', '.join(self.names)}")

    def decode(self, cell, name: str | None = None):
        """The value a cell stands for: in factor `name`'s column, or in whichever factor stores it."""
        factors = [self[name]] if name is not None else self.factors
        for factor in factors:
            value = factor.decode(cell)
            if value is not cell:
                return value
        return cell

    def unit(self) -> np.ndarray:
        """The unit sample as an array (points, factors)."""
        if self.unit_sample is None:
            raise ValueError(f"a {self.design} design has no unit sample")
        return np.array(self.unit_sample, dtype=float).reshape(len(self.unit_sample), len(self.factors))

    def to_dict(self, unit: bool = True) -> dict:
        """As the manifest keeps it (`unit`: with the unit sample)."""
        return {"ids": list(self.ids), "factors": [f.to_dict() for f in self.factors], "design": self.design,
                "unit_sample": self.unit_sample if unit else None}

    @classmethod
    def from_dict(cls, data: dict) -> "SweepLayout":
        """Read back from the manifest."""
        return cls([FactorColumn.from_dict(f) for f in data["factors"]], list(data["ids"]), data["design"],
                   data.get("unit_sample"))

    @classmethod
    def from_manifest(cls, manifest: dict) -> "SweepLayout":
        """A results folder's layout; a manifest written before it kept one gives its factors without a unit sample."""
        if "layout" in manifest:
            return cls.from_dict(manifest["layout"])
        factors = [FactorColumn.of(_Factor(f)) for f in manifest.get("factors", [])]
        ids = ["run_id", "point", "replication", *(["draw"] if manifest.get("ensemble") else []), "seed"]
        return cls(factors, ids, manifest.get("spec", {}).get("design", {}).get("kind", "full_factorial"))

    def attach(self, runs):
        """`runs` carrying this layout (without the unit sample) in its `attrs`, where analysis finds it."""
        runs.attrs[ATTRS_KEY] = self.to_dict(unit=False)
        return runs

    @classmethod
    def of(cls, runs) -> "SweepLayout | None":
        """The layout a runs table carries (see `attach`), or None."""
        data = getattr(runs, "attrs", {}).get(ATTRS_KEY)
        return None if data is None else cls.from_dict(data)


class _Factor:
    """A factor as an old manifest's `factors` list wrote it (a spec factor's JSON form)."""

    def __init__(self, data: dict) -> None:
        self.name, self.kind = data["name"], data.get("kind", "uncertainty")
        self.path, self.values, self.range = data.get("path", ()), data.get("values"), data.get("range")

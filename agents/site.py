"""Defended sites: the cities, the capital and the energy plants that raids aim at."""

from typing import Literal

import numpy as np
from mesa.discrete_space import FixedAgent
from pydantic import Field

from agents.params import Cell, LonLat, NonNegativeFloat, Params


class SiteParams(Params):
    """A defended site in a scenario file."""

    name: str
    kind: Literal["capital", "city", "energy", "military"] = "city"
    cell: Cell
    value: NonNegativeFloat
    lonlat: LonLat | None = Field(None, description="Where it really is, [longitude, latitude], for the view's map "
                                  "(None: placed from its cell by `grid.bounds`). The model reads only `cell`.")


class DefendedSite(FixedAgent):
    """A site on the grid, keeping the damage leakers have done to it.

    Its damage is a one-element view of the theatre's damage array, so the
    model adds a night's damage to every site in one operation.
    """

    def __init__(self, model, params: SiteParams, cell, damage: np.ndarray) -> None:
        """Put the site on its cell; `damage` is its one-element slot in the theatre's array."""
        super().__init__(model)
        self.name = params.name
        self.kind = params.kind
        self.value = params.value
        self._damage = damage
        self.cell = cell

    @property
    def damage(self) -> float:
        """Damage points suffered so far."""
        return float(self._damage[0])

"""Defended sites: the cities, the capital and the energy plants that raids aim at."""

from typing import Literal

from mesa.discrete_space import FixedAgent

from agents.params import Cell, NonNegativeFloat, Params


class SiteParams(Params):
    """A defended site in a scenario file."""

    name: str
    kind: Literal["capital", "city", "energy", "military"] = "city"
    cell: Cell
    value: NonNegativeFloat


class DefendedSite(FixedAgent):
    """A site on the grid; it keeps the damage that leakers have done to it."""

    def __init__(self, model, params: SiteParams, cell) -> None:
        """Put the site on its cell with no damage yet."""
        super().__init__(model)
        self.name = params.name
        self.kind = params.kind
        self.value = params.value
        self.damage = 0.0
        self.cell = cell

    def suffer(self, damage: float) -> None:
        """Add tonight's damage from leakers."""
        self.damage += damage

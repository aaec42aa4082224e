"""The theatre's grid of cells, as a Mesa discrete space."""

from mesa.discrete_space import OrthogonalMooreGrid


class TheatreGrid(OrthogonalMooreGrid):
    """The theatre's grid, its cells not linked to neighbours.

    Nothing here walks cell to cell, and linking 26 x 18 cells costs about 15 ms, a third of a year's run.
    Mesa has no public way to skip it: its base `Grid` links nothing on 3.5 but raises on 4.0a0, so this
    overrides the one private method; a `Grid(..., connect=False)` upstream would remove the override.
    """

    def _connect_cells(self) -> None:
        pass

"""Pauses drawn at random: `[[pause_processes]]`, from the run's own generator, so a seed fixes them too."""

import numpy as np
from pydantic import Field

from agents.params import Params


class PauseProcess(Params):
    """Pauses of one supplier drawn at random: mean days between pauses and mean pause length."""

    supplier: str
    mean_interval_days: float = Field(gt=0)
    mean_duration_days: float = Field(ge=1)

    def check(self, scenario_check, path: str) -> None:
        """The supplier exists."""
        scenario_check.reference("supplier", self.supplier, f"{path}.supplier")

    def schedule(self, campaign) -> None:
        """Draw this run's pauses over the horizon and put them on the calendar."""
        supplier = campaign.suppliers[self.supplier]
        for start, end in draw_pauses(self, campaign.horizon, campaign.rng):
            campaign.plan(start, f"drawn pause of {self.supplier}", supplier.pause)
            campaign.plan(end, f"end of drawn pause of {self.supplier}", supplier.resume)


def draw_pauses(process: PauseProcess, horizon: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    """Draw (start day, end day) pauses over the horizon; gaps exponential, lengths geometric."""
    pauses = []
    day = 0.0
    while True:
        day += rng.exponential(process.mean_interval_days)
        if day >= horizon:
            return pauses
        length = int(rng.geometric(1.0 / process.mean_duration_days))
        start = int(day)
        pauses.append((start, start + length))
        day = start + length

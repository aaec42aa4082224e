"""A finished forecast: every run's projected measures, their fans, the horizon table and the figure."""

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass
class Forecast:
    """A finished forecast: every run's projected measures, and their fans, table and figure.

    `runs`: one row per policy, replication and day from the origin (day 0) to the horizon. Measures:
    `stock_<interceptor>` (end of day), and from the origin on, cumulative: `leaked_<family>` (drone,
    cruise, ballistic), `damage` and `nights_without_ballistic_defence` (nights that ended with no
    ballistic-capable round in the theatre).
    """

    origin: date
    days: int
    policies: list[str]
    runs: pd.DataFrame = field(repr=False)
    measures: list[str]
    rates: dict = field(repr=False)
    window: tuple[date, date]
    replications: int
    ballistic_capable: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    flows: pd.DataFrame | None = field(default=None, repr=False)
    """Per policy, replication and projected day: `launched_<family>` and `neutralised_<family>` that night,
    families as the reports count them (drones with decoys), for scoring against what was reported."""

    def fans(self) -> pd.DataFrame:
        """Per policy, day and measure: the 5, 25, 50, 75 and 95% quantiles over replications."""
        grouped = self.runs.groupby(["policy", "day", "date"], sort=False)[self.measures]
        table = grouped.quantile(list(QUANTILES)).rename_axis(["policy", "day", "date", "q"])
        table = table.stack().rename("value").reset_index().rename(columns={"level_4": "measure"})
        wide = table.pivot_table(index=["policy", "day", "date", "measure"], columns="q", values="value",
                                 sort=False).reset_index()
        wide.columns = [c if isinstance(c, str) else f"q{round(100 * c):02d}" for c in wide.columns]
        return wide

    def horizon_table(self) -> pd.DataFrame:
        """At the horizon, per policy and measure: median and 90% band, and the paired difference from the first."""
        last = self.runs[self.runs["day"] == self.days].set_index(["policy", "replication"])[self.measures]
        first = last.loc[self.policies[0]]
        rows = []
        for policy in self.policies:
            own = last.loc[policy]
            for measure in self.measures:
                values = own[measure].to_numpy(float)
                diff = (own[measure] - first[measure]).to_numpy(float)
                q05, q50, q95 = np.quantile(values, [0.05, 0.5, 0.95])
                d05, d50, d95 = np.quantile(diff, [0.05, 0.5, 0.95])
                rows.append({"policy": policy, "measure": measure, "median": q50, "q05": q05, "q95": q95,
                             "mean": values.mean(), "diff_median": d50, "diff_q05": d05, "diff_q95": d95})
        return pd.DataFrame(rows)

    def figure(self, measures: list[str] | None = None, title: str = ""):
        """The fans (median, 50% and 90% bands) of `measures`, one row each, policies side by side.

        Default measures: the ballistic-capable stocks, leakers by family, damage and nights without
        ballistic defence.
        """
        from experiments.reporting.document import new_figure

        measures = measures or [m for m in self.measures if not m.startswith("stock_")
                                or m.removeprefix("stock_") in self.ballistic_capable]
        fans = self.fans()
        fig, axes = new_figure(len(measures), len(self.policies), figsize=(4.2 * len(self.policies),
                                                                              2.1 * len(measures) + 0.6),
                               squeeze=False, sharex=True, sharey="row")
        for j, policy in enumerate(self.policies):
            axes[0, j].set_title(policy)
            for i, measure in enumerate(measures):
                ax = axes[i, j]
                rows = fans[(fans["policy"] == policy) & (fans["measure"] == measure)]
                x = pd.to_datetime(rows["date"])
                ax.fill_between(x, rows["q05"], rows["q95"], color=f"C{j}", alpha=0.18, linewidth=0, label="90%")
                ax.fill_between(x, rows["q25"], rows["q75"], color=f"C{j}", alpha=0.35, linewidth=0, label="50%")
                ax.plot(x, rows["q50"], color=f"C{j}", label="median")
                if j == 0:
                    ax.set_ylabel(measure.replace("_", " "), fontsize="small")
                ax.tick_params(axis="x", rotation=30, labelsize="small")
        axes[0, 0].legend(loc="best", fontsize="x-small")
        fig.suptitle(title or f"forecast from {self.origin}, {self.days} days, {self.replications} replications "
                              f"(stocks end of day; the rest cumulative from the origin)", fontsize="medium")
        return fig


def horizon_text(result: Forecast) -> str:
    """The horizon table for reading: per measure, each policy's median and 90% band, and the paired change."""
    table = result.horizon_table()
    lines = [f"at the horizon, {result.origin + timedelta(days=result.days)} ({result.days} days after "
             f"{result.origin}; {result.replications} replications per policy, paired by seed): median [5%, 95%]"
             + (f"; change from {result.policies[0]}, paired run by run" if len(result.policies) > 1 else "")]
    rows = {}
    for row in table.itertuples(index=False):
        cell = f"{row.median:,.0f} [{row.q05:,.0f}, {row.q95:,.0f}]"
        if row.policy != result.policies[0]:
            cell += f" ({row.diff_median:+,.0f} [{row.diff_q05:+,.0f}, {row.diff_q95:+,.0f}])"
        rows.setdefault(row.measure, {})[row.policy] = cell
    frame = pd.DataFrame.from_dict(rows, orient="index")[result.policies]
    frame.index.name = "measure"
    lines.append(frame.to_string())
    return "\n".join(lines)

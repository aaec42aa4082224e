"""Figures of a single run: interceptor stock by type and leakers by class, pauses shaded."""

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.figure import Figure

from experiments.analysis import paused_share
from experiments.reporting.document import new_figure


def pause_periods(daily: pd.DataFrame, at_least: float = 0.5) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
    """(supplier, first paused date, first date flowing again) for every pause, in one run or across many.

    Across runs, a date counts as paused when at least `at_least` of the runs had that supplier paused.
    """
    periods = []
    share = paused_share(daily)
    for supplier in share.columns:
        paused = share[supplier] >= at_least
        dates = share.index[paused]
        starts = dates[~paused.shift(1, fill_value=False)[paused].to_numpy()]
        ends = dates[~paused.shift(-1, fill_value=False)[paused].to_numpy()]
        periods += [(supplier, start, end + pd.Timedelta(days=1)) for start, end in zip(starts, ends, strict=True)]
    return periods


def _columns(daily: pd.DataFrame, prefix: str) -> list[str]:
    return [c for c in daily.columns if c.startswith(prefix)]


def campaign_figure(daily: pd.DataFrame, title: str = "", classes: list[str] | None = None) -> Figure:
    """Two panels over the campaign's dates: theatre stock by interceptor type, and leakers by class.

    Leakers are shown as a 7-day rolling mean for `classes` (default: every `leaked_` column; a run passes
    its families, `model.families.headings`); supplier pauses are shaded on both panels.
    """
    fig, (stock_ax, leak_ax) = new_figure(2, 1, figsize=(11, 7.5), sharex=True, layout="constrained")
    for column in _columns(daily, "stock_"):
        stock_ax.plot(daily["date"], daily[column], label=column.removeprefix("stock_"))
    stock_ax.set_yscale("symlog", linthresh=10)
    stock_ax.set_ylabel("interceptors in stock (rounds, theatre total)")
    stock_ax.set_title("Interceptor stock by type")
    leaked = _columns(daily, "leaked_") if classes is None else [f"leaked_{c}" for c in classes]
    for column in leaked:
        leak_ax.plot(daily["date"], daily[column].rolling(7, min_periods=1).mean(),
                     label=column.removeprefix("leaked_"))
    leak_ax.set_ylabel("leakers per night (7-day mean)")
    leak_ax.set_title("Threats that got through, by class")
    leak_ax.set_xlabel("date")
    leak_ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    shaded = set()
    for supplier, start, end in pause_periods(daily):
        for ax in (stock_ax, leak_ax):
            ax.axvspan(start, end, color="tab:red", alpha=0.15,
                       label=None if supplier in shaded or ax is leak_ax else f"{supplier} paused")
        shaded.add(supplier)
    stock_ax.legend(loc="upper right", fontsize="small", ncols=2)
    leak_ax.legend(loc="upper right", fontsize="small", ncols=2)
    if title:
        fig.suptitle(title)
    return fig

"""Figures of a sweep: each function returns a matplotlib `Figure`, for reports and notebooks alike.

Inputs are the tables of `experiments.analysis` (or a sweep's daily table),
so a notebook can filter first and plot after:

    daily = result.daily(["stock_pac3_mse", "flowing_us-pac3"])
    plots.stock_fan(daily)
"""

import matplotlib.dates as mdates
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from experiments.analysis import Discovery, fan
from experiments.reporting.document import new_figure
from experiments.reporting.figures import pause_periods
from model.errors import InputError


def _shade_pauses(ax, daily: pd.DataFrame) -> None:
    """Shade the dates on which at least half the runs had a supplier paused."""
    labelled = set()
    for supplier, start, end in pause_periods(daily):
        ax.axvspan(start, end, color="tab:red", alpha=0.12,
                   label=None if supplier in labelled else f"{supplier} paused (in at least half the runs)")
        labelled.add(supplier)


def _band_chart(ax, daily: pd.DataFrame, columns: list[str], rolling: int = 1) -> None:
    for k, column in enumerate(columns):
        source = daily[["run_id", "date", column]]
        if rolling > 1:
            source = source.assign(**{column: source.groupby("run_id")[column].transform(
                lambda s: s.rolling(rolling, min_periods=1).mean())})
        bands = fan(source, column)
        color = f"C{k}"
        label = column.split("_", 1)[1] if "_" in column else column
        ax.fill_between(bands.index, bands["q05"], bands["q95"], color=color, alpha=0.15, linewidth=0)
        ax.fill_between(bands.index, bands["q25"], bands["q75"], color=color, alpha=0.3, linewidth=0)
        ax.plot(bands.index, bands["q50"], color=color, label=f"{label} (median; 50%, 90% bands)")
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_xlabel("date")


def stock_fan(daily: pd.DataFrame, columns: list[str] | None = None, title: str = "") -> Figure:
    """Theatre stock by interceptor type over time across runs: median, 50% and 90% bands; pauses shaded."""
    columns = columns or [c for c in daily.columns if c.startswith("stock_")]
    if not columns:
        raise InputError("the daily table has no stock_ columns: keep them in the spec's [outputs] daily list")
    fig, ax = new_figure(figsize=(10, 5), layout="constrained")
    _band_chart(ax, daily, columns)
    _shade_pauses(ax, daily)
    ax.set_ylabel("interceptors in stock (rounds, theatre total)")
    ax.set_title(title or f"Interceptor stock by type, {daily['run_id'].nunique()} runs")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper right", fontsize="small")
    return fig


def leakers_over_time(daily: pd.DataFrame, columns: list[str] | None = None, rolling: int = 7,
                      title: str = "") -> Figure:
    """Leakers per night by class across runs (a `rolling`-day mean per run): median, 50% and 90% bands."""
    columns = columns or [c for c in daily.columns if c.startswith("leaked_")]
    if not columns:
        raise InputError("the daily table has no leaked_ columns: keep them in the spec's [outputs] daily list")
    fig, axes = new_figure(len(columns), 1, figsize=(10, 2.6 * len(columns) + 0.6), sharex=True,
                             layout="constrained", squeeze=False)
    for ax, column in zip(axes[:, 0], columns, strict=True):
        _band_chart(ax, daily, [column], rolling)
        _shade_pauses(ax, daily)
        ax.set_ylabel(f"{column.removeprefix('leaked_')} leakers\nper night ({rolling}-day mean)")
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper right", fontsize="small")
    for ax in axes[:-1, 0]:
        ax.set_xlabel("")
    fig.suptitle(title or f"Threats that got through, by class, {daily['run_id'].nunique()} runs")
    return fig


def _label(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def heatmap(table: pd.DataFrame, x: str, y: str, value: str = "mean", outcome: str = "",
            units: str = "") -> Figure:
    """An outcome over two factors: one cell per combination, annotated with its mean and interval."""
    grid = table.pivot(index=y, columns=x, values=value)
    fig, ax = new_figure(figsize=(1.4 * grid.shape[1] + 3, 0.8 * grid.shape[0] + 2), layout="constrained")
    image = ax.imshow(grid.to_numpy(dtype=float), cmap="magma_r", aspect="auto", origin="lower")
    has_interval = {"ci_low", "ci_high"} <= set(table.columns)
    low = table.pivot(index=y, columns=x, values="ci_low") if has_interval else None
    high = table.pivot(index=y, columns=x, values="ci_high") if has_interval else None
    middle = np.nanmean(grid.to_numpy(dtype=float))
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            cell = grid.iat[i, j]
            text = f"{cell:,.3g}"
            if has_interval and not np.isnan(low.iat[i, j]):
                text += f"\n[{low.iat[i, j]:,.3g}, {high.iat[i, j]:,.3g}]"
            ax.text(j, i, text, ha="center", va="center", fontsize="small",
                    color="white" if cell > middle else "black")
    ax.set_xticks(range(grid.shape[1]), [_label(v) for v in grid.columns])
    ax.set_yticks(range(grid.shape[0]), [_label(v) for v in grid.index])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    name = outcome or value
    fig.colorbar(image, ax=ax, label=f"{name} ({units})" if units else name)
    ax.set_title(f"{name}: mean [95% CI] over {x} and {y}")
    return fig


def paired_differences_plot(diffs: pd.DataFrame, outcome: str, units: str = "", title: str = "") -> Figure:
    """Paired differences (level minus baseline) with their 95% intervals, one row each."""
    labels = [f"{r.factor}:\n{_label(r.level)} vs {_label(r.baseline)}" for r in diffs.itertuples()]
    fig, ax = new_figure(figsize=(10, 0.7 * len(diffs) + 1.8), layout="constrained")
    rows = np.arange(len(diffs))[::-1]
    ax.errorbar(diffs["mean"], rows, xerr=[diffs["mean"] - diffs["ci_low"], diffs["ci_high"] - diffs["mean"]],
                fmt="o", color="C0", capsize=4, label="mean difference, 95% CI")
    ax.scatter(diffs["q50"], rows, marker="|", s=120, color="C1", label="median difference", zorder=3)
    ax.axvline(0, color="grey", linewidth=1)
    ax.set_yticks(rows, labels)
    ax.set_xlabel(f"difference in {outcome} ({units})" if units else f"difference in {outcome}")
    fig.suptitle(title or f"{outcome}: paired differences under common random numbers")
    ax.legend(loc="best", fontsize="small")
    return fig


def sensitivity_plot(indices: pd.DataFrame, outcome: str) -> Figure:
    """Sobol total and first-order indices, or Morris mu* and sigma, as a ranked bar chart."""
    sobol = "ST" in indices.columns
    first, second = ("ST", "S1") if sobol else ("mu_star", "sigma")
    ranked = indices.sort_values(first, ascending=True)
    rows = np.arange(len(ranked))
    fig, ax = new_figure(figsize=(9, 0.5 * len(ranked) + 1.8), layout="constrained")
    ax.barh(rows + 0.2, ranked[first], height=0.4, xerr=ranked[f"{first}_conf"], capsize=3,
            label="total-order index ST" if sobol else "mu* (mean absolute elementary effect)")
    ax.barh(rows - 0.2, ranked[second], height=0.4, xerr=ranked["S1_conf"] if sobol else None, capsize=3,
            label="first-order index S1" if sobol else "sigma (interactions, non-linearity)")
    ax.set_yticks(rows, ranked["factor"])
    ax.set_xlabel("Sobol index (share of variance, 95% CI)" if sobol else f"Morris effect on {outcome}")
    ax.set_title(f"Sensitivity of {outcome}, factors ranked")
    ax.legend(loc="lower right", fontsize="small")
    return fig


def discovery_plot(discovery: Discovery, outcome: str) -> Figure:
    """The PRIM box: each factor's full range (grey) and the box's range (colour), on a 0-1 scale."""
    limits = discovery.limits
    fig, ax = new_figure(figsize=(9, 0.55 * len(limits) + 1.8), layout="constrained")
    rows = np.arange(len(limits))[::-1]
    for row, item in zip(rows, limits.itertuples(), strict=True):
        ax.barh(row, 1.0, color="lightgrey", height=0.6)
        if item.levels:
            ax.barh(row, 1.0, color="C3" if item.restricted else "C0", height=0.3, alpha=0.8)
            ax.text(0.5, row, item.levels, ha="center", va="center", fontsize="small")
        else:
            full_low, full_high = (float(v) for v in item.full.strip("[]").split(","))
            span = full_high - full_low or 1.0
            start = (item.low - full_low) / span
            ax.barh(row, (item.high - item.low) / span, left=start, height=0.3,
                    color="C3" if item.restricted else "C0", alpha=0.8)
            ax.text(1.01, row, f"{item.low:,.4g} .. {item.high:,.4g}", va="center", fontsize="small")
    ax.set_yticks(rows, limits["factor"])
    ax.set_xlim(0, 1.25)
    ax.set_xlabel("share of the factor's sampled range (red: restricted by the box)")
    ax.set_title(f"Where {outcome} is worst: coverage {discovery.coverage:.0%}, density {discovery.density:.0%}")
    return fig


def cost_exchange_plot(table: pd.DataFrame, label: str = "configuration", legend: str = "") -> Figure:
    """Cost-exchange ratio beside the value protected, one point per configuration, with 95% intervals.

    `table` has a `label` column and, for each of `cost_exchange_ratio` and
    `value_protected`, columns `<name>_mean`, `<name>_ci_low`, `<name>_ci_high`;
    `legend` says what the point labels mean.
    """
    fig, ax = new_figure(figsize=(9, 6), layout="constrained")
    x, y = "cost_exchange_ratio", "value_protected"
    ax.errorbar(table[f"{x}_mean"], table[f"{y}_mean"],
                xerr=[table[f"{x}_mean"] - table[f"{x}_ci_low"], table[f"{x}_ci_high"] - table[f"{x}_mean"]],
                yerr=[table[f"{y}_mean"] - table[f"{y}_ci_low"], table[f"{y}_ci_high"] - table[f"{y}_mean"]],
                fmt="o", capsize=3)
    for row in table.itertuples():
        ax.annotate(getattr(row, label), (getattr(row, f"{x}_mean"), getattr(row, f"{y}_mean")),
                    textcoords="offset points", xytext=(5, 4), fontsize="x-small")
    ax.axvline(1.0, color="grey", linewidth=1, linestyle="--")
    ax.set_xlabel("cost-exchange ratio (defender USD spent per attacker USD launched)")
    ax.set_ylabel("value protected (value-weighted damage points averted)")
    ax.set_title("What each configuration costs, next to what it protects (mean, 95% CI)")
    ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    if legend:
        ax.text(0.99, 0.01, legend, transform=ax.transAxes, ha="right", va="bottom", fontsize="small", color="grey")
    return fig

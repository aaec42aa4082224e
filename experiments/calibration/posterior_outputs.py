"""What a posterior fit writes into its folder: the ensemble, the scenario naming it, tables, figures, the check.

`posterior.parquet` (parameter values by scenario path, and weights),
`scenario.toml` (the base scenario at the posterior medians, naming the
ensemble), `posterior.csv`, `pairs.csv`, `generations.csv`, `marginals.png`,
`pairs.png`, and with a posterior predictive check `predictive.csv` and
`predictive.png`.
"""

import math
from pathlib import Path

from experiments.calibration.particles import ENSEMBLE_FILE, SCENARIO_FILE, Posterior
from experiments.calibration.scenario_file import scenario_text
from experiments.calibration.validation import validate, validation_figure
from experiments.sweep.ensemble import read_ensemble, write_ensemble


def write_outputs(result: Posterior, *, mapping=None, predictive: int = 0, progress: bool = True,
                  workers: int | None = None) -> None:
    """The ensemble, the scenario naming it, the tables, the figures and (optionally) the predictive check."""
    out = result.path
    write_ensemble(result.ensemble_table(), out / ENSEMBLE_FILE)
    spec = result.spec
    table = result.table()
    header = [f"Posterior by `attrition calibrate` (ABC-SMC, pyabc): {Path(result.data).name}, {result.period[0]} "
              f"to {result.period[1]}; {len(result.particles)} particles (effective {result.effective_size:.0f}), "
              f"{int(result.generations['simulations'].sum())} simulations.",
              "Values here are the posterior medians; sweeps, validation and forecasts run the ensemble "
              "(replication r on draw r).",
              "Pinned down by these data: " + (", ".join(table.loc[table["verdict"] == "pinned down", "parameter"])
                                               or "none") + ".",
              "Left to the prior: " + (", ".join(table.loc[table["verdict"] == "left to the prior", "parameter"])
                                       or "none") + "."]
    if spec.abc.marginalise:
        header.append("Drawn from the prior in every simulation (marginalised, not inferred): "
                      + ", ".join(spec.abc.marginalise) + ".")
    if result.degenerate:
        header.append(result.weights_warning())
    (out / SCENARIO_FILE).write_text(scenario_text(spec, result.medians(), header, result.data, result.period,
                                                   ensemble=ENSEMBLE_FILE))
    read_ensemble(out / ENSEMBLE_FILE)  # what was written reads back
    table.to_csv(out / "posterior.csv", index=False)
    result.correlations().to_csv(out / "pairs.csv", index=False)
    result.generations.to_csv(out / "generations.csv", index=False)
    figure = marginals_figure(result)
    figure.savefig(out / "marginals.png", dpi=110)
    figure = pairs_figure(result)
    figure.savefig(out / "pairs.png", dpi=110)
    if predictive:
        check = validate(result.data, out / SCENARIO_FILE, result.period, replications=predictive,
                         mapping=mapping, progress=progress)
        result.predictive = check
        check.table.to_csv(out / "predictive.csv", index=False)
        validation_figure(check, f"posterior predictive check, {result.period[0]} to {result.period[1]}").savefig(
            out / "predictive.png", dpi=110)


def marginals_figure(result: Posterior):
    """Each parameter's posterior (weighted histogram) over its prior range, the 90% interval marked."""
    from experiments.reporting.document import new_figure

    params = result.spec.parameters
    cols = 4
    rows = math.ceil(len(params) / cols)
    fig, axes = new_figure(rows, cols, figsize=(4 * cols, 2.6 * rows), layout="constrained", squeeze=False)
    table = result.table().set_index("parameter")
    weights = result.weights()
    for ax, p in zip(axes.flat, params, strict=False):
        low, high = (float(v) for v in p.range)
        ax.hist(result.particles[p.name], bins=20, range=(low, high), weights=weights, color="C0", alpha=0.7)
        ax.axhline(1 / 20, color="grey", linestyle=":", label="prior")
        row = table.loc[p.name]
        ax.axvspan(row["q05"], row["q95"], color="C1", alpha=0.15, label="90% interval")
        ax.axvline(row["median"], color="C1")
        ax.set_title(f"{p.name}{' (marginalised)' if row['marginalised'] else ''}\n{row['verdict']}"
                     + (" · at an edge" if row["at_edge"] else ""), fontsize="small")
        ax.set_xlim(low, high)
        ax.set_yticks([])
    for ax in list(axes.flat)[len(params):]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize="x-small")
    fig.suptitle(f"posterior marginals ({len(result.particles)} particles; dotted: the uniform prior)")
    return fig


def pairs_figure(result: Posterior, pairs: int = 6):
    """The strongest trade-offs: scatter of the most correlated parameter pairs, point size by weight."""
    from experiments.reporting.document import new_figure

    table = result.correlations().head(pairs)
    cols = 3
    rows = max(1, math.ceil(len(table) / cols))
    fig, axes = new_figure(rows, cols, figsize=(4.5 * cols, 3.6 * rows), layout="constrained", squeeze=False)
    sizes = 4 + 60 * result.weights() / result.weights().max()
    for ax, row in zip(axes.flat, table.itertuples(), strict=False):
        ax.scatter(result.particles[row.first], result.particles[row.second], s=sizes, alpha=0.4, linewidth=0)
        ax.set_xlabel(row.first)
        ax.set_ylabel(row.second)
        ax.set_title(f"correlation {row.correlation:+.2f}", fontsize="small")
    for ax in list(axes.flat)[len(table):]:
        ax.set_visible(False)
    fig.suptitle("parameters that trade off against each other (strongest weighted correlations)")
    return fig

"""`attrition report`: a sweep's results folder (or a folder of them) turned into a report.

    from experiments.reporting.report import build_report
    paths = build_report("results/doctrine")      # results/doctrine/report/report.{html,md}

Each sweep gets an overview (what ran, outcomes with intervals) and the
answers its spec names in `[report] answers`; a spec without answers gets the
general figures that fit its design. The headline experiments are listed in
`experiments/headline.toml` and run together by `attrition headline`.
"""

import tomllib
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from experiments import analysis
from experiments.analysis import AnalysisError
from experiments.outputs import check_output, holds_any
from experiments.reporting import plots
from experiments.reporting.answers import ANSWERS, check_answers, row_estimate, wide_table
from experiments.reporting.document import Plot, Section, Table, Text, write_report
from experiments.sweep.runner import SweepResult, open_results
from experiments.sweep.spec import parse_spec
from model.errors import InputError

HEADLINE = resources.files("experiments") / "headline.toml"


class ReportError(InputError):
    """The folder cannot be reported on: missing, not a sweep's, or with no finished runs."""


def headline() -> dict:
    """The headline experiments: title, and the specs `attrition headline` runs, in order."""
    return tomllib.loads(HEADLINE.read_text())


def check_report_folder(out: Path) -> Path:
    """Refuse a report folder that cannot be written or holds files that are not an earlier report's."""
    return check_output(out, previous=holds_any("report.html", "report.md", "figures"))


def sweep_folders(path: Path) -> list[Path]:
    """The sweep results folders at `path`: itself, or its sub-folders that hold a manifest."""
    if not path.exists():
        raise ReportError(f"{path} does not exist; run `attrition sweep SPEC --out {path}` first")
    if (path / "manifest.json").is_file():
        return [path]
    folders = sorted(p for p in path.iterdir() if (p / "manifest.json").is_file()) if path.is_dir() else []
    if not folders:
        raise ReportError(f"{path} holds no sweep results (no manifest.json in it or in its sub-folders); "
                          f"run `attrition sweep SPEC --out {path}` first")
    return folders


def _overview(result: SweepResult, spec) -> Section:
    manifest = result.manifest
    runs = result.runs
    failures = result.failures
    section = Section(f"Sweep `{spec.name}`")
    facts = [spec.description or spec.name]
    if spec.report.question:
        facts.insert(0, f"**Question.** {spec.report.question}")
    facts.append(f"{len(runs):,} of {manifest['runs']:,} planned runs finished, {len(failures):,} failed; "
                 f"{spec.design.kind.replace('_', ' ')} design over {', '.join(result.factors)}, "
                 f"{spec.replications} replications per design point (common random numbers), root seed "
                 f"{spec.root_seed}; scenario {spec.scenario}; code {manifest.get('git_commit') or 'unknown'}.")
    section.add(*(Text(f) for f in facts))
    outcomes = [o for o in spec.report.outcomes if o in runs.columns]
    overall = pd.DataFrame([{"outcome": o, **analysis.describe(runs[o])} for o in outcomes])
    section.add(Table(overall[["outcome", "n", "mean", "ci_low", "ci_high", "q05", "q50", "q95"]],
                      "Every run of the sweep, per year: mean with its 95% CI, and quantiles"))
    uncertainty = _uncertainty_sources(manifest, runs, outcomes)
    if uncertainty is not None:
        section.add(*uncertainty)
    points = runs["point"].nunique()
    if points <= 24 and outcomes:
        keys = result.factors
        table = wide_table(runs, keys, outcomes[:4])
        shown = table[keys].copy()
        for outcome in outcomes[:4]:
            shown[outcome] = [row_estimate(row, outcome) for _, row in table.iterrows()]
        for key in keys:
            shown[key] = shown[key].map(str)
        section.add(Table(shown, "By design point: mean (95% CI)"))
    return section


def _uncertainty_sources(manifest: dict, runs: pd.DataFrame, outcomes: list[str]) -> list | None:
    """With a posterior ensemble: what the intervals hold, and how much of their width is the parameters'."""
    ensemble = manifest.get("ensemble")
    if not ensemble or "draw" not in runs.columns:
        return None
    path = Path(ensemble["file"])
    distinct = runs["draw"].nunique()
    text = (f"**Parameter uncertainty is in every interval.** Replication r ran posterior draw r of "
            f"`{path.name}` ({distinct:,} distinct draws of its {ensemble['particles']:,} particles) on night "
            f"seed r, so policies compared at the same replication share their nights and their parameters, "
            f"and each quantile band spans both what the data leave open and the luck of the nights.")
    if not path.is_file():
        return [Text(text + f" (The ensemble file is no longer at {path}: the split by source is left out.)")]
    draws = pd.read_parquet(path)
    rows = []
    for outcome in outcomes:
        share = analysis.parameter_share(runs, outcome, draws)
        if np.isnan(share):
            continue
        spread = runs.groupby("point")[outcome].quantile([0.05, 0.95]).unstack()
        width = float((spread[0.95] - spread[0.05]).mean())
        rows.append({"outcome": outcome, "90% band width": width, "from the parameters": f"{100 * share:.0f}%",
                     "from the nights": f"{100 * (1 - share):.0f}%",
                     "width with parameters fixed (about)": width * np.sqrt(1 - share)})
    if not rows:
        return [Text(text)]
    note = ("Where the spread comes from: the share of each outcome's variance over replications that a linear "
            "fit on the draws' parameter values explains (adjusted R², within each design point), and the "
            "rest. It is a lower bound on the parameters' part: a linear fit misses their non-linear effects.")
    return [Text(text), Table(pd.DataFrame(rows), note)]


def _general_figures(result: SweepResult, spec) -> Section:
    """Figures that fit any sweep, for specs that name no answers."""
    runs = result.runs
    section = Section("Figures")
    outcome = next((o for o in spec.report.outcomes if o in runs.columns), None)
    daily = result.daily()
    if any(c.startswith("stock_") for c in daily.columns):
        section.add(Plot("stock", plots.stock_fan(daily), "Stock across all runs of the sweep."))
    if any(c.startswith("leaked_") for c in daily.columns):
        section.add(Plot("leakers", plots.leakers_over_time(daily)))
    factors = result.factors
    if outcome and spec.design.sampler.grid and len(factors) >= 2:
        section.add(Plot("heatmap", plots.heatmap(
            analysis.outcome_table(runs, outcome, factors[:2]), factors[0], factors[1], outcome=outcome)))
    if outcome and spec.design.sampler.analyser is not None:
        indices = analysis.sensitivity(runs, spec, outcome, result.layout)
        section.add(Plot("sensitivity", plots.sensitivity_plot(indices, outcome)))
    levers = [f for f in spec.factors if f.kind == "lever" and f.values]
    if outcome and levers and spec.design.sampler.grid:
        diffs = pd.concat([analysis.paired_differences(runs, outcome, f.name,
                                                       analysis.level_of(runs, f.name, f.values[0]), factors)
                           for f in levers])
        diffs["level"] = diffs["level"].map(str)
        diffs["baseline"] = diffs["baseline"].map(str)
        section.add(Plot("levers", plots.paired_differences_plot(diffs, outcome)))
    return section


def sweep_sections(result: SweepResult) -> list[Section]:
    """The report's sections for one sweep: its overview, then its answers (or general figures)."""
    spec = parse_spec(result.manifest["spec"], str(result.path))
    check_answers(spec)
    if result.runs.empty:
        raise ReportError(f"{result.path} holds no finished runs yet; run its sweep (again) first")
    sections = [_overview(result, spec)]
    for name in spec.report.answers:
        try:
            sections.append(ANSWERS[name](result, spec, **spec.report.options))
        except AnalysisError as error:
            sections.append(Section(f"{name}: not answered", [Text(f"This sweep cannot answer it: {error}")]))
    if not spec.report.answers:
        sections.append(_general_figures(result, spec))
    for section in sections:  # figure files of two sweeps never collide: each is named after its folder
        section.figures = result.path.name
    return sections


def build_report(path: str | Path, out: str | Path | None = None, title: str | None = None) -> dict[str, Path]:
    """Write the report of the sweep(s) at `path` into `out` (default `path/report`); returns the files."""
    path = Path(path)
    folders = sweep_folders(path)
    out = check_report_folder(Path(out) if out else path / "report")
    sections = []
    for folder in folders:
        sections += sweep_sections(open_results(folder))
    names = ", ".join(f.name for f in folders)
    intro = [f"Results read from `{path}` ({names}). Every figure is a mean over replications with its 95% "
             "confidence interval (Student's t), or quantiles across runs; policy comparisons are paired "
             "differences under common random numbers (the same seeds, so the same nights, for every policy)."]
    return write_report(title or f"attrition: {names}", intro, sections, out)

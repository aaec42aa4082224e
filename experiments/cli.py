"""The `attrition` command.

    attrition run baseline-2025 --seed 42 --out runs/demo
    attrition sweep pause-length --out results/pause-length [--workers N] [--scheduler ADDR] [--shard I/N]
    attrition report results/NAME [--out DIR]      # report.html and report.md (figures beside it)
    attrition headline --out results/headline       # the headline sweeps, then one report of them all
    attrition calibrate DATA.csv --period 2025-01-01:2025-12-31 --out fits/2025   # posterior; resumes
    attrition calibrate DATA.csv --period 2025-01-01:2025-06-30 --method point --out calibrated.toml
    attrition validate DATA.csv --scenario calibrated.toml --period 2025-07-01:2025-12-31
    attrition recovery DATA.csv --period 2025-01-01:2025-03-31 --datasets 20   # do 90% intervals hold the truth?
    attrition forecast DATA.csv --scenario calibrated-2025 --days 90 [--policy FILE ...]
    attrition backtest DATA.csv --origins 2025-03-31,2025-06-30,2025-09-30 --days 90 [--fit point]
    attrition view [--port 8765]                    # the interactive view, in a browser
    attrition scenarios

Bad input (an unknown scenario, a malformed file, an output folder holding
another run) is reported in one message on stderr with exit status 2, before
anything is written.
"""

import argparse
import os
import sys
from pathlib import Path

from model import AirCampaign, builtin_scenarios, load_scenario
from model.errors import DataFileError, InputError
from model.families import headings

HEADLINES = (
    ("launched", "launched"),
    ("neutralised_share", "neutralised share"),
    ("leaked", "leaked"),
)


def _print_summary(name: str, seed: int, summary: dict, classes: list[str]) -> None:
    print(f"{name}, seed {seed}: {summary['days']} days")
    width = max(len(c) for c in classes) + 2
    print(" " * 20 + "".join(f"{c:>{width + 6}}" for c in classes))
    for key, label in HEADLINES:
        cells = []
        for c in classes:
            value = summary[f"{key}_{c}"]
            cells.append(f"{value:>{width + 6}.1%}" if "share" in key else f"{value:>{width + 6},}")
        print(f"{label:<20}" + "".join(cells))
    print(f"damage points {summary['damage']:,.0f}, value-weighted {summary['value_weighted_damage']:,.0f}")
    print(f"nights with no ballistic-capable interceptor left: {summary['days_without_ballistic_defence']}")
    print(f"spend: attacker ${summary['attacker_spend_usd'] / 1e9:,.2f}B, "
          f"defender ${summary['defender_spend_usd'] / 1e9:,.2f}B, "
          f"cost-exchange ratio (defender/attacker) {summary['cost_exchange_ratio']:.2f}")


def _run(args) -> int:
    from experiments.single_run import check_output_folder, run_identity, write_run

    scenario = load_scenario(args.scenario)
    identity = run_identity(scenario, args.scenario, args.seed, args.days)
    out = Path(args.out)
    check_output_folder(out, identity, args.force)
    campaign = AirCampaign(scenario, rng=args.seed).run(args.days)
    summary = campaign.summary()
    _print_summary(scenario.name, args.seed, summary, headings(scenario.catalog.threats))
    paths = write_run(campaign, out, identity)
    print("wrote " + ", ".join(str(p) for p in paths.values()))
    return 0


def _sweep(args) -> int:
    from experiments.reporting.answers import check_answers
    from experiments.sweep.runner import run_sweep
    from experiments.sweep.spec import load_spec

    check_answers(load_spec(args.spec))
    result = run_sweep(args.spec, args.out, workers=args.workers, scheduler=args.scheduler, shard=args.shard)
    print(f"{args.out}: computed {result.computed} runs, reused {result.reused}, failed {result.failed} "
          f"({result.seconds:.1f} s)")
    if result.failed:
        print(f"failures are in {args.out}/failures/ (run id, parameters, seed, error, traceback)")
    return 0


def _report(args) -> int:
    from experiments.reporting.report import build_report

    paths = build_report(args.results, args.out)
    print(f"wrote {paths['html']} (self-contained) and {paths['markdown']} (figures in "
          f"{paths['markdown'].parent / 'figures'})")
    return 0


def _headline(args) -> int:
    import time

    from experiments.reporting.answers import check_answers
    from experiments.reporting.report import build_report, headline
    from experiments.sweep.runner import run_sweep
    from experiments.sweep.spec import load_spec

    plan = headline()
    for name in plan["specs"]:
        check_answers(load_spec(name))
    started = time.perf_counter()
    for name in plan["specs"]:
        result = run_sweep(name, Path(args.out) / name, workers=args.workers)
        print(f"{name}: computed {result.computed} runs, reused {result.reused}, failed {result.failed} "
              f"({result.seconds:.1f} s)")
    paths = build_report(args.out, title=plan["title"])
    print(f"wrote {paths['html']} and {paths['markdown']} ({time.perf_counter() - started:.0f} s in all)")
    return 0


def _calibrate(args) -> int:
    from experiments.calibration.spec import load_calibration_spec
    from model.observed import parse_period

    spec = load_calibration_spec(args.spec)
    if args.replications:
        spec = spec.model_copy(update={"replications": args.replications})
    period = parse_period(args.period)
    if args.workers is not None and args.workers < 1:
        raise InputError(f"--workers {args.workers}: give at least 1 process")
    if args.method == "point":
        return _point_fit(args, spec, period)
    return _posterior_fit(args, spec, period)


def _posterior_fit(args, spec, period) -> int:
    from experiments.calibration.posterior import fit_posterior

    for option in ("population", "generations"):
        value = getattr(args, option)
        if value is not None and value < (10 if option == "population" else 1):
            raise InputError(f"--{option} {value}: too small (population at least 10, generations at least 1)")
    if args.predictive is not None and args.predictive < 0:
        raise InputError(f"--predictive {args.predictive}: give 0 (no check) or more draws")
    result = fit_posterior(args.data, period, spec, out=args.out, workers=args.workers, scheduler=args.scheduler,
                           population=args.population, generations=args.generations, force=args.force,
                           predictive=args.predictive, mapping=args.mapping)
    generations = result.generations
    print(f"posterior of {len(spec.parameters)} parameters of {spec.scenario} given {args.data}, {period[0]} to "
          f"{period[1]}: ABC-SMC, {len(generations)} generations, {len(result.particles)} particles (effective "
          f"{result.effective_size:.0f}), "
          f"{int(generations['simulations'].sum())} simulations ({result.seconds:.0f} s this call)")
    print(generations.round(3).to_string(index=False))
    if spec.abc.marginalise:
        print("marginalised (drawn from the prior in every simulation, not inferred): "
              + ", ".join(spec.abc.marginalise))
    if result.degenerate:
        print(result.weights_warning())
    table = result.table()
    print("\n" + table.assign(**{c: table[c].round(3) for c in ("median", "q05", "q95", "interval_vs_prior")})
          .to_string(index=False))
    edges = table.loc[table["at_edge"], "parameter"].tolist()
    if edges:
        print("at an edge of its range (a finding about missing structure, not a result): " + ", ".join(edges))
    pairs = result.correlations()
    strong = pairs[pairs["correlation"].abs() >= 0.3].head(8)
    print("\npairs that trade off (weighted correlation, |r| >= 0.3): "
          + ("; ".join(f"{r.first} ~ {r.second} {r.correlation:+.2f}" for r in strong.itertuples()) or "none"))
    check = result.predictive
    if check is not None:
        print(f"\nposterior predictive check ({check.replications} draws; bands include binomial noise): "
              "observed monthly shares inside the 90% band: "
              + ", ".join(f"{c} {100 * v:.0f}%" for c, v in check.coverage().items())
              + "; mean absolute error " + ", ".join(f"{c} {100 * e:.1f} pp" for c, e in check.errors.items()))
    print(f"wrote {result.path}: {result.scenario_path.name} (names {result.ensemble_path.name}), posterior.csv, "
          "pairs.csv, generations.csv, marginals.png, pairs.png" + (", predictive.csv, predictive.png"
                                                                     if check is not None else ""))
    return 0


def _recovery(args) -> int:
    from experiments.calibration.recovery import recover
    from model.observed import parse_period

    if args.datasets < 1:
        raise InputError(f"--datasets {args.datasets}: give at least 1")
    period = parse_period(args.period)
    result = recover(args.data, period, args.spec, datasets=args.datasets, out=args.out, workers=args.workers,
                     mapping=args.mapping)
    summary = result.summary()
    print(f"simulation-based calibration: {args.datasets} synthetic data sets made by the model from parameters "
          f"drawn from the prior, each fitted like the real data ({period[0]} to {period[1]})")
    print(summary.assign(coverage=(100 * summary["coverage"]).round(0),
                         interval_vs_prior=summary["interval_vs_prior"].round(2)).to_string(index=False))
    print("coverage: share of data sets whose true value lies in the posterior 90% interval (target >= 80% for "
          "each identifiable parameter: interval under 0.8 of the prior's on average)")
    print(f"wrote {Path(args.out) / 'recovery.csv'} and {Path(args.out) / 'coverage.csv'}")
    return 0


def _point_fit(args, spec, period) -> int:
    from experiments.calibration.point_fit import calibrate, calibrated_scenario_text

    out = Path(args.out)
    if out.suffix != ".toml":
        raise InputError(f"--out {out}: the point fit writes a scenario file; name one ending in .toml")
    if out.exists() and not args.force:
        raise InputError(f"{out} exists; choose another --out or pass --force to overwrite it")
    if args.maxiter:
        spec = spec.model_copy(update={"optimiser": spec.optimiser.model_copy(update={"maxiter": args.maxiter})})
    result = calibrate(args.data, period, spec, mapping=args.mapping, workers=args.workers)
    print(f"fitted {len(result.values)} parameters of {spec.scenario} to {args.data}, {period[0]} to {period[1]} "
          f"({result.evaluations} evaluations of {spec.replications} runs, {result.seconds:.0f} s)")
    print(result.table().to_string(index=False))
    print("mean absolute error of the monthly neutralised share: " + ", ".join(
        f"{c} {100 * e:.1f} pp (target {100 * spec.targets[c]:.0f})" for c, e in result.errors.items()))
    loose = [name for name, ok in result.pinned.items() if not ok]
    print("not pinned down by these data (near-best loss over more than half the range): "
          + (", ".join(loose) if loose else "none"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(calibrated_scenario_text(result))
    print(f"wrote {out}")
    return 0


def _validate(args) -> int:
    from experiments.calibration.skill import skill_table
    from experiments.calibration.validation import validate, validation_figure
    from model.observed import parse_period

    if args.replications < 1:
        raise InputError(f"--replications {args.replications}: validation needs at least 1 run")
    period = parse_period(args.period)
    reference = None
    if args.reference is not None:
        try:
            reference = parse_period(args.reference)
        except ValueError as error:  # parse_period names --period
            raise InputError(str(error).replace("--period", "--reference", 1)) from None
    out = Path(args.out)
    result = validate(args.data, args.scenario, period, replications=args.replications, mapping=args.mapping,
                      reference=reference, ensemble=args.ensemble)
    for caveat in result.caveats:
        print(f"note: {caveat}")
    table = result.table
    shares = ("observed", "simulated", "sim_q05", "sim_q95", "par_q05", "par_q95", "obs_q05", "obs_q95", "error")
    dropped = ["sim_q50", "with_outcome", "observed_neutralised"]
    if result.ensemble is None:
        dropped += ["par_q05", "par_q95"]
    print(table.assign(**{c: table[c].round(3) for c in shares}).drop(columns=dropped).to_string(index=False))
    print("bands (90%): sim = run to run with the scenario's values; "
          + ("par = posterior draws and nights; " if result.ensemble else "")
          + "obs = that plus the count's binomial noise; `covered`: the observed share lies in the obs band")
    print("mean absolute error of the monthly neutralised share: "
          + ", ".join(f"{c} {100 * e:.1f} pp" for c, e in result.errors.items()))
    skill = result.skill
    print("\nskill: mean absolute error of the monthly share, pp (months weighted by their days in the period)")
    print(skill_table(skill).to_string(index=False))
    start, end = result.reference
    which = " (the validated period)" if result.reference == result.period else ""
    print(f"constant share: pooled observed share of {start} to {end}{which}: "
          + ", ".join(f"{c} {100 * v:.1f}%" for c, v in zip(skill["class"], skill["constant_share"], strict=True)))
    print("last month's share: " + "; ".join(result.notes))
    print("binomial floor: mean of sqrt(2/pi) sqrt(p(1-p)/n), what a model knowing each month's share "
          "would still miss")
    bins = result.night_bins
    print(f"\ndrone neutralised share by night size (observed Shahed-type launches a night; simulated pooled "
          f"over {result.replications} runs):")
    print(bins.assign(**{c: bins[c].round(3) for c in ("observed_share", "simulated_share", "difference")})
          .to_string(index=False))
    kills = result.ballistic_kills
    print(f"\nballistic missiles neutralised per month, observed and simulated (mean of {result.replications} "
          f"runs): Pearson correlation {result.ballistic_correlation:.2f}")
    print(kills.set_index("month").round(1).T.to_string())
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "validation.csv", index=False)
    skill.to_csv(out / "skill.csv", index=False)
    bins.to_csv(out / "night_bins.csv", index=False)
    figure = validation_figure(result, f"{args.scenario} against {Path(args.data).name}, {period[0]} to {period[1]}")
    figure.savefig(out / "validation.png", dpi=110)
    print(f"wrote {out / 'validation.csv'}, {out / 'skill.csv'}, {out / 'night_bins.csv'} and "
          f"{out / 'validation.png'}")
    return 0


def _forecast(args) -> int:
    from datetime import date

    from experiments.calibration.forecast import forecast
    from experiments.calibration.forecast_result import horizon_text

    try:
        origin = date.fromisoformat(args.origin) if args.origin else None
    except ValueError:
        raise InputError(f"--origin {args.origin!r}: write it as YYYY-MM-DD, e.g. 2025-09-30") from None
    result = forecast(args.data, args.scenario, args.days, args.policy, replications=args.replications,
                      root_seed=args.seed, origin=origin, workers=args.workers, mapping=args.mapping)
    for note in result.notes:
        print(f"note: {note}")
    print(horizon_text(result))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    result.fans().to_csv(out / "forecast.csv", index=False)
    result.figure().savefig(out / "forecast.png", dpi=110)
    print(f"wrote {out / 'forecast.csv'} and {out / 'forecast.png'}")
    return 0


def _backtest(args) -> int:
    from datetime import date

    from experiments.calibration.backtest import backtest, scores_text

    try:
        origins = [date.fromisoformat(text.strip()) for text in args.origins.split(",") if text.strip()]
    except ValueError:
        raise InputError(f"--origins {args.origins!r}: write dates as YYYY-MM-DD, separated by commas") from None
    options = {"spec": args.spec} | {k: getattr(args, k) for k in ("maxiter", "population", "generations")
                                     if getattr(args, k)}
    out = Path(args.out)
    result = backtest(args.data, origins, args.days, scenario=args.scenario, fit=args.fit, out=out,
                      replications=args.replications, root_seed=args.seed, workers=args.workers,
                      mapping=args.mapping, fit_options=options)
    for note in result.notes:
        print(f"note: {note}")
    for origin, scenario in result.scenarios.items():
        print(f"origin {origin}: forecast with {scenario}")
    print(f"monthly neutralised share, {args.days} days after each origin (months weighted by their days; "
          f"naive: pooled share before the origin, the origin month's share; skill = 1 - model / better naive)")
    print(scores_text(result))
    out.mkdir(parents=True, exist_ok=True)
    result.scores.to_csv(out / "backtest.csv", index=False)
    result.months.to_csv(out / "backtest-months.csv", index=False)
    figures = []
    for origin in result.origins:
        figures.append(out / f"backtest-{origin}.png")
        result.figure(origin).savefig(figures[-1], dpi=110)
    print(f"wrote {out / 'backtest.csv'}, {out / 'backtest-months.csv'} and " + ", ".join(map(str, figures)))
    return 0


def _view(args) -> int:
    import subprocess

    command = [sys.executable, "-m", "solara", "run", "app.view", "--host", args.host, "--port", str(args.port),
               "--production", "--no-open"]
    print(f"serving the view on http://{args.host}:{args.port} (Ctrl-C stops it)", flush=True)
    return subprocess.call(command)


def _scenarios(args) -> int:
    from experiments.sweep.spec import builtin_specs, load_spec

    print("scenarios:")
    for name in builtin_scenarios():
        print(f"  {name:<20} {load_scenario(name).description}")
    print("sweep specs:")
    for name in builtin_specs():
        print(f"  {name:<20} {load_spec(name).description}")
    return 0


def parser() -> argparse.ArgumentParser:
    """The command line's grammar."""
    top = argparse.ArgumentParser(prog="attrition", description=__doc__.split("\n")[0])
    sub = top.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run one campaign and write its daily table, summary and figure")
    run.add_argument("scenario", help="a built-in scenario name or a path to a scenario TOML file")
    run.add_argument("--seed", type=int, default=42, help="the run's random seed (default 42)")
    run.add_argument("--out", default="runs/latest", help="output folder (default runs/latest)")
    run.add_argument("--days", type=int, default=None, help="days to run (default: the whole scenario)")
    run.add_argument("--force", action="store_true", help="overwrite another run's results in --out")
    run.set_defaults(handler=_run)
    sweep = sub.add_parser("sweep", help="run a sweep spec over many seeded runs; running it again resumes")
    sweep.add_argument("spec", help="a built-in sweep spec name or a path to a sweep spec TOML file")
    sweep.add_argument("--out", required=True, help="results folder, e.g. results/NAME")
    sweep.add_argument("--workers", type=int, default=None, help="local processes (default: all cores; 1: serial)")
    sweep.add_argument("--scheduler", default=None, help="a Dask scheduler address, e.g. tcp://HOST:8786")
    sweep.add_argument("--shard", default=None, help="run only slice I of N (I/N), for batch-job arrays")
    sweep.set_defaults(handler=_sweep)
    report = sub.add_parser("report", help="write the report of a sweep's results folder (or a folder of them)")
    report.add_argument("results", help="a results folder written by `attrition sweep` or `attrition headline`")
    report.add_argument("--out", default=None, help="report folder (default: RESULTS/report)")
    report.set_defaults(handler=_report)
    top_line = sub.add_parser("headline", help="run the headline sweeps and write one report answering them")
    top_line.add_argument("--out", default="results/headline", help="results folder (default results/headline)")
    top_line.add_argument("--workers", type=int, default=None, help="local processes (default: all cores)")
    top_line.set_defaults(handler=_headline)
    observed = argparse.ArgumentParser(add_help=False)  # what calibrate and validate both read
    observed.add_argument("data", help="attack-data CSV in the 'Massive Missile Attacks on Ukraine' format")
    observed.add_argument("--period", required=True, help="START:END, e.g. 2025-01-01:2025-12-31")
    observed.add_argument("--mapping", default=None, help="weapon model -> class TOML (default: the built-in one)")
    fit = sub.add_parser("calibrate", parents=[observed],
                         help="fit the defender's uncertain parameters to observed monthly shares")
    fit.add_argument("--out", required=True,
                     help="folder of the posterior (a stopped fit there continues); with --method point, the "
                          "calibrated scenario TOML to write")
    fit.add_argument("--method", choices=("abc", "point"), default="abc",
                     help="abc: a posterior ensemble by ABC-SMC (default); point: one best parameter set "
                          "(differential evolution)")
    fit.add_argument("--spec", default="defender", help="calibration file: built-in name or path (default defender)")
    fit.add_argument("--workers", type=int, default=None, help="local processes (default: all cores)")
    fit.add_argument("--scheduler", default=None, help="Dask scheduler address: simulate there (abc only)")
    fit.add_argument("--population", type=int, default=None, help="particles per generation (default: the file's)")
    fit.add_argument("--generations", type=int, default=None,
                     help="generations in all, the prior's included (default: the file's); raise it to go on")
    fit.add_argument("--predictive", type=int, default=None,
                     help="posterior draws the predictive check runs (default: the file's; 0: none)")
    fit.add_argument("--replications", type=int, default=None, help="point fit: runs per evaluation")
    fit.add_argument("--maxiter", type=int, default=None, help="point fit: optimiser generations")
    fit.add_argument("--force", action="store_true", help="replace --out if it holds something else")
    fit.set_defaults(handler=_calibrate)
    sbc = sub.add_parser("recovery", parents=[observed],
                         help="simulation-based calibration: fit synthetic data made from known parameters")
    sbc.add_argument("--datasets", type=int, default=20, help="synthetic data sets (default 20)")
    sbc.add_argument("--spec", default="recovery", help="calibration file (default recovery: 5 parameters)")
    sbc.add_argument("--out", default="runs/recovery", help="folder of the fits (a stopped check resumes)")
    sbc.add_argument("--workers", type=int, default=None, help="local processes (default: all cores)")
    sbc.set_defaults(handler=_recovery)
    check = sub.add_parser("validate", parents=[observed],
                           help="observed against simulated monthly neutralised shares, any period")
    check.add_argument("--scenario", required=True, help="scenario to replay the period with (name or TOML)")
    check.add_argument("--replications", type=int, default=20, help="runs (default 20, at least 1)")
    check.add_argument("--ensemble", default=None,
                       help="posterior ensemble (Parquet) whose draw r replication r runs (default: the one the "
                            "scenario names; 'none': the scenario's own values only)")
    check.add_argument("--reference", default=None,
                       help="START:END whose pooled share is the constant guess (default: --period)")
    check.add_argument("--out", default="runs/validation",
                       help="folder for validation.csv, skill.csv, night_bins.csv and validation.png")
    check.set_defaults(handler=_validate)
    ahead = sub.add_parser("forecast", help="replay the reports to the last one, then project N days under "
                                            "drawn attacks, under the scenario and each policy")
    ahead.add_argument("data", help="attack-data CSV in the 'Massive Missile Attacks on Ukraine' format")
    ahead.add_argument("--scenario", required=True, help="scenario to forecast with (name or TOML)")
    ahead.add_argument("--days", type=int, required=True, help="days to project past the origin (at least 1)")
    ahead.add_argument("--policy", action="append", default=[],
                       help="a policy TOML overlaid on the scenario (repeat for several)")
    ahead.add_argument("--replications", type=int, default=40, help="runs per policy (default 40)")
    ahead.add_argument("--origin", default=None, help="last replayed day, YYYY-MM-DD (default: the last report)")
    ahead.add_argument("--seed", type=int, default=20251231, help="root seed (replication r: the same seed in "
                                                                   "every policy)")
    ahead.add_argument("--workers", type=int, default=None, help="local processes (default: all cores; 1: serial)")
    ahead.add_argument("--mapping", default=None, help="weapon model -> class TOML (default: the built-in one)")
    ahead.add_argument("--out", default="runs/forecast", help="folder for forecast.csv and forecast.png")
    ahead.set_defaults(handler=_forecast)
    back = sub.add_parser("backtest", help="fit before each origin, forecast the days after, score against "
                                           "the reports beside two naive forecasts")
    back.add_argument("data", help="attack-data CSV in the 'Massive Missile Attacks on Ukraine' format")
    back.add_argument("--origins", required=True, help="comma-separated dates, e.g. 2025-03-31,2025-06-30")
    back.add_argument("--days", type=int, default=90, help="days forecast after each origin (default 90)")
    back.add_argument("--scenario", default=None, help="scenario (default: calibrated-2025 for --fit none, the "
                                                       "calibration file's for point and abc)")
    back.add_argument("--fit", choices=["none", "point", "abc"], default="none",
                      help="how to fit before each origin (default none: the scenario as it is)")
    back.add_argument("--spec", default="defender", help="calibration file for point and abc (default defender)")
    back.add_argument("--maxiter", type=int, default=None, help="point fit: optimiser generations")
    back.add_argument("--population", type=int, default=None, help="abc fit: particles (default: the file's)")
    back.add_argument("--generations", type=int, default=None, help="abc fit: generations (default: the file's)")
    back.add_argument("--replications", type=int, default=20, help="runs per origin (default 20)")
    back.add_argument("--seed", type=int, default=20250331, help="root seed")
    back.add_argument("--workers", type=int, default=None, help="local processes (default: all cores; 1: serial)")
    back.add_argument("--mapping", default=None, help="weapon model -> class TOML (default: the built-in one)")
    back.add_argument("--out", default="runs/backtest", help="folder for backtest.csv, the figures and fits")
    back.set_defaults(handler=_backtest)
    view = sub.add_parser("view", help="serve the interactive view of the campaign (Mesa SolaraViz) in a browser")
    view.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    view.add_argument("--host", default="localhost", help="host to listen on (default localhost)")
    view.set_defaults(handler=_view)
    listing = sub.add_parser("scenarios", help="list the built-in scenarios and sweep specs")
    listing.set_defaults(handler=_scenarios)
    return top


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `attrition` command."""
    from experiments.analysis import AnalysisError
    from experiments.single_run import OutputConflict
    from experiments.sweep.executors import SweepAborted
    from experiments.sweep.storage import SweepConflict

    args = parser().parse_args(argv)
    import matplotlib

    matplotlib.use("Agg")  # the command writes figures to files; it never opens a window
    try:
        return args.handler(args)
    except (DataFileError, InputError, AnalysisError, OutputConflict, SweepConflict, SweepAborted) as error:
        # the project's own errors name what was wrong in one line; anything else is a bug: its traceback shows
        print(f"attrition: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("attrition: interrupted; finished runs are saved, run the same command again to resume",
              file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

"""`attrition calibrate`, `attrition recovery` and `attrition validate`: the model fitted to the reports, checked."""

from pathlib import Path

from experiments.cli import options
from experiments.outputs import check_output, holds_any
from model.errors import InputError

START_OVER = "nothing was written ({out} is written at the end); run the same command again to start over"
VALIDATION_FILES = ("validation.csv", "skill.csv", "night_bins.csv", "validation.png")


def calibrate_command(args) -> int:
    """Fit the calibration file's parameters: a posterior by ABC-SMC (default), or one point (`--method point`)."""
    from experiments.calibration.spec import load_calibration_spec

    spec = load_calibration_spec(args.spec)
    if args.replications is not None:
        spec = spec.model_copy(update={"replications": args.replications})
    period = args.period
    if args.method == "point":
        return _point_fit(args, spec, period)
    return _posterior_fit(args, spec, period)


def _posterior_fit(args, spec, period) -> int:
    from experiments.calibration.posterior import fit_posterior

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


def recovery_command(args) -> int:
    """Fit synthetic data made from known parameters and report how often the 90% intervals hold them."""
    from experiments.calibration.recovery import recover

    period = args.period
    check_output(args.out, previous=holds_any("recovery.csv", "coverage.csv", "dataset-*"))
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
    check_output(out, file=True)
    if out.exists() and not args.force:
        raise InputError(f"{out} exists; choose another --out or pass --force to overwrite it")
    if args.maxiter is not None:
        spec = spec.model_copy(update={"optimiser": spec.optimiser.model_copy(update={"maxiter": args.maxiter})})
    result = calibrate(args.data, period, spec, mapping=args.mapping, workers=args.workers)
    print(f"fitted {len(result.values)} parameters of {spec.scenario} to {args.data}, {period[0]} to {period[1]} "
          f"({result.evaluations} evaluations of {spec.replications} runs, {result.seconds:.0f} s)")
    print(result.table().to_string(index=False))
    print("mean absolute error of the monthly neutralised share: " + ", ".join(
        f"{c} {100 * e:.1f} pp " + (f"(target {100 * spec.targets[c]:.1f})" if c in spec.targets else
                                    "(no target: not in the loss)") for c, e in result.errors.items()))
    loose = [name for name, ok in result.pinned.items() if not ok]
    print("not pinned down by these data (near-best loss over more than half the range): "
          + (", ".join(loose) if loose else "none"))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(calibrated_scenario_text(result))
    print(f"wrote {out}")
    return 0


def _print_validation(result) -> None:
    """A validation on the screen: caveats, the month table, the skill against naive guesses, the two patterns."""
    from experiments.calibration.skill import skill_table

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


def validate_command(args) -> int:
    """Replay a period with a scenario and compare it with the reports; print the tables, write files and figure."""
    from experiments.calibration.validation import validate

    period = args.period
    out = check_output(args.out, previous=holds_any(*VALIDATION_FILES))
    result = validate(args.data, args.scenario, period, replications=args.replications, mapping=args.mapping,
                      reference=args.reference, ensemble=args.ensemble)
    _print_validation(result)
    _write_validation(result, out, f"{args.scenario} against {Path(args.data).name}, {period[0]} to {period[1]}")
    return 0


def _write_validation(result, out: Path, title: str) -> None:
    from experiments.calibration.validation import validation_figure

    out.mkdir(parents=True, exist_ok=True)
    result.table.to_csv(out / "validation.csv", index=False)
    result.skill.to_csv(out / "skill.csv", index=False)
    result.night_bins.to_csv(out / "night_bins.csv", index=False)
    validation_figure(result, title).savefig(out / "validation.png", dpi=110)
    print("wrote " + ", ".join(str(out / name) for name in VALIDATION_FILES))


def _calibrate_interrupted(args) -> str:
    if args.method == "point":
        return START_OVER
    return "finished generations are saved in {out}; run the same command again to continue the fit"


def add_commands(sub, observed) -> None:
    """The commands' grammar, under the top-level parser's subcommands `sub`; `observed`: the data options."""
    fit = sub.add_parser("calibrate", parents=[observed],
                         help="fit the defender's uncertain parameters to observed monthly shares")
    fit.add_argument("--out", required=True,
                     help="folder of the posterior: new, empty or a fit's (a stopped fit there continues); with "
                          "--method point, the calibrated scenario TOML to write")
    fit.add_argument("--method", choices=("abc", "point"), default="abc",
                     help="abc: a posterior ensemble by ABC-SMC (default); point: one best parameter set "
                          "(differential evolution)")
    fit.add_argument("--spec", default="defender", help="calibration file: built-in name or path (default defender)")
    fit.add_argument("--workers", type=options.workers, default=None, help="local processes (default: all cores)")
    fit.add_argument("--scheduler", default=None, help="Dask scheduler address: simulate there (abc only)")
    fit.add_argument("--population", type=options.population, default=None,
                     help="particles per generation, 10 or more (default: the file's)")
    fit.add_argument("--generations", type=options.generations, default=None,
                     help="generations in all, the prior's included (default: the file's); raise it to go on")
    fit.add_argument("--predictive", type=options.predictive, default=None,
                     help="posterior draws the predictive check runs (default: the file's; 0: none)")
    fit.add_argument("--replications", type=options.replications, default=None, help="point fit: runs per evaluation")
    fit.add_argument("--maxiter", type=options.maxiter, default=None, help="point fit: optimiser generations")
    fit.add_argument("--force", action="store_true", help="replace --out if it holds something else")
    fit.set_defaults(handler=calibrate_command, interrupted=_calibrate_interrupted)
    sbc = sub.add_parser("recovery", parents=[observed],
                         help="simulation-based calibration: fit synthetic data made from known parameters")
    sbc.add_argument("--datasets", type=options.datasets, default=20,
                     help="synthetic data sets, 1 or more (default 20)")
    sbc.add_argument("--spec", default="recovery", help="calibration file (default recovery: 5 parameters)")
    sbc.add_argument("--out", default="runs/recovery",
                     help="folder of the fits: new, empty or an earlier check's (a stopped check resumes)")
    sbc.add_argument("--workers", type=options.workers, default=None, help="local processes (default: all cores)")
    sbc.set_defaults(handler=recovery_command,
                     interrupted="finished fits are saved in {out}; run the same command again to resume")
    check = sub.add_parser("validate", parents=[observed],
                           help="observed against simulated monthly neutralised shares, any period")
    check.add_argument("--scenario", required=True, help="scenario to replay the period with (name or TOML)")
    check.add_argument("--replications", type=options.replications, default=20, help="runs (default 20, at least 1)")
    check.add_argument("--ensemble", default=None,
                       help="posterior ensemble (Parquet) whose draw r replication r runs (default: the one the "
                            "scenario names; 'none': the scenario's own values only)")
    check.add_argument("--reference", type=options.period, default=None,
                       help="START:END whose pooled share is the constant guess (default: --period)")
    check.add_argument("--out", default="runs/validation",
                       help="folder for validation.csv, skill.csv, night_bins.csv and validation.png: new, "
                            "empty or an earlier validation's")
    check.set_defaults(handler=validate_command, interrupted=START_OVER)

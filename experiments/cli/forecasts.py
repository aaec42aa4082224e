"""`attrition forecast` and `attrition backtest`: projections from the last report, and their scores."""

from experiments.cli import options
from experiments.outputs import check_output, holds_any

START_OVER = "nothing was written ({out} is written at the end); run the same command again to start over"


def forecast_command(args) -> int:
    """Project the days after the origin under the scenario and each policy; print the horizon, write the fans."""
    from experiments.calibration.forecast import forecast
    from experiments.calibration.forecast_result import horizon_text

    out = check_output(args.out, previous=holds_any("forecast.csv", "forecast.png"))
    result = forecast(args.data, args.scenario, args.days, args.policy, replications=args.replications,
                      root_seed=args.seed, origin=args.origin, workers=args.workers, mapping=args.mapping)
    for note in result.notes:
        print(f"note: {note}")
    print(horizon_text(result))
    out.mkdir(parents=True, exist_ok=True)
    result.fans().to_csv(out / "forecast.csv", index=False)
    result.figure().savefig(out / "forecast.png", dpi=110)
    print(f"wrote {out / 'forecast.csv'} and {out / 'forecast.png'}")
    return 0


def backtest_command(args) -> int:
    """Fit before each origin, forecast after it, and score the forecasts against the reports."""
    from experiments.calibration.backtest import backtest, scores_text

    fit_options = {"spec": args.spec} | {k: getattr(args, k) for k in ("maxiter", "population", "generations")
                                         if getattr(args, k) is not None}
    out = check_output(args.out, previous=holds_any("backtest.csv", "calibrated-*.toml", "posterior-*"))
    result = backtest(args.data, args.origins, args.days, scenario=args.scenario, fit=args.fit, out=out,
                      replications=args.replications, root_seed=args.seed, workers=args.workers,
                      mapping=args.mapping, fit_options=fit_options)
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


def _backtest_interrupted(args) -> str:
    if args.fit == "abc":
        return "the finished fits are saved in {out}; run the same command again to continue them"
    return START_OVER


def add_commands(sub) -> None:
    """The commands' grammar, under the top-level parser's subcommands `sub`."""
    ahead = sub.add_parser("forecast", help="replay the reports to the last one, then project N days under "
                                            "drawn attacks, under the scenario and each policy")
    ahead.add_argument("data", help="attack-data CSV in the 'Massive Missile Attacks on Ukraine' format")
    ahead.add_argument("--scenario", required=True, help="scenario to forecast with (name or TOML)")
    ahead.add_argument("--days", type=options.days, required=True, help="days to project past the origin (at least 1)")
    ahead.add_argument("--policy", action="append", default=[],
                       help="a policy TOML overlaid on the scenario (repeat for several)")
    ahead.add_argument("--replications", type=options.replications, default=40, help="runs per policy (default 40)")
    ahead.add_argument("--origin", type=options.day, default=None,
                       help="last replayed day, YYYY-MM-DD (default: the last report)")
    ahead.add_argument("--seed", type=options.seed, default=20251231, help="root seed (replication r: the same seed in "
                                                                   "every policy)")
    ahead.add_argument("--workers", type=options.workers, default=None,
                       help="local processes, 1 or more (default: all cores; 1: serial)")
    ahead.add_argument("--mapping", default=None, help="weapon model -> class TOML (default: the built-in one)")
    ahead.add_argument("--out", default="runs/forecast",
                       help="folder for forecast.csv and forecast.png: new, empty or an earlier forecast's")
    ahead.set_defaults(handler=forecast_command, interrupted=START_OVER)
    back = sub.add_parser("backtest", help="fit before each origin, forecast the days after, score against "
                                           "the reports beside two naive forecasts")
    back.add_argument("data", help="attack-data CSV in the 'Massive Missile Attacks on Ukraine' format")
    back.add_argument("--origins", type=options.days_list, required=True,
                      help="comma-separated dates, e.g. 2025-03-31,2025-06-30")
    back.add_argument("--days", type=options.days, default=90, help="days forecast after each origin (default 90)")
    back.add_argument("--scenario", default=None, help="scenario (default: calibrated-2025 for --fit none, the "
                                                       "calibration file's for point and abc)")
    back.add_argument("--fit", choices=["none", "point", "abc"], default="none",
                      help="how to fit before each origin (default none: the scenario as it is)")
    back.add_argument("--spec", default="defender", help="calibration file for point and abc (default defender)")
    back.add_argument("--maxiter", type=options.maxiter, default=None, help="point fit: optimiser generations")
    back.add_argument("--population", type=options.population, default=None,
                      help="abc fit: particles, 10 or more (default: the file's)")
    back.add_argument("--generations", type=options.generations, default=None,
                      help="abc fit: generations (default: the file's)")
    back.add_argument("--replications", type=options.replications, default=20, help="runs per origin (default 20)")
    back.add_argument("--seed", type=options.seed, default=20250331, help="root seed, 0 or more")
    back.add_argument("--workers", type=options.workers, default=None,
                      help="local processes, 1 or more (default: all cores; 1: serial)")
    back.add_argument("--mapping", default=None, help="weapon model -> class TOML (default: the built-in one)")
    back.add_argument("--out", default="runs/backtest",
                      help="folder for backtest.csv, the figures and fits: new, empty or an earlier backtest's")
    back.set_defaults(handler=backtest_command, interrupted=_backtest_interrupted)

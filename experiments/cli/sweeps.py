"""`attrition sweep`, `attrition report` and `attrition headline`: many seeded runs, and the reports of them."""

from pathlib import Path

from experiments.cli import options

RESUMES = "finished runs are saved in {out}; run the same command again to resume"


def sweep_command(args) -> int:
    """Run (or resume) a sweep spec into its results folder; the spec's report answers are checked first."""
    from experiments.reporting.answers import check_answers
    from experiments.sweep.runner import plan_sweep, run_sweep
    from experiments.sweep.spec import load_spec

    spec = load_spec(args.spec, args.allow_large)  # read once: checked here, run below
    check_answers(spec)
    plan = plan_sweep(spec, args.out)
    result = run_sweep(plan, args.out, workers=args.workers, scheduler=args.scheduler, shard=args.shard)
    print(f"{args.out}: computed {result.computed} runs, reused {result.reused}, failed {result.failed} "
          f"({result.seconds:.1f} s)")
    if result.failed:
        print(f"failures are in {args.out}/failures/ (run id, parameters, seed, error, traceback)")
    return 0


def report_command(args) -> int:
    """Write the report of a results folder."""
    from experiments.reporting.report import build_report

    paths = build_report(args.results, args.out)
    print(f"wrote {paths['html']} (self-contained) and {paths['markdown']} (figures in "
          f"{paths['markdown'].parent / 'figures'})")
    return 0


def headline_command(args) -> int:
    """Run the headline sweeps, each into its folder, then one report of them all (every folder checked first)."""
    import time

    from experiments.outputs import check_output
    from experiments.reporting.answers import check_answers
    from experiments.reporting.report import build_report, check_report_folder, headline
    from experiments.sweep.runner import plan_sweep, run_sweep
    from experiments.sweep.spec import load_spec

    plan = headline()
    check_output(args.out)
    specs = {name: load_spec(name, args.allow_large) for name in plan["specs"]}  # read once: all checked first
    for spec in specs.values():
        check_answers(spec)
    plans = {name: plan_sweep(spec, Path(args.out) / name) for name, spec in specs.items()}
    check_report_folder(Path(args.out) / "report")
    started = time.perf_counter()
    for name, sweep in plans.items():
        result = run_sweep(sweep, Path(args.out) / name, workers=args.workers)
        print(f"{name}: computed {result.computed} runs, reused {result.reused}, failed {result.failed} "
              f"({result.seconds:.1f} s)")
    paths = build_report(args.out, title=plan["title"])
    print(f"wrote {paths['html']} and {paths['markdown']} ({time.perf_counter() - started:.0f} s in all)")
    return 0


def add_commands(sub) -> None:
    """The commands' grammar, under the top-level parser's subcommands `sub`."""
    sweep = sub.add_parser("sweep", help="run a sweep spec over many seeded runs; running it again resumes")
    sweep.add_argument("spec", help="a built-in sweep spec name or a path to a sweep spec TOML file")
    sweep.add_argument("--out", required=True,
                       help="results folder, e.g. results/NAME: new, empty, or this sweep's (then it resumes)")
    sweep.add_argument("--workers", type=options.workers, default=None,
                       help="local processes, 1 or more (default: all cores; 1: serial)")
    sweep.add_argument("--scheduler", default=None, help="a Dask scheduler address, e.g. tcp://HOST:8786")
    sweep.add_argument("--shard", type=options.shard, default=None,
                       help="run only slice I of N (I/N, I counted from 0: 0/2 and 1/2), for batch-job arrays")
    sweep.add_argument("--allow-large", action="store_true", help="run more runs or days than the limits "
                                                                   "(model/limits.py)")
    sweep.set_defaults(handler=sweep_command, interrupted=RESUMES)
    report = sub.add_parser("report", help="write the report of a sweep's results folder (or a folder of them)")
    report.add_argument("results", help="a results folder written by `attrition sweep` or `attrition headline`")
    report.add_argument("--out", default=None,
                        help="report folder (default: RESULTS/report): new, empty, or an earlier report's")
    report.set_defaults(handler=report_command, interrupted="the report may be half written; run the same "
                                                            "command again to write it whole")
    top_line = sub.add_parser("headline", help="run the headline sweeps and write one report answering them")
    top_line.add_argument("--out", default="results/headline", help="results folder (default results/headline)")
    top_line.add_argument("--workers", type=options.workers, default=None,
                          help="local processes, 1 or more (default: all cores)")
    top_line.add_argument("--allow-large", action="store_true", help="lift the size limits (model/limits.py)")
    top_line.set_defaults(handler=headline_command, interrupted=RESUMES)

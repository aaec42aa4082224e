"""`attrition run`: one campaign, its summary on the screen, its daily table, summary and figure in a folder."""

from pathlib import Path

from experiments.cli import options
from model import AirCampaign, load_scenario
from model.errors import InputError
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


def run_command(args) -> int:
    """Run one campaign, print its summary and write its outputs; the folder is checked before the run starts."""
    from experiments.single_run import check_output_folder, run_identity, write_run
    from model.limits import check_days

    scenario = load_scenario(args.scenario)
    if args.days is not None and args.days > scenario.horizon:  # first: --allow-large would not help here
        raise InputError(f"--days {args.days}: {scenario.name} runs {scenario.horizon} days; give at most that")
    check_days(scenario, args.scenario, args.days, args.allow_large)  # before any memory is taken
    identity = run_identity(scenario, args.scenario, args.seed, args.days)
    out = Path(args.out)
    check_output_folder(out, identity, args.force)
    campaign = AirCampaign(scenario, rng=args.seed, days=args.days).run(args.days)
    summary = campaign.summary()
    _print_summary(scenario.name, args.seed, summary, headings(scenario.catalog.threats))
    paths = write_run(campaign, out, identity)
    print("wrote " + ", ".join(str(p) for p in paths.values()))
    return 0


def add_commands(sub) -> None:
    """The commands' grammar, under the top-level parser's subcommands `sub`."""
    run = sub.add_parser("run", help="run one campaign and write its daily table, summary and figure")
    run.add_argument("scenario", help="a built-in scenario name or a path to a scenario TOML file")
    run.add_argument("--seed", type=options.seed, default=42, help="the run's random seed, 0 or more (default 42)")
    run.add_argument("--out", default="runs/latest",
                     help="output folder (default runs/latest): new, empty, or an earlier run's (its summary.json "
                          "says so); any other folder is refused, so no file of yours is overwritten")
    run.add_argument("--days", type=options.days, default=None,
                     help="days to run, 1 or more (default: the whole scenario)")
    run.add_argument("--force", action="store_true", help="overwrite another run's results in --out")
    run.add_argument("--allow-large", action="store_true", help="run more days than the limit (model/limits.py)")
    run.set_defaults(handler=run_command, interrupted="the run had not finished, so nothing was written (a run "
                                                      "writes its folder only at the end); run it again to start "
                                                      "over")

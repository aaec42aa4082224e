"""Benchmark of one campaign run: wall time of a year, where it goes, and the cost of a night by size.

Prints figures, asserts nothing (targets are in the README and issue 2):
- median wall time of one 365-day `baseline-2025` run on one core (target <= 40 ms);
- the same run split by phase (scenario load, construction, attacker, raid kernel, logistics, books);
- the raid kernel on a 50-threat night and a 5,000-threat night (target ratio <= 1.5).

Run: `make bench` or `.venv/bin/python benchmarks/bench_campaign.py [--runs N]`.
"""

import argparse
import os
import statistics
import time
from collections import defaultdict

import numpy as np

from model import AirCampaign, load_scenario
from model.raid_records import RaidOutcome


def median_run(scenario, runs: int) -> tuple[float, list[float]]:
    times = []
    for seed in range(runs):
        start = time.perf_counter()
        AirCampaign(scenario, rng=seed).run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def phases(scenario) -> dict[str, float]:
    """Time each phase of one run by wrapping the methods that do the work."""
    spent = defaultdict(float)

    def timed(name, function):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - start
        return wrapper

    start = time.perf_counter()
    campaign = AirCampaign(scenario, rng=7)
    spent["construction"] = time.perf_counter() - start
    campaign.attacker.launch = timed("attacker launch", campaign.attacker.launch)
    campaign.attacker.produce = timed("attacker production", campaign.attacker.produce)
    campaign.air_defence.resolve = timed("raid kernel (with leakers and damage by site)",
                                         campaign.air_defence.resolve)
    campaign.books.record_day = timed("daily books (stocks and supplier books)", campaign.books.record_day)
    for supplier in campaign.suppliers.values():
        supplier.receive = timed("deliveries", supplier.receive)
    start = time.perf_counter()
    campaign.run()
    total = time.perf_counter() - start
    spent["rest (Mesa's event loop, shipments, salvo events)"] = total - sum(
        v for k, v in spent.items() if k != "construction")
    return spent


def night_cost(scenario, threats: int, repeats: int) -> float:
    """Median seconds of the raid kernel on one night of `threats` drones spread over all routes."""
    campaign = AirCampaign(scenario, rng=3)
    defence, stock = campaign.air_defence, campaign.batteries.stock
    full = stock.copy()
    n_routes = len(campaign.route_site)
    drone = defence.class_names.index("drone")
    rng = np.random.default_rng(0)
    n_c, n_i = len(defence.class_names), len(defence.interceptor_names)
    outcome = RaidOutcome(shot_down=np.zeros(n_c, np.int64), lost_to_ew=np.zeros(n_c, np.int64),
                          leaked=np.zeros(n_c, np.int64), fired=np.zeros(n_i, np.int64),
                          damage=np.zeros(len(campaign.sites)))
    times = []
    for _ in range(repeats):
        raid = np.zeros((n_routes, len(defence.class_names), 3), dtype=np.int64)
        raid[:, drone, :2] = rng.multinomial(threats, np.full(2 * n_routes, 1 / (2 * n_routes))).reshape(
            n_routes, 2)
        stock[:] = full
        start = time.perf_counter()
        defence.resolve(raid, int(rng.integers(2**32)), outcome)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=31, help="runs for the median (default 31)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    start = time.perf_counter()
    scenario = load_scenario("baseline-2025")
    load_time = time.perf_counter() - start
    AirCampaign(scenario, rng=0).run()  # warm-up: numba's cache, imports

    median, times = median_run(scenario, args.runs)
    print(f"one 365-day baseline-2025 run, one core, median of {args.runs}: {median * 1e3:.1f} ms "
          f"(min {min(times) * 1e3:.1f}, max {max(times) * 1e3:.1f}; target <= 40 ms)")
    print(f"loading the scenario (once per process): {load_time * 1e3:.1f} ms")
    print("where one run's time goes:")
    for name, seconds in sorted(phases(scenario).items(), key=lambda kv: -kv[1]):
        print(f"  {name:<52} {seconds * 1e3:7.2f} ms")
    costs = {threats: night_cost(scenario, threats, 300) for threats in (50, 500, 5_000, 50_000)}
    print("raid kernel, one night of drones over all 40 routes and 2 waves: "
          + ", ".join(f"{n:,} threats {t * 1e6:.1f} us" for n, t in costs.items()))
    print(f"  ratio 5,000 / 50 threats: {costs[5_000] / costs[50]:.2f} (target <= 1.5); "
          f"50,000 / 500: {costs[50_000] / costs[500]:.2f}")


if __name__ == "__main__":
    main()

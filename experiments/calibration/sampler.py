"""A reproducible pyabc sampler: candidate i of generation t runs under a seed of its own, on any executor.

Candidate i of generation t is proposed and simulated under numpy's global seed
from `SeedSequence(root_seed, spawn_key=(t + 1, i))`; candidates go out in
batches and are accepted in index order, whatever finished first. Running
here, on local processes or on a Dask cluster thus gives the same particles,
and so does a fit resumed from its database.
"""

import math
import os
import random

import cloudpickle
import numpy as np
from tqdm.auto import tqdm

from experiments.sweep.executors import DaskExecutor, process_context


def _seed(root_seed: int, t: int, index: int) -> int:
    """Candidate `index` of generation `t`'s seed: the same wherever and whenever it runs."""
    return int(np.random.SeedSequence(root_seed, spawn_key=(t + 1, index)).generate_state(1)[0])


def simulate_candidates(blob: bytes, seeds: list[int]) -> list:
    """Propose and simulate one candidate per seed (in a worker): pyabc's `simulate_one` under that seed."""
    simulate_one = cloudpickle.loads(blob)
    out = []
    for seed in seeds:
        np.random.seed(seed)  # noqa: NPY002 - pyabc's proposals draw from numpy's global state
        random.seed(seed)
        out.append(simulate_one())
    return out


class OrderedMap:
    """`map(fn, items)` in order, here, on local processes (kept across generations), or on Dask."""

    def __init__(self, workers: int | None = None, scheduler=None) -> None:
        """One process per core by default; `scheduler` (address or Client) sends the work to Dask instead."""
        self.pool = self.client = None
        self._own_client = False
        if scheduler is not None:  # connected as a sweep connects: to an address, or through the Client given
            dask = DaskExecutor(scheduler)
            self.client, self._own_client = dask.client, dask.client is not scheduler
            self.workers = max(1, dask.workers)
        else:
            self.workers = workers or os.cpu_count() or 1
            if self.workers > 1:
                from concurrent.futures import ProcessPoolExecutor

                context = process_context("experiments.calibration.posterior")
                self.pool = ProcessPoolExecutor(self.workers, mp_context=context)

    def __call__(self, blob: bytes, batches: list[list[int]]):
        """Each batch of seeds simulated, yielded in batch order as they come; closing it cancels the rest."""
        if self.client is None and self.pool is None:
            for batch in batches:
                yield simulate_candidates(blob, batch)
            return
        if self.client is not None:
            shared = self.client.scatter(blob, broadcast=True, hash=False)  # unique key: never shared
            futures = self.client.map(simulate_candidates, [shared] * len(batches), batches, pure=False)
        else:
            futures = [self.pool.submit(simulate_candidates, blob, batch) for batch in batches]
        try:
            for future in futures:
                yield future.result()
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        """Stop the processes, or the Dask client this map opened."""
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        if self._own_client:
            self.client.close()


def _sampler_class():
    from pyabc.sampler import Sampler

    class SeededSampler(Sampler):
        """pyabc sampler: candidates seeded by (root seed, generation, index), accepted in index order."""

        def __init__(self, mapper: OrderedMap, root_seed: int, progress: bool = True) -> None:
            super().__init__()
            self.mapper, self.root_seed, self.progress = mapper, root_seed, progress

        def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False,
                                    ana_vars=None):
            blob = cloudpickle.dumps(simulate_one)
            sample = self._create_empty_sample()
            evaluated, rate = 0, 1.0
            bar = tqdm(total=n, desc=f"generation {t}", unit="kept", disable=not self.progress, leave=False)
            try:
                while sample.n_accepted < n and evaluated < max_eval:
                    wanted = math.ceil((n - sample.n_accepted) / max(rate, 0.02) * 1.1)
                    size = int(min(max(wanted, 2 * self.mapper.workers), 5 * n))
                    per = max(1, min(25, math.ceil(size / (4 * self.mapper.workers))))
                    seeds = [_seed(self.root_seed, t, evaluated + k) for k in range(size)]
                    tried = kept = 0
                    results = self.mapper(blob, [seeds[k:k + per] for k in range(0, size, per)])
                    try:
                        for batch in results:
                            for particle in batch:
                                if sample.n_accepted >= n:
                                    break
                                sample.append(particle)
                                tried += 1
                                kept += bool(particle.accepted)
                                bar.update(bool(particle.accepted))
                            if sample.n_accepted >= n:
                                break
                    finally:
                        results.close()
                    evaluated += tried
                    rate = max(kept / max(tried, 1), 1 / (tried + 1))
            finally:
                bar.close()
            self.nr_evaluations_ = evaluated
            if sample.n_accepted < n:
                sample.ok = False
            return sample

    return SeededSampler


def seeded_sampler(mapper: OrderedMap, root_seed: int, progress: bool = True):
    """A pyabc sampler that seeds candidate i of generation t from (root_seed, t, i) and maps with `mapper`."""
    return _sampler_class()(mapper, root_seed, progress)

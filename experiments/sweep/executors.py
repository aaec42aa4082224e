"""Where chunks of runs are computed: in this process, in local processes, or on a Dask cluster.

Each executor calls `on_result` in the parent process as chunks finish, in any
order. Local processes are forked from a forkserver that has imported this
package once, so they start fast and never inherit the caller's threads (a
notebook's sweep does not hang). Like every `multiprocessing` start method but
fork, each worker imports the calling *script* as `__mp_main__`: a script must
call `run_sweep` under `if __name__ == "__main__":` (notebooks need nothing).
If a worker process dies (killed, out of memory), the pool is restarted and
only unfinished chunks run again.
"""

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from experiments.sweep.worker import Chunk, ChunkResult, run_chunk

MAX_RESTARTS = 10
"""Pool restarts after worker deaths before a sweep stops (what finished is kept)."""


class SweepAborted(RuntimeError):
    """Worker processes kept dying; the finished runs are saved and a rerun resumes."""


class _Terminated(BaseException):
    """SIGTERM arrived: stop the pool cleanly, then die of the signal as asked."""


def _raise_terminated(signum, frame) -> None:
    raise _Terminated


class SerialExecutor:
    """Run chunks one after another in this process (for debugging, and the reference for tests)."""

    name = "serial"
    workers = 1

    def run(self, chunks: Iterable[Chunk], on_result: Callable[[ChunkResult], None]) -> None:
        """Compute every chunk here."""
        for chunk in chunks:
            on_result(run_chunk(chunk))


def process_context(preload: str = "experiments.sweep.worker"):
    """A forkserver that has imported `preload` (spawn where there is no forkserver)."""
    if sys.platform.startswith("linux"):
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([preload])
        return context
    return multiprocessing.get_context("spawn")


class ProcessExecutor:
    """Run chunks on local worker processes, one per core by default."""

    name = "processes"

    def __init__(self, workers: int | None = None) -> None:
        """Use `workers` processes (default: all cores)."""
        self.workers = workers or os.cpu_count() or 1
        self.restarts = 0

    def run(self, chunks: Iterable[Chunk], on_result: Callable[[ChunkResult], None]) -> None:
        """Compute every chunk, restarting the pool if a worker dies, rerunning only unfinished chunks.

        SIGTERM (a batch system ending the job) stops the pool and its workers
        first, keeping every finished chunk, then ends the process by the signal.
        """
        in_main_thread = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, _raise_terminated) if in_main_thread else None
        try:
            self._run_all(chunks, on_result)
        except _Terminated:
            signal.signal(signal.SIGTERM, previous)
            os.kill(os.getpid(), signal.SIGTERM)
            raise KeyboardInterrupt from None  # reached only if the previous handler returns
        finally:
            if in_main_thread:
                signal.signal(signal.SIGTERM, previous)

    def _run_all(self, chunks: Iterable[Chunk], on_result: Callable[[ChunkResult], None]) -> None:
        pending = dict(enumerate(chunks))
        fruitless = 0
        while pending:
            before = len(pending)
            try:
                self._run_pool(pending, on_result)
            except BrokenProcessPool as error:
                self.restarts += 1
                fruitless = fruitless + 1 if len(pending) == before else 0
                if fruitless >= 3:
                    raise SweepAborted(
                        "worker processes die before finishing anything. If this is a script, put the call "
                        "to run_sweep under `if __name__ == \"__main__\":` (workers import the calling script)."
                    ) from error
                if self.restarts > MAX_RESTARTS:
                    raise SweepAborted(
                        f"worker processes died {self.restarts} times; {len(pending)} chunks unfinished. "
                        "Finished runs are saved: run the same command to resume.") from error
                print(f"attrition: a worker process died; restarting the pool for {len(pending)} unfinished "
                      "chunks", file=sys.stderr)

    def _run_pool(self, pending: dict[int, Chunk], on_result) -> None:
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=process_context()) as pool:
            futures = {pool.submit(run_chunk, chunk): key for key, chunk in pending.items()}
            try:
                while futures:
                    done, _ = wait(futures, return_when=FIRST_COMPLETED)
                    for future in done:
                        key = futures.pop(future)
                        result = future.result()  # raises BrokenProcessPool if a worker died
                        on_result(result)
                        del pending[key]
            except BaseException:
                for future in futures:
                    future.cancel()
                # chunks that finished before the break still count
                for future, key in list(futures.items()):
                    if future.done() and not future.cancelled() and future.exception() is None:
                        on_result(future.result())
                        del pending[key]
                raise


class DaskExecutor:
    """Run chunks on a Dask cluster: an address (`tcp://host:port`) or a `distributed.Client`."""

    name = "dask"

    def __init__(self, scheduler) -> None:
        """Connect to the scheduler at `scheduler`, or use the given Client."""
        from distributed import Client

        self.client = scheduler if isinstance(scheduler, Client) else Client(scheduler)
        self._own_client = not isinstance(scheduler, Client)
        self.workers = sum(self.client.nthreads().values())

    def run(self, chunks: Iterable[Chunk], on_result: Callable[[ChunkResult], None]) -> None:
        """Submit every chunk and collect results as they complete (Dask reruns tasks of lost workers)."""
        from distributed import as_completed

        futures = [self.client.submit(run_chunk, chunk, pure=False) for chunk in chunks]
        try:
            for future in as_completed(futures):
                on_result(future.result())
                future.release()
        finally:
            for future in futures:
                future.cancel()
            if self._own_client:
                self.client.close()

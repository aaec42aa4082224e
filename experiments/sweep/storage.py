"""A sweep's results folder: manifest, runs, daily tables and failures as Parquet part files.

    results/NAME/
      manifest.json        spec, design, layout of the runs table, root seed, identity, git commit, versions,
                           platform
      runs/part-*.parquet  one row per finished run: ids, seed, factor values, summary metrics
      daily/part-*.parquet daily rows of the columns the spec keeps, with run_id
      failures/part-*.parquet  run id, parameters, seed, error, traceback
      invocations/*.json   each command that worked on it: executor, workers, shard, timings, counts

Each finished chunk of runs is written at once (to a temporary name, then
renamed), so memory stays bounded and a crash loses only the chunks in flight.
A folder made by another spec is never mixed with new results.
"""

import json
import os
import platform
import subprocess
import uuid
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments.outputs import check_output
from experiments.sweep.design import SweepPlan
from experiments.sweep.layout import SweepLayout
from experiments.sweep.worker import ChunkResult

PACKAGES = ("attrition", "mesa", "numpy", "numba", "pandas", "pyarrow", "scipy", "SALib", "pydantic", "dask",
            "distributed")


class SweepConflict(RuntimeError):
    """The results folder holds a different sweep's results."""


def _versions() -> dict[str, str | None]:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def _git_commit() -> str | None:
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def _write_atomic(path: Path, write) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    write(temporary)
    os.replace(temporary, path)


class ResultStore:
    """Reads and writes one sweep's results folder."""

    def __init__(self, root: str | Path) -> None:
        """Point at `root`; nothing is created until `open_for`."""
        self.root = Path(root)

    @property
    def manifest_path(self) -> Path:
        """Where the manifest lives."""
        return self.root / "manifest.json"

    def manifest(self) -> dict:
        """The manifest, or an error saying this is not a results folder."""
        if not self.manifest_path.is_file():
            raise FileNotFoundError(f"{self.root} holds no sweep results (no manifest.json)")
        return json.loads(self.manifest_path.read_text())

    def check(self, plan: SweepPlan) -> None:
        """Refuse a folder that cannot be written, holds other files or another spec's results; nothing written."""
        check_output(self.root)
        if not self.manifest_path.exists():
            if self.root.exists() and any(self.root.iterdir()):
                raise SweepConflict(f"{self.root} is not empty and holds no sweep manifest; choose another --out")
            return
        found = self.manifest().get("identity")
        if found != plan.identity:
            raise SweepConflict(
                f"{self.root} holds results of a different sweep (identity {found}, this spec {plan.identity}): "
                "the spec, its scenario or the package version changed. Use a new --out, or delete the folder.")

    def open_for(self, plan: SweepPlan) -> None:
        """Create the folder and its manifest if new (after `check`); a manifest without a layout gains one."""
        for sub in ("runs", "daily", "failures", "invocations"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        layout = SweepLayout.from_spec(plan.spec, ensemble=plan.ensemble is not None).to_dict()
        if self.manifest_path.exists() and "layout" not in self.manifest():
            self._write_manifest({**self.manifest(), "layout": layout})
        if not self.manifest_path.exists():
            manifest = {
                "identity": plan.identity,
                "spec": plan.spec.model_dump(mode="json"),
                "spec_source": plan.source,
                "scenario_source": plan.scenario_source,
                "root_seed": plan.spec.root_seed,
                "replications": plan.spec.replications,
                "factors": [f.model_dump(mode="json") for f in plan.spec.factors],
                "design": json.loads(plan.design.to_json(orient="records", date_format="iso")),
                "layout": layout,
                "runs": len(plan.points) * plan.spec.replications,
                "ensemble": None if plan.ensemble is None else {
                    "file": plan.ensemble.source, "digest": plan.ensemble.digest, "particles": len(plan.ensemble),
                    "paths": plan.ensemble.paths},
                "git_commit": _git_commit(),
                "versions": _versions(),
                "platform": {"system": platform.platform(), "python": platform.python_version(),
                             "cpus": os.cpu_count()},
                "created": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            self._write_manifest(manifest)

    def _write_manifest(self, manifest: dict) -> None:
        _write_atomic(self.manifest_path, lambda p: p.write_text(json.dumps(manifest, indent=2, default=str)))

    def _parts(self, sub: str) -> list[Path]:
        folder = self.root / sub
        return sorted(folder.glob("part-*.parquet")) if folder.is_dir() else []

    def done_ids(self) -> set[str]:
        """Run ids already finished (or recorded as failed)."""
        done: set[str] = set()
        for sub in ("runs", "failures"):
            for part in self._parts(sub):
                done.update(pq.read_table(part, columns=["run_id"]).column("run_id").to_pylist())
        return done

    def write(self, result: ChunkResult) -> None:
        """Write a finished chunk's tables as new part files, its runs part last.

        The runs part marks the chunk as done: an interruption before it leaves
        the chunk to be recomputed, and a daily part without its runs part is
        never read (see `read`).
        """
        name = f"part-{uuid.uuid4().hex}.parquet"
        for sub, table in (("daily", result.daily), ("failures", result.failures), ("runs", result.runs)):
            if table is not None and len(table):
                arrow = pa.Table.from_pandas(table, preserve_index=False)
                _write_atomic(self.root / sub / name, lambda p, t=arrow: pq.write_table(t, p))

    def log_invocation(self, record: dict) -> None:
        """Keep what one command did, beside the results."""
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        path = self.root / "invocations" / f"{stamp}-{uuid.uuid4().hex[:8]}.json"
        _write_atomic(path, lambda p: p.write_text(json.dumps(record, indent=2, default=str)))

    def read(self, sub: str, columns: list[str] | None = None) -> pd.DataFrame:
        """All part files of `runs`, `daily` or `failures` as one table, sorted by run id (and day).

        `columns` selects columns; `run_id` (and `day` for daily tables) always come along.
        """
        keys = ["run_id", "day"] if sub == "daily" else ["run_id"]
        if columns is not None:
            columns = [*keys, *(c for c in columns if c not in keys)]
        found = self._parts(sub)
        if sub == "daily":  # only chunks whose runs part was written: an interrupted chunk is recomputed
            done = {p.name for p in self._parts("runs")}
            found = [p for p in found if p.name in done]
        parts = [pq.read_table(p, columns=columns).to_pandas() for p in found]
        if not parts:
            return pd.DataFrame(columns=columns or ["run_id"])
        table = pd.concat(parts, ignore_index=True)
        return table.sort_values([k for k in keys if k in table], kind="stable").reset_index(drop=True)

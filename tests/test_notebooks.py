"""The notebooks in `notebooks/` are stored without outputs and run top to bottom in this venv's Python.

Each notebook is executed once (cached for the module) with nbclient, in a kernel
started from `sys.executable` with the notebooks folder as its working
directory; a cell that raises fails the test (nbclient's CellExecutionError).
Executing must leave the notebooks folder as it was: results go to temporary
folders, never into the repository.
"""

import os
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
EXPECTED = ["01-quick-start", "02-aid-pauses", "03-small-sweep", "04-replay-2025"]
CELL_TIMEOUT = 300  # seconds per cell; each notebook takes a few seconds in all
FIXTURE = ROOT / "tests" / "fixtures" / "attacks_small.csv"
WHICH_PYTHON = "import sys\nprint(sys.executable)\nprint(sys.prefix)"


class ThisPython(KernelSpecManager):
    """Every kernel name means ipykernel on the interpreter running the tests (never a user-level kernelspec)."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        """ipykernel's own spec, with this interpreter's path."""
        return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                          display_name=f"Python ({sys.executable})", language="python")


def execute(nb: nbformat.NotebookNode, cwd: Path) -> nbformat.NotebookNode:
    """Run every cell of `nb` in place, with `cwd` as the kernel's working directory; raise on the first error."""
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=ThisPython())
    client = NotebookClient(nb, km=manager, kernel_name="python3", timeout=CELL_TIMEOUT,
                            resources={"metadata": {"path": str(cwd)}})
    client.execute()
    return nb


def tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under `folder` (hidden ones too) with its size and modification time."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def outputs(nb: nbformat.NotebookNode) -> list:
    return [output for cell in nb.cells if cell.cell_type == "code" for output in cell.outputs]


def text_of(output) -> str:
    if output.output_type == "stream":
        return output.text
    return output.get("data", {}).get("text/plain", "")


_EXECUTED: dict[Path, tuple[nbformat.NotebookNode, dict, dict]] = {}


def executed(path: Path) -> tuple[nbformat.NotebookNode, dict, dict]:
    """The notebook after running it (with a last cell reporting the kernel's Python), and the folder before/after."""
    if path not in _EXECUTED:
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(WHICH_PYTHON))
        before = tree(NOTEBOOKS)
        execute(nb, NOTEBOOKS)
        _EXECUTED[path] = (nb, before, tree(NOTEBOOKS))
    return _EXECUTED[path]


def test_the_four_notebooks_are_there():
    assert len(PATHS) == 4
    assert [p.stem for p in PATHS] == EXPECTED


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code, "a notebook without code"
    for k, cell in enumerate(code):
        assert cell.outputs == [], f"code cell {k} was committed with outputs: clear them before committing"
        assert cell.execution_count is None, f"code cell {k} was committed with an execution count"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_has_prose(path):
    nb = nbformat.read(path, as_version=4)
    prose = [cell for cell in nb.cells if cell.cell_type == "markdown"]
    assert prose, "no markdown cell"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# "), "starts without a title"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_runs_top_to_bottom_in_this_python(path):
    nb, _, _ = executed(path)  # raises CellExecutionError on the first cell that fails
    assert not [o for o in outputs(nb) if o.output_type == "error"]
    executable, prefix = text_of(nb.cells[-1].outputs[0]).split()
    assert (executable, prefix) == (sys.executable, sys.prefix)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_shows_a_figure(path):
    nb, _, _ = executed(path)
    assert any("image/png" in o.get("data", {}) for o in outputs(nb)), "no figure was shown"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.stem)
def test_writes_nothing_into_the_repository(path):
    _, before, after = executed(path)
    assert after == before
    assert not (NOTEBOOKS / ".ipynb_checkpoints").exists()


def test_replay_falls_back_to_the_fixture_without_the_real_data(tmp_path, monkeypatch):
    """Without $ATTRITION_ATTACK_DATA or ../../shared/data beside it, 04 says so and runs on the fixture."""
    monkeypatch.delenv("ATTRITION_ATTACK_DATA", raising=False)  # the kernel inherits this environment
    repo = tmp_path / "deep" / "repo"  # ../../shared from its notebooks folder does not exist
    (repo / "tests" / "fixtures").mkdir(parents=True)
    shutil.copy(FIXTURE, repo / "tests" / "fixtures" / FIXTURE.name)
    (repo / "notebooks").mkdir()
    assert not (repo / "notebooks" / ".." / ".." / "shared").exists()
    nb = execute(nbformat.read(NOTEBOOKS / "04-replay-2025.ipynb", as_version=4), repo / "notebooks")
    printed = "".join(text_of(o) for o in outputs(nb))
    assert "real attack data was not found" in printed
    assert FIXTURE.name in printed and "2025-07-19 to 2025-08-03" in printed
    assert any("image/png" in o.get("data", {}) for o in outputs(nb))
    assert sorted(os.listdir(repo / "notebooks")) == []


def test_a_returned_figure_is_shown_without_matplotlib_magic():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "from experiments.reporting.figures import campaign_figure\n"
        "from model import AirCampaign, load_scenario\n"
        "campaign = AirCampaign(load_scenario('baseline-2025'), rng=1).run(days=30)\n"
        "campaign_figure(campaign.daily())")])
    execute(nb, NOTEBOOKS)
    assert any("image/png" in o.get("data", {}) for o in outputs(nb))

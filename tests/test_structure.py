"""The shape of the code: small modules and short functions, and rules that register themselves.

A newcomer should find a rule by its name in one place: these tests keep the
registries honest (every registered rule is complete and documented, and the
scenario reference lists it) and the modules small enough to read in one go.
"""

import ast
from pathlib import Path

import pytest

from model.reference import reference
from model.timeline import EVENTS, TimelineEntry

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("agents", "model", "experiments", "app")
MODULE_LINES = 300
FUNCTION_LINES = 60


def sources() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def compiled(node: ast.FunctionDef) -> bool:
    """A numba kernel (`@numba.njit`): one loop nest, kept whole for the compiler."""
    return any("njit" in ast.unparse(d) for d in node.decorator_list)


def test_no_module_is_over_the_limit():
    long = {str(p.relative_to(ROOT)): n for p in sources() if (n := len(p.read_text().splitlines())) > MODULE_LINES}
    assert not long, f"modules over {MODULE_LINES} lines: {long}"


def test_no_function_is_over_the_limit_except_the_compiled_kernel():
    long = {}
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not compiled(node):
                if (n := node.end_lineno - node.lineno + 1) > FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = n
    assert not long, f"functions over {FUNCTION_LINES} lines: {long}"


@pytest.mark.parametrize("tag", sorted(EVENTS))
def test_every_timeline_event_says_what_it_does_and_is_in_the_reference(tag):
    event = EVENTS[tag]
    assert event.__doc__ and event.__doc__ != TimelineEntry.__doc__, f"{event.__name__} has no docstring"
    assert event.schedule is not TimelineEntry.schedule, f"{event.__name__} does not schedule itself"
    assert f"(event = {tag!r})" in reference()

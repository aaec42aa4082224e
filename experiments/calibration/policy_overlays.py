"""Policies: TOML overlays on the forecast's scenario, applied as `extends` applies a file, checked whole.

    experiments/policies/us-pac3-pause-90.toml    # an example: a 90-day pause of US PAC-3 deliveries

A policy changes the scenario a forecast runs, never its calendar or its
parent (`POLICY_FORBIDS`); one that does not make a valid scenario is refused
in one line naming its file.
"""

import tomllib
from pathlib import Path

from model import build_scenario
from model.extension import extend
from model.loading import ScenarioData, ScenarioError

POLICY_FORBIDS = ("extends", "start", "end")
"""Keys a policy may not set: it changes the forecast's scenario, not its calendar or its parent."""


def read_policy(path: str | Path) -> dict:
    """A policy file's data: a TOML overlay on the forecast scenario (tables merge; add, remove, replace)."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(str(path), [("file", str(path), "no such policy file")])
    try:
        raw = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ScenarioError(str(path), [("file", path.name, f"not valid TOML: {error}")]) from None
    wrong = [key for key in POLICY_FORBIDS if key in raw]
    if wrong:
        raise ScenarioError(str(path), [(wrong[0], raw[wrong[0]], "a policy is applied on the forecast's scenario "
                                         f"and cannot set {', '.join(POLICY_FORBIDS)}")])
    return raw


def apply_policy(base: dict, overlay: dict, source: str) -> dict:
    """Scenario data with a policy applied by the rules of `extends` (`model.extension`: remove, replace, add)."""
    merged, origins = extend(base, getattr(base, "origins", {}), overlay, source)
    return ScenarioData(merged, origins)


def _one_line(error: ScenarioError, source: str) -> ScenarioError:
    """A policy's problems as one line naming its file (the first problem, and how many more)."""
    key, value, why = error.problems[0]
    more = len(error.problems) - 1
    if more:
        why += f" (and {more} more: {', '.join(p[0] for p in error.problems[1:])})"
    return ScenarioError(source, [(key, value if not isinstance(value, dict | list) else "...",
                                   f"not a valid policy: {why}")])


def checked_policy(base: dict, overlay: dict, source: str) -> dict:
    """`base` with the policy read from `source` applied, refused in one line if it is not a valid scenario."""
    merged = apply_policy(base, overlay, source)
    try:
        build_scenario(merged, source)
    except ScenarioError as error:
        raise _one_line(error, source) from None
    return merged

"""What the view exports: the run's daily table as CSV, and its scenario, levers applied, as a TOML file.

The TOML is the whole scenario written out flat (no `extends`, the full
catalog), so `attrition run` on it, or `load_scenario` of it, gives the same
scenario the view ran. The seed is not part of a scenario; the file names it
in a comment.
"""

import tomli_w


def daily_csv(model) -> bytes:
    """The daily table of the days run so far."""
    return model.daily().to_csv(index=False).encode()


def _plain(value):
    """TOML has no null: drop None entries (they are the defaults), tuples as lists."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def scenario_toml(scenario, seed: int | None = None) -> str:
    """The scenario as a TOML file that loads back to the same scenario."""
    data = _plain(scenario.model_dump(mode="python"))
    data.pop("ensemble", None)  # the view runs the scenario's own values, not its posterior draws
    head = f"# exported by `attrition view`; the run used seed {seed}\n" if seed is not None else ""
    return head + tomli_w.dumps(data)


def file_stem(model) -> str:
    """`<scenario>-seed<seed>`: what the exported files are called."""
    return f"{model.config.name}-seed{model.seed_used}"

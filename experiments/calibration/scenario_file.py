"""A fitted scenario as a TOML file: the base scenario extended with the fitted values, and only those."""

import copy
from pathlib import Path

from experiments.calibration.spec import CalibrationSpec
from experiments.sweep.design import path_tokens
from model import scenario_data


def overrides(base: dict, paths: dict[str, list[str]], values: dict) -> dict:
    """The smallest scenario table that, merged over `base`, sets each value at its paths.

    Tables are merged key by key when a scenario extends another, but lists are
    replaced whole, so a path through a list (`suppliers[0].theatre_share`)
    carries the whole list, copied from `base`, with the value set in it.
    """
    out: dict = {}
    for name, keys in paths.items():
        for path in keys:
            tokens = path_tokens(path)
            node, source = out, base
            for depth, token in enumerate(tokens[:-1]):
                source = source[token]
                if isinstance(source, list) and not isinstance(tokens[depth + 1], str) and token not in node:
                    node[token] = copy.deepcopy(source)
                node = node.setdefault(token, {}) if isinstance(node, dict) else node[token]
            node[tokens[-1]] = values[name]
    return out


def scenario_text(spec: CalibrationSpec, values: dict, header: list[str], data: str, period,
                  ensemble: str | None = None) -> str:
    """A fitted scenario as TOML: the spec's base scenario, extended with `values` (and naming `ensemble`)."""
    import tomli_w

    base = spec.scenario
    if base.endswith(".toml") or "/" in base:
        base = str((Path(spec.base_dir) / base).resolve())
    body = {"extends": base, "name": f"{Path(spec.scenario).stem}-calibrated",
            "description": (f"{spec.scenario} with the defender's {', '.join(values)} fitted to "
                            f"{Path(data).name}, {period[0]} to {period[1]}")}
    if ensemble is not None:
        body["ensemble"] = ensemble
    base_data, _ = scenario_data(spec.scenario, relative_to=Path(spec.base_dir) if spec.base_dir else None)
    rounded = {k: round(v, 3) if isinstance(v, float) else v for k, v in values.items()}  # fit noise > 1e-3
    body.update(overrides(base_data, {p.name: p.paths for p in spec.parameters}, rounded))
    lines = [f"# {line}" for line in header] + [""]
    return "\n".join(lines) + tomli_w.dumps(body)

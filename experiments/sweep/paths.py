"""Scenario parameters by dotted path (`catalog.interceptors.gem_t.kill_probability.cruise`, `timeline[3].days`).

Sweeps, calibration and posterior ensembles all name what they change this way.
"""

import re

_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def path_tokens(path: str) -> list[str | int]:
    """`a.b[2].c` as `["a", "b", 2, "c"]`; KeyError if it is not a path."""
    tokens, end = [], 0
    for match in _TOKEN.finditer(path):
        if match.start() != end and path[end:match.start()] != ".":
            raise KeyError(path)
        tokens.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        end = match.end()
    if end != len(path) or not tokens:
        raise KeyError(path)
    return tokens


def set_path(raw: dict, path: str, value) -> None:
    """Set the value at a dotted path in scenario data; every parent must already exist."""
    tokens = path_tokens(path)
    node = raw
    for depth, token in enumerate(tokens[:-1]):
        try:
            node = node[token]
        except (KeyError, IndexError, TypeError):
            where = ".".join(str(t) for t in tokens[: depth + 1])
            raise KeyError(f"{where} is not in the scenario") from None
    last = tokens[-1]
    if isinstance(node, list) and not (isinstance(last, int) and last < len(node)):
        raise KeyError(f"{path}: index out of range")
    if isinstance(last, int) and not isinstance(node, list):
        raise KeyError(f"{path}: not a list")
    if not isinstance(node, dict | list):
        raise KeyError(f"{path}: its parent is a value, not a table")
    node[last] = value

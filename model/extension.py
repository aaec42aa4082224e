"""Extending a scenario: a file's tables merged over its parent's, its lists added to, trimmed or changed by name.

    extends = "baseline-2025"
    [remove]
    batteries = ["Patriot Kyiv 3"]      # the parent's entries of these names are dropped
    [[replace.batteries]]               # the parent's entry of this name is replaced whole, in its place
    name = "Patriot Dnipro"
    type = "patriot"
    cell = [17, 8]
    [[add.batteries]]                   # appended after the parent's entries
    type = "patriot"
    cell = [13, 12]

The order (`OPERATIONS`): the file's own tables are merged over the parent's,
key by key (`merge`), and a list it writes plainly (`[[batteries]]`) replaces the
parent's whole; then `remove`, then `replace`, then `add`. Names in `remove`
and `replace` are those of the parent's list; an added entry may not take a
name the list still holds. Entries are named by `name` in the lists of
`NAMED_LISTS`; a battery without one is called `<type>-<k>`, k its place in
the parent's list from 1, as the model calls it. Timeline entries and pause
processes have no names: write such a list whole to change or drop entries.
A forecast's policy overlay is applied by the same rules.

A plain list that leaves out some of the parent's entries (it is shorter, or
lacks one of the parent's names) is allowed but rarely meant, so it raises a `ScenarioNotice` (a warning: loading prints
nothing; the command line shows it in one line). Files shipped with the
package replace lists on purpose and raise none.

Every entry's origin (its file and the key its file wrote it at, as
`add.timeline[0]`) is kept beside the merged data, so that an error in an
entry names it as its file wrote it, not by its place in the merged list.
"""

import copy
import difflib
import re
import warnings
from pathlib import Path

from model.errors import ScenarioError

OPERATIONS = ("remove", "replace", "add")
"""What a file extending another may do to the parent's lists, in the order it is done."""

NAMED_LISTS = ("sites", "batteries", "suppliers")
"""The lists whose entries have names (`name`), so that `remove` and `replace` can find them."""

Origins = dict[str, list[tuple[str | None, str]]]
"""For each list, each entry's (file, key its file wrote it at): `("child.toml", "add.timeline[0]")`."""


def merge(base: dict, over: dict) -> dict:
    """Deep-merge `over` into a copy of `base`: tables merge key by key, anything else replaces."""
    merged = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


class ScenarioNotice(UserWarning):
    """A scenario file does something allowed but seldom meant: its list replaces the parent's, dropping entries."""


def own_origins(raw: dict, source: str) -> Origins:
    """The origins of a file's own lists of entries: each at the key it is written at."""
    return {key: [(source, f"{key}[{k}]") for k in range(len(value))]
            for key, value in raw.items() if _is_entries(value)}


def _is_entries(value) -> bool:
    return isinstance(value, list) and all(isinstance(entry, dict) for entry in value)


def entry_name(key: str, entry: dict, k: int) -> str | None:
    """The name `remove` and `replace` know entry `k` of list `key` by (none for lists without names)."""
    if key not in NAMED_LISTS:
        return None
    if isinstance(entry.get("name"), str):
        return entry["name"]
    return f"{entry.get('type')}-{k + 1}" if key == "batteries" else None


def _names(key: str, entries: list) -> list[str | None]:
    return [entry_name(key, entry, k) for k, entry in enumerate(entries)]


def _unknown(key: str, name: str, held: list[str | None]) -> str:
    names = [n for n in held if n is not None]
    close = difflib.get_close_matches(name, names, n=3)
    if close:
        return f"the parent's {key} have no entry of this name; closest: {', '.join(close)}"
    shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    return f"the parent's {key} have no entry of this name; names: {shown or 'none'}"


def _operations(child: dict) -> tuple[dict, list]:
    """The file's `remove`, `replace` and `add` tables (taken out of `child`), and the problems with their form."""
    found, problems = {op: {} for op in OPERATIONS}, []
    for op in OPERATIONS:
        table = child.pop(op, {})
        if not isinstance(table, dict):
            problems.append((op, table, f"must be a table of lists ([{op}] or [[{op}.<list>]])"))
            continue
        for key, value in table.items():
            kind = str if op == "remove" else dict
            if isinstance(value, list) and all(isinstance(v, kind) for v in value):
                found[op][key] = value
            else:
                form = f'[remove] {key} = ["<name>", ...]' if op == "remove" else f"[[{op}.{key}]]"
                problems.append((f"{op}.{key}", value if not isinstance(value, dict) else "{...}",
                                 f"must be a list of {'names' if op == 'remove' else 'tables'} ({form})"))
    return found, problems


def _by_name_problems(op: str, key: str, child: dict, merged: dict) -> list:
    """Why list `key` cannot have entries removed or replaced by name (nothing if it can)."""
    if key in child:
        return [(f"{op}.{key}", key, f"the file writes `{key}` whole too: write the whole list or "
                                     f"{op} entries of the parent's, not both")]
    if key in NAMED_LISTS:
        return []
    if _is_entries(merged.get(key)):
        return [(f"{op}.{key}", key, f"{key} entries have no names: write the whole list as [[{key}]] to "
                                     f"change or drop entries ([[add.{key}]] adds to it)")]
    return [(f"{op}.{key}", key, f"only entries of {', '.join(NAMED_LISTS)} can be {op}d by name")]


class _Lists:
    """The merged lists being changed, each entry with its origin and the name it had in the parent's list."""

    def __init__(self, merged: dict, origins: Origins) -> None:
        self.merged, self.origins = merged, origins
        self.names = {key: _names(key, value) for key, value in merged.items() if _is_entries(value)}
        for key, value in merged.items():
            if _is_entries(value) and len(origins.get(key, ())) != len(value):  # data from elsewhere: no origins
                origins[key] = [(None, f"{key}[{k}]") for k in range(len(value))]

    def keep(self, key: str, kept: list[int]) -> None:
        for table in (self.merged, self.origins, self.names):
            table[key] = [table[key][k] for k in kept]

    def remove(self, removals: dict, child: dict) -> list:
        problems = []
        for key, names in removals.items():
            found = _by_name_problems("remove", key, child, self.merged)
            held = self.names.get(key, [])
            found += [(f"remove.{key}", name, _unknown(key, name, held)) for name in names
                      if not found and name not in held]
            if not found:
                self.keep(key, [k for k, name in enumerate(held) if name not in names])
            problems += found
        return problems

    def replace(self, replacements: dict, removals: dict, child: dict, source: str) -> list:
        problems = []
        for key, entries in replacements.items():
            found = _by_name_problems("replace", key, child, self.merged)
            for j, entry in enumerate(entries if not found else ()):
                name, where = entry.get("name"), f"replace.{key}[{j}]"
                if not isinstance(name, str):
                    found.append((where, "{...}", "a replacement needs the `name` of the parent's entry it replaces"))
                elif name in removals.get(key, []):
                    found.append((f"{where}.name", name, f"also in [remove] {key}: remove it or replace it, not both"))
                elif name in [e.get("name") for e in entries[:j]]:
                    found.append((f"{where}.name", name, f"replaced twice in [[replace.{key}]]"))
                elif name not in self.names.get(key, []):
                    found.append((f"{where}.name", name, _unknown(key, name, self.names.get(key, []))))
                else:
                    k = self.names[key].index(name)
                    self.merged[key][k], self.origins[key][k] = copy.deepcopy(entry), (source, where)
            problems += found
        return problems

    def add(self, additions: dict, source: str) -> list:
        problems = []
        for key, entries in additions.items():
            if not isinstance(self.merged.get(key, []), list):
                problems.append((f"add.{key}", "...", "only lists can be added to ([[add.timeline]], "
                                                      "[[add.batteries]], [[add.suppliers]], ...)"))
                continue
            held = list(self.names.get(key, []))
            for j, entry in enumerate(entries):
                name = entry.get("name") if key in NAMED_LISTS else None
                if isinstance(name, str) and name in held:
                    problems.append((f"add.{key}[{j}].name", name, f"the {key} already have an entry of this "
                                                                  f"name (write [[replace.{key}]] to change it)"))
                held.append(name)
            self.merged[key] = [*self.merged.get(key, []), *copy.deepcopy(entries)]
            self.origins[key] = [*self.origins.get(key, []), *((source, f"add.{key}[{j}]")
                                                              for j in range(len(entries)))]
        return problems


def replacement_notices(parent: dict, child: dict, source: str) -> list[str]:
    """What the file's plain lists drop of the parent's: a notice for each list that leaves entries out."""
    notices = []
    for key, entries in child.items():
        before = parent.get(key)
        if not (_is_entries(entries) and _is_entries(before) and before):
            continue
        names = {entry.get("name") for entry in entries}
        named = [entry["name"] for entry in before if key in NAMED_LISTS and isinstance(entry.get("name"), str)]
        if len(entries) < len(before) or any(name not in names for name in named):
            notices.append(f"scenario {source}: `{key}` replaces the parent's {len(before)} entries with "
                           f"{len(entries)}; write [[add.{key}]] to add to them")
    return notices


def extend(parent: dict, parent_origins: Origins, child: dict, source: str,
           notify: bool = True) -> tuple[dict, Origins]:
    """`child` (a file's data, `extends` taken out) over `parent`: merged, then `remove`, `replace`, `add`.

    Raises `ScenarioError` naming `source` for any misuse; warns a `ScenarioNotice` for each list the
    file writes whole leaving some of the parent's entries out, when `notify`.
    """
    child = dict(child)
    ops, problems = _operations(child)
    origins = {key: list(value) for key, value in parent_origins.items()}
    origins.update(own_origins(child, source))
    lists = _Lists(merge(parent, child), origins)
    problems += lists.remove(ops["remove"], child)
    problems += lists.replace(ops["replace"], ops["remove"], child, source)
    problems += lists.add(ops["add"], source)
    if problems:
        raise ScenarioError(source, problems)
    for notice in replacement_notices(parent, child, source) if notify else ():
        warnings.warn(notice, ScenarioNotice, stacklevel=2)
    return lists.merged, lists.origins


def operations_without_parent(raw: dict, source: str) -> None:
    """Refuse `remove`, `replace` and `add` in a file that extends nothing: they change a parent's lists."""
    used = [op for op in OPERATIONS if op in raw]
    if used:
        table = raw[used[0]]
        value = ", ".join(table) if isinstance(table, dict) else table
        raise ScenarioError(source, [(used[0], value, f"{used[0]} changes a parent's lists: needs `extends`")])


def relabel(problems: list, data: dict, origins: Origins, source: str) -> list:
    """`problems` with each list entry named as its file wrote it: `add.timeline[0].date`, not `timeline[7].date`.

    An entry from another file than `source` (a parent's) is followed by that file's name.
    """
    out = []
    for key, value, why in problems:
        match = re.match(r"([A-Za-z_]+)\[(\d+)\](.*)", key, re.S)
        entries = origins.get(match.group(1), []) if match else []
        if match and len(entries) == len(data.get(match.group(1)) or ()) and int(match.group(2)) < len(entries):
            file, label = entries[int(match.group(2))]
            if file is not None:
                key = label + match.group(3) + ("" if file == source else f" in {Path(file).name}")
        out.append((key, value, why))
    return out

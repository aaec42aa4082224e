"""Threat families: a key that names a family stands for its classes, resolved once when a scenario is built.

Subtypes (Kh-101, Kalibr, Iskander-M, ...) are classes of a family (`cruise`,
`ballistic`), declared by `ThreatClass.family` and the catalog's `[families]`.
Wherever a scenario names a threat class it may name a family instead, by these
rules:

- properties (kill probabilities, shots per target, interceptor preferences,
  EW shares, waves): a family key applies to every class of the family that is
  not named itself, so `{ballistic = 0.5, s300 = 0.05}` sets both;
- lists of classes (a doctrine's `engage`, `conserve_engage`): a family stands
  for its classes, in catalog order;
- counts (stockpiles, production, launches, the swarm mix, the attacker's
  rate events): a family key stands for its `default` class, the family's
  unspecified member (`cruise = 24` is 24 missiles of `cruise_other`).
"""

COUNT_TABLES = (("initial_stockpile",), ("production_per_day",), ("routine", "mean"), ("salvo", "missiles"),
                ("salvo", "swarm_mix"))
"""Attacker tables of counts (or shares of a count), under `attacker`."""


def family_of(threats: dict) -> dict[str, str]:
    """Each class's family name (a class without one is its own family)."""
    return {name: _get(threat, "family") or name for name, threat in threats.items()}


def members(threats: dict) -> dict[str, list[str]]:
    """Each family's classes, in catalog order (a class that is its own family included)."""
    out: dict[str, list[str]] = {}
    for name, family in family_of(threats).items():
        out.setdefault(family, []).append(name)
    return out


def headings(threats: dict) -> list[str]:
    """What a summary or figure shows first: classes that are their own family, then each family of subtypes."""
    groups = members(threats)
    return [name for name in groups if name in threats] + [name for name in groups if name not in threats]


def classes_of(name: str, threats: dict) -> list[str]:
    """The classes a key stands for in a table of properties or a list: itself, or its family's members."""
    if name in threats:
        return [name]
    return members(threats).get(name, [])


def expand_properties(table: dict, threats: dict) -> dict:
    """Family keys spread over their members; a class named itself keeps its own value."""
    out = {}
    for key, value in table.items():
        if key not in threats:
            for member in classes_of(key, threats):
                out.setdefault(member, value)
    out.update({key: value for key, value in table.items() if key in threats})
    return out


def expand_list(names: list[str], threats: dict) -> list[str]:
    """A list of classes and families as classes, each once, in the order given."""
    out: list[str] = []
    for name in names:
        for member in classes_of(name, threats) or [name]:
            if member not in out:
                out.append(member)
    return out


def count_class(name: str, threats: dict, families: dict) -> str:
    """The class a key stands for in a table of counts: itself, or its family's default member."""
    if name in threats or name not in families:
        return name
    return _get(families[name], "default")


def expand_counts(table: dict, threats: dict, families: dict) -> dict:
    """Family keys moved to their default class (added to what the class has already)."""
    out: dict = {}
    for key, value in table.items():
        target = count_class(key, threats, families)
        out[target] = out.get(target, 0) + value
    return out


def resolve(data: dict) -> dict:
    """A validated scenario's plain data (`model_dump`) with every family key turned into class keys."""
    catalog = data["catalog"]
    threats, families = catalog["threats"], catalog.get("families", {})
    for interceptor in catalog["interceptors"].values():
        interceptor["kill_probability"] = expand_properties(interceptor["kill_probability"], threats)
    for doctrine in catalog["doctrines"].values():
        doctrine["engage"] = expand_list(doctrine["engage"], threats)
        doctrine["conserve_engage"] = expand_list(doctrine["conserve_engage"], threats)
        doctrine["shots_per_target"] = expand_properties(doctrine["shots_per_target"], threats)
        doctrine["preference"] = expand_properties(doctrine["preference"], threats)
        doctrine["site_shots"] = {site: expand_properties(shots, threats)
                                  for site, shots in doctrine["site_shots"].items()}
    for battery_type in catalog["battery_types"].values():
        battery_type["ew_share"] = expand_properties(battery_type["ew_share"], threats)
    attacker = data["attacker"]
    for keys in COUNT_TABLES:
        node = attacker
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = expand_counts(node[keys[-1]], threats, families)
    attacker["waves"] = expand_properties(attacker["waves"], threats)
    for event in data["timeline"]:
        if event["event"] in ("attacker_rate", "attacker_ramp"):
            event["threat"] = count_class(event["threat"], threats, families)
    return data


def _get(item, key: str):
    return item.get(key) if isinstance(item, dict) else getattr(item, key, None)

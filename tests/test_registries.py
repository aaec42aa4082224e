"""Rules that come in kinds are registries: a scenario names any registered rule, an unknown name is an error
that lists them all, and the scenario reference lists every rule with its docstring."""

import copy
import inspect
import typing

import pytest

from agents.allocation import ALLOCATION_RULES, AllocationRule
from agents.attacker import AttackerParams
from agents.registry import summary
from agents.strategies import STRATEGIES
from agents.supplier import SupplierParams
from agents.targeting import TARGETING_RULES, TargetingRule
from model import ScenarioError, build_scenario
from model.reference import reference

KINDS = [  # (registry, the parameter model and field naming a rule, where it sits in the tiny scenario)
    (ALLOCATION_RULES, SupplierParams, "allocation", ("suppliers", 0)),
    (TARGETING_RULES, AttackerParams, "targeting", ("attacker",)),
    (STRATEGIES, AttackerParams, "strategy", ("attacker",)),
]


def table_of(raw: dict, where: tuple) -> dict:
    for key in where:
        raw = raw[key]
    return raw


@pytest.mark.parametrize(("registry", "model", "field", "where"), KINDS)
def test_the_field_allows_exactly_the_registered_names(registry, model, field, where):
    assert typing.get_args(model.model_fields[field].annotation) == tuple(registry)
    assert len(registry) >= 2


@pytest.mark.parametrize(("registry", "model", "field", "where"), KINDS)
def test_every_registered_rule_builds_a_scenario(tiny, registry, model, field, where):
    for name in registry:
        raw = copy.deepcopy(tiny)
        table_of(raw, where)[field] = name
        scenario = build_scenario(raw)
        chosen = scenario.suppliers[0] if field == "allocation" else scenario.attacker
        assert getattr(chosen, field) == name


@pytest.mark.parametrize(("registry", "model", "field", "where"), KINDS)
def test_an_unknown_name_is_an_error_that_lists_every_rule(tiny, registry, model, field, where):
    table_of(tiny, where)[field] = "no_such_rule"
    with pytest.raises(ScenarioError) as caught:
        build_scenario(tiny)
    (key, value, message), = caught.value.problems
    assert key.endswith(field) and value == "no_such_rule"
    for name in registry:
        assert f"'{name}'" in message


@pytest.mark.parametrize(("registry", "model", "field", "where"), KINDS)
def test_the_reference_lists_every_rule_with_its_docstring(registry, model, field, where):
    row = next(line for line in reference().splitlines() if line.startswith(f"| `{field}` |"))
    for name, rule in registry.items():
        assert f'"{name}"' in row.split("|")[2]  # the type column: the allowed values
        assert f"`{name}`: {summary(rule).rstrip('.')}" in row  # the meaning column: what it does
        assert summary(rule), f"{name} needs a docstring"


def test_summary_is_the_first_paragraph_of_the_docstring():
    rule = ALLOCATION_RULES["lowest_stock_first"]
    assert summary(rule) == inspect.getdoc(rule).split("\n\n")[0].replace("\n", " ")
    assert "heap" in inspect.getdoc(rule) and "heap" not in summary(rule)


@pytest.mark.parametrize(("base", "taken"), [(AllocationRule, "proportional"), (TargetingRule, "value")])
def test_a_second_rule_of_the_same_name_is_refused(base, taken):
    before = dict(base.registry)
    with pytest.raises(TypeError, match=f"two rules are named '{taken}'"):
        type("Again", (base,), {"name": taken, "__doc__": "A copy."})
    assert base.registry == before


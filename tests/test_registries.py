"""Rules that come in kinds are registries: a scenario (a sweep spec, for samplers) names any registered rule, an
unknown name is an error that lists them all, and the scenario reference (the spec's design docs) lists every rule
with its docstring."""

import copy
import inspect
import typing

import numpy as np
import pytest

from agents.allocation import ALLOCATION_RULES, AllocationRule
from agents.attacker import AttackerParams
from agents.registry import summary
from agents.strategies import STRATEGIES
from agents.supplier import SupplierParams
from agents.targeting import TARGETING_RULES, TargetingRule
from experiments.sweep.design import design_table
from experiments.sweep.sampling import SAMPLERS, Sampler, unit_sample
from experiments.sweep.spec import Design, SpecError, parse_spec
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



# ---------------------------------------------------------------- samplers


def sampler_spec(kind: str, samples: int = 8, root_seed: int = 5):
    factors = [{"name": "a", "path": "x", "range": [0.0, 1.0]}, {"name": "b", "path": "y", "range": [2, 9]},
               {"name": "c", "path": "z", "values": ["p", "q", "r"]}]
    if SAMPLERS[kind].grid:
        factors = [{"name": "a", "path": "x", "values": [0.0, 0.5]}, {"name": "b", "path": "y", "values": [2, 9]}]
    return parse_spec({"name": kind, "scenario": "long-pause", "replications": 1, "root_seed": root_seed,
                       "design": {"kind": kind, "samples": samples}, "factors": factors})


def test_the_design_kind_allows_exactly_the_registered_samplers_and_documents_each():
    kind = Design.model_fields["kind"]
    assert typing.get_args(kind.annotation) == tuple(SAMPLERS)
    for name, sampler in SAMPLERS.items():
        assert f"`{name}`: {summary(sampler).rstrip('.')}" in kind.description
        for setting, meaning in sampler.settings.items():
            assert f"{name}: {meaning}" in Design.model_fields[setting].description


def test_an_unknown_design_kind_is_an_error_that_lists_every_sampler():
    with pytest.raises(SpecError) as caught:
        parse_spec({"name": "x", "scenario": "long-pause", "replications": 1, "root_seed": 0,
                    "design": {"kind": "no_such_design"}, "factors": [{"name": "a", "path": "x", "values": [1]}]})
    (key, value, message), = caught.value.problems
    assert (key, value) == ("design.kind", "no_such_design")
    for name in SAMPLERS:
        assert f"'{name}'" in message


@pytest.mark.parametrize("kind", [k for k, s in SAMPLERS.items() if not s.grid])
def test_every_sampler_draws_inside_the_unit_cube_from_the_root_seed(kind):
    unit = unit_sample(sampler_spec(kind))
    assert unit.ndim == 2 and unit.shape[1] == 3 and len(unit) >= 8
    assert ((unit >= 0.0) & (unit <= 1.0)).all()
    np.testing.assert_array_equal(unit, unit_sample(sampler_spec(kind)))
    assert not np.array_equal(unit, unit_sample(sampler_spec(kind, root_seed=6)))
    table = design_table(sampler_spec(kind))
    assert len(table) == len(unit) and set(table.c) <= {"p", "q", "r"} and table.b.between(2, 9).all()


def test_a_grid_sampler_has_no_unit_sample_and_no_analyser_reads_it():
    for kind, sampler in SAMPLERS.items():
        if sampler.grid:
            with pytest.raises(ValueError, match="no unit sample"):
                unit_sample(sampler_spec(kind))
            assert sampler.analyser is None


def test_a_second_sampler_of_the_same_kind_is_refused():
    before = dict(SAMPLERS)
    with pytest.raises(TypeError, match="two samplers are of kind 'sobol'"):
        type("Again", (Sampler,), {"kind": "sobol", "__doc__": "A copy."})
    assert before == SAMPLERS

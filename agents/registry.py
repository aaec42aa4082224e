"""Rules that register themselves by name, and the parameter field that names one of them.

A kind of rule (allocation, targeting, attacker strategy) is a base class with
its own `registry`; each subclass that sets a `name` is one rule, registered
when its class is defined, so adding a rule is one class in its kind's module.
`choice` makes the field that names a rule: its allowed values are the
registry's names and its description lists each rule's docstring, so the
scenario reference (`python -m model.reference`) lists a new rule unedited.
"""

import inspect
from typing import Annotated, ClassVar, Literal

from pydantic import Field


class Registered:
    """Base of every kind of rule: a subclass that sets `name` is registered, one instance, in `registry`."""

    name: ClassVar[str]
    """The name a scenario file uses for the rule."""
    registry: ClassVar[dict[str, "Registered"]]
    """Each kind's base class sets its own: rule name -> the rule."""

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            if cls.name in cls.registry:
                raise TypeError(f"two rules are named {cls.name!r}: {type(cls.registry[cls.name]).__name__} "
                                f"and {cls.__name__}")
            cls.registry[cls.name] = cls()


def summary(rule: object) -> str:
    """The first paragraph of a rule's docstring, on one line."""
    return " ".join((inspect.getdoc(rule) or "").split("\n\n")[0].split())


def choice(registry: dict[str, object], about: str):
    """The type of a field that names one rule of `registry`: any of its names, each described by its docstring."""
    listed = "; ".join(f"`{name}`: {summary(rule).rstrip('.')}" for name, rule in registry.items())
    return Annotated[Literal[tuple(registry)], Field(description=f"{about} {listed}.")]

"""What every timeline event is: a dated entry of the scenario file that checks itself and plans itself.

A subclass with an `event: Literal["tag"]` field registers itself under its tag
(`EVENTS`); `model.timeline` builds the scenario's discriminated union from the
registry, so a new kind of event is one new class in one file of this package.
"""

from datetime import date, timedelta
from typing import ClassVar

from agents.params import Params

EVENTS: dict[str, type["TimelineEntry"]] = {}
"""Every kind of timeline event by its `event` tag, in the order the classes were defined."""


class TimelineEntry(Params):
    """One entry of `[[timeline]]`: checks what it names (`check`) and puts its actions on the calendar (`schedule`).

    Fields are declared by each event, in the order its table in the scenario reference lists them.
    """

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs) -> None:
        """Register a concrete event class (one with an `event` tag) under its tag."""
        super().__pydantic_init_subclass__(**kwargs)
        field = cls.model_fields.get("event")
        if field is None:
            return
        (tag,) = field.annotation.__args__
        if tag in EVENTS and EVENTS[tag].__qualname__ != cls.__qualname__:
            raise TypeError(f"two timeline events share the tag {tag!r}: {EVENTS[tag].__name__} and {cls.__name__}")
        EVENTS[tag] = cls

    references: ClassVar[dict[str, str]] = {}
    """Fields naming what the scenario defines, and what: supplier, interceptor, threat, battery_type or site."""

    def check(self, scenario_check, path: str) -> None:
        """Report what this entry names that the scenario lacks (`scenario_check` is a `model.consistency.Check`)."""
        for field, kind in self.references.items():
            scenario_check.reference(kind, getattr(self, field), f"{path}.{field}")

    def schedule(self, campaign) -> None:
        """Put this entry's actions on `campaign`'s calendar with `campaign.plan` (bound methods only)."""
        raise NotImplementedError(f"{type(self).__name__} does not say what it does")

    def arriving(self) -> list:
        """The batteries this entry brings into the theatre (placements), so the campaign keeps rows for them."""
        return []


class Window:
    """Mixin (before `TimelineEntry` in the bases) of an event with fields `start`, `end` and `days`.

    A state that ends on `end`, or after `days` (the length, so a sweep can vary it as one number); with
    neither, it lasts.
    """

    window_name: ClassVar[str] = "the pause"

    @property
    def resumes(self) -> date | None:
        """The day the state ends (None: it lasts)."""
        return self.start + timedelta(days=self.days) if self.days is not None else self.end

    def check(self, scenario_check, path: str) -> None:
        """What the event names; then an end and a length are one too many, an end before the start a typo."""
        super().check(scenario_check, path)
        if self.end is not None and self.days is not None:
            scenario_check.problem(f"{path}.days", self.days,
                                   f"give {self.window_name} an end or a length in days, not both")
        elif self.end is not None and self.end < self.start:
            scenario_check.problem(f"{path}.end", self.end, f"{self.window_name} ends before it starts ({self.start})")


class Ramp:
    """Mixin (before `TimelineEntry` in the bases) of an event with `start`, `end` and `step_days`: a straight line."""

    def check(self, scenario_check, path: str) -> None:
        """A ramp that ends before it starts is a typo; then what the event names."""
        if self.end < self.start:
            scenario_check.problem(f"{path}.end", self.end, f"the ramp ends before it starts ({self.start})")
        super().check(scenario_check, path)

    def steps(self, campaign, low: float, high: float) -> list[tuple[int, float]]:
        """(day, value) pairs of the ramp on `campaign`'s calendar."""
        day_of = campaign.config.day_of
        return ramp_steps(day_of(self.start), day_of(self.end), low, high, self.step_days)


def plan_on(campaign, when: date, description: str, action, *args) -> None:
    """Put `action(*args)` on `campaign`'s calendar for the date `when` (before that day's raid)."""
    campaign.plan(campaign.config.day_of(when), description, action, *args)


def ramp_steps(start: int, end: int, low: float, high: float, step: int) -> list[tuple[int, float]]:
    """(day, rate) pairs of a straight-line ramp from day `start` (rate `low`) to day `end` (rate `high`)."""
    if end <= start:
        return [(start, high)]
    days = [*range(start, end, step), end]
    return [(d, low + (high - low) * (d - start) / (end - start)) for d in days]


class ScheduledAction:
    """One timeline entry bound to its target, so Mesa's event list can hold it by a bound method.

    Mesa keeps event callbacks by weak reference: the campaign keeps these
    objects alive in its `timeline` list.
    """

    def __init__(self, day: int, description: str, action, *args) -> None:
        """Remember what to call on `day`; `action` is a bound method of the model or an agent."""
        self.day = day
        self.description = description
        self._action = action
        self._args = args

    def fire(self) -> None:
        """Carry out the event."""
        self._action(*self._args)

    def __repr__(self) -> str:
        """Read as the day and what happens."""
        return f"ScheduledAction(day={self.day}, {self.description!r})"

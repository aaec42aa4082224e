"""The aid timeline: dated events and drawn pauses, placed on Mesa's event list.

Every event acts before that day's raid. Each kind of event is one class in a
module of this package (`aid`, `attack`, `forces`, ...): it declares its
fields, checks what it names (`check`) and plans what it does (`schedule`).
The modules are found here by listing the package, and `TimelineEvent`, the
type of a scenario's `[[timeline]]` entries, is built from what they
registered, so a new kind of event is one class in one file. `[[pause_processes]]`
draw further pauses of a supplier (exponential gaps, geometric lengths) from
the run's own generator, so a seed fixes them too.
"""

import importlib
import pkgutil
from typing import Annotated, Union

from pydantic import Field

from model.timeline.base import EVENTS, Ramp, ScheduledAction, TimelineEntry, Window, ramp_steps
from model.timeline.drawn import PauseProcess, draw_pauses

for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    importlib.import_module(f"{__name__}.{_module}")

TimelineEvent = Annotated[Union[tuple(EVENTS.values())], Field(discriminator="event")]  # noqa: UP007
"""One `[[timeline]]` entry: the event class its `event` tag names."""

__all__ = ["EVENTS", "PauseProcess", "Ramp", "ScheduledAction", "TimelineEntry", "TimelineEvent", "Window",
           "draw_pauses", "ramp_steps", "schedule_timeline"]


def schedule_timeline(campaign) -> None:
    """Plan every timeline event and every drawn pause of `campaign`'s scenario, then what predates its start."""
    for event in campaign.config.timeline:
        event.schedule(campaign)
    for process in campaign.config.pause_processes:
        process.schedule(campaign)
    campaign.schedule_before_start()

"""The answers by name: what a spec's `[report] answers` may list, and the check that it lists only those."""

from collections.abc import Callable

from experiments.sweep.spec import SpecError

ANSWERS: dict[str, Callable] = {}


def answer(function: Callable) -> Callable:
    """Register an answer under its function name."""
    ANSWERS[function.__name__] = function
    return function


def check_answers(spec) -> None:
    """Refuse a spec whose `[report] answers` names an answer that does not exist, before anything runs.

    The sweep engine treats `[report]` as data it does not read; the commands that run a sweep with a
    report ahead (`attrition sweep`, `attrition headline`) and the report itself check it here.
    """
    problems = [(f"report.answers[{k}]", name, f"no such answer; known: {', '.join(ANSWERS)}")
                for k, name in enumerate(spec.report.answers) if name not in ANSWERS]
    if problems:
        raise SpecError(spec.source, problems)

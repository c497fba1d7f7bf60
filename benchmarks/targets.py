"""A target of issue 13 beside the figure the benchmark measured: PASS or FAIL, never a timed test."""

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Target:
    name: str
    goal: str
    passes: Callable[[dict], bool]
    figure: Callable[[dict], str]

    def judge(self, results: dict) -> dict:
        """{name, goal, figure, verdict}; a figure that could not be measured is a FAIL that says why."""
        try:
            figure, passed = self.figure(results), bool(self.passes(results))
        except (KeyError, TypeError, ZeroDivisionError, IndexError) as missing:
            figure, passed = f"not measured ({type(missing).__name__}: {missing})", False
        return {"name": self.name, "goal": self.goal, "figure": figure, "verdict": "PASS" if passed else "FAIL"}

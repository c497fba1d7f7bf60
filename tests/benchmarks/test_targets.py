"""The harness of `make bench` judges each target from its figure (benchmarks/targets.py, report.py):
a figure over its goal is a FAIL, and a figure that was never measured is a FAIL that says so, never
a silent PASS."""

from benchmarks.report import all_passed, render
from benchmarks.targets import Target

P99 = Target("p99", "≤ 2 s", lambda r: r["p99_ms"] <= 2000, lambda r: f'{r["p99_ms"]} ms')


def test_a_figure_within_its_goal_passes_and_one_over_it_fails():
    assert P99.judge({"p99_ms": 1999})["verdict"] == "PASS"
    assert P99.judge({"p99_ms": 2001}) == {"name": "p99", "goal": "≤ 2 s", "figure": "2001 ms", "verdict": "FAIL"}


def test_a_figure_that_was_not_measured_fails_and_says_so():
    judged = P99.judge({})
    assert judged["verdict"] == "FAIL"
    assert judged["figure"].startswith("not measured")


def _results(*verdicts):
    return {"date": "2026-11-30T14:00:00+01:00", "args": {"repeat": 7},
            "machine": {"commit": "abc1234", "branch": "main", "cores": 2, "memory": "24 GB", "load": "0.1 0.1 0.1"},
            "dataset": {"size": "small", "counts": {}, "seconds_total": 1},
            "parts": {"sweep": {"summary": "swept", "seconds": 1,
                                "targets": [{"name": f"t{n}", "goal": "g", "figure": "f", "verdict": v}
                                            for n, v in enumerate(verdicts)]}}}


def test_the_run_passes_only_when_every_target_passes():
    assert all_passed(_results("PASS", "PASS"))
    assert not all_passed(_results("PASS", "FAIL"))


def test_the_table_shows_each_target_beside_its_verdict_and_the_machine():
    text = render(_results("PASS", "FAIL"))
    assert "| t0 | g | f | **PASS** |" in text
    assert "| t1 | g | f | **FAIL** |" in text
    assert "Commit `abc1234`" in text and "2 cores" in text

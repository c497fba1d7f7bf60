"""The rush's recorder (benchmarks/rush.py): percentiles per endpoint, and every error counted
against its endpoint, so the table cannot hide a failed request."""

from benchmarks.rush import Recorder


def test_percentiles_per_endpoint_in_milliseconds():
    recorder = Recorder()
    for ms in range(1, 101):
        recorder.ok("task list", ms / 1000)
    row = recorder.table()["task list"]
    assert row["count"] == 100 and row["errors"] == 0
    # the value at the nearest rank: of 1…100 ms, the 51st (the upper middle), the 95th and the 99th
    assert (row["p50"], row["p95"], row["p99"]) == (51.0, 95.0, 99.0)
    assert row["max"] == 100.0


def test_an_error_is_counted_timed_and_kept_as_a_sample():
    recorder = Recorder()
    recorder.ok("submit", 0.2)
    recorder.error("submit", 1.5, "HTTP 500 ")
    row = recorder.table()["submit"]
    assert (row["count"], row["errors"], row["max"]) == (2, 1, 1500.0)
    assert list(recorder.samples.values()) == ["submit: HTTP 500 "]

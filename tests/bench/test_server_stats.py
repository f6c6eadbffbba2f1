"""The bench's arithmetic: CPU per thread group from /proc, a window over a server's
counters, and a median call time. Each is checked on inputs whose answer is known (a
synthetic /proc tree, fixed samples, a fake clock), never on how busy this machine is."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from bench import server_stats
from bench.contention import median_call_ms
from bench.harness import spread
from tests.conftest import Server

TICKS = server_stats.CLOCK_TICKS


def _write_stat(path: Path, pid: int, name: str, utime: int, stime: int) -> None:
    # Fields after the name, from the state on: utime and stime are the 12th and 13th.
    rest = ["S", *["0"] * 10, str(utime), str(stime), *["0"] * 30]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{pid} ({name}) {' '.join(rest)}\n")


def test_thread_groups_are_read_from_proc(tmp_path: Path) -> None:
    pid = 4242
    threads = {
        pid: ("python", 3 * TICKS, 1 * TICKS),  # the main thread: the event loop
        4243: ("tf_inter_op", 2 * TICKS, 0),
        4244: ("tf_intra_op", 1 * TICKS, 1 * TICKS),
        4245: ("inference", 0, TICKS // 2),
        # A name with a space and a parenthesis: the name ends at the last ")".
        4246: ("tf_) x", TICKS, 0),
    }
    for tid, (name, utime, stime) in threads.items():
        _write_stat(tmp_path / str(pid) / "task" / str(tid) / "stat", tid, name, utime, stime)
    _write_stat(tmp_path / str(pid) / "stat", pid, "python", 7 * TICKS, 2 * TICKS)
    assert server_stats.thread_seconds(pid, proc=tmp_path) == {
        "event_loop": 4.0,
        "tensorflow": 5.0,
        "other_python": 0.5,
    }
    assert server_stats.process_seconds(pid, proc=tmp_path) == 9.0


def test_a_thread_that_ends_while_being_read_is_left_out(tmp_path: Path) -> None:
    pid = 10
    _write_stat(tmp_path / "10" / "task" / "10" / "stat", 10, "python", TICKS, 0)
    (tmp_path / "10" / "task" / "11").mkdir()  # its stat file is already gone
    assert server_stats.thread_seconds(pid, proc=tmp_path)["event_loop"] == 1.0


def test_this_process_has_an_event_loop_group() -> None:
    # The real /proc has the layout the synthetic tree above copies.
    groups = server_stats.thread_seconds(os.getpid())
    assert set(groups) == {"event_loop", "other_python", "tensorflow"}
    assert all(v >= 0 for v in groups.values())


def test_a_window_over_real_requests_counts_each_model_call(server: Server) -> None:
    port = int(server.url.rsplit(":", 1)[1])
    first = server_stats.sample(server.proc.pid, [os.getpid()], port)
    with server.client() as client:
        for k in range(6):
            headlines = [f"Shares rise {k}", "Bank cuts rates", "Rupee falls"]
            assert client.post("/sentiment", json={"headlines": headlines}).status_code == 200
    stats = server_stats.between(first, server_stats.sample(server.proc.pid, [os.getpid()], port))
    # One request at a time: six calls of three headlines each.
    assert stats["mean_batch"] == 3.0
    assert stats["mean_call_ms"] is not None and stats["model_busy"] is not None
    assert {f"cpu_{g}" for g in server_stats.CPU_GROUPS} <= set(stats)


def test_a_window_is_the_difference_of_two_samples() -> None:
    threads = {"event_loop": 1.0, "other_python": 0.0, "tensorflow": 2.0}
    zero = dict.fromkeys(server_stats.BATCH_SERIES, 5.0)
    a = server_stats.Sample(10.0, threads, 1.0, zero)
    b = server_stats.Sample(
        12.0,
        {**threads, "event_loop": 2.0, "tensorflow": 3.0},
        1.5,
        {
            "sentiment_batch_headlines_sum": 5.0 + 40,
            "sentiment_batch_headlines_count": 5.0 + 4,
            "sentiment_batch_seconds_sum": 5.0 + 0.5,
        },
    )
    assert server_stats.between(a, b) == {
        "cpu_event_loop": 0.5,
        "cpu_other_python": 0.0,
        "cpu_tensorflow": 0.5,
        "cpu_load_generator": 0.25,
        "mean_batch": 10.0,
        "mean_call_ms": 125.0,
        "model_busy": 0.25,
    }
    idle = server_stats.between(a, server_stats.Sample(12.0, threads, 1.0, zero))
    assert idle["mean_batch"] is None and idle["mean_call_ms"] is None
    assert idle["model_busy"] == 0.0


def test_spread_covers_every_round() -> None:
    assert spread({"rps": 5.0, "rounds": [{"rps": 3.2}, {"rps": 5.0}, {"rps": 9.6}]}) == "3-10"
    assert spread({"rps": 7.0}) == "7-7"


def test_median_call_time_on_a_fake_clock() -> None:
    now = 0.0
    durations: Iterator[float] = iter([0.004, 0.001, 0.002, 0.003, 0.010, 1.0])
    calls: list[list[str]] = []

    def clock() -> float:
        return now

    def predict(batch: list[str]) -> None:
        nonlocal now
        calls.append(batch)
        now += next(durations)

    # Calls go on until the clock passes 0.015 s: five calls, median 3 ms.
    assert median_call_ms(predict, ["a", "b"], 0.015, clock=clock) == 3.0
    assert len(calls) == 5 and all(b == ["a", "b"] for b in calls)


def test_cpu_per_request_and_the_rate_it_allows() -> None:
    row = {
        "rps": 2000.0,
        "cpu_event_loop": 0.5,
        "cpu_other_python": 0.1,
        "cpu_tensorflow": 0.8,
        "cpu_load_generator": 0.2,
    }
    budget = server_stats.cpu_per_request(row, cores=2)
    assert budget == {
        "event_loop": 250,
        "other_python": 50,
        "tensorflow": 400,
        "load_generator": 100,
        "total": 800,
        "bound_rps": 2500,
    }

"""The bench's view of a loaded server: CPU per thread group and the model's calls."""

from __future__ import annotations

import os
import threading
import time

from bench import contention, server_stats
from bench.contention import half_core
from bench.run import spread
from tests.conftest import Server


def test_thread_groups_split_this_process_cpu() -> None:
    stop = threading.Event()
    worker = threading.Thread(target=half_core, args=(stop.is_set,))
    before = server_stats.thread_seconds(os.getpid())
    start = time.perf_counter()
    while time.perf_counter() - start < 0.4:  # the main thread busy, then asleep
        pass
    worker.start()
    time.sleep(0.6)
    # Before the worker ends: a finished thread leaves /proc, and its CPU time with it.
    after = server_stats.thread_seconds(os.getpid())
    stop.set()
    worker.join()
    used = {k: after[k] - before[k] for k in before}
    assert 0.3 <= used["event_loop"] <= 0.6
    assert 0.15 <= used["other_python"] <= 0.5


def test_a_window_over_real_requests_sees_each_model_call(server: Server) -> None:
    port = int(server.url.rsplit(":", 1)[1])
    first = server_stats.sample(server.proc.pid, os.getpid(), port)
    with server.client() as client:
        for k in range(6):
            headlines = [f"Shares rise {k}", "Bank cuts rates", "Rupee falls"]
            assert client.post("/sentiment", json={"headlines": headlines}).status_code == 200
    stats = server_stats.between(first, server_stats.sample(server.proc.pid, os.getpid(), port))
    # One request at a time: six calls of three headlines each.
    assert stats["mean_batch"] == 3.0
    assert stats["mean_call_ms"] is not None and 0 < stats["mean_call_ms"] < 1000
    assert stats["model_busy"] is not None and 0 < stats["model_busy"] < 1
    assert stats["cpu_event_loop"] is not None and stats["cpu_event_loop"] > 0


def test_a_window_without_calls_has_no_batch_figures() -> None:
    threads = {"event_loop": 1.0, "other_python": 0.0, "tensorflow": 2.0}
    batches = dict.fromkeys(server_stats.BATCH_SERIES, 5.0)
    a = server_stats.Sample(10.0, threads, 1.0, batches)
    b = server_stats.Sample(12.0, {**threads, "event_loop": 2.0}, 1.5, batches)
    stats = server_stats.between(a, b)
    assert stats["cpu_event_loop"] == 0.5 and stats["cpu_load_generator"] == 0.25
    assert stats["mean_batch"] is None and stats["mean_call_ms"] is None
    assert stats["model_busy"] == 0.0


def test_spread_covers_every_round() -> None:
    assert spread({"rps": 5.0, "rounds": [{"rps": 3.2}, {"rps": 5.0}, {"rps": 9.6}]}) == "3-10"
    assert spread({"rps": 7.0}) == "7-7"


def test_contention_shows_a_python_neighbour_taking_the_gil() -> None:
    def model_like_call(batch: list[str]) -> None:
        # Stretches outside the GIL (sleep stands in for TensorFlow's kernels), each
        # followed by a little Python that needs the GIL back.
        for _ in range(5):
            time.sleep(0.0002)
            start = time.perf_counter()
            while time.perf_counter() - start < 0.0001:
                pass

    out = contention.measure(model_like_call, 4, 0.5)
    assert out["batch"] == 4
    assert 1.0 <= out["alone_ms"] <= 4
    # A process neighbour takes another core; a thread also takes the GIL (~1.4x here).
    assert out["beside_a_python_thread_ms"] >= 1.2 * out["alone_ms"]
    assert out["beside_a_python_thread_ms"] >= 1.2 * out["beside_a_process_ms"]


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

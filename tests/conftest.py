"""Shared fixtures: paths, the SEntFiN file, and a real uvicorn server on a loopback port."""

from __future__ import annotations

import atexit
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TINY_SENTFIN = FIXTURES / "tiny_sentfin.csv"


def pytest_configure(config: pytest.Config) -> None:
    # One BLAS thread per test process: the suite runs a process per core, and BLAS
    # threads spinning beside TensorFlow's made one SVD of the word vectors take ten
    # times as long (2.5 s against 23 s).
    threadpool_limits(1, user_api="blas")


@pytest.fixture(autouse=True)
def _eager_steps(request: pytest.FixtureRequest) -> Iterator[None]:
    """Under `@pytest.mark.eager`, Keras's train and predict steps run eagerly.

    Most of a tiny fit's time is TensorFlow tracing its step functions (the soup test,
    when it made seven fits, took 52 s traced and 24 s eager). A test of what a fit
    records, averages or hands on, not of the graph, may skip that; the graph stays
    covered by the unmarked trainers' tests (each trainer's tiny run, the adversarial
    step on its own), and an export traces its serving function either way."""
    if request.node.get_closest_marker("eager") is None:
        yield
        return
    import tensorflow as tf

    tf.config.run_functions_eagerly(True)
    try:
        yield
    finally:
        tf.config.run_functions_eagerly(False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def sentfin_path() -> Path:
    """The full SEntFiN file, committed under data/sentfin/."""
    path = ROOT / "data" / "sentfin" / "SEntFiN.csv"
    assert path.is_file(), f"{path} is missing from the checkout"
    return path


class ForkedProcess:
    """A server forked by the zygote (tests/server_zygote.py), with the part of
    `subprocess.Popen`'s interface the tests use: the zygote is its parent and reaps it."""

    def __init__(self, zygote: Zygote, pid: int) -> None:
        self.zygote = zygote
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.zygote.poll(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"pid {self.pid}", timeout or 0)
            time.sleep(0.05)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class Zygote:
    """One per test process, started on first use, stopped when the process ends."""

    _instance: Zygote | None = None

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("server_zygote.py"))],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.lock = threading.Lock()
        ready = self._read()
        assert "ready" in ready, ready
        atexit.register(self.close)

    @classmethod
    def get(cls) -> Zygote:
        if cls._instance is None or cls._instance.proc.poll() is not None:
            cls._instance = Zygote()
        return cls._instance

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the server zygote exited with {self.proc.wait()}")
        return json.loads(line)

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None
        with self.lock:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
            return self._read()

    def start(self, env: dict[str, str], log: Path) -> ForkedProcess:
        pid = self._ask({"start": {"env": env, "log": str(log), "cwd": str(ROOT)}})["pid"]
        return ForkedProcess(self, int(pid))

    def poll(self, pid: int) -> int | None:
        return self._ask({"poll": pid})["returncode"]

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            self.proc.wait(timeout=15)


class Server:
    def __init__(self, proc: subprocess.Popen[bytes] | ForkedProcess, url: str, log: Path) -> None:
        self.proc = proc
        self.url = url
        self.log = log

    def client(self, timeout: float = 60.0) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=timeout)


def start_server(
    tmp_path: Path,
    env: dict[str, str] | None = None,
    wait_ready: bool = True,
    fresh: bool = False,
) -> Server:
    """Start the service on a free loopback port and wait until it answers: forked from
    the zygote (tests/server_zygote.py), or with `fresh` as `python -m app` in a new
    interpreter, which spends about 6 s more importing."""
    port = free_port()
    log = tmp_path / f"server-{port}.log"
    # By default FRED is a closed local port, so nothing leaves the machine, and the
    # vintage store is private to this server.
    full_env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "LOG_LEVEL": "warning",
        "FRED_URL": f"http://127.0.0.1:{free_port()}/graph/fredgraph.csv",
        "FRED_RETRIES": "0",
        "DATA_DIR": str(tmp_path / f"data-{port}"),
        # The per-entity model adds about a second to each start; it is served by the
        # session's server (`server`), and other servers leave it out, as a deployment may.
        "ENTITY_SENTIMENT_MODEL": "",
        **(env or {}),
    }
    fresh = fresh or _changes_tensorflow(full_env)
    proc: subprocess.Popen[bytes] | ForkedProcess
    if fresh:
        with log.open("wb") as fh:
            proc = subprocess.Popen(
                [sys.executable, "-m", "app"],
                cwd=ROOT,
                env=full_env,
                stdout=fh,
                stderr=subprocess.STDOUT,
            )
    else:
        proc = Zygote.get().start(full_env, log)
    server = Server(proc, f"http://127.0.0.1:{port}", log)
    wait_until_answers(server, "/readyz" if wait_ready else "/healthz")
    return server


def _changes_tensorflow(env: dict[str, str]) -> bool:
    """Whether `env` sets a `TF_` variable otherwise than this process: TensorFlow reads
    them while it imports, so such a server needs a new interpreter, not the zygote."""
    return any(os.environ.get(k) != v for k, v in env.items() if k.startswith("TF_"))


def wait_until_answers(server: Server, path: str = "/readyz") -> None:
    """Wait until `path` answers 200 (/healthz: the process listens; /readyz: its models
    are loaded); a server that exits or takes over 90 s is stopped and its log raised."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(
                f"server exited with {server.proc.returncode}:\n{server.log.read_text()}"
            )
        try:
            if httpx.get(server.url + path, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(f"server not ready within 90 s:\n{server.log.read_text()}")


def stop_server(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait()


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    started: list[Server] = []

    def factory(env: dict[str, str] | None = None, wait_ready: bool = True) -> Server:
        server = start_server(tmp_path, env, wait_ready)
        started.append(server)
        return server

    yield factory
    for server in started:
        stop_server(server)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the session, serving the committed models, all three."""
    srv = start_server(
        tmp_path_factory.mktemp("server"),
        {"ENTITY_SENTIMENT_MODEL": "entity_sentiment"},
        fresh=True,
    )
    yield srv
    stop_server(srv)


def serve_alone(model_dir: Path, inputs: str, output: str) -> str:
    """Call a SavedModel's serving signature in a fresh interpreter that never imports
    `training/` (so no Python class behind the model is available); return the output's
    shape and whether it is all finite, as printed there."""
    code = (
        # As the service does: TensorFlow without Keras (app/unserved.py).
        "from app import unserved; unserved.keep_out()\n"
        "import sys, numpy as np, tensorflow as tf\n"
        "sig = tf.saved_model.load(sys.argv[1]).signatures['serving_default']\n"
        f"y = sig(**{inputs})[{output!r}].numpy()\n"
        "assert not any(m == 'training' or m.startswith('training.') for m in sys.modules)\n"
        "print(y.shape, bool(np.isfinite(y).all()))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(model_dir)],
        cwd=model_dir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header, after checking it is one."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def json_log(path: Path) -> list[dict[str, Any]]:
    """Every line of a server log, each of which must be one JSON object: TensorFlow's
    C++ lines included, which the service relays through logging."""
    text = path.read_text()
    # A log read while the server runs may end inside a line still being written.
    text = text[: text.rfind("\n") + 1]
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            raise AssertionError(f"log line {number} is not JSON: {line!r}") from None
        assert isinstance(entry, dict), line
        assert {"ts", "level", "logger", "msg"} <= set(entry), line
        entries.append(entry)
    return entries


def scrape(server: Server) -> dict[str, float]:
    """Sample name with labels -> value, from the Prometheus text format."""
    with server.client() as http:
        response = http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    samples = {}
    for line in response.text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


def run_app(
    env: dict[str, str], tmp_path: Path, fresh: bool = True
) -> subprocess.CompletedProcess[str]:
    """`python -m app` run to its end, with `env` over a quiet start's: no port of its
    own, text logs, a FRED that cannot be reached, its store under `tmp_path`. Without
    `fresh`, forked from the zygote: its output, stdout and stderr in one, is `stderr`."""
    full_env = {
        **os.environ,
        "PORT": "0",
        "LOG_FORMAT": "text",
        "FRED_URL": "http://127.0.0.1:9/graph/fredgraph.csv",
        "DATA_DIR": str(tmp_path / "data"),
        **env,
    }
    if fresh or _changes_tensorflow(full_env):
        return subprocess.run(
            [sys.executable, "-m", "app"],
            cwd=ROOT,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    log = tmp_path / "app.log"
    code = Zygote.get().start(full_env, log).wait(timeout=120)
    return subprocess.CompletedProcess(["app"], code, "", log.read_text())

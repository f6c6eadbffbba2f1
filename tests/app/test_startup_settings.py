"""A setting the service cannot run with stops `python -m app` at once: one line naming
the environment variable, its value and what it may be, exit code 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_app

# Each refused value, and the words its line must hold after "VARIABLE='value': ".
REFUSED = {
    "body-limit": (
        {"MAX_BODY_BYTES": "5"},
        "MAX_BODY_BYTES='5': input should be greater than or equal to 1024",
    ),
    "log-level": (
        {"LOG_LEVEL": "verbose"},
        "LOG_LEVEL='verbose': input should be 'critical', 'error', 'warning', 'info', "
        "'debug' or 'trace'",
    ),
    "fred-url": (
        {"FRED_URL": "notaurl"},
        "FRED_URL='notaurl': must be an http:// or https:// URL with a host",
    ),
    "fred-url-scheme": (
        {"FRED_URL": "ftp://fred.example/graph/fredgraph.csv"},
        "FRED_URL='ftp://fred.example/graph/fredgraph.csv': must be an http:// or https://",
    ),
    "fred-url-port": (
        {"FRED_URL": "http://fred.example:99999/x"},
        "FRED_URL='http://fred.example:99999/x': must be an http:// or https:// URL with a "
        "host: Port out of range",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_an_invalid_setting_is_one_line_naming_the_variable(tmp_path: Path, case: str) -> None:
    env, words = REFUSED[case]
    proc = run_app(env, tmp_path)
    assert proc.returncode == 2, proc.stderr
    (line,) = proc.stderr.splitlines()
    assert line.startswith("cannot serve: ") and words in line and line.endswith("(exit 2)")


def test_every_invalid_setting_gets_its_line(tmp_path: Path) -> None:
    proc = run_app({"MAX_HEADLINES": "0", "SCHEDULER_ENABLED": "maybe"}, tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert len(lines) == 2 and "Traceback" not in proc.stderr
    assert any(line.startswith("cannot serve: MAX_HEADLINES='0': ") for line in lines)
    assert any(line.startswith("cannot serve: SCHEDULER_ENABLED='maybe': ") for line in lines)


def test_a_data_dir_that_is_a_file_or_cannot_be_made_is_refused(tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    proc = run_app({"DATA_DIR": str(a_file)}, tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"cannot serve: DATA_DIR='{a_file}': is a file, not a folder (exit 2)"
    ]
    # A folder below a file cannot be made (tests run as root: permissions would not stop it).
    below = a_file / "data"
    proc = run_app({"DATA_DIR": str(below)}, tmp_path)
    assert proc.returncode == 2
    (line,) = proc.stderr.splitlines()
    assert line.startswith(f"cannot serve: DATA_DIR='{below}': cannot be created (Not a directory)")


def test_the_api_token_is_never_printed(tmp_path: Path) -> None:
    proc = run_app({"API_TOKEN": "s3cret-token", "MAX_BODY_BYTES": "5"}, tmp_path)
    assert proc.returncode == 2 and "s3cret-token" not in proc.stderr


def test_uvicorns_trace_level_is_accepted_in_any_case(tmp_path: Path) -> None:
    # No models: the start gets past the settings and the logging set-up, logs uvicorn's
    # trace lines, and stops at the missing model (exit 1), before TensorFlow loads.
    proc = run_app({"LOG_LEVEL": "TRACE", "MODELS_DIR": str(tmp_path)}, tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert " TRACE uvicorn.asgi: " in proc.stderr
    assert "cannot serve: model sentiment: no SavedModel" in proc.stderr
    assert "Traceback" not in proc.stderr

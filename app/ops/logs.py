"""Structured logs: one JSON object per line, carrying the request's id."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# Set by the request-context layer for the request being served; read by every log line.
REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = REQUEST_ID.get()
        if request_id is not None:
            entry["request_id"] = request_id
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry)


# uvicorn's level below DEBUG, which logging knows by name only once it is added (uvicorn
# adds it when it configures its own logging, after this configuration is applied).
TRACE = 5


def log_config(level: str, fmt: str) -> dict[str, Any]:
    """logging.config for the app and uvicorn alike: JSON lines or plain text."""
    logging.addLevelName(TRACE, "TRACE")
    formatter = (
        {"()": JsonFormatter}
        if fmt == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["default"], "level": level.upper()},
        "loggers": {
            name: {"handlers": [], "level": level.upper(), "propagate": True}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }


# TensorFlow's and absl's own lines: "I0000 00:00:1795… 1234 file.cc:31] message".
_NATIVE = re.compile(r"^([IWEF])\d{4} [\d:.]+\s+\d+ ([^\]]+)\] (.*)$")
_NATIVE_LEVELS = {
    "I": logging.INFO,
    "W": logging.WARNING,
    "E": logging.ERROR,
    "F": logging.CRITICAL,
}
# Lines TensorFlow logs as errors at every start of a healthy server, and whether each is
# expected only where no GPU is attached: a log-based alert should not fire on every
# restart.
# - cuInit fails wherever no GPU is attached: an error only where one is (the NVIDIA
#   driver's control device is there), since the model then runs on the CPU instead.
# - oneDNN's note that one data type falls back to TensorFlow's own kernels.
_EXPECTED = (
    (re.compile(r"failed call to cuInit"), True),
    (re.compile(r"oneDNN supports DT_BOOL only"), False),
)


def gpu_attached() -> bool:
    return Path("/dev/nvidiactl").exists()


def native_level(letter: str, message: str, gpu: bool) -> int:
    """The logging level of one native line: its own, or INFO for a line that is expected
    on this host (`gpu`: whether a GPU is attached)."""
    level = _NATIVE_LEVELS[letter]
    expected = any(p.search(message) and not (gpu and cpu_only) for p, cpu_only in _EXPECTED)
    if level == logging.ERROR and expected:
        return logging.INFO
    return level


def capture_native_stderr() -> None:
    """Route what native code writes to file descriptor 2 (TensorFlow's C++ log lines)
    through logging, so that with LOG_FORMAT=json every line is still one JSON object.

    Python's own stderr moves to a copy of the original descriptor, where the log
    handler writes; descriptor 2 becomes a pipe read by a daemon thread. Call it before
    logging is configured (the handler binds to sys.stderr then).
    """
    original = os.dup(2)
    sys.stderr = os.fdopen(original, "w", buffering=1, encoding="utf-8", errors="replace")
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    os.close(write_end)
    threading.Thread(target=_relay, args=(read_end,), name="native-stderr", daemon=True).start()


def _relay(fd: int) -> None:
    log = logging.getLogger("native")
    gpu = gpu_attached()
    with os.fdopen(fd, "r", encoding="utf-8", errors="replace") as lines:
        for line in lines:
            text = line.rstrip("\n")
            if not text.strip():
                continue
            if m := _NATIVE.match(text):
                log.log(native_level(m[1], m[3], gpu), "%s (%s)", m[3], m[2])
            else:
                log.warning("%s", text)

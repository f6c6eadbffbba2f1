"""`python -m app`: run the service with uvicorn, configured from the environment."""

from __future__ import annotations

import logging.config
import sys

import uvicorn

from app import unserved
from app.asgi.connections import bounded_protocol
from app.ops.logs import capture_native_stderr, log_config
from app.settings import SettingRefused, startup_settings

# A refused setting, unlike a model that cannot load (exit 1): nothing to retry until
# the environment changes.
EXIT_SETTING_REFUSED = 2


def main() -> None:
    # Before anything can import TensorFlow (app/unserved.py says why).
    unserved.keep_out()
    try:
        settings = startup_settings()
    except SettingRefused as refused:
        # Before logging is set up (its settings may be the ones refused): plain lines.
        for line in refused.lines:
            print(f"cannot serve: {line} (exit {EXIT_SETTING_REFUSED})", file=sys.stderr)
        sys.exit(EXIT_SETTING_REFUSED)
    if settings.log_format == "json":
        capture_native_stderr()
    config = log_config(settings.log_level, settings.log_format)
    logging.config.dictConfig(config)
    # One process: the model and (later) the scheduler live once per server.
    uvicorn.run(
        "app.main:create_asgi_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        log_config=config,
        workers=1,
        http=bounded_protocol(settings.header_timeout_seconds, settings.max_connections),
    )


if __name__ == "__main__":
    main()

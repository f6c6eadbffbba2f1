"""`python -m app`: run the service with uvicorn, configured from the environment."""

from __future__ import annotations

import logging.config
import sys

import uvicorn

from app.asgi.connections import bounded_protocol
from app.ops.logs import capture_native_stderr, log_config
from app.settings import get_settings

# The service only loads SavedModels and calls their signatures, which needs none of
# these. TensorFlow imports Keras whole when it can, and Keras imports scikit-learn and
# matplotlib when they are installed (a training environment): TensorFlow's import took
# 8.6 s with them and 4.0 s without, on every start.
NOT_SERVED = ("keras", "sklearn", "matplotlib")


def keep_out_unserved_packages() -> None:
    """Make the packages above unimportable in this process: an import of one raises
    ImportError, which TensorFlow and Keras take as "not installed"."""
    for name in NOT_SERVED:
        sys.modules.setdefault(name, None)  # type: ignore[assignment]


def main() -> None:
    keep_out_unserved_packages()
    settings = get_settings()
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

"""`python -m app`: run the service with uvicorn, configured from the environment."""

from __future__ import annotations

import logging.config

import uvicorn

from app.ops.logs import log_config
from app.settings import get_settings


def main() -> None:
    settings = get_settings()
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
    )


if __name__ == "__main__":
    main()

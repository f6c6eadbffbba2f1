"""`python -m app`: run the service with uvicorn, configured from the environment."""

from __future__ import annotations

import logging

import uvicorn

from app.settings import get_settings


def main() -> None:
    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # One process: the model and (later) the scheduler live once per server.
    uvicorn.run(
        "app.main:create_asgi_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        workers=1,
    )


if __name__ == "__main__":
    main()

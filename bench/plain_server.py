"""The peer a user would write instead: plain FastAPI, one model call per request.

    python -m bench.plain_server            # HOST, PORT and TF_*_THREADS as for the service

No batching, no hot paths: a synchronous endpoint, so FastAPI runs each request's model
call in its thread pool and several calls can run at once (as many as requests in
flight, up to the pool's 40 threads). It loads the same SavedModel with the same
TensorFlow thread settings and answers the same JSON shape as `POST /sentiment`, so the
bench compares the serving design alone. A bench peer, not part of the service.
"""

from __future__ import annotations

import os

import numpy as np
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel, Field

from app.model_store import LoadedModel, configure_tensorflow, load
from app.schemas import ModelRef
from app.sentiment.language import LanguageCheck
from app.sentiment.service import COVERAGE, as_unread, best_labels
from app.settings import Settings


class Request(BaseModel):
    headlines: list[str] = Field(min_length=1, max_length=256)


class Result(BaseModel):
    label: str
    scores: dict[str, float]
    coverage: float | None
    language: str


class Response(BaseModel):
    model: ModelRef
    results: list[Result]


def create_app(model: LoadedModel) -> FastAPI:
    app = FastAPI(title="plain sentiment peer")
    names: list[str] = list(model.metadata["labels"])
    # The same check the service makes, so that the bench compares the serving alone.
    check = LanguageCheck()

    @app.get("/readyz")
    def readyz() -> dict[str, str]:
        return {"status": "ready"}

    @app.post("/sentiment")
    def sentiment(body: Request) -> Response:
        outputs = model.predict_outputs(body.headlines)
        rows = np.asarray(outputs[model.output_name], dtype=np.float64)
        coverage = outputs.get(COVERAGE, np.full(len(rows), np.nan)).tolist()
        languages = check.languages(body.headlines, outputs.get(COVERAGE))
        as_unread(rows, languages)
        return Response(
            model=ModelRef(name=model.name, version=model.version),
            results=[
                Result(
                    label=names[k],
                    scores=dict(zip(names, row.tolist(), strict=True)),
                    coverage=None if np.isnan(c) else c,
                    language=code,
                )
                for k, row, c, code in zip(
                    best_labels(rows, names), rows, coverage, languages, strict=True
                )
            ],
        )

    return app


def main() -> None:
    settings = Settings()
    configure_tensorflow(settings.tf_intra_op_threads, settings.tf_inter_op_threads)
    model = load(settings.models_dir, settings.sentiment_model, settings.sentiment_version)
    uvicorn.run(
        create_app(model),
        host=settings.host,
        port=settings.port,
        log_level=os.environ.get("LOG_LEVEL", "warning"),
    )


if __name__ == "__main__":
    main()

"""Headline sentiment: the limits a request must meet, one model call per batch, and the
answer's JSON. The route and the hot path both go through `SentimentService`."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

import numpy as np

from app.model_store import LoadedModel, ModelRegistry
from app.sentiment.batching import MicroBatcher
from app.settings import Settings

LABELS = ("negative", "neutral", "positive")
NEUTRAL = "neutral"
# The signature output with each headline's share of tokens the model knows (v5 on).
COVERAGE = "coverage"


class HeadlineError(ValueError):
    """A request's headlines break a limit; `detail` names each broken rule, in the shape
    of FastAPI's 422 body."""

    def __init__(self, detail: list[dict[str, object]]) -> None:
        super().__init__(detail[0]["msg"])
        self.detail = detail


def _error(loc: list[str | int], msg: str, kind: str) -> dict[str, object]:
    return {"loc": loc, "msg": msg, "type": kind}


def _unencodable(text: str) -> tuple[int, int] | None:
    """(position, code point) of the first character UTF-8 cannot encode, if any."""
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start, ord(text[exc.start])
    return None


def check_limits(headlines: list[str], settings: Settings) -> list[str]:
    """Trim each headline and enforce the count and length limits; return the trimmed list."""
    n = len(headlines)
    # A request larger than the queue's bound could never be queued: a 422 that says so,
    # not a 503 whose retry can never succeed.
    most = min(settings.max_headlines, settings.batch_queue_max)
    if not 1 <= n <= most:
        raise HeadlineError(
            [
                _error(
                    ["body", "headlines"],
                    f"headlines must hold 1 to {most} items, got {n}",
                    "too_short" if n == 0 else "too_long",
                )
            ]
        )
    trimmed = [h.strip() for h in headlines]
    errors = []
    for i, text in enumerate(trimmed):
        if (bad := _unencodable(text)) is not None:
            # JSON's \ud800 escapes (and CESU-style bytes) decode to lone surrogates, which
            # are not text: refused here, before they reach a batch and the model.
            errors.append(
                _error(
                    ["body", "headlines", i],
                    f"headline is not valid Unicode text: character {bad[0]} is a lone "
                    f"surrogate (U+{bad[1]:04X})",
                    "string_unicode",
                )
            )
        elif not text:
            errors.append(
                _error(
                    ["body", "headlines", i],
                    "headline is blank: it must hold 1 to "
                    f"{settings.max_headline_chars} characters after trimming",
                    "string_too_short",
                )
            )
        elif len(text) > settings.max_headline_chars:
            errors.append(
                _error(
                    ["body", "headlines", i],
                    f"headline has {len(text)} characters after trimming, "
                    f"the limit is {settings.max_headline_chars}",
                    "string_too_long",
                )
            )
    if errors:
        raise HeadlineError(errors)
    return trimmed


def best_labels(rows: np.ndarray, names: list[str]) -> list[int]:
    """Each row's label index. Equal scores (a headline the model cannot read gets 1/3
    each) go to neutral rather than to whichever label comes first."""
    tie_break = np.zeros(len(names))
    if NEUTRAL in names:
        tie_break[names.index(NEUTRAL)] = 1e-9
    return (np.asarray(rows, dtype=np.float64) + tie_break).argmax(axis=1).tolist()


def score(model: LoadedModel, texts: list[str]) -> list[str]:
    """One model call; each headline's label and scores as a JSON object, in order.

    It runs in the inference thread on a whole batch, vectorised, so that the event
    loop, the busier of the two cores, only joins strings per request. Serialised here
    rather than through response_model: re-validating plain floats under the model's
    fixed labels cost more than the rest of the handler.
    """
    # The model's own metadata says which column is which label.
    names = list(model.metadata.get("labels", LABELS))
    labels = [json.dumps(name) for name in names]
    outputs = model.predict_outputs(texts)
    rows = np.asarray(outputs[model.output_name], dtype=np.float64)
    rows = rows / rows.sum(axis=1, keepdims=True)
    best = best_labels(rows, names)
    # Models before version 5 do not report coverage: null.
    coverage = outputs.get(COVERAGE)
    if coverage is None:
        covered = ["null"] * len(rows)
    else:
        covered = [repr(round(c, 4)) for c in np.asarray(coverage, dtype=np.float64).tolist()]
    # repr() of a finite float is the shortest string that round-trips, as json.dumps
    # writes it; formatting by hand is several times faster than json.dumps per row.
    return [
        f'{{"label": {labels[k]}, "scores": {{'
        + ", ".join(f"{name}: {p!r}" for name, p in zip(labels, row, strict=True))
        + f'}}, "coverage": {c}}}'
        for k, row, c in zip(best, rows.tolist(), covered, strict=True)
    ]


def encode_results(model: LoadedModel, results: Sequence[str]) -> bytes:
    """The response body around the per-headline objects from `score`."""
    ref = json.dumps({"name": model.name, "version": model.version})
    return f'{{"model": {ref}, "results": [{", ".join(results)}]}}'.encode()


BUSY_RETRY_AFTER = "1"


def busy_detail(exc: Exception) -> str:
    """The 503 detail for a full queue, the same from the hot path and the route."""
    return f"server busy: {exc}"


class SentimentService:
    def __init__(
        self,
        settings: Settings,
        registry: ModelRegistry,
        observe: Callable[[int, float], None] | None = None,
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.batcher: MicroBatcher[str, str] = MicroBatcher(
            self._score,
            max_batch_size=settings.batch_max_size,
            max_wait_s=settings.batch_max_wait_ms / 1000,
            max_queued_items=settings.batch_queue_max,
            observe=observe,
        )

    def model(self) -> LoadedModel | None:
        return self.registry.get(self.settings.sentiment_model)

    def not_ready(self) -> str:
        return "; ".join(self.registry.not_ready_reasons())

    def check_limits(self, headlines: list[str]) -> list[str]:
        return check_limits(headlines, self.settings)

    async def classify(self, model: LoadedModel, headlines: list[str]) -> bytes:
        """The response body for `headlines` (already checked): queued with other
        requests' headlines for one model call. Raises QueueFullError when the queue is
        at its bound."""
        return encode_results(model, await self.batcher.submit(headlines))

    def _score(self, texts: list[str]) -> list[str]:
        # In the inference thread: the model loaded now, which may be newer than the
        # one the request saw.
        model = self.model()
        if model is None:
            raise RuntimeError("sentiment model not loaded")
        return score(model, texts)

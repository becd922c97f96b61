"""`certiprev serve` (what `make serve` runs): gunicorn with the production settings, static files, probes."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from certiprev.cli import gunicorn_arguments
from tests.serving.test_headers import PRODUCTION_ENV

ROOT = Path(__file__).resolve().parents[2]


def test_gunicorn_binds_host_and_port_with_the_configured_workers():
    arguments = gunicorn_arguments(["--timeout", "90"], {"HOST": "::1", "PORT": "9000", "WEB_CONCURRENCY": "3"})
    assert arguments[:5] == ["config.wsgi:application", "--bind", "[::1]:9000", "--workers", "3"]
    assert arguments[-2:] == ["--timeout", "90"]
    assert gunicorn_arguments([], {})[2] == "127.0.0.1:8000"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    # The proxy in front says the client spoke HTTPS (SECURE_PROXY_SSL_HEADER), so no redirect.
    connection.request("GET", path, headers={"Host": "certiprev.example.fr", "X-Forwarded-Proto": "https"})
    response = connection.getresponse()
    result = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    connection.close()
    return result


@pytest.fixture
def served(tmp_path):
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DOTENV_FILE": "",
        "VAR_DIR": str(tmp_path),  # a database that was never migrated: the queue table is missing
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        **PRODUCTION_ENV,
    }
    env.pop("CACHE_URL")
    env["RATE_LIMIT_ALLOW_LOCAL_CACHE"] = "1"  # one process (WEB_CONCURRENCY=1): its own counters are the shared ones
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and console script
        [sys.executable, "-m", "certiprev.cli", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(process.stdout.read().decode())
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0].decode()
        assert "Booting worker" in output, output


def test_serve_runs_gunicorn_with_static_files_csp_and_probes(served):
    status, headers, _ = _get(served, "/healthz")
    assert status == 200
    status, headers, body = _get(served, "/static/www/certiprev.css")
    assert status == 200 and b"--error" in body  # WhiteNoise, no front server needed
    status, headers, _ = _get(served, "/connexion/")
    assert "content-security-policy" in headers
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    status, _, body = _get(served, "/readyz")
    assert status == 503 and b'"failed": ["queue"]' in body

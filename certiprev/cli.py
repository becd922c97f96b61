"""The `certiprev` console script: Django's manage.py for an installed Certiprev, plus `serve` and `wait-up`.

`certiprev serve [gunicorn options…]` runs the production server: gunicorn on HOST:PORT (127.0.0.1:8000),
WEB_CONCURRENCY workers (2 × cores + 1, at most 8), static files by WhiteNoise, access log on stdout; more
options in GUNICORN_CMD_ARGS or after `serve`. `certiprev wait-up URL` waits until URL answers (what `make run`
does before printing the logins).
"""

import os
import sys
import time
import urllib.error
import urllib.request


def gunicorn_arguments(extra: list[str], environ=os.environ) -> list[str]:
    host = environ.get("HOST", "127.0.0.1")
    port = environ.get("PORT", "8000")
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    workers = environ.get("WEB_CONCURRENCY") or str(min(2 * (os.cpu_count() or 1) + 1, 8))
    return [
        "config.wsgi:application",
        "--bind",
        bind,
        "--workers",
        workers,
        "--access-logfile",
        "-",
        # A worker is recycled now and then: a slow leak never takes the service down; jitter avoids all at once.
        "--max-requests",
        "2000",
        "--max-requests-jitter",
        "200",
        "--graceful-timeout",
        "30",
        *extra,
    ]


def serve(extra: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.conf import settings

    django.setup()  # a configuration error stops here, with its message, before any worker starts
    if settings.DEBUG:
        print("Attention : DEBUG est actif (fichier .env ?) — jamais en production.", file=sys.stderr)
    arguments = gunicorn_arguments(extra)
    os.execv(sys.executable, [sys.executable, "-m", "gunicorn", *arguments])  # noqa: S606 - gunicorn replaces us


def wait_up(url: str, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - a local http(s) URL we were given
                if response.status < 500:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    return False


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "serve":
        serve(sys.argv[2:])
        return
    if command == "wait-up":
        if len(sys.argv) != 3 or not sys.argv[2].startswith(("http://", "https://")):
            sys.exit("usage: certiprev wait-up http://HOST:PORT/healthz")
        sys.exit(0 if wait_up(sys.argv[2]) else 1)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0], *sys.argv[1:]])


if __name__ == "__main__":
    main()

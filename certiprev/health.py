"""`/healthz` (the process answers) and `/readyz` (what a request needs is reachable: database, task queue, storage).

Both are answered by a middleware placed first: load balancers and orchestrators probe over plain HTTP with an IP
as host, which the HTTPS redirect and ALLOWED_HOSTS would otherwise refuse, and a probe needs no session.
Each readiness check is a function that raises when its part is unreachable; `register` adds or replaces one
(another storage or queue backend brings its own check under the same name).
"""

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

CHECKS: dict[str, Callable[[], None]] = {}


def register(name: str) -> Callable[[Callable[[], None]], Callable[[], None]]:
    def decorator(check: Callable[[], None]) -> Callable[[], None]:
        CHECKS[name] = check
        return check

    return decorator


@register("database")
def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


@register("queue")
def check_task_queue() -> None:
    backend = settings.TASKS["default"]["BACKEND"]
    if backend.startswith("django_tasks_db."):
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.only("pk").first()  # the queue table exists and answers
    elif backend.startswith("django_tasks_rq."):
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    # The immediate backend (tests) runs tasks in the request: nothing to reach.


@register("storage")
def check_storage() -> None:
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        # Writable, or creatable on the first certificate: the nearest existing folder must be writable.
        path = Path(storage.location)
        while not path.exists() and path != path.parent:
            path = path.parent
        if not (path.is_dir() and os.access(path, os.W_OK | os.X_OK)):
            raise OSError(f"storage folder {storage.location} is not writable")
        return
    storage.exists("readyz-probe")  # object storage: one authenticated round trip to the bucket


def readiness() -> dict[str, bool]:
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # a probe reports; the log keeps the reason, the answer only names the part
            logger.exception("readiness check %s failed", name)
            results[name] = False
        else:
            results[name] = True
    return results


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})


def readyz(request: HttpRequest) -> HttpResponse:
    results = readiness()
    failed = [name for name, ok in results.items() if not ok]
    body: dict[str, Any] = {
        "status": "unavailable" if failed else "ok",
        "checks": {name: "ok" if ok else "error" for name, ok in results.items()},
    }
    if failed:
        body["failed"] = failed
        body["detail"] = "Indisponible : " + ", ".join(failed) + "."
    return JsonResponse(body, status=503 if failed else 200, headers={"Cache-Control": "no-store"})


PROBES = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in {"GET", "HEAD"}:
            return probe(request)
        return self.get_response(request)

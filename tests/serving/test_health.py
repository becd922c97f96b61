"""/healthz says the process answers; /readyz checks the database, the task queue and the storage (503 naming them)."""

import pytest
from django.test import Client

from certiprev import health

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RQ_QUEUE = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


def _local_storage(settings, location) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(location)}},
    }


def test_healthz_answers_without_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert response["Cache-Control"] == "no-store"


def test_readyz_checks_the_database_the_queue_and_the_storage(client, db, settings, tmp_path):
    settings.TASKS = DB_QUEUE
    _local_storage(settings, tmp_path / "media")  # not created yet: its parent is writable, that is enough
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "queue": "ok", "storage": "ok"}}


def test_readyz_answers_503_naming_the_unreachable_parts(client, db, settings, tmp_path, caplog):
    settings.TASKS = RQ_QUEUE
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    _local_storage(settings, blocker / "media")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "queue": "error", "storage": "error"},
        "failed": ["queue", "storage"],
        "detail": "Indisponible : queue, storage.",
    }
    assert "readiness check queue failed" in caplog.text  # the reason stays in the log, not in the answer


def test_readyz_with_a_redis_queue_that_answers(client, db, settings):
    settings.TASKS = RQ_QUEUE
    settings.REDIS_URL = "redis://127.0.0.1:6379/4"
    assert client.get("/readyz").json()["checks"]["queue"] == "ok"


def test_probes_answer_plain_http_and_any_host_before_redirects_and_host_checks(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["certiprev.example.fr"]
    client = Client(HTTP_HOST="10.0.0.7:8000", raise_request_exception=False)
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/connexion/").status_code == 400  # everything else keeps the checks


def test_a_check_registered_under_a_name_replaces_the_default(client, db, monkeypatch):
    monkeypatch.setattr(health, "CHECKS", dict(health.CHECKS))

    @health.register("storage")
    def storage_down() -> None:
        raise ConnectionError("bucket unreachable")

    response = client.get("/readyz")
    assert (response.status_code, response.json()["failed"]) == (503, ["storage"])


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_probes_only_answer_reads(client, db, method):
    assert getattr(client, method)("/healthz").status_code in {403, 404, 405}

"""Webhooks against a real local HTTP receiver: signature, retries with backoff, idempotency, delivery log."""

import datetime as dt
import io
import json
import socket

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from certiprev.trainings import services
from certiprev.webhooks import signing
from certiprev.webhooks.delivery import retry_delay
from certiprev.webhooks.models import WebhookDelivery, WebhookEndpoint
from certiprev.webhooks.services import (
    webhook_delivery_attempt,
    webhook_endpoint_create,
    webhook_events_schedule,
)
from tests.api.conftest import api_for, assert_error
from tests.factories import results_for


@pytest.fixture
def endpoint(member, organisation, receiver) -> WebhookEndpoint:
    return webhook_endpoint_create(by=member, organisation=organisation, url=receiver.url)


def submit(member, training, capture):
    with capture(execute=True):
        services.training_submit(by=member, training=training)


def deliveries_due() -> int:
    out = io.StringIO()
    call_command("deliver_webhooks", stdout=out)
    return int(out.getvalue().split()[0])


def test_a_transition_is_posted_once_signed_with_the_endpoint_secret(
    member, training_with_trainees, endpoint, receiver, django_capture_on_commit_callbacks
):
    submit(member, training_with_trainees, django_capture_on_commit_callbacks)
    assert len(receiver.received) == 1
    request = receiver.received[0]
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert request.headers["Certiprev-Event"] == "training.submitted"
    assert signing.signature_verify(endpoint.secret, request.headers["Certiprev-Signature"], request.body)
    assert not signing.signature_verify("whsec_autre", request.headers["Certiprev-Signature"], request.body)
    assert not signing.signature_verify(endpoint.secret, request.headers["Certiprev-Signature"], request.body + b" ")
    event = request.json
    assert event["type"] == "training.submitted"
    assert event["id"] == request.headers["Certiprev-Event-Id"]
    training = event["data"]["training"]
    assert training["id"] == str(training_with_trainees.public_id)
    assert training["state"] == "submitted"
    assert event["data"]["transition"]["from_state"] == "draft"
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("succeeded", 1, 200)
    assert delivery.log.get().status_code == 200


def test_a_failed_delivery_is_retried_with_exponential_backoff_and_the_same_event_id(
    member, training_with_trainees, endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [500, 503]
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        submit(member, training_with_trainees, django_capture_on_commit_callbacks)
        delivery = WebhookDelivery.objects.get()
        assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
        assert delivery.next_attempt_at == start + dt.timedelta(seconds=60)
        assert deliveries_due() == 0  # not due yet: nothing sent
        assert len(receiver.received) == 1

        clock.shift(dt.timedelta(seconds=61))
        assert deliveries_due() == 1
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("pending", 2, 503)
        assert delivery.next_attempt_at == start + dt.timedelta(seconds=61 + 120)

        clock.shift(dt.timedelta(seconds=119))
        assert deliveries_due() == 0
        clock.shift(dt.timedelta(seconds=2))
        assert deliveries_due() == 1
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == ("succeeded", 3)
        # Every attempt carries the same event id (receivers de-duplicate on it) and a fresh, valid signature.
        assert len({r.headers["Certiprev-Event-Id"] for r in receiver.received}) == 1
        assert [r.headers["Certiprev-Delivery-Attempt"] for r in receiver.received] == ["1", "2", "3"]
        assert all(
            signing.signature_verify(endpoint.secret, r.headers["Certiprev-Signature"], r.body)
            for r in receiver.received[-1:]
        )
        assert len({r.headers["Certiprev-Signature"] for r in receiver.received}) == 3
        assert deliveries_due() == 0
    assert len(receiver.received) == 3


def test_the_backoff_doubles_and_is_capped():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert retry_delay(30) == dt.timedelta(hours=6)


@override_settings(WEBHOOK_MAX_ATTEMPTS=2)
def test_a_delivery_is_given_up_after_the_last_attempt(
    member, training_with_trainees, endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [500] * 5
    with time_machine.travel(timezone.now(), tick=False) as clock:
        submit(member, training_with_trainees, django_capture_on_commit_callbacks)
        clock.shift(dt.timedelta(minutes=2))
        assert deliveries_due() == 1
        clock.shift(dt.timedelta(days=1))
        assert deliveries_due() == 0
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == ("failed", 2, None)
    assert len(receiver.received) == 2


def test_a_delivered_event_is_never_sent_twice(
    member, training_with_trainees, endpoint, receiver, django_capture_on_commit_callbacks
):
    submit(member, training_with_trainees, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert webhook_delivery_attempt(delivery_id=delivery.pk) is None  # a retried task: nothing to do
    event = training_with_trainees.events.get(action="submit")
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_events_schedule(event=event) == []  # scheduling again: no second delivery
    assert deliveries_due() == 0
    assert WebhookDelivery.objects.count() == 1
    assert len(receiver.received) == 1


def test_two_endpoints_receive_the_same_event_id(
    member, organisation, training_with_trainees, endpoint, receiver, django_capture_on_commit_callbacks
):
    webhook_endpoint_create(by=member, organisation=organisation, url=receiver.url + "?second=1")
    submit(member, training_with_trainees, django_capture_on_commit_callbacks)
    assert len(receiver.received) == 2
    assert len({r.headers["Certiprev-Event-Id"] for r in receiver.received}) == 1
    assert len({r.headers["Certiprev-Delivery-Id"] for r in receiver.received}) == 2


def test_an_endpoint_receives_only_the_events_it_subscribed_to(
    member, organisation, trainer, training_with_trainees, receiver, django_capture_on_commit_callbacks
):
    webhook_endpoint_create(by=member, organisation=organisation, url=receiver.url, events=["training.validated"])
    submit(member, training_with_trainees, django_capture_on_commit_callbacks)
    assert receiver.received == []
    with django_capture_on_commit_callbacks(execute=True):
        services.training_validate(
            by=trainer.user, training=training_with_trainees, results=results_for(training_with_trainees)
        )
    assert [r.json["type"] for r in receiver.received] == ["training.validated"]


def test_each_transition_has_its_event(
    member, trainer, training_with_trainees, endpoint, receiver, signing_key_dir, django_capture_on_commit_callbacks
):
    training = training_with_trainees
    with django_capture_on_commit_callbacks(execute=True):
        services.training_submit(by=member, training=training)
        services.training_return(by=trainer.user, training=training, reason="Une stagiaire manque.")
        services.training_submit(by=member, training=training)
        services.training_validate(by=trainer.user, training=training, results=results_for(training))
        services.training_close(by=member, training=training)
    assert [r.json["type"] for r in receiver.received] == [
        "training.submitted",
        "training.returned",
        "training.submitted",
        "training.validated",
        "training.closed",
        "certificates.ready",  # emitted by the certificates' issuance, run on commit too
    ]
    assert receiver.received[1].json["data"]["transition"]["comment"] == "Une stagiaire manque."


def test_nothing_is_sent_when_the_transition_rolls_back(
    member, training, endpoint, receiver, django_capture_on_commit_callbacks
):
    from certiprev.lib.errors import WorkflowError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(WorkflowError):
        services.training_submit(by=member, training=training)  # no trainees: refused
    assert WebhookDelivery.objects.count() == 0
    assert receiver.received == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_endpoint_is_logged_and_retried(
    member, organisation, training_with_trainees, django_capture_on_commit_callbacks
):
    webhook_endpoint_create(by=member, organisation=organisation, url=f"http://127.0.0.1:{_free_port()}/hook")
    submit(member, training_with_trainees, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "pending" and delivery.last_status_code is None
    assert delivery.last_error.startswith("Échec de connexion")
    assert delivery.log.get().error == delivery.last_error


def test_redirects_are_not_followed(
    member, training_with_trainees, endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [302]
    submit(member, training_with_trainees, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.last_status_code) == ("pending", 302)
    assert len(receiver.received) == 1


def test_https_endpoints_on_internal_addresses_are_refused_at_delivery(
    member, organisation, training_with_trainees, django_capture_on_commit_callbacks
):
    webhook_endpoint_create(by=member, organisation=organisation, url="https://127.0.0.1:1/hook")
    submit(member, training_with_trainees, django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    assert "adresse interne" in delivery.last_error
    assert delivery.log.get().duration_ms == 0


# ---------------------------------------------------------------------------------------------------------------
# Through the API


def test_an_organisation_registers_an_endpoint_and_reads_its_delivery_log(
    member, training_with_trainees, receiver, django_capture_on_commit_callbacks
):
    api = api_for(member)
    response = api.post(
        "webhooks", {"url": receiver.url, "events": ["training.submitted"], "description": "Notre ERP"}
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["secret"].startswith("whsec_")
    assert "secret" not in api.get(f"webhooks/{created['id']}").json()
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(f"trainings/{training_with_trainees.public_id}/submit").status_code == 200
    log = api.get(f"webhooks/{created['id']}/deliveries").json()
    assert len(log) == 1
    assert log[0]["event"] == "training.submitted" and log[0]["state"] == "pending"
    assert [(a["status_code"], a["error"]) for a in log[0]["log"]] == [(500, "Réponse HTTP 500.")]
    assert signing.signature_verify(
        created["secret"], receiver.received[0].headers["Certiprev-Signature"], receiver.received[0].body
    )


def test_a_ping_sends_a_signed_test_event(member, endpoint, receiver, django_capture_on_commit_callbacks):
    api = api_for(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"webhooks/{endpoint.public_id}/ping")
    assert response.status_code == 202, response.content
    assert [r.json["type"] for r in receiver.received] == ["ping"]
    assert signing.signature_verify(
        endpoint.secret, receiver.received[0].headers["Certiprev-Signature"], receiver.received[0].body
    )


def test_rotating_the_secret_signs_the_next_deliveries_with_the_new_one(
    member, endpoint, receiver, django_capture_on_commit_callbacks
):
    api = api_for(member)
    new_secret = api.post(f"webhooks/{endpoint.public_id}/secret").json()["secret"]
    assert new_secret != endpoint.secret
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"webhooks/{endpoint.public_id}/ping")
    assert signing.signature_verify(
        new_secret, receiver.received[0].headers["Certiprev-Signature"], receiver.received[0].body
    )


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://exemple.fr/hook", "Seules les adresses https://"),
        ("ftp://exemple.fr/hook", "doit commencer par https://"),
        ("https://user:pass@exemple.fr/hook", "identifiant ni de mot de passe"),
        ("https:///hook", "doit commencer par https://"),
        ("https://exemple.fr:99999/", "Adresse invalide"),
        ("javascript:alert(1)", "doit commencer par https://"),
    ],
)
def test_only_https_addresses_are_accepted(member, url, words):
    body = assert_error(api_for(member).post("webhooks", {"url": url}), 422, "url_invalid")
    assert words in body["detail"]
    assert WebhookEndpoint.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "https://erp.exemple.fr/certiprev",
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://[::1]:9000/hook",
    ],
)
def test_https_and_loopback_http_addresses_are_accepted(member, url):
    assert api_for(member).post("webhooks", {"url": url}).status_code == 201


def test_unknown_events_are_refused(member):
    body = assert_error(
        api_for(member).post("webhooks", {"url": "https://exemple.fr/h", "events": ["everything"]}),
        422,
        "events_invalid",
    )
    assert "training.submitted" in body["detail"]


def test_a_trainer_without_organisation_cannot_register_an_endpoint(trainer):
    assert_error(api_for(trainer.user).post("webhooks", {"url": "https://exemple.fr/h"}), 403, "forbidden")


def test_deleting_an_endpoint_stops_the_deliveries(
    member, endpoint, training_with_trainees, receiver, django_capture_on_commit_callbacks
):
    api = api_for(member)
    assert api.delete(f"webhooks/{endpoint.public_id}").status_code == 204
    submit(member, training_with_trainees, django_capture_on_commit_callbacks)
    assert receiver.received == []


def test_with_a_deferring_task_backend_the_retry_is_enqueued_for_later(
    member, training_with_trainees, endpoint, receiver
):
    from django_tasks_db.models import DBTaskResult

    receiver.statuses = [500]
    services.training_submit(by=member, training=training_with_trainees)  # on_commit not run: attempt by hand
    delivery = WebhookDelivery.objects.get()
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        webhook_delivery_attempt(delivery_id=delivery.pk)
        delivery.refresh_from_db()
        task = DBTaskResult.objects.get()
    assert task.run_after == delivery.next_attempt_at
    assert task.task_path == "certiprev.webhooks.tasks.webhook_delivery_attempt_task"
    assert json.loads(json.dumps(task.args_kwargs))["args"] == [delivery.pk]


def test_signature_verification_refuses_old_timestamps():
    body = b'{"id": "x"}'
    header = signing.signature_header("whsec_s", body, timestamp=1_700_000_000)
    assert signing.signature_verify("whsec_s", header, body, now=1_700_000_100)
    assert not signing.signature_verify("whsec_s", header, body, now=1_700_001_000)
    assert not signing.signature_verify("whsec_s", "t=abc,v1=00", body)
    assert not signing.signature_verify("whsec_s", "", body)


def test_an_inactive_endpoint_is_not_pinged(member, endpoint, receiver):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    assert_error(api_for(member).post(f"webhooks/{endpoint.public_id}/ping"), 409, "endpoint_inactive")
    assert receiver.received == []

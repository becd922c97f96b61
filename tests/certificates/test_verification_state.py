"""Keys and revocations held in process for server-side verification: no query per check, changes seen within
VERIFICATION_CACHE_SECONDS by every process (a second VerificationState stands for another process)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from certiprev.certificates.card_checks import certificate_verify, verification_report
from certiprev.certificates.models import Certificate
from certiprev.certificates.selectors import certificate_pdf_open
from certiprev.certificates.services import certificate_revoke, signing_key_compromise
from certiprev.certificates.verification_state import VerificationState
from certiprev.lib import cp1
from tests.certificates.helpers import pdf_qr_contents

BOUND = 5


@pytest.fixture(autouse=True)
def _bound(settings):
    settings.VERIFICATION_CACHE_SECONDS = BOUND


@pytest.fixture
def card(close):
    training = close(trainees=2)
    certificate = Certificate.objects.filter(training=training).select_related("scheme").first()
    handle, _ = certificate_pdf_open(certificate)
    [content] = pdf_qr_contents(handle.read())
    return certificate, content


def _status(state: VerificationState, content: str) -> str:
    current = state.current()
    return cp1.verify_content(content, keys=current.keys, revoked=current.revoked, today=timezone.localdate()).status


def test_a_check_makes_no_query_once_keys_and_revocations_are_loaded(card, django_assert_num_queries):
    _, content = card
    assert certificate_verify(content=content).status == "valid"
    with django_assert_num_queries(0):
        for _ in range(3):
            assert certificate_verify(content=content).status == "valid"


def test_the_api_report_makes_no_query_once_its_names_are_known(card, django_assert_num_queries):
    certificate, content = card
    first = verification_report(content=content)
    with django_assert_num_queries(0):
        again = verification_report(content=content)
    assert again == first
    assert again["scheme"] == {"code": certificate.scheme.code, "name": certificate.scheme.name}
    assert again["organisation"]["name"] == certificate.training.organisation.name


def test_past_the_bound_an_unchanged_state_costs_two_stamp_queries_and_no_reload(card, django_assert_num_queries):
    _, content = card
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        certificate_verify(content=content)
        traveller.shift(dt.timedelta(seconds=BOUND))
        with django_assert_num_queries(2):  # the revocations' stamp and the keys' stamp
            certificate_verify(content=content)
        with django_assert_num_queries(0):
            certificate_verify(content=content)


def test_a_revocation_is_seen_at_once_here_and_within_the_bound_by_another_process(card, network_admin):
    certificate, content = card
    other_process = VerificationState()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert certificate_verify(content=content).status == "valid"
        assert _status(other_process, content) == "valid"

        certificate_revoke(by=network_admin, certificate=certificate, reason="Fraude")

        assert certificate_verify(content=content).status == "revoked"  # the revoking process forgot its state
        traveller.shift(dt.timedelta(seconds=BOUND - 1))
        assert _status(other_process, content) == "valid"  # still inside the stated bound
        traveller.shift(dt.timedelta(seconds=1))
        assert _status(other_process, content) == "revoked"


def test_a_revocation_written_without_the_service_is_seen_within_the_bound(card):
    """Even a change that no code of this process announced (another host, a manual UPDATE) is seen in time."""
    certificate, content = card
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert certificate_verify(content=content).status == "valid"
        Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now(), revoked_reason="Erreur")
        assert certificate_verify(content=content).status == "valid"
        traveller.shift(dt.timedelta(seconds=BOUND))
        assert certificate_verify(content=content).status == "revoked"


def test_a_compromised_key_is_refused_within_the_bound_by_another_process(card):
    certificate, content = card
    other_process = VerificationState()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert _status(other_process, content) == "valid"
        signing_key_compromise(kid=certificate.key_id, reason="Clé copiée")
        assert certificate_verify(content=content).status == "invalid"
        traveller.shift(dt.timedelta(seconds=BOUND))
        assert _status(other_process, content) == "invalid"


def test_a_clock_going_backwards_reads_the_state_again(card, network_admin):
    certificate, content = card
    other_process = VerificationState()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert _status(other_process, content) == "valid"
        Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now(), revoked_reason="Erreur")
        traveller.shift(dt.timedelta(seconds=-60))
        assert _status(other_process, content) == "revoked"

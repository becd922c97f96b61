"""Reminders before a habilitation ends (6, 3 and 1 months), the renewal link, and the webhook event."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from certiprev.habilitations.enums import RequestKind, RequestState
from certiprev.habilitations.models import ExpiryReminder, HabilitationRequest
from certiprev.habilitations.reminders import habilitation_expiry_reminders_send, threshold_reached
from certiprev.habilitations.services import habilitations_grant
from certiprev.lib.dates import add_months
from certiprev.organisations.enums import HabilitationStatus, MemberRole, Region
from certiprev.scheduler.models import ScheduledJob
from certiprev.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.factories import HabilitationFactory, MembershipFactory, OrganisationFactory

END = dt.date(2027, 9, 30)


def _habilitation(**kwargs):
    organisation = OrganisationFactory(name="Prévention Rhône", region=Region.RHONE_ALPES)
    MembershipFactory(organisation=organisation, role=MemberRole.CORRESPONDENT, user__email="ceh@of.fr")
    MembershipFactory(organisation=organisation, role=MemberRole.USER, user__email="user@of.fr")
    return HabilitationFactory(
        organisation=organisation, valid_from=dt.date(2022, 10, 1), valid_until=END, level=2, **kwargs
    )


def _run_on(day: dt.date) -> int:
    with time_machine.travel(dt.datetime.combine(day, dt.time(9)), tick=False):
        return habilitation_expiry_reminders_send()


def test_thresholds_are_reached_6_3_and_1_months_before_the_end():
    assert threshold_reached(END, dt.date(2027, 3, 29)) is None
    assert threshold_reached(END, dt.date(2027, 3, 30)) == 6
    assert threshold_reached(END, dt.date(2027, 6, 30)) == 3
    assert threshold_reached(END, dt.date(2027, 8, 30)) == 1


def test_each_threshold_is_sent_once_to_the_correspondents(db):
    habilitation = _habilitation()
    sent = {}
    day = dt.date(2027, 3, 1)
    while day <= END + dt.timedelta(days=5):  # every day, twice, from seven months before to after the end
        sent[day] = _run_on(day) + _run_on(day)
        day += dt.timedelta(days=1)
    assert {d: n for d, n in sent.items() if n} == {
        dt.date(2027, 3, 30): 1,
        dt.date(2027, 6, 30): 1,
        dt.date(2027, 8, 30): 1,
    }
    assert sorted(
        ExpiryReminder.objects.filter(habilitation=habilitation).values_list("months_before", flat=True)
    ) == [1, 3, 6]
    assert len(mail.outbox) == 3
    first = mail.outbox[0]
    assert first.bcc == ["ceh@of.fr"]  # the correspondent, not the plain user
    assert first.subject == "Habilitation SST de Prévention Rhône : fin le 30/09/2027"
    assert "prend fin le 30/09/2027, dans 184 jours" in first.body
    assert reverse("www:habilitation_renewal", kwargs={"pk": habilitation.pk}) in first.body
    html = first.alternatives[0][0]
    assert "Préparer le renouvellement" in html


def test_a_late_first_run_sends_only_the_nearest_threshold(db):
    _habilitation()
    assert _run_on(dt.date(2027, 9, 1)) == 1
    assert list(ExpiryReminder.objects.values_list("months_before", flat=True)) == [1]
    assert _run_on(dt.date(2027, 9, 20)) == 0


def test_without_a_correspondent_every_member_is_reminded(db):
    organisation = OrganisationFactory()
    MembershipFactory(organisation=organisation, user__email="b@of.fr")
    MembershipFactory(organisation=organisation, user__email="a@of.fr")
    MembershipFactory(organisation=organisation, user__email="gone@of.fr", user__is_active=False)
    HabilitationFactory(organisation=organisation, valid_until=END)
    assert _run_on(dt.date(2027, 8, 31)) == 1
    assert mail.outbox[0].bcc == ["a@of.fr", "b@of.fr"]


@pytest.mark.parametrize("status", [HabilitationStatus.SUSPENDED, HabilitationStatus.WITHDRAWN])
def test_suspended_and_withdrawn_habilitations_are_not_reminded(db, status):
    _habilitation(status=status)
    assert _run_on(dt.date(2027, 9, 1)) == 0
    assert mail.outbox == [] and not ExpiryReminder.objects.exists()


def test_a_renewed_habilitation_is_not_reminded_for_its_old_end_but_for_its_new_one(db):
    habilitation = _habilitation()
    assert _run_on(dt.date(2027, 4, 1)) == 1  # 6 months before the old end
    request = HabilitationRequest.objects.create(
        organisation=habilitation.organisation,
        kind=RequestKind.RENEWAL,
        state=RequestState.GRANTED,
        state_changed_at=dt.datetime(2027, 5, 1, tzinfo=dt.UTC),
    )
    request.schemes.set([habilitation.scheme])
    with time_machine.travel(dt.datetime(2027, 5, 1, 9, tzinfo=dt.UTC), tick=False):
        [extended] = habilitations_grant(by=None, request=request)
    assert extended.pk == habilitation.pk and extended.valid_until == add_months(END, 60)
    for day in (dt.date(2027, 7, 1), dt.date(2027, 9, 1), dt.date(2027, 9, 29)):
        assert _run_on(day) == 0
    new_end = extended.valid_until
    assert _run_on(add_months(new_end, -6)) == 1
    assert set(ExpiryReminder.objects.values_list("valid_until", "months_before")) == {(END, 6), (new_end, 6)}


def test_the_reminder_emits_the_habilitation_expiring_webhook_once(db):
    habilitation = _habilitation()
    WebhookEndpoint.objects.create(
        organisation=habilitation.organisation, url="https://hooks.example.org/x", secret="s" * 32, events=[]
    )
    assert _run_on(dt.date(2027, 7, 1)) == 1
    assert _run_on(dt.date(2027, 7, 2)) == 0
    [delivery] = WebhookDelivery.objects.all()
    assert delivery.event_type == "habilitation.expiring"
    data = delivery.payload["data"]
    assert data["habilitation"] == {
        "id": habilitation.pk,
        "scheme": "SST",
        "level": 2,
        "valid_from": "2022-10-01",
        "valid_until": "2027-09-30",
    }
    assert data["months_before"] == 3 and data["days_left"] == 91
    assert data["renewal_url"].endswith(reverse("www:habilitation_renewal", kwargs={"pk": habilitation.pk}))


def test_the_command_reports_what_it_sent(db, capsys):
    _habilitation()
    with time_machine.travel(dt.datetime(2027, 9, 1, 9, tzinfo=dt.UTC), tick=False):
        call_command("send_habilitation_reminders")
    assert "1 rappel(s) envoyé(s)." in capsys.readouterr().out


def test_the_scheduler_runs_the_reminders(db, settings):
    _habilitation()
    with time_machine.travel(dt.datetime(2027, 9, 1, 9, tzinfo=dt.UTC), tick=False):
        call_command("scheduler", "--once", verbosity=0)
    job = ScheduledJob.objects.get(name="send_habilitation_reminders")
    assert job.last_outcome == "ok"
    assert job.last_message == "1 rappel(s) de fin d'habilitation envoyé(s)"
    assert settings.SCHEDULER_INTERVALS["send_habilitation_reminders"] == 86400
    assert len(mail.outbox) == 1


# ---------------------------------------------------------------------------------------------------------------
# The renewal link


@pytest.fixture
def renewal_setup(db):
    habilitation = _habilitation()
    correspondent = habilitation.organisation.memberships.get(role=MemberRole.CORRESPONDENT).user
    user = habilitation.organisation.memberships.get(role=MemberRole.USER).user
    return habilitation, correspondent, user, reverse("www:habilitation_renewal", kwargs={"pk": habilitation.pk})


def test_opening_the_link_creates_nothing_the_button_creates_one_draft_renewal(renewal_setup, client):
    habilitation, correspondent, _, url = renewal_setup
    client.force_login(correspondent)
    page = client.get(url)
    assert page.status_code == 200
    assert "Créer le brouillon de renouvellement" in page.content.decode()
    assert not HabilitationRequest.objects.exists()  # a mail scanner opening the link creates nothing

    created = client.post(url)
    assert created.status_code == 200
    request = HabilitationRequest.objects.get()
    assert (request.kind, request.state, request.level) == (RequestKind.RENEWAL, RequestState.DRAFT, 2)
    assert list(request.schemes.values_list("code", flat=True)) == ["SST"]
    text = created.content.decode()
    assert "Le brouillon de votre demande de renouvellement est créé." in text
    assert str(request.public_id) in text

    again = client.post(url)  # a second click: the open request is shown, no second one is created
    assert again.status_code == 409
    assert HabilitationRequest.objects.count() == 1
    assert "déjà en cours pour SST" in again.content.decode()
    assert str(request.public_id) in again.content.decode()


def test_a_plain_member_sees_the_link_but_cannot_create_the_draft(renewal_setup, client):
    _, _, user, url = renewal_setup
    client.force_login(user)
    page = client.get(url)
    assert "Seul le correspondant de l'organisme" in page.content.decode()
    refused = client.post(url)
    assert refused.status_code == 403
    assert not HabilitationRequest.objects.exists()


def test_the_renewal_link_of_another_organisation_is_a_404(renewal_setup, client):
    _, _, _, url = renewal_setup
    outsider = MembershipFactory(role=MemberRole.CORRESPONDENT).user
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not HabilitationRequest.objects.exists()


def test_the_renewal_link_asks_anonymous_visitors_to_sign_in(renewal_setup, client):
    _, _, _, url = renewal_setup
    response = client.get(url)
    assert response.status_code == 302 and reverse("www:login") in response["Location"]

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.urls import reverse

from certiprev.audit.models import AuditEvent
from certiprev.organisations.models import Habilitation, Membership, Organisation
from certiprev.trainers.models import Trainer, TrainerCertification
from certiprev.trainings.enums import TrainingState
from certiprev.trainings.models import Training
from certiprev.trainings.summary import summary_rebuild
from tests.factories import (
    HabilitationFactory,
    MembershipFactory,
    OrganisationFactory,
    TrainerCertificationFactory,
    TrainerFactory,
    scheme,
    today,
)
from tests.www.conftest import certificate_record, make_sessions, set_state, text_of


def fr(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def test_creating_an_organisation(admin_client_):
    response = admin_client_.post(
        reverse("www:network_organisation_create"),
        {"name": "Prévention Alpes", "siret": "732 829 320 00074", "kind": "training_body"},
    )
    organisation = Organisation.objects.get(name="Prévention Alpes")
    assert response["Location"] == reverse("www:network_organisation", args=[organisation.public_id])


def test_an_invalid_siret_is_explained(admin_client_):
    response = admin_client_.post(
        reverse("www:network_organisation_create"),
        {"name": "Prévention Alpes", "siret": "123", "kind": "training_body"},
    )
    assert response.status_code == 422 and 'href="#id_siret"' in response.content.decode()


def test_adding_and_ending_a_habilitation(admin_client_, organisation):
    url = reverse("www:network_habilitation_add", args=[organisation.public_id])
    response = admin_client_.post(
        url,
        {
            "hab-scheme": scheme("SST").pk,
            "hab-valid_from": fr(today()),
            "hab-valid_until": fr(today() + dt.timedelta(days=700)),
        },
    )
    assert response.status_code == 302
    habilitation = Habilitation.objects.get()
    end_url = reverse("www:network_habilitation_end", args=[habilitation.pk])
    assert admin_client_.post(end_url, {"on": fr(today()), "reason": ""}).status_code == 422
    assert admin_client_.post(end_url, {"on": fr(today()), "reason": "Retrait"}).status_code == 302
    habilitation.refresh_from_db()
    assert habilitation.valid_until == today()
    assert AuditEvent.objects.filter(action="habilitation_end").exists()


def test_adding_a_member_emails_an_invitation(admin_client_, organisation, django_capture_on_commit_callbacks):
    url = reverse("www:network_member_add", args=[organisation.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(
            url, {"member-email": "nouveau@of.fr", "member-first_name": "Léa", "member-last_name": "Roux"}
        )
    assert response.status_code == 302
    assert Membership.objects.filter(organisation=organisation, user__email="nouveau@of.fr").exists()
    assert [m.to for m in mail.outbox] == [["nouveau@of.fr"]]
    assert "/invitation/" in mail.outbox[0].body and organisation.name in mail.outbox[0].body


def test_removing_a_member(admin_client_, member):
    membership = member.memberships.get()
    assert admin_client_.post(reverse("www:network_member_remove", args=[membership.pk])).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_creating_a_trainer_emails_an_invitation(admin_client_, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(
            reverse("www:network_trainer_create"),
            {"email": "paul@formateur.fr", "first_name": "Paul", "last_name": "Girard", "number": ""},
        )
    trainer = Trainer.objects.get(email="paul@formateur.fr")
    assert response["Location"] == reverse("www:network_trainer", args=[trainer.number])
    assert mail.outbox[0].to == ["paul@formateur.fr"] and trainer.number in mail.outbox[0].body


def test_adding_extending_and_ending_a_certification(admin_client_, trainer):
    url = reverse("www:network_certification_add", args=[trainer.number])
    admin_client_.post(
        url,
        {
            "cert-scheme": scheme("SST").pk,
            "cert-valid_from": fr(today()),
            "cert-valid_until": fr(today() + dt.timedelta(days=100)),
        },
    )
    certification = TrainerCertification.objects.get()
    extend = reverse("www:network_certification_extend", args=[certification.pk])
    assert admin_client_.post(extend, {"valid_until": fr(today() + dt.timedelta(days=50))}).status_code == 422
    assert admin_client_.post(extend, {"valid_until": fr(today() + dt.timedelta(days=400))}).status_code == 302
    periods = list(TrainerCertification.objects.order_by("valid_from").values_list("valid_from", "valid_until"))
    assert periods[1] == (today() + dt.timedelta(days=101), today() + dt.timedelta(days=400))
    end = reverse("www:network_certification_end", args=[certification.pk])
    assert admin_client_.post(end, {"on": fr(today()), "reason": "Suspension"}).status_code == 302
    certification.refresh_from_db()
    assert certification.valid_until == today()


def test_the_scheme_rules_are_listed_with_a_link_to_the_admin(admin_client_):
    html = admin_client_.get(reverse("www:network_schemes")).content.decode()
    assert "/admin/catalog/scheme/" in html and "Sauveteur Secouriste du Travail" in html


def test_overdue_sessions_and_the_deadline_override(admin_client_, training_with_trainees):
    training = set_state(training_with_trainees, TrainingState.VALIDATED)
    Training.objects.filter(pk=training.pk).update(close_before=today() - dt.timedelta(days=3))
    page = admin_client_.get(reverse("www:network_overdue")).context["page"]
    assert [t.pk for t in page.object_list] == [training.pk]
    url = reverse("www:network_override", args=[training.public_id])
    response = admin_client_.post(url, {"until": fr(today() + dt.timedelta(days=60)), "reason": "Panne"})
    assert response.status_code == 422 and "31 jours" in text_of(response)
    response = admin_client_.post(url, {"until": fr(today() + dt.timedelta(days=10)), "reason": "Panne serveur"})
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.close_extended_until == today() + dt.timedelta(days=10)
    assert not admin_client_.get(reverse("www:network_overdue")).context["page"].object_list


def test_statistics_count_certificates_pass_rate_states_and_waiting(admin_client_, organisation, trainer):
    closed = make_sessions(organisation, trainer, 1, state=TrainingState.CLOSED, trainees=4)[0]
    trainees = list(closed.trainees.all())
    closed.trainees.filter(pk__in=[t.pk for t in trainees[:3]]).update(present=True, passed=True)
    closed.trainees.filter(pk=trainees[3].pk).update(present=False, passed=False)
    for trainee in trainees[:3]:  # the certificates app's records are what the chart counts
        certificate_record(trainee)
    make_sessions(organisation, trainer, 2, state=TrainingState.SUBMITTED, trainees=0)
    summary_rebuild()  # the sessions above are written by factories, not the services that keep the summary
    response = admin_client_.get(reverse("www:network_statistics"))
    data = response.context["data"]
    assert sum(data.certificate_totals) == 3
    assert data.certificates["SST"][-1] == 3  # issued this month
    assert data.pass_rates == [("SST", 4, 3, 3)]
    assert dict(data.states)["Soumise au formateur"] == 2
    assert sum(n for _label, n in data.waiting_now) == 2
    assert "<svg" in response.content.decode()
    rows = list(
        csv.reader(
            io.StringIO(admin_client_.get(reverse("www:network_statistics_csv")).content.decode().lstrip("\ufeff")),
            delimiter=";",
        )
    )
    period = f"{data.months[0]:%Y-%m} à {data.months[-1]:%Y-%m}"
    assert ["taux_reussite_presents_pct", "SST", period, "100.0"] in rows
    assert ["taux_reussite_inscrits_pct", "SST", period, "75.0"] in rows
    assert ["stagiaires_absents", "SST", period, "1"] in rows


@pytest.mark.parametrize("count", [1, 30])
def test_admin_lists_query_count_does_not_grow(admin_client_, count, django_assert_max_num_queries):
    for _ in range(count):
        organisation = OrganisationFactory()
        HabilitationFactory(organisation=organisation)
        MembershipFactory(organisation=organisation)
        TrainerCertificationFactory(trainer=TrainerFactory())
    make_sessions(organisation, Trainer.objects.first(), count, state=TrainingState.VALIDATED, trainees=0)
    Training.objects.update(close_before=today() - dt.timedelta(days=2))
    for name in (
        "www:network_organisations",
        "www:network_trainers",
        "www:network_overdue",
        "www:network_statistics",
        "www:network_home",
    ):
        with django_assert_max_num_queries(12):
            assert admin_client_.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_organisation_and_trainer_pages_query_count_does_not_grow(
    admin_client_, count, organisation, trainer, django_assert_max_num_queries
):
    for _ in range(count):
        HabilitationFactory(organisation=organisation)
        MembershipFactory(organisation=organisation)
        TrainerCertificationFactory(trainer=trainer)
    with django_assert_max_num_queries(10):
        assert admin_client_.get(reverse("www:network_organisation", args=[organisation.public_id])).status_code == 200
    with django_assert_max_num_queries(10):
        assert admin_client_.get(reverse("www:network_trainer", args=[trainer.number])).status_code == 200


def test_admin_searches_organisations_and_trainers(admin_client_, organisation, trainer, other_trainer):
    OrganisationFactory(name="Autre organisme")
    page = admin_client_.get(reverse("www:network_organisations"), {"q": "Rhône"}).context["page"]
    assert [o.pk for o in page.object_list] == [organisation.pk]
    page = admin_client_.get(reverse("www:network_trainers"), {"q": "xyz54321"}).context["page"]
    assert [t.pk for t in page.object_list] == [other_trainer.pk]

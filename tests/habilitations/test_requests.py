"""Creation, parallel requests, the missing-items list, documents, waiting phrase, grant and suspension."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from certiprev.habilitations import services
from certiprev.habilitations.enums import RequestKind, RequestState
from certiprev.habilitations.models import HabilitationRequest
from certiprev.habilitations.rules import pdf_problem
from certiprev.habilitations.selectors import request_missing, waiting_phrase
from certiprev.lib.dates import add_months
from certiprev.lib.errors import WorkflowError
from certiprev.organisations.enums import HabilitationStatus
from certiprev.organisations.models import Habilitation
from certiprev.trainings import services as training_services
from certiprev.trainings.enums import TrainingKind, TrainingState
from tests.factories import (
    HabilitationFactory,
    TraineeFactory,
    TrainerFactory,
    TrainingFactory,
    results_for,
    scheme,
)

from .conftest import PDF


def _create(by, organisation, codes=("SST",), kind=RequestKind.INITIAL, numbers=()):
    return services.habilitation_request_create(
        by=by, organisation=organisation, kind=kind, schemes=[scheme(c) for c in codes], trainer_numbers=numbers
    )


def test_the_correspondent_creates_a_draft_with_its_event(correspondent, caisse_organisation, certified_trainer):
    created = _create(correspondent, caisse_organisation, numbers=[certified_trainer.number.lower()])
    assert created.state == RequestState.DRAFT
    assert list(created.trainers.all()) == [certified_trainer]
    assert created.events.get().action == "create"


def test_a_plain_member_cannot_create_a_request(plain_member, caisse_organisation):
    with pytest.raises(WorkflowError) as refused:
        _create(plain_member, caisse_organisation)
    assert refused.value.status == 403


def test_unknown_trainer_numbers_are_each_named(correspondent, caisse_organisation):
    with pytest.raises(WorkflowError) as refused:
        _create(correspondent, caisse_organisation, numbers=["ZZZ00001", "ZZZ00002"])
    assert [e["message"] for e in refused.value.errors] == [
        "Aucun formateur ne porte le numéro ZZZ00001.",
        "Aucun formateur ne porte le numéro ZZZ00002.",
    ]
    assert not HabilitationRequest.objects.exists()


def test_two_open_requests_for_the_same_scheme_are_refused_but_other_schemes_run_in_parallel(
    correspondent, caisse_organisation
):
    first = _create(correspondent, caisse_organisation, codes=["SST"])
    with pytest.raises(WorkflowError) as refused:
        _create(correspondent, caisse_organisation, codes=["SST", "PRAP_IBC"])
    assert refused.value.code == "request_already_open" and "SST" in refused.value.message
    assert "PRAP_IBC" not in refused.value.message
    _create(correspondent, caisse_organisation, codes=["PRAP_IBC"])  # parallel: another scheme
    services.habilitation_request_withdraw(by=correspondent, request=first)
    _create(correspondent, caisse_organisation, codes=["SST"])  # the withdrawn one no longer holds SST
    assert HabilitationRequest.objects.count() == 3


def test_transmission_lists_exactly_what_this_request_misses(correspondent, caisse_organisation):
    uncertified = TrainerFactory(number="ABC12345", first_name="Léa", last_name="Roux")
    created = _create(correspondent, caisse_organisation, numbers=[uncertified.number])
    with pytest.raises(WorkflowError) as refused:
        services.habilitation_request_transmit(by=correspondent, request=created)
    assert refused.value.code == "request_incomplete"
    assert refused.value.errors == [
        {
            "field": "trainer_numbers",
            "message": "Le formateur Léa ROUX (ABC12345) n'a pas de certification SST en cours de validité.",
        },
        {"field": "documents", "message": "Joignez au moins un document (PDF) à la demande."},
    ]
    created.refresh_from_db()
    assert created.state == RequestState.DRAFT


def test_a_renewal_without_habilitation_and_an_organisation_without_caisse_are_named(
    make_request, caisse_organisation
):
    caisse_organisation.region = ""
    caisse_organisation.save()
    renewal = make_request(kind=RequestKind.RENEWAL)
    assert [item["field"] for item in request_missing(renewal)] == ["organisation.region", "schemes"]


def test_a_complete_request_misses_nothing(make_request):
    assert request_missing(make_request()) == []


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "document_empty"),
        (b"GIF89a not a pdf at all", "document_not_pdf"),
        (b"%PDF-1.4 truncated without its trailer", "document_not_pdf"),
        (PDF + b"x" * 2048, "document_too_large"),
    ],
)
def test_documents_are_refused_when_empty_not_a_pdf_or_too_big(correspondent, make_request, settings, content, code):
    settings.HABILITATION_DOCUMENT_MAX_BYTES = 2048
    draft = make_request()
    with pytest.raises(WorkflowError) as refused:
        services.habilitation_request_document_add(by=correspondent, request=draft, label="Kbis", content=content)
    assert refused.value.code == code and refused.value.field == "file"
    assert draft.documents.count() == 1  # only the fixture's


def test_the_size_refusal_says_the_limit_in_french():
    assert pdf_problem(PDF + b"x" * 3_000_000, max_bytes=2 * 1024 * 1024) == (
        "document_too_large",
        "Le fichier fait 2,9 Mo : un document ne doit pas dépasser 2 Mo.",
    )


def test_a_pdf_is_stored_under_unguessable_ids(correspondent, make_request):
    draft = make_request()
    document = services.habilitation_request_document_add(
        by=correspondent, request=draft, label="Programme", content=PDF, filename="programme.pdf"
    )
    assert document.file.name == f"habilitations/{draft.public_id}/{document.public_id}.pdf"
    assert document.file.read() == PDF


def test_the_waiting_phrase_names_the_caisse_and_the_days(make_request):
    transmitted = make_request(RequestState.TRANSMITTED)
    transmitted.state_changed_at = timezone.now() - dt.timedelta(days=12)
    assert waiting_phrase(transmitted) == "attendu de : la Carsat Rhône-Alpes depuis 12 jours"
    opinion = make_request(RequestState.OPINION_GIVEN, codes=("PRAP_IBC",))
    opinion.state_changed_at = timezone.now() - dt.timedelta(days=1)
    assert waiting_phrase(opinion) == "attendu de : la CNH depuis 1 jour"
    assert waiting_phrase(make_request(RequestState.GRANTED, codes=("PRAP_2S",))) == ""


def test_the_grant_creates_a_usable_habilitation_for_the_scheme_duration(
    make_request, cnh_member, correspondent, certified_trainer
):
    granted = make_request(RequestState.OPINION_GIVEN)
    services.habilitation_request_decide(by=cnh_member, request=granted, granted=True, reason="")
    habilitation = Habilitation.objects.get(organisation=granted.organisation)
    today = timezone.localdate()
    assert (habilitation.valid_from, habilitation.valid_until) == (today, add_months(today, 60))
    assert habilitation.level == 1 and habilitation.status == HabilitationStatus.ACTIVE
    training = training_services.training_create(
        by=correspondent,
        organisation=granted.organisation,
        scheme=scheme("SST"),
        kind=TrainingKind.INITIAL,
        start_date=today + dt.timedelta(days=10),
        end_date=today + dt.timedelta(days=11),
        place="Lyon",
        trainer_number=certified_trainer.number,
    )
    assert training.state == TrainingState.DRAFT


def test_a_renewal_extends_the_running_habilitation_from_its_end(make_request, cnh_member, caisse_organisation):
    sst = scheme("SST")
    sst.habilitation_months = 24
    sst.save()
    running = HabilitationFactory(organisation=caisse_organisation, scheme=sst)
    renewal = make_request(RequestState.OPINION_GIVEN, kind=RequestKind.RENEWAL, level=2)
    services.habilitation_request_decide(by=cnh_member, request=renewal, granted=True, reason="")
    running.refresh_from_db()
    assert running.valid_until == add_months(running.valid_from + dt.timedelta(days=365 * 3), 24)
    assert running.level == 2
    assert Habilitation.objects.count() == 1


def test_a_refusal_keeps_its_reason_and_creates_nothing(make_request, cnh_member):
    refused = make_request(RequestState.OPINION_GIVEN)
    services.habilitation_request_decide(by=cnh_member, request=refused, granted=False, reason="Dossier incomplet.")
    refused.refresh_from_db()
    assert (refused.state, refused.decision_reason) == (RequestState.REFUSED, "Dossier incomplet.")
    assert not Habilitation.objects.exists()


def test_a_refusal_needs_a_reason(make_request, cnh_member):
    with pytest.raises(WorkflowError) as refused:
        services.habilitation_request_decide(
            by=cnh_member, request=make_request(RequestState.OPINION_GIVEN), granted=False, reason=" "
        )
    assert refused.value.code == "reason_required"


def test_a_suspended_habilitation_refuses_new_sessions_but_submitted_ones_are_still_validated(network_admin, trainer):
    submitted = TrainingFactory(trainer=trainer, state=TrainingState.SUBMITTED)
    # Named here: the factory's shared name iterator stays where other modules' tests expect it.
    for name in ("Garnier", "Faure", "Rousseau", "Blanc"):
        TraineeFactory(training=submitted, last_name=name)
    habilitation = Habilitation.objects.get(organisation=submitted.organisation)
    with time_machine.travel(timezone.now(), tick=False):
        services.habilitation_suspend(by=network_admin, habilitation=habilitation, reason="Contrôle en cours.")
    habilitation.refresh_from_db()
    assert habilitation.status_on(timezone.localdate()) == "suspended"
    with pytest.raises(WorkflowError) as refused:
        training_services.training_create(
            by=network_admin,
            organisation=submitted.organisation,
            scheme=submitted.scheme,
            kind=TrainingKind.INITIAL,
            start_date=timezone.localdate() + dt.timedelta(days=5),
            end_date=timezone.localdate() + dt.timedelta(days=6),
            place="Lyon",
            trainer_number=trainer.number,
        )
    assert refused.value.code == "habilitation_suspended"
    assert "suspendue depuis le" in refused.value.message
    training_services.training_validate(by=trainer.user, training=submitted, results=results_for(submitted))
    assert submitted.state == TrainingState.VALIDATED


def test_only_a_national_administrator_suspends_and_a_reason_is_required(network_admin, cnh_member, organisation):
    habilitation = HabilitationFactory(organisation=organisation)
    with pytest.raises(WorkflowError) as refused:
        services.habilitation_suspend(by=cnh_member, habilitation=habilitation, reason="Non.")
    assert refused.value.status == 403
    with pytest.raises(WorkflowError) as refused:
        services.habilitation_withdraw(by=network_admin, habilitation=habilitation, reason="")
    assert refused.value.code == "reason_required"
    services.habilitation_withdraw(by=network_admin, habilitation=habilitation, reason="Fraude.")
    with pytest.raises(WorkflowError):
        services.habilitation_suspend(by=network_admin, habilitation=habilitation, reason="Encore.")


def test_a_trainer_course_has_no_habilitation_of_its_own(correspondent, caisse_organisation):
    with pytest.raises(WorkflowError) as error:
        _create(correspondent, caisse_organisation, codes=("SST_FORMATEUR",))
    assert error.value.code == "scheme_is_trainer_course"
    assert error.value.message == (
        "SST_FORMATEUR est une formation de formateurs : elle n'a pas d'habilitation propre. Demandez le niveau 2 du "
        "dispositif SST."
    )
    assert not HabilitationRequest.objects.exists()

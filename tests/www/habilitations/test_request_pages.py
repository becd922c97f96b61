"""The correspondent's habilitation-request pages: list, creation, detail, documents, edit, transmit, withdraw."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from certiprev.habilitations.enums import RequestKind, RequestState
from certiprev.habilitations.models import HabilitationRequest, RequestDocument
from certiprev.organisations.enums import Region
from tests.factories import TrainerFactory, scheme
from tests.www.conftest import text_of

from .conftest import PDF

S = RequestState


def detail_url(request):
    return reverse("www:request_detail", args=[request.public_id])


# --- The list --------------------------------------------------------------------------------------------------


def test_list_says_who_holds_each_request_and_since_when_in_french(as_user, ceh, make_request):
    make_request(S.TRANSMITTED, days=12)
    make_request(S.DRAFT, days=1, kind=RequestKind.NEW_SCHEME)
    response = as_user(ceh).get(reverse("www:request_list"))
    text = text_of(response)
    assert response.status_code == 200
    assert "attendu de : la Carsat Rhône-Alpes depuis 12 jours" in text
    assert "attendu de : l'organisme depuis 1 jour" in text
    assert "1 jours" not in text


def test_list_says_today_for_a_request_that_just_changed(as_user, ceh, make_request):
    make_request(S.OPINION_GIVEN, days=0)
    assert "attendu de : la CNH depuis aujourd'hui" in text_of(as_user(ceh).get(reverse("www:request_list")))


def test_a_decided_request_waits_on_nobody(as_user, ceh, make_request):
    make_request(S.GRANTED)
    text = text_of(as_user(ceh).get(reverse("www:request_list")))
    assert "Habilitation accordée" in text
    assert "attendu de" not in text


def test_list_filters_by_state(as_user, ceh, make_request):
    make_request(S.TRANSMITTED)
    make_request(S.WITHDRAWN, kind=RequestKind.RENEWAL)
    text = text_of(as_user(ceh).get(reverse("www:request_list") + "?etat=withdrawn"))
    assert "Renouvellement" in text
    assert "Habilitation initiale —" not in text


def test_list_shows_only_the_correspondents_organisation(as_user, ceh, make_request, other_org):
    make_request(S.DRAFT, organisation=other_org, kind=RequestKind.LEVEL2)
    text = text_of(as_user(ceh).get(reverse("www:request_list")))
    assert "Niveau 2 (formation de formateurs)" not in text
    assert "Aucune demande" in text


@pytest.mark.parametrize("count", [1, 8])
def test_list_query_count_does_not_grow_with_the_requests(
    as_user, ceh, make_request, count, django_assert_num_queries
):
    for _ in range(count):
        make_request(S.TRANSMITTED, documents=0)
    client = as_user(ceh)
    # session, user, menu roles (memberships, trainer), the correspondent's organisation ids, count, page, schemes
    # (prefetched), the organisations (several or one): the same for 1 or 8 requests
    with django_assert_num_queries(8):
        response = client.get(reverse("www:request_list"))
    assert response.status_code == 200
    assert text_of(response).count("attendu de :") == count


# --- Who may reach the pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["plain_user", "cea", "other_ceh"])
def test_anyone_but_the_correspondent_gets_404_on_every_request_page(request, as_user, persona, make_request):
    target = make_request(S.DRAFT)
    document = target.documents.get()
    client = as_user(request.getfixturevalue(persona))
    urls = [
        reverse("www:request_detail", args=[target.public_id]),
        reverse("www:request_edit", args=[target.public_id]),
        reverse("www:request_withdraw", args=[target.public_id]),
        reverse("www:request_document", args=[target.public_id, document.public_id]),
    ]
    if persona != "other_ceh":  # another organisation's correspondent has their own list and form
        urls += [reverse("www:request_list"), reverse("www:request_create")]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for name in ("request_transmit", "request_withdraw", "request_document_add"):
        assert client.post(reverse(f"www:{name}", args=[target.public_id])).status_code == 404, name
    target.refresh_from_db()
    assert target.state == S.DRAFT


def test_an_instructor_of_the_caisse_gets_404_on_the_organisation_pages(as_user, make_request):
    from certiprev.accounts.models import NetworkRole
    from tests.factories import UserFactory

    instructor = UserFactory(network_role=NetworkRole.INSTRUCTOR, caisse=Region.RHONE_ALPES)
    target = make_request(S.TRANSMITTED)
    assert as_user(instructor).get(detail_url(target)).status_code == 404


def test_a_document_of_another_request_is_404_even_with_a_valid_request_id(as_user, ceh, make_request, other_org):
    own = make_request(S.DRAFT)
    foreign = make_request(S.DRAFT, organisation=other_org, kind=RequestKind.LEVEL2).documents.get()
    client = as_user(ceh)
    assert client.get(reverse("www:request_document", args=[own.public_id, foreign.public_id])).status_code == 404
    assert client.get(reverse("www:request_document", args=[own.public_id, uuid.uuid4()])).status_code == 404


def test_signed_out_visitors_are_sent_to_the_sign_in_page(client, make_request):
    response = client.get(detail_url(make_request()))
    assert response.status_code == 302
    assert reverse("www:login") in response["Location"]


# --- Creation ---------------------------------------------------------------------------------------------------


def test_the_correspondent_creates_a_draft_request(as_user, ceh, org, certified_trainer):
    response = as_user(ceh).post(
        reverse("www:request_create"),
        {
            "organisation": org.pk,
            "kind": RequestKind.INITIAL,
            "schemes": [scheme("SST").pk],
            "level": 1,
            "trainer_numbers": "abc12345",
        },
    )
    created = HabilitationRequest.objects.get(organisation=org)
    assert response.status_code == 302
    assert response["Location"] == detail_url(created)
    assert created.state == S.DRAFT
    assert list(created.trainers.values_list("number", flat=True)) == ["ABC12345"]
    assert list(created.schemes.values_list("code", flat=True)) == ["SST"]


def test_creation_names_each_unknown_trainer_number(as_user, ceh, org, certified_trainer):
    response = as_user(ceh).post(
        reverse("www:request_create"),
        {
            "organisation": org.pk,
            "kind": RequestKind.INITIAL,
            "schemes": [scheme("SST").pk],
            "level": 1,
            "trainer_numbers": "ABC12345\nZZZ00001, ZZZ00002",
        },
    )
    text = text_of(response)
    assert response.status_code == 422
    assert "Aucun formateur ne porte le numéro ZZZ00001." in text
    assert "Aucun formateur ne porte le numéro ZZZ00002." in text
    assert "2 erreurs à corriger" in text
    assert not HabilitationRequest.objects.exists()


def test_creation_without_scheme_is_refused_in_french(as_user, ceh, org):
    response = as_user(ceh).post(
        reverse("www:request_create"), {"organisation": org.pk, "kind": RequestKind.INITIAL, "level": 1}
    )
    assert response.status_code == 422
    assert "Choisissez au moins un dispositif." in text_of(response)


def test_a_second_open_request_for_the_same_scheme_is_refused(as_user, ceh, org, make_request):
    make_request(S.TRANSMITTED)
    response = as_user(ceh).post(
        reverse("www:request_create"),
        {"organisation": org.pk, "kind": RequestKind.INITIAL, "schemes": [scheme("SST").pk], "level": 1},
    )
    assert response.status_code == 422
    assert "Une demande d'habilitation est déjà en cours pour SST" in text_of(response)
    assert HabilitationRequest.objects.count() == 1


def test_creation_cannot_target_another_organisation(as_user, ceh, other_org):
    response = as_user(ceh).post(
        reverse("www:request_create"),
        {"organisation": other_org.pk, "kind": RequestKind.INITIAL, "schemes": [scheme("SST").pk], "level": 1},
    )
    assert response.status_code == 422
    assert not HabilitationRequest.objects.exists()


# --- Detail: buttons from the policy ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "expected", "absent"),
    [
        (
            S.DRAFT,
            ["Transmettre à la caisse", "Retirer la demande", "Modifier les dispositifs", "Joindre le document"],
            [],
        ),
        (S.COMPLEMENTS_REQUESTED, ["Transmettre à la caisse", "Joindre le document"], []),
        (S.TRANSMITTED, ["Retirer la demande"], ["Transmettre à la caisse", "Joindre le document", "Modifier les"]),
        (S.GRANTED, [], ["Transmettre à la caisse", "Retirer la demande", "Joindre le document", "Modifier les"]),
    ],
)
def test_detail_shows_the_buttons_the_policy_allows(as_user, ceh, make_request, state, expected, absent):
    text = text_of(as_user(ceh).get(detail_url(make_request(state))))
    for label in expected:
        assert label in text
    for label in absent:
        assert label not in text


def test_detail_shows_the_history_the_documents_and_the_complements(as_user, ceh, make_request):
    from certiprev.habilitations.models import RequestEvent

    target = make_request(S.COMPLEMENTS_REQUESTED, complements_message="Joignez le programme SST.")
    RequestEvent.objects.create(
        request=target,
        actor_name="Instructeur (instructeur de la caisse)",
        action="request_complements",
        comment="Joignez le programme SST.",
    )
    text = text_of(as_user(ceh).get(detail_url(target)))
    assert "Compléments demandés par la caisse : Joignez le programme SST." in text
    assert "Demande de compléments, par Instructeur (instructeur de la caisse)" in text
    assert "Kbis 1" in text
    assert "attendu de : l'organisme depuis 3 jours" in text


def test_a_granted_request_shows_the_habilitation_it_gave(as_user, ceh, org, make_request):
    from tests.factories import HabilitationFactory

    target = make_request(S.GRANTED)
    HabilitationFactory(
        organisation=org, scheme=scheme("SST"), valid_from=dt.date(2026, 12, 1), valid_until=dt.date(2031, 12, 1)
    )
    text = text_of(as_user(ceh).get(detail_url(target)))
    assert "Habilitation SST niveau 1, valable du 1er\u00a0décembre\u00a02026 au 1er\u00a0décembre\u00a02031" in text


def test_a_request_not_yet_granted_shows_no_habilitation(as_user, ceh, org, make_request):
    from tests.factories import HabilitationFactory

    target = make_request(S.OPINION_GIVEN)
    HabilitationFactory(organisation=org, scheme=scheme("SST"))
    assert "valable du" not in text_of(as_user(ceh).get(detail_url(target)))


@time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC))
def test_dates_are_written_in_french_with_1er(as_user, ceh, make_request):
    target = make_request(S.DRAFT)
    assert "Créée le 1er\u00a0décembre\u00a02026" in text_of(as_user(ceh).get(detail_url(target)))


# --- Documents --------------------------------------------------------------------------------------------------


def _upload(client, target, content, name="piece.pdf", label="Programme"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("www:request_document_add", args=[target.public_id]),
        {"doc-label": label, "doc-file": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def test_a_pdf_is_attached_and_downloadable(as_user, ceh, make_request):
    target = make_request(S.DRAFT, documents=0)
    client = as_user(ceh)
    response = _upload(client, target, PDF)
    assert response.status_code == 302
    document = RequestDocument.objects.get(request=target)
    assert document.label == "Programme"
    download = client.get(reverse("www:request_document", args=[target.public_id, document.public_id]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"GIF89a not a pdf at all, just bytes",
            "Ce fichier n'est pas un PDF : seuls les documents PDF sont acceptés.",
        ),
        (b"%PDF-1.4\n" + b"x" * 2000, "Ce fichier PDF est incomplet ou endommagé (fin de fichier absente)."),
        (b"", "Le fichier est vide."),
    ],
    ids=["not_pdf", "truncated", "empty"],
)
def test_upload_refusals_are_shown_in_french(as_user, ceh, make_request, content, message):
    target = make_request(S.DRAFT, documents=0)
    response = _upload(as_user(ceh), target, content)
    assert response.status_code == 422
    assert message in text_of(response)
    assert not RequestDocument.objects.filter(request=target).exists()


def test_a_too_large_upload_is_refused_with_the_limit(as_user, ceh, make_request, settings):
    settings.HABILITATION_DOCUMENT_MAX_BYTES = 2048
    target = make_request(S.DRAFT, documents=0)
    response = _upload(as_user(ceh), target, b"%PDF-1.7\n" + b"0" * 4000 + b"\n%%EOF\n")
    assert response.status_code == 422
    assert "un document ne doit pas dépasser 2 Ko" in text_of(response)
    assert not RequestDocument.objects.filter(request=target).exists()


def test_a_renamed_pdf_extension_does_not_fool_the_check(as_user, ceh, make_request):
    target = make_request(S.DRAFT, documents=0)
    response = _upload(as_user(ceh), target, b"MZ\x90\x00 an executable", name="kbis.pdf")
    assert response.status_code == 422
    assert not RequestDocument.objects.exists()


def test_no_upload_once_transmitted(as_user, ceh, make_request):
    target = make_request(S.TRANSMITTED, documents=0)
    response = _upload(as_user(ceh), target, PDF)
    assert response.status_code == 422
    assert "Impossible de joindre un document à cette demande : elle est transmise à la caisse." in text_of(response)
    assert not RequestDocument.objects.exists()


# --- Edit -------------------------------------------------------------------------------------------------------


def test_the_correspondent_changes_trainers_and_schemes_of_a_draft(as_user, ceh, make_request):
    target = make_request(S.DRAFT)
    TrainerFactory(number="DEF54321")
    response = as_user(ceh).post(
        reverse("www:request_edit", args=[target.public_id]),
        {"schemes": [scheme("SST").pk, scheme("PRAP_IBC").pk], "trainer_numbers": "DEF54321 ABC12345"},
    )
    assert response.status_code == 302
    assert sorted(target.schemes.values_list("code", flat=True)) == ["PRAP_IBC", "SST"]
    assert sorted(target.trainers.values_list("number", flat=True)) == ["ABC12345", "DEF54321"]


def test_an_edit_with_an_unknown_trainer_changes_nothing(as_user, ceh, make_request):
    target = make_request(S.DRAFT)
    response = as_user(ceh).post(
        reverse("www:request_edit", args=[target.public_id]),
        {"schemes": [scheme("PRAP_IBC").pk], "trainer_numbers": "ZZZ99999"},
    )
    assert response.status_code == 422
    assert "Aucun formateur ne porte le numéro ZZZ99999." in text_of(response)
    assert list(target.schemes.values_list("code", flat=True)) == ["SST"]


def test_a_transmitted_request_is_not_editable(as_user, ceh, make_request):
    target = make_request(S.TRANSMITTED)
    client = as_user(ceh)
    response = client.post(reverse("www:request_edit", args=[target.public_id]), {"schemes": [scheme("PRAP_IBC").pk]})
    assert response.status_code == 302
    assert list(target.schemes.values_list("code", flat=True)) == ["SST"]


# --- Transmit and withdraw -------------------------------------------------------------------------------------


def test_transmit_lists_exactly_what_this_request_misses(as_user, ceh, org, make_request):
    org.region = ""
    org.save(update_fields=["region"])
    target = make_request(S.DRAFT, documents=0)
    target.trainers.set([])
    response = as_user(ceh).post(reverse("www:request_transmit", args=[target.public_id]))
    text = text_of(response)
    assert response.status_code == 422
    assert "La demande n'est pas complète : 3 éléments à fournir." in text
    assert "Renseignez la caisse régionale de l'organisme" in text
    assert "Indiquez au moins un formateur qui animera les sessions." in text
    assert "Joignez au moins un document (PDF) à la demande." in text
    assert "Choisissez au moins un dispositif." not in text
    target.refresh_from_db()
    assert target.state == S.DRAFT


def test_a_complete_request_is_transmitted(as_user, ceh, make_request, django_capture_on_commit_callbacks):
    target = make_request(S.DRAFT)
    client = as_user(ceh)
    with django_capture_on_commit_callbacks():
        response = client.post(reverse("www:request_transmit", args=[target.public_id]))
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.state == S.TRANSMITTED
    text = text_of(client.get(detail_url(target)))
    assert "Demande transmise à votre caisse régionale." in text
    assert "attendu de : la Carsat Rhône-Alpes depuis aujourd'hui" in text


def test_withdraw_asks_for_confirmation_then_withdraws(as_user, ceh, make_request):
    target = make_request(S.UNDER_REVIEW)
    client = as_user(ceh)
    page = client.get(reverse("www:request_withdraw", args=[target.public_id]))
    assert page.status_code == 200
    assert "Retirer la demande « Habilitation initiale — SST » ?" in text_of(page)
    target.refresh_from_db()
    assert target.state == S.UNDER_REVIEW
    response = client.post(reverse("www:request_withdraw", args=[target.public_id]))
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.state == S.WITHDRAWN


def test_a_decided_request_cannot_be_withdrawn(as_user, ceh, make_request):
    target = make_request(S.REFUSED)
    response = as_user(ceh).post(reverse("www:request_withdraw", args=[target.public_id]))
    assert response.status_code == 409
    assert "Impossible de retirer cette demande : elle est déjà refusée." in text_of(response)


def test_request_pages_stay_reachable_for_a_correspondent_whatever_the_organisation(as_user, make_request):
    """A brand-new organisation (no habilitation, no session: the sign-up's provisional case) — the pages only ask
    whether the user is its correspondent."""
    from certiprev.organisations.enums import MemberRole
    from tests.factories import MembershipFactory, OrganisationFactory

    fresh = OrganisationFactory(name="Nouvel Organisme", region=Region.BRETAGNE)
    newcomer = MembershipFactory(organisation=fresh, role=MemberRole.CORRESPONDENT).user
    target = make_request(S.DRAFT, organisation=fresh)
    client = as_user(newcomer)
    assert client.get(reverse("www:request_list")).status_code == 200
    assert client.get(reverse("www:request_create")).status_code == 200
    assert client.get(detail_url(target)).status_code == 200
    assert timezone.now()

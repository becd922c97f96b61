"""The network's habilitation-request pages: the instructor's queue of their caisse, the CNH's queue of decisions,
the national administrator's view of all; the detail, the documents, the actions through the web."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certiprev.habilitations.enums import Action, RequestKind, RequestState
from certiprev.habilitations.models import HabilitationRequest
from certiprev.organisations.enums import Region
from certiprev.organisations.models import Habilitation
from tests.factories import HabilitationFactory, OrganisationFactory, scheme
from tests.www.conftest import text_of
from tests.www.network.conftest import PDF

S = RequestState


def _detail(hr):
    return reverse("www:network_request", args=[hr.public_id])


def _reload(hr):
    return HabilitationRequest.objects.get(pk=hr.pk)


# ---------------------------------------------------------------------------------------------------------------
# The queue


def test_the_instructor_queue_lists_the_requests_of_their_caisse_only(as_user, instructor, make_request):
    mine = make_request(S.TRANSMITTED)
    elsewhere = make_request(
        S.TRANSMITTED, organisation=OrganisationFactory(name="Breizh Secours", region=Region.BRETAGNE)
    )
    response = as_user(instructor).get(reverse("www:network_requests"))
    assert response.status_code == 200
    text = text_of(response)
    assert "Prévention Rhône" in text
    assert "Breizh Secours" not in text
    assert "attendu de : la Carsat Rhône-Alpes depuis 3 jours" in text
    assert _detail(mine) in response.content.decode()
    assert _detail(elsewhere) not in response.content.decode()


def test_the_queue_puts_open_requests_first_and_the_longest_waiting_first(as_user, instructor, make_request):
    now = timezone.now()
    recent = make_request(S.TRANSMITTED, codes=("SST",))
    oldest = make_request(S.UNDER_REVIEW, codes=("PRAP_2S",))
    decided = make_request(S.GRANTED, codes=("PRAP_IBC",))
    HabilitationRequest.objects.filter(pk=recent.pk).update(state_changed_at=now - dt.timedelta(days=2))
    HabilitationRequest.objects.filter(pk=oldest.pk).update(state_changed_at=now - dt.timedelta(days=20))
    HabilitationRequest.objects.filter(pk=decided.pk).update(state_changed_at=now - dt.timedelta(days=90))
    response = as_user(instructor).get(reverse("www:network_requests"))
    content = response.content.decode()
    positions = [content.index(_detail(hr)) for hr in (oldest, recent, decided)]
    assert positions == sorted(positions)
    assert "depuis 20 jours" in text_of(response)


def test_the_queue_filters_by_state_and_by_kind(as_user, instructor, make_request):
    transmitted = make_request(S.TRANSMITTED, codes=("SST",))
    renewal = make_request(S.UNDER_REVIEW, codes=("PRAP_2S",), kind=RequestKind.RENEWAL)
    client = as_user(instructor)
    content = client.get(reverse("www:network_requests"), {"state": S.TRANSMITTED}).content.decode()
    assert _detail(transmitted) in content and _detail(renewal) not in content
    content = client.get(reverse("www:network_requests"), {"kind": RequestKind.RENEWAL}).content.decode()
    assert _detail(renewal) in content and _detail(transmitted) not in content


def test_an_unknown_filter_value_shows_every_request_instead_of_failing(as_user, instructor, make_request):
    hr = make_request(S.TRANSMITTED)
    response = as_user(instructor).get(reverse("www:network_requests"), {"state": "nope", "kind": "<b>"})
    assert response.status_code == 200
    assert _detail(hr) in response.content.decode()


def test_the_cnh_queue_opens_on_the_requests_awaiting_its_decision(as_user, cnh_member, make_request):
    awaiting = make_request(S.OPINION_GIVEN, codes=("SST",))
    in_review = make_request(S.UNDER_REVIEW, codes=("PRAP_2S",))
    client = as_user(cnh_member)
    content = client.get(reverse("www:network_requests")).content.decode()
    assert _detail(awaiting) in content and _detail(in_review) not in content
    content = client.get(reverse("www:network_requests"), {"state": ""}).content.decode()
    assert _detail(awaiting) in content and _detail(in_review) in content


def test_the_national_administrator_sees_every_caisse(as_user, network_admin, make_request):
    mine = make_request(S.TRANSMITTED)
    elsewhere = make_request(S.TRANSMITTED, organisation=OrganisationFactory(region=Region.BRETAGNE))
    content = as_user(network_admin).get(reverse("www:network_requests")).content.decode()
    assert _detail(mine) in content and _detail(elsewhere) in content


def test_the_queue_is_paginated(as_user, instructor, caisse_organisation):
    now = timezone.now()
    HabilitationRequest.objects.bulk_create(
        HabilitationRequest(
            organisation=caisse_organisation,
            kind=RequestKind.INITIAL,
            state=S.TRANSMITTED,
            state_changed_at=now - dt.timedelta(days=i),
        )
        for i in range(30)
    )
    client = as_user(instructor)
    first = text_of(client.get(reverse("www:network_requests")))
    assert "Page 1 sur 2 (30 résultats)" in first
    second = client.get(reverse("www:network_requests"), {"page": 2})
    assert second.content.decode().count("www:network_request") == 0
    assert text_of(second).count("Prévention Rhône") == 5


def _queue_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("www:network_requests")).status_code == 200
    return len(queries)


def test_the_queue_costs_the_same_queries_for_two_or_twelve_requests(
    as_user, instructor, make_request, django_assert_num_queries
):
    client = as_user(instructor)
    for code in ("SST", "PRAP_2S"):
        make_request(S.TRANSMITTED, codes=(code,))
    few = _queue_queries(client)
    for _ in range(10):
        make_request(S.UNDER_REVIEW, codes=("PRAP_IBC",))
    # Session, user, count, page of requests, their schemes (one prefetch): no query per row.
    with django_assert_num_queries(few):
        client.get(reverse("www:network_requests"))


# ---------------------------------------------------------------------------------------------------------------
# Each role's pages, and 404 for the others


def test_the_home_page_shows_the_instructor_their_queue_counts(as_user, instructor, make_request):
    make_request(S.TRANSMITTED, codes=("SST",))
    make_request(S.UNDER_REVIEW, codes=("PRAP_2S",))
    make_request(S.UNDER_REVIEW, codes=("PRAP_IBC",))
    make_request(S.TRANSMITTED, organisation=OrganisationFactory(region=Region.BRETAGNE))
    response = as_user(instructor).get(reverse("www:network_home"))
    text = text_of(response)
    assert "Transmise à la caisse 1 demande." in text
    assert "En cours d'instruction 2 demandes." in text
    assert "Avis rendu" not in text
    assert "Tâches périodiques" not in text
    assert reverse("www:network_organisations") not in response.content.decode()


def test_the_home_page_shows_the_cnh_member_the_decisions_to_take(as_user, cnh_member, make_request):
    make_request(S.OPINION_GIVEN, codes=("SST",))
    make_request(S.TRANSMITTED, codes=("PRAP_2S",))
    text = text_of(as_user(cnh_member).get(reverse("www:network_home")))
    assert "Commission nationale d'habilitation" in text
    assert "Avis rendu, en attente de la CNH 1 demande." in text
    assert "Transmise à la caisse" not in text


def test_the_home_page_shows_the_administrator_every_queue_and_the_network(as_user, network_admin, make_request):
    make_request(S.OPINION_GIVEN, codes=("SST",))
    make_request(S.TRANSMITTED, codes=("PRAP_2S",))
    text = text_of(as_user(network_admin).get(reverse("www:network_home")))
    assert "Transmise à la caisse 1 demande." in text
    assert "Avis rendu, en attente de la CNH 1 demande." in text
    assert "Tâches périodiques" in text and "Équipe du réseau" in text


ADMIN_ONLY_URLS = [
    ("www:network_organisations", ()),
    ("www:network_organisation_create", ()),
    ("www:network_trainers", ()),
    ("www:network_trainer_create", ()),
    ("www:network_schemes", ()),
    ("www:network_overdue", ()),
    ("www:network_statistics", ()),
    ("www:network_statistics_csv", ()),
    ("www:network_staff", ()),
]


@pytest.mark.parametrize("persona", ["instructor", "cnh_member"])
@pytest.mark.parametrize(("name", "args"), ADMIN_ONLY_URLS)
def test_the_administrators_pages_stay_404_for_instructors_and_cnh_members(request, as_user, persona, name, args):
    client = as_user(request.getfixturevalue(persona))
    assert client.get(reverse(name, args=args)).status_code == 404


@pytest.mark.parametrize("persona", ["instructor", "cnh_member"])
def test_the_administrators_organisation_and_habilitation_pages_stay_404_for_them(
    request, as_user, persona, caisse_organisation
):
    habilitation = HabilitationFactory(organisation=caisse_organisation)
    client = as_user(request.getfixturevalue(persona))
    for url in (
        reverse("www:network_organisation", args=[caisse_organisation.public_id]),
        reverse("www:network_habilitation_suspend", args=[habilitation.pk]),
        reverse("www:network_habilitation_withdraw", args=[habilitation.pk]),
        reverse("www:network_scheme_months", args=["SST"]),
    ):
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"status-reason": "x", "months-SST-habilitation_months": "12"}).status_code == 404
    habilitation.refresh_from_db()
    assert habilitation.status == "active"


def test_the_menu_shows_the_network_to_an_instructor_with_their_tabs_only(as_user, instructor):
    content = as_user(instructor).get(reverse("www:network_requests")).content.decode()
    assert reverse("www:network_home") in content
    assert reverse("www:network_staff") not in content
    assert reverse("www:network_trainers") not in content


def test_the_site_home_sends_an_instructor_to_the_network_pages(as_user, instructor):
    assert as_user(instructor).get(reverse("www:home"))["Location"] == reverse("www:network_home")


def test_an_organisation_correspondent_gets_404_on_the_network_pages(as_user, correspondent, make_request):
    hr = make_request(S.TRANSMITTED)
    client = as_user(correspondent)
    assert client.get(reverse("www:network_requests")).status_code == 404
    assert client.get(_detail(hr)).status_code == 404
    assert client.get(reverse("www:network_home")).status_code == 404


# ---------------------------------------------------------------------------------------------------------------
# Caisse scoping: an instructor of another caisse gets 404 on every request URL


def _request_urls(hr):
    document = hr.documents.get()
    return [
        ("get", _detail(hr), {}),
        ("get", reverse("www:network_request_document", args=[hr.public_id, document.public_id]), {}),
        ("post", reverse("www:network_request_review", args=[hr.public_id]), {}),
        ("post", reverse("www:network_request_complements", args=[hr.public_id]), {"complements-message": "Kbis"}),
        (
            "post",
            reverse("www:network_request_opinion", args=[hr.public_id]),
            {"opinion-reason": "ok", "opinion-verdict": "1"},
        ),
        (
            "post",
            reverse("www:network_request_decision", args=[hr.public_id]),
            {"decision-reason": "ok", "decision-verdict": "1"},
        ),
    ]


@pytest.mark.parametrize("state", [S.TRANSMITTED, S.UNDER_REVIEW, S.OPINION_GIVEN])
@pytest.mark.parametrize("index", range(6))
def test_an_instructor_of_another_caisse_gets_404_on_every_request_url(
    as_user, other_instructor, make_request, state, index
):
    hr = make_request(state)
    method, url, data = _request_urls(hr)[index]
    response = getattr(as_user(other_instructor), method)(url, data)
    assert response.status_code == 404
    reloaded = _reload(hr)
    assert (reloaded.state, reloaded.events.count()) == (state, 0)
    assert not Habilitation.objects.exists()


def test_an_unknown_request_or_document_id_is_a_404(as_user, instructor, make_request):
    hr = make_request(S.TRANSMITTED)
    client = as_user(instructor)
    assert client.get("/reseau/demandes/00000000-0000-0000-0000-000000000000/").status_code == 404
    url = reverse("www:network_request_document", args=[hr.public_id, "00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404


# ---------------------------------------------------------------------------------------------------------------
# The detail


def test_the_detail_shows_documents_trainers_history_and_the_waiting(
    as_user, instructor, make_request, certified_trainer
):
    hr = make_request(S.TRANSMITTED)
    hr.events.create(actor_name="Camille Martin", action=Action.TRANSMIT, from_state=S.DRAFT, to_state=S.TRANSMITTED)
    text = text_of(as_user(instructor).get(_detail(hr)))
    assert "Kbis" in text
    assert certified_trainer.number in text and certified_trainer.full_name in text
    assert "Transmission à la caisse, par Camille Martin" in text
    assert "Attendu de : la Carsat Rhône-Alpes depuis 3 jours" in text


def test_the_detail_says_when_the_organisation_has_no_address(as_user, instructor, make_request):
    hr = make_request(S.TRANSMITTED)
    type(hr.organisation).objects.filter(pk=hr.organisation.pk).update(address="", postal_code="", city="")
    text = text_of(as_user(instructor).get(_detail(hr)))
    assert "Adresse non renseignée" in text


def test_a_document_downloads_as_a_pdf(as_user, instructor, make_request):
    hr = make_request(S.TRANSMITTED)
    document = hr.documents.get()
    response = as_user(instructor).get(
        reverse("www:network_request_document", args=[hr.public_id, document.public_id])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    ("state", "persona", "buttons", "absent"),
    [
        (S.TRANSMITTED, "instructor", ["Prendre en charge"], ["Avis favorable", "Accorder"]),
        (
            S.UNDER_REVIEW,
            "instructor",
            ["Avis favorable", "Avis défavorable", "Demander des compléments"],
            ["Accorder"],
        ),
        (S.OPINION_GIVEN, "instructor", [], ["Accorder", "Refuser", "Prendre en charge"]),
        (S.TRANSMITTED, "cnh_member", [], ["Prendre en charge", "Accorder"]),
        (S.OPINION_GIVEN, "cnh_member", ["Accorder", "Refuser"], ["Avis favorable"]),
        (S.TRANSMITTED, "network_admin", ["Prendre en charge"], ["Accorder"]),
        (S.UNDER_REVIEW, "network_admin", ["Avis favorable", "Demander des compléments"], ["Accorder"]),
        (S.OPINION_GIVEN, "network_admin", ["Accorder", "Refuser"], ["Avis favorable"]),
        (S.GRANTED, "network_admin", [], ["Accorder", "Prendre en charge", "Avis favorable"]),
        (S.COMPLEMENTS_REQUESTED, "instructor", [], ["Prendre en charge", "Avis favorable"]),
    ],
)
def test_the_detail_offers_the_buttons_the_policy_allows(
    request, as_user, make_request, state, persona, buttons, absent
):
    hr = make_request(state)
    content = as_user(request.getfixturevalue(persona)).get(_detail(hr)).content.decode()
    for label in buttons:
        assert f">{label}</button>" in content, label
    for label in absent:
        assert f">{label}</button>" not in content, label


# ---------------------------------------------------------------------------------------------------------------
# The actions through the web


def test_the_instructor_takes_up_a_transmitted_request(as_user, instructor, make_request):
    hr = make_request(S.TRANSMITTED)
    client = as_user(instructor)
    response = client.post(reverse("www:network_request_review", args=[hr.public_id]))
    assert response["Location"] == _detail(hr)
    reloaded = _reload(hr)
    assert reloaded.state == S.UNDER_REVIEW
    assert reloaded.events.get().actor == instructor
    assert "Demande prise en charge" in text_of(client.get(_detail(hr)))


def test_taking_up_a_request_twice_shows_the_services_refusal(as_user, instructor, make_request):
    hr = make_request(S.UNDER_REVIEW)
    client = as_user(instructor)
    response = client.post(reverse("www:network_request_review", args=[hr.public_id]))
    assert "Impossible de prendre en charge cette demande : elle est en cours d'instruction." in text_of(response)
    assert response.status_code == 422
    assert _reload(hr).events.count() == 0


def test_the_instructor_asks_for_complements_with_a_message(as_user, instructor, make_request):
    hr = make_request(S.UNDER_REVIEW)
    response = as_user(instructor).post(
        reverse("www:network_request_complements", args=[hr.public_id]),
        {"complements-message": "Le Kbis a plus de trois mois."},
    )
    assert response.status_code == 302
    reloaded = _reload(hr)
    assert reloaded.state == S.COMPLEMENTS_REQUESTED
    assert reloaded.complements_message == "Le Kbis a plus de trois mois."


def test_complements_without_a_message_show_the_services_message(as_user, instructor, make_request):
    hr = make_request(S.UNDER_REVIEW)
    response = as_user(instructor).post(
        reverse("www:network_request_complements", args=[hr.public_id]), {"complements-message": "  "}
    )
    assert response.status_code == 422
    assert "Indiquez les compléments attendus." in text_of(response)
    assert _reload(hr).state == S.UNDER_REVIEW


@pytest.mark.parametrize(("favourable", "expected"), [("1", True), ("0", False)])
def test_the_instructor_gives_an_opinion_with_its_reason(as_user, instructor, make_request, favourable, expected):
    hr = make_request(S.UNDER_REVIEW)
    response = as_user(instructor).post(
        reverse("www:network_request_opinion", args=[hr.public_id]),
        {"opinion-verdict": favourable, "opinion-reason": "Dossier complet, formateurs certifiés."},
    )
    assert response.status_code == 302
    reloaded = _reload(hr)
    assert (reloaded.state, reloaded.opinion_favourable) == (S.OPINION_GIVEN, expected)
    assert reloaded.opinion_reason == "Dossier complet, formateurs certifiés."


def test_an_opinion_without_reason_shows_the_services_message(as_user, instructor, make_request):
    hr = make_request(S.UNDER_REVIEW)
    response = as_user(instructor).post(
        reverse("www:network_request_opinion", args=[hr.public_id]), {"opinion-verdict": "1", "opinion-reason": ""}
    )
    assert response.status_code == 422
    assert "Indiquez le motif de l'avis." in text_of(response)
    assert _reload(hr).state == S.UNDER_REVIEW


def test_the_national_administrator_may_instruct_as_the_table_allows(as_user, network_admin, make_request):
    hr = make_request(S.TRANSMITTED)
    client = as_user(network_admin)
    client.post(reverse("www:network_request_review", args=[hr.public_id]))
    client.post(
        reverse("www:network_request_opinion", args=[hr.public_id]),
        {"opinion-verdict": "1", "opinion-reason": "Bien."},
    )
    assert _reload(hr).state == S.OPINION_GIVEN


def test_an_instructor_cannot_decide_and_is_told_who_can(as_user, instructor, make_request):
    hr = make_request(S.OPINION_GIVEN)
    response = as_user(instructor).post(
        reverse("www:network_request_decision", args=[hr.public_id]), {"decision-verdict": "1", "decision-reason": ""}
    )
    assert response.status_code == 422
    assert "Seul un membre de la CNH ou un administrateur national peut accorder cette demande." in text_of(response)
    assert _reload(hr).state == S.OPINION_GIVEN
    assert not Habilitation.objects.exists()


def test_the_cnh_grants_and_the_page_shows_the_resulting_habilitation(as_user, cnh_member, make_request, time_machine):
    time_machine.move_to(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC))
    hr = make_request(S.OPINION_GIVEN, level=2)
    client = as_user(cnh_member)
    response = client.post(reverse("www:network_request_decision", args=[hr.public_id]), {"decision-verdict": "1"})
    assert response["Location"] == _detail(hr)
    assert _reload(hr).state == S.GRANTED
    habilitation = Habilitation.objects.get(organisation=hr.organisation)
    assert (habilitation.level, habilitation.valid_from) == (2, dt.date(2026, 3, 2))
    assert habilitation.valid_until == dt.date(2031, 3, 2)
    text = text_of(client.get(_detail(hr)))
    assert "Habilitation accordée" in text
    assert "SST, niveau 2" in text
    assert "valable du 02/03/2026 au 02/03/2031" in text


def test_a_refusal_needs_its_reason(as_user, cnh_member, make_request):
    hr = make_request(S.OPINION_GIVEN)
    client = as_user(cnh_member)
    url = reverse("www:network_request_decision", args=[hr.public_id])
    response = client.post(url, {"decision-verdict": "0", "decision-reason": ""})
    assert response.status_code == 422
    assert "Indiquez le motif du refus." in text_of(response)
    assert _reload(hr).state == S.OPINION_GIVEN
    client.post(url, {"decision-verdict": "0", "decision-reason": "Formateurs insuffisants."})
    reloaded = _reload(hr)
    assert (reloaded.state, reloaded.decision_reason) == (S.REFUSED, "Formateurs insuffisants.")
    assert not Habilitation.objects.exists()
    assert "Formateurs insuffisants." in text_of(client.get(_detail(hr)))


def test_a_second_decision_shows_the_conflict(as_user, cnh_member, make_request):
    hr = make_request(S.OPINION_GIVEN)
    client = as_user(cnh_member)
    url = reverse("www:network_request_decision", args=[hr.public_id])
    client.post(url, {"decision-verdict": "1"})
    response = client.post(url, {"decision-verdict": "0", "decision-reason": "Trop tard."})
    assert response.status_code == 422
    assert "Impossible de refuser cette demande : elle est déjà accordée." in text_of(response)
    assert _reload(hr).state == S.GRANTED
    assert Habilitation.objects.filter(scheme=scheme("SST")).count() == 1


def test_the_action_urls_refuse_a_get(as_user, instructor, make_request):
    hr = make_request(S.TRANSMITTED)
    assert as_user(instructor).get(reverse("www:network_request_review", args=[hr.public_id])).status_code == 405


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("www:network_request_opinion", {"opinion-reason": "Bien."}, "Choisissez : avis favorable ou défavorable."),
        (
            "www:network_request_decision",
            {"decision-reason": "Bien.", "decision-verdict": "2"},
            "Choisissez : accorder ou refuser.",
        ),
    ],
)
def test_an_opinion_or_a_decision_without_its_verdict_is_explained(
    as_user, network_admin, make_request, name, data, message
):
    hr = make_request(S.UNDER_REVIEW if name.endswith("opinion") else S.OPINION_GIVEN)
    response = as_user(network_admin).post(reverse(name, args=[hr.public_id]), data)
    assert response.status_code == 422
    assert message in text_of(response)
    assert _reload(hr).state == hr.state
    assert not Habilitation.objects.exists()


def test_the_instructor_queue_names_their_caisse(as_user, instructor):
    assert "Les organismes de la Carsat Rhône-Alpes." in text_of(
        as_user(instructor).get(reverse("www:network_requests"))
    )

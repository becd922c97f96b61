"""The public directory: the page /organismes and GET /api/v1/directory (no token, nothing personal, cacheable)."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certiprev.habilitations.directory import ENTRY_KEYS, HABILITATION_KEYS
from certiprev.organisations.enums import HabilitationStatus, MemberRole, OrganisationKind, Region
from tests.factories import HabilitationFactory, MembershipFactory, OrganisationFactory, scheme

API = "/api/v1/directory"


def _listed(name, *, city="Lyon", region=Region.RHONE_ALPES, code="SST", **habilitation):
    organisation = OrganisationFactory(name=name, city=city, postal_code="69003", region=region, address="12 rue X")
    HabilitationFactory(organisation=organisation, scheme=scheme(code), **habilitation)
    return organisation


def _names(response) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


@pytest.fixture
def client_anonymous():
    return Client()


# ---------------------------------------------------------------------------------------------------------------
# What is listed


def test_only_active_running_habilitations_of_training_bodies_are_listed(db, client_anonymous):
    today = timezone.localdate()
    _listed("Active")
    _listed("Suspendue", status=HabilitationStatus.SUSPENDED)
    _listed("Retirée", status=HabilitationStatus.WITHDRAWN)
    _listed("Échue", valid_from=today - dt.timedelta(days=800), valid_until=today - dt.timedelta(days=1))
    _listed("Pas encore", valid_from=today + dt.timedelta(days=3))
    company = _listed("Entreprise")
    company.kind = OrganisationKind.COMPANY
    company.save(update_fields=["kind"])
    _listed("Dernier jour", valid_until=today)

    response = client_anonymous.get(API)

    assert response.status_code == 200
    assert _names(response) == ["Active", "Dernier jour"]
    page = client_anonymous.get(reverse("www:directory"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Active" in text and "Dernier jour" in text
    for hidden in ("Suspendue", "Retirée", "Échue", "Pas encore", "Entreprise"):
        assert hidden not in text


def test_an_organisation_shows_only_its_listed_habilitations(db, client_anonymous):
    organisation = _listed("Prévention Rhône", code="SST", level=2)
    HabilitationFactory(organisation=organisation, scheme=scheme("CATEC"), status=HabilitationStatus.SUSPENDED)
    HabilitationFactory(organisation=organisation, scheme=scheme("PRAP_IBC"))

    [item] = client_anonymous.get(API).json()["items"]

    assert [(h["scheme"], h["level"]) for h in item["habilitations"]] == [("PRAP_IBC", 1), ("SST", 2)]


def test_the_json_holds_nothing_personal_exactly_these_keys(db, client_anonymous):
    organisation = _listed("Prévention Rhône")
    MembershipFactory(organisation=organisation, role=MemberRole.CORRESPONDENT, user__email="ceh@of.fr")
    habilitation = organisation.habilitations.get()

    response = client_anonymous.get(API)

    body = response.json()
    assert set(body) == {"count", "page", "page_size", "next", "previous", "items"}
    [item] = body["items"]
    assert set(item) == set(ENTRY_KEYS) == {"id", "name", "city", "postal_code", "region", "habilitations"}
    assert item["region"] == {"code": "rhone_alpes", "name": "Carsat Rhône-Alpes"}
    assert item["id"] == str(organisation.public_id)
    assert (item["city"], item["postal_code"]) == ("Lyon", "69003")
    [listed] = item["habilitations"]
    assert set(listed) == set(HABILITATION_KEYS) == {"scheme", "scheme_name", "level", "valid_until"}
    assert listed["valid_until"] == habilitation.valid_until.isoformat()
    raw = response.content.decode()
    for secret in (organisation.siret, "12 rue X", "ceh@of.fr"):
        assert secret not in raw


# ---------------------------------------------------------------------------------------------------------------
# Filters


@pytest.fixture
def three(db):
    return [
        _listed("Alpha Sécurité", city="Saint-Étienne", code="SST"),
        _listed("Bêta Prévention", city="Lyon", code="CATEC"),
        _listed("Gamma Formation", city="Rennes", region=Region.BRETAGNE, code="SST"),
    ]


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"scheme": "SST"}, ["Alpha Sécurité", "Gamma Formation"]),
        ({"scheme": "sst"}, ["Alpha Sécurité", "Gamma Formation"]),
        ({"scheme": "CATEC"}, ["Bêta Prévention"]),
        ({"region": "bretagne"}, ["Gamma Formation"]),
        ({"region": "rhone_alpes", "scheme": "SST"}, ["Alpha Sécurité"]),
        ({"city": "saint etien"}, ["Alpha Sécurité"]),
        ({"city": "ST"}, []),
        ({"city": "SAINT-ÉT"}, ["Alpha Sécurité"]),
        ({"city": "ly"}, ["Bêta Prévention"]),
        ({"city": "yon"}, []),  # a prefix, not a substring
        ({"region": "atlantide"}, ["Alpha Sécurité", "Bêta Prévention", "Gamma Formation"]),
    ],
)
def test_the_api_filters_by_scheme_region_and_city(three, client_anonymous, params, names):
    assert _names(client_anonymous.get(API, params)) == names


def test_the_page_filters_by_scheme_region_and_city(three, client_anonymous):
    response = client_anonymous.get(reverse("www:directory"), {"scheme": "SST", "city": "rennes"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Gamma Formation" in text
    assert "Alpha Sécurité" not in text and "Bêta Prévention" not in text
    assert "1 organisme trouvé" in text


def test_an_unknown_scheme_on_the_page_is_a_form_error_not_a_crash(three, client_anonymous):
    response = client_anonymous.get(reverse("www:directory"), {"scheme": "NOPE"})
    assert response.status_code == 200
    assert "3 organismes trouvés" in response.content.decode()


# ---------------------------------------------------------------------------------------------------------------
# Pagination, query counts, caching


def test_the_api_paginates_like_the_other_lists(db, client_anonymous):
    for n in range(5):
        _listed(f"Organisme {n}")
    first = client_anonymous.get(API, {"page_size": 2}).json()
    assert (first["count"], first["page"], first["previous"]) == (5, 1, None)
    assert [i["name"] for i in first["items"]] == ["Organisme 0", "Organisme 1"]
    assert first["next"].endswith("page_size=2&page=2")
    last = client_anonymous.get(API, {"page_size": 2, "page": 3}).json()
    assert [i["name"] for i in last["items"]] == ["Organisme 4"] and last["next"] is None


def test_the_page_paginates(db, client_anonymous):
    for n in range(27):
        _listed(f"Organisme {n:02d}")
    response = client_anonymous.get(reverse("www:directory"), {"page": 2})
    text = response.content.decode()
    assert "Page 2 sur 2 (27 résultats)" in text
    assert "Organisme 26" in text and "Organisme 00" not in text


@pytest.mark.parametrize("size", [1, 5, 30])
def test_the_api_and_the_page_make_a_bounded_number_of_queries(db, client_anonymous, size, django_assert_num_queries):
    for n in range(size):
        organisation = _listed(f"Organisme {n:02d}")
        HabilitationFactory(organisation=organisation, scheme=scheme("CATEC"))
    with django_assert_num_queries(3):  # count, page, habilitations with their schemes
        assert client_anonymous.get(API).status_code == 200
    with django_assert_num_queries(4):  # the same, and the schemes of the filter
        assert client_anonymous.get(reverse("www:directory")).status_code == 200


def test_the_api_is_cacheable_with_an_etag_and_answers_304(db, client_anonymous):
    _listed("Prévention Rhône")
    first = client_anonymous.get(API)
    assert first["Cache-Control"] == "public, max-age=300"
    etag = first["ETag"]
    again = client_anonymous.get(API, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again["ETag"] == etag and again.content == b""
    _listed("Nouvel organisme")
    changed = client_anonymous.get(API, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_the_api_needs_no_token_and_ignores_a_bad_one(db, client_anonymous):
    _listed("Prévention Rhône")
    response = client_anonymous.get(API, headers={"Authorization": "Bearer cpk_wrong"})
    assert response.status_code == 200 and _names(response) == ["Prévention Rhône"]


def test_the_api_has_its_own_per_ip_limit_apart_from_the_anonymous_one(db, client_anonymous, settings):
    settings.API_DIRECTORY_RATE_LIMIT = 3
    settings.API_ANONYMOUS_RATE_LIMIT = 1
    # Time stands still mid-minute: the calls cannot straddle two windows of the per-minute counter.
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 30, 30, tzinfo=dt.UTC), tick=False):
        statuses = [client_anonymous.get(API).status_code for _ in range(4)]
        refused = client_anonymous.get(API)
    assert statuses == [200, 200, 200, 429]
    assert refused.json()["code"] == "rate_limited" and refused.has_header("Retry-After")
    # The anonymous (token-guessing) counter was not used up by the directory.
    assert client_anonymous.get("/api/v1/me").status_code == 401


def test_the_public_pages_link_to_the_directory(db, client_anonymous):
    response = client_anonymous.get(reverse("www:login"))
    assert reverse("www:directory") in response.content.decode()

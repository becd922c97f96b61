import datetime as dt
import json

import pytest
import time_machine
from django.utils import timezone

from certiprev.certificates import signing_keys
from certiprev.certificates.models import Certificate
from certiprev.certificates.services import certificate_revoke, signing_key_rotate
from certiprev.lib import cp1
from tests.factories import HabilitationFactory, OrganisationFactory, today

KEYS, REVOKED, ORGANISATIONS = (f"/.well-known/certiprev/{name}.json" for name in ("keys", "revoked", "organisations"))


@pytest.mark.parametrize("url", [KEYS, REVOKED, ORGANISATIONS])
def test_the_lists_are_public_cacheable_and_answer_304_to_a_matching_etag(client, url):
    first = client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"].startswith("application/json")
    assert first["Cache-Control"].startswith("public, max-age=")
    assert first["Access-Control-Allow-Origin"] == "*"
    etag = first["ETag"]
    assert client.get(url)["ETag"] == etag  # deterministic: same data, same bytes
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": f'W/{etag}, "other"'}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"stale"'}).status_code == 200
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


def test_keys_json_is_signed_by_the_root_and_lists_jwks(client):
    document = json.loads(client.get(KEYS).content)
    [jwk] = document["keys"]
    assert {k: jwk[k] for k in ("kid", "kty", "crv", "status", "not_after")} == {
        "kid": 1,
        "kty": "OKP",
        "crv": "Ed25519",
        "status": "active",
        "not_after": None,
    }
    [entry] = cp1.verify_key_list(document, signing_keys.root_public_key())
    assert entry.public_key == signing_keys.active_signer().entry.public_key


def test_keys_json_changes_when_a_key_changes(client):
    before = client.get(KEYS)["ETag"]
    signing_key_rotate(reason="rotation")
    after = client.get(KEYS)
    assert after["ETag"] != before
    assert client.get(KEYS, headers={"If-None-Match": before}).status_code == 200


def test_revoked_json_lists_revoked_cards_signed_and_at_most_an_hour_old(close, client, network_admin):
    training = close(trainees=4)
    certificate = Certificate.objects.filter(training=training).first()
    assert cp1.verify_revoked_list(client.get(REVOKED).content, signing_keys.root_public_key()) == set()
    certificate_revoke(by=network_admin, certificate=certificate, reason="Fraude constatée à l'examen")
    document = json.loads(client.get(REVOKED).content)
    assert document["revoked"] == [certificate.revocation_id]
    assert cp1.verify_revoked_list(document, signing_keys.root_public_key()) == {
        bytes.fromhex(certificate.revocation_id)
    }
    with time_machine.travel(certificate.revoked_at.replace(minute=59) + dt.timedelta(hours=1)):
        later = json.loads(client.get(REVOKED).content)
    assert later["issued_at"] > document["issued_at"]
    assert later["revoked"] == document["revoked"]


def test_organisations_json_names_organisations_and_their_habilitation_status(client, organisation):
    HabilitationFactory(organisation=organisation)
    lapsed = OrganisationFactory(name="Ancien Organisme Œuvres & Cie")
    HabilitationFactory(
        organisation=lapsed,
        valid_from=today().replace(year=today().year - 3),
        valid_until=today().replace(year=today().year - 1),
    )
    OrganisationFactory(name="Jamais habilité")
    response = client.get(ORGANISATIONS)
    document = json.loads(response.content.decode("utf-8"))
    entries = document["organisations"]
    assert entries[str(organisation.pk)] == {
        "name": "Secours Formation Rhône",
        "habilitation": "active",
        "schemes": ["SST"],
    }
    assert entries[str(lapsed.pk)] == {
        "name": "Ancien Organisme Œuvres & Cie",
        "habilitation": "expired",
        "schemes": [],
    }
    assert entries["0"]["habilitation"] == "network"
    assert len(entries) == 3
    assert document["as_of"] == today().isoformat()


def test_a_missing_root_key_gives_a_503_not_a_500(client, signing_key_dir):
    (signing_key_dir / "root.pem").unlink()
    response = client.get(KEYS)
    assert response.status_code == 503
    assert response.json()["code"] == "list_unavailable"
    assert client.get(ORGANISATIONS).status_code == 200  # unsigned: still served


@pytest.mark.parametrize("header", ["", "*", "garbage", '"unterminated', "W/", "\x00", '"a", , "b"', "x" * 5000])
def test_any_if_none_match_header_is_answered_without_error(client, header):
    response = client.get(KEYS, headers={"If-None-Match": header})
    assert response.status_code in (200, 304)


# --- Issue 12.13-12.15: freshness, HTTP details ----------------------------------------------------------------


@pytest.mark.parametrize("url", [KEYS, REVOKED, "/.well-known/certiprev/organisations.json"])
def test_a_304_has_no_html_content_type_and_no_list_varies_on_the_language(client, url):
    first = client.get(url, headers={"Accept-Language": "en"})
    assert "Accept-Language" not in first.get("Vary", "")
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert not again.has_header("Content-Type")
    assert "Accept-Language" not in again.get("Vary", "")


@pytest.mark.parametrize("url", [KEYS, REVOKED, "/.well-known/certiprev/organisations.json"])
def test_the_lists_expose_their_etag_and_answer_a_cors_preflight(client, url):
    response = client.get(url, headers={"Origin": "https://verificateur.exemple"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        url,
        headers={
            "Origin": "https://verificateur.exemple",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "if-none-match" in preflight["Access-Control-Allow-Headers"].lower()
    assert client.post(url).status_code == 405


def test_both_signed_lists_carry_issued_at_and_expires_and_verifiers_refuse_them_after(client):
    root = signing_keys.root_public_key()
    now = timezone.now()
    for url, validity in ((KEYS, dt.timedelta(days=7)), (REVOKED, dt.timedelta(days=1))):
        document = json.loads(client.get(url).content)
        issued_at = cp1.parse_moment(document["issued_at"])
        expires = cp1.parse_moment(document["expires"])
        assert expires - issued_at == validity and issued_at <= now < expires
        verify = cp1.verify_key_list if url == KEYS else cp1.verify_revoked_list
        verify(document, root, now=now)
        with pytest.raises(cp1.KeyListError, match="expired"):
            verify(document, root, now=expires + dt.timedelta(seconds=1))

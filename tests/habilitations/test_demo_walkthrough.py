"""The README's habilitation walk-through, on the demo data: create → document → transmit → review → opinion →
decision, each step by the demo account the README names."""

import io

from django.core.management import call_command
from django.utils import timezone

from tests.habilitations.conftest import PDF


def _token(email: str) -> str:
    out = io.StringIO()
    call_command("create_api_token", email, stdout=out)
    return out.getvalue().strip().splitlines()[-1].strip()


def test_the_readme_walk_through_grants_prap_2s_to_the_demo_organisation(client, db):
    call_command("demo", "--no-logins", stdout=io.StringIO())
    admin, ceh, ins, cnh = (
        {"HTTP_AUTHORIZATION": f"Bearer {_token(email)}"}
        for email in (
            "admin@certiprev.demo",
            "claire.martin@secours-rhone.demo",
            "paul.girard@carsat-rhone-alpes.demo",
            "luc.bernard@cnh.demo",
        )
    )
    base = "/api/v1"
    org = client.get(f"{base}/me", **ceh).json()["organisations"][0]["id"]
    today, until = timezone.localdate(), timezone.localdate().replace(year=timezone.localdate().year + 2)
    response = client.post(
        f"{base}/trainers/NGU20481/certifications",
        {"scheme": "PRAP_2S", "valid_from": today.isoformat(), "valid_until": until.isoformat()},
        content_type="application/json",
        **admin,
    )
    assert response.status_code == 201, response.json()
    response = client.post(
        f"{base}/habilitation-requests",
        {
            "organisation": org,
            "kind": "new_scheme",
            "schemes": ["PRAP_2S"],
            "level": 1,
            "trainer_numbers": ["NGU20481"],
        },
        content_type="application/json",
        **ceh,
    )
    assert response.status_code == 201, response.json()
    req = response.json()["id"]
    assert client.post(f"{base}/habilitation-requests/{req}/transmit", **ceh).status_code == 422  # no document yet
    upload = io.BytesIO(PDF)
    upload.name = "programme.pdf"
    response = client.post(
        f"{base}/habilitation-requests/{req}/documents", {"file": upload, "label": "Programme"}, **ceh
    )
    assert response.status_code == 201, response.json()
    assert client.post(f"{base}/habilitation-requests/{req}/transmit", **ceh).json()["state"] == "transmitted"
    assert client.post(f"{base}/habilitation-requests/{req}/review", **ins).json()["state"] == "under_review"
    response = client.post(
        f"{base}/habilitation-requests/{req}/opinion",
        {"favourable": True, "reason": "Dossier complet."},
        content_type="application/json",
        **ins,
    )
    assert response.json()["state"] == "opinion_given"
    response = client.post(
        f"{base}/habilitation-requests/{req}/decision",
        {"granted": True, "reason": ""},
        content_type="application/json",
        **cnh,
    )
    assert response.json()["state"] == "granted"
    habilitations = client.get(f"{base}/organisations/{org}", **ceh).json()["habilitations"]
    assert {"scheme": "PRAP_2S", "level": 1, "status": "active"}.items() <= next(
        h for h in habilitations if h["scheme"] == "PRAP_2S"
    ).items()

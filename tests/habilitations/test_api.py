"""The habilitation-request endpoints: each one, the caisse scoping (404 elsewhere), query counts on the list."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certiprev.habilitations.enums import RequestState
from certiprev.habilitations.models import HabilitationRequest
from certiprev.organisations.enums import HabilitationStatus, MemberRole
from certiprev.organisations.models import Habilitation
from tests.api.conftest import api_for, assert_error
from tests.factories import HabilitationFactory

from .conftest import PDF


def _upload(api, request_id, content, label="Kbis"):
    data = {"file": SimpleUploadedFile("doc.pdf", content, content_type="application/pdf"), "label": label}
    return api.client.post(
        f"/api/v1/habilitation-requests/{request_id}/documents", data=data, headers=api._headers(None)
    )


def test_the_whole_story_through_the_api(
    correspondent, instructor, cnh_member, caisse_organisation, certified_trainer
):
    org, inst, cnh = api_for(correspondent), api_for(instructor), api_for(cnh_member)
    response = org.post(
        "habilitation-requests",
        {
            "organisation": str(caisse_organisation.public_id),
            "kind": "initial",
            "schemes": ["SST"],
            "level": 1,
            "trainer_numbers": [certified_trainer.number],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "draft"
    assert body["missing"] == [{"field": "documents", "message": "Joignez au moins un document (PDF) à la demande."}]
    rid = body["id"]
    body = assert_error(org.post(f"habilitation-requests/{rid}/transmit"), 422, "request_incomplete")
    assert body["errors"][0]["field"] == "documents"
    assert _upload(org, rid, PDF).status_code == 201
    assert org.post(f"habilitation-requests/{rid}/transmit").json()["state"] == "transmitted"
    detail = inst.get(f"habilitation-requests/{rid}").json()
    assert detail["waiting_on"] == "la Carsat Rhône-Alpes"
    assert detail["waiting"] == "attendu de : la Carsat Rhône-Alpes depuis aujourd'hui"
    assert detail["allowed_actions"] == ["review"]
    assert inst.post(f"habilitation-requests/{rid}/review").json()["state"] == "under_review"
    response = inst.post(f"habilitation-requests/{rid}/complements", {"message": "Le programme, svp."})
    assert response.json()["state"] == "complements_requested"
    assert org.post(f"habilitation-requests/{rid}/transmit").json()["state"] == "transmitted"
    inst.post(f"habilitation-requests/{rid}/review")
    response = inst.post(f"habilitation-requests/{rid}/opinion", {"favourable": True, "reason": "Complet."})
    assert response.json()["waiting_on"] == "la CNH"
    assert_error(inst.post(f"habilitation-requests/{rid}/decision", {"granted": True}), 403, "forbidden")
    response = cnh.post(f"habilitation-requests/{rid}/decision", {"granted": True, "reason": ""})
    assert response.json()["state"] == "granted"
    assert [e["to_state"] for e in response.json()["events"]][-1] == "granted"
    habilitations = org.get(f"organisations/{caisse_organisation.public_id}").json()["habilitations"]
    assert [(h["scheme"], h["level"], h["status"]) for h in habilitations] == [("SST", 1, "active")]


def test_documents_are_downloaded_as_pdf_and_refused_when_not_pdf(correspondent, make_request):
    draft = make_request()
    api = api_for(correspondent)
    assert_error(_upload(api, draft.public_id, b"not a pdf"), 422, "document_not_pdf")
    assert_error(_upload(api, draft.public_id, b""), 422, "document_empty")
    document = draft.documents.get()
    response = api.get(f"habilitation-requests/{draft.public_id}/documents/{document.public_id}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_an_instructor_of_another_caisse_gets_404_on_every_request_endpoint(make_request, other_instructor):
    hab_request = make_request(RequestState.TRANSMITTED)
    document = hab_request.documents.get()
    api = api_for(other_instructor)
    base = f"habilitation-requests/{hab_request.public_id}"
    assert_error(api.get(base), 404, "not_found")
    assert_error(api.get(f"{base}/documents/{document.public_id}"), 404, "not_found")
    assert_error(_upload(api, hab_request.public_id, PDF), 404, "not_found")
    for path, body in [
        ("transmit", None),
        ("review", None),
        ("complements", {"message": "x"}),
        ("opinion", {"favourable": True, "reason": "x"}),
        ("decision", {"granted": True}),
        ("withdraw", None),
    ]:
        assert_error(api.post(f"{base}/{path}", body), 404, "not_found")
    assert api.get("habilitation-requests").json()["count"] == 0
    hab_request.refresh_from_db()
    assert hab_request.state == RequestState.TRANSMITTED


def test_a_plain_member_sees_no_request(make_request, plain_member):
    hab_request = make_request()
    api = api_for(plain_member)
    assert_error(api.get(f"habilitation-requests/{hab_request.public_id}"), 404, "not_found")
    assert api.get("habilitation-requests").json()["count"] == 0


def test_the_list_filters_by_state_and_kind_in_constant_queries(make_request, instructor, django_assert_num_queries):
    for code in ("SST", "PRAP_IBC", "PRAP_2S"):
        make_request(RequestState.TRANSMITTED, codes=(code,))
    make_request(RequestState.GRANTED, kind="renewal")
    api = api_for(instructor)
    api.get("habilitation-requests")  # warm the token's caches
    # token, user, count, page, schemes prefetch (+ token last-use write)
    with django_assert_num_queries(5):
        response = api.get("habilitation-requests", {"state": "transmitted"})
    assert response.json()["count"] == 3
    assert {tuple(item["schemes"]) for item in response.json()["items"]} == {("SST",), ("PRAP_IBC",), ("PRAP_2S",)}
    assert api.get("habilitation-requests", {"kind": "renewal"}).json()["count"] == 1
    assert_error(api.get("habilitation-requests", {"state": "nope"}), 422, "invalid")


def test_two_open_requests_for_one_scheme_get_409(correspondent, caisse_organisation):
    api = api_for(correspondent)
    body = {"organisation": str(caisse_organisation.public_id), "kind": "initial", "schemes": ["SST"]}
    assert api.post("habilitation-requests", body).status_code == 201
    assert_error(api.post("habilitation-requests", body), 409, "request_already_open")


def test_the_withdraw_endpoint(correspondent, make_request):
    hab_request = make_request(RequestState.UNDER_REVIEW)
    response = api_for(correspondent).post(f"habilitation-requests/{hab_request.public_id}/withdraw")
    assert response.json()["state"] == "withdrawn"
    assert response.json()["waiting_on"] is None


def test_staff_creation_is_for_national_administrators(network_admin, instructor):
    admin = api_for(network_admin)
    response = admin.post(
        "network/staff",
        {
            "email": "inst@carsat-ra.fr",
            "first_name": "Anne",
            "last_name": "Roy",
            "role": "instructor",
            "caisse": "rhone_alpes",
        },
    )
    assert response.status_code == 201
    assert response.json() == {
        "email": "inst@carsat-ra.fr",
        "first_name": "Anne",
        "last_name": "Roy",
        "role": "instructor",
        "caisse": "rhone_alpes",
    }
    assert_error(admin.post("network/staff", {"email": "x@y.fr", "role": "instructor"}), 422, "caisse_required")
    assert_error(api_for(instructor).post("network/staff", {"email": "x@y.fr", "role": "cnh"}), 403, "forbidden")


def test_caisses_are_listed(instructor):
    caisses = api_for(instructor).get("caisses").json()
    assert {"code": "rhone_alpes", "name": "Carsat Rhône-Alpes"} in caisses


def test_members_are_added_with_a_role(network_admin, organisation):
    response = api_for(network_admin).post(
        f"organisations/{organisation.public_id}/members", {"email": "ceh@exemple.fr", "role": "correspondent"}
    )
    assert response.status_code == 201 and response.json()["role"] == "correspondent"
    assert organisation.memberships.get(user__email="ceh@exemple.fr").role == MemberRole.CORRESPONDENT


def test_suspension_through_the_api(network_admin, member, organisation):
    habilitation = HabilitationFactory(organisation=organisation)
    path = f"organisations/{organisation.public_id}/habilitations/{habilitation.pk}/suspend"
    assert_error(api_for(member).post(path, {"reason": "x"}), 403, "forbidden")
    response = api_for(network_admin).post(path, {"reason": "Contrôle."})
    assert response.json()["status"] == "suspended"
    assert Habilitation.objects.get().status == HabilitationStatus.SUSPENDED
    other = f"organisations/{organisation.public_id}/habilitations/999999/suspend"
    assert_error(api_for(network_admin).post(other, {"reason": "x"}), 404, "not_found")


@pytest.mark.parametrize("state", [RequestState.DRAFT])
def test_the_detail_lists_documents_events_and_missing(correspondent, make_request, state):
    hab_request = make_request(state)
    body = api_for(correspondent).get(f"habilitation-requests/{hab_request.public_id}").json()
    assert [d["label"] for d in body["documents"]] == ["Kbis"]
    assert body["missing"] == [] and body["events"] == []
    assert body["allowed_actions"] == ["document_add", "edit", "transmit", "withdraw"]
    assert HabilitationRequest.objects.count() == 1

"""The habilitation requests in the Django admin: read-only workflow, audited reference data, network admins only."""

import pytest
from django.urls import reverse

from certiprev.audit.models import AuditEvent
from certiprev.habilitations import services
from certiprev.habilitations.enums import RequestState
from certiprev.habilitations.models import HabilitationRequest, RequestEvent
from certiprev.organisations.enums import HabilitationStatus, MemberRole
from certiprev.organisations.models import AssociatedEntity, Habilitation
from tests.factories import HabilitationFactory, scheme

LISTS = [
    "habilitations_habilitationrequest",
    "habilitations_requestevent",
    "organisations_associatedentity",
    "organisations_membership",
    "organisations_habilitation",
    "accounts_user",
]


@pytest.mark.parametrize("name", LISTS)
def test_every_habilitation_list_opens_for_a_network_admin(name, client, network_admin, make_request, correspondent):
    make_request(RequestState.TRANSMITTED)
    AssociatedEntity.objects.create(organisation=correspondent.memberships.get().organisation, name="Antenne")
    client.force_login(network_admin)
    assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200


@pytest.mark.parametrize("persona", ["correspondent", "instructor", "cnh_member"])
def test_the_other_roles_of_the_workflow_are_sent_to_the_admin_login(persona, request, client, make_request):
    habilitation_request = make_request()
    client.force_login(request.getfixturevalue(persona))
    for url in (
        reverse("admin:habilitations_habilitationrequest_changelist"),
        reverse("admin:habilitations_habilitationrequest_change", args=[habilitation_request.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_a_request_and_its_events_and_documents_are_shown_read_only(
    client, network_admin, correspondent, make_request
):
    habilitation_request = make_request()
    services.habilitation_request_transmit(by=correspondent, request=habilitation_request)
    client.force_login(network_admin)
    url = reverse("admin:habilitations_habilitationrequest_change", args=[habilitation_request.pk])
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Transmission à la caisse" in page  # the event inline
    assert "Kbis" in page  # the document inline
    assert 'name="_save"' not in page
    response = client.post(url, {"state": RequestState.GRANTED, "decision_reason": "Accordée"})
    assert response.status_code == 403
    habilitation_request.refresh_from_db()
    assert (habilitation_request.state, habilitation_request.decision_reason) == (RequestState.TRANSMITTED, "")


def test_requests_and_their_events_cannot_be_added_or_deleted_in_the_admin(client, network_admin, make_request):
    habilitation_request = make_request(RequestState.UNDER_REVIEW)
    event = RequestEvent.objects.create(request=habilitation_request, actor_name="X", action="transmit")
    client.force_login(network_admin)
    assert client.get(reverse("admin:habilitations_habilitationrequest_add")).status_code == 403
    delete = reverse("admin:habilitations_habilitationrequest_delete", args=[habilitation_request.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:habilitations_requestevent_add")).status_code == 403
    assert (
        client.post(reverse("admin:habilitations_requestevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert HabilitationRequest.objects.filter(pk=habilitation_request.pk).exists()
    assert RequestEvent.objects.filter(pk=event.pk).exists()


def test_an_associated_entity_added_in_the_admin_is_audited(client, network_admin, caisse_organisation):
    client.force_login(network_admin)
    response = client.post(
        reverse("admin:organisations_associatedentity_add"),
        {"organisation": caisse_organisation.pk, "name": "Antenne de Grenoble", "city": "Grenoble"},
    )
    assert response.status_code == 302, response.content.decode()
    entity = AssociatedEntity.objects.get(name="Antenne de Grenoble")
    assert entity.organisation == caisse_organisation
    audit = AuditEvent.objects.get(action="admin_add", target_type="organisations.associatedentity")
    assert (audit.actor, audit.data["city"]) == (network_admin, "Grenoble")


def test_a_member_made_correspondent_in_the_admin_is_audited(client, network_admin, plain_member):
    membership = plain_member.memberships.get()
    client.force_login(network_admin)
    response = client.post(
        reverse("admin:organisations_membership_change", args=[membership.pk]),
        {"user": plain_member.pk, "organisation": membership.organisation_id, "role": MemberRole.CORRESPONDENT},
    )
    assert response.status_code == 302, response.content.decode()
    membership.refresh_from_db()
    assert membership.role == MemberRole.CORRESPONDENT
    audit = AuditEvent.objects.get(action="admin_change", target_type="organisations.membership")
    assert audit.data["role"] == MemberRole.CORRESPONDENT


def test_a_habilitation_status_is_not_editable_in_the_admin(client, network_admin, caisse_organisation):
    habilitation = HabilitationFactory(organisation=caisse_organisation, scheme=scheme("SST"))
    client.force_login(network_admin)
    url = reverse("admin:organisations_habilitation_change", args=[habilitation.pk])
    page = client.get(url).content.decode()
    assert 'name="level"' in page
    assert 'name="status"' not in page  # suspension goes through habilitation_suspend (reason, audit)
    response = client.post(
        url,
        {
            "organisation": caisse_organisation.pk,
            "scheme": habilitation.scheme_id,
            "level": 2,
            "valid_from": habilitation.valid_from.isoformat(),
            "valid_until": habilitation.valid_until.isoformat(),
            "status": HabilitationStatus.WITHDRAWN,
        },
    )
    assert response.status_code == 302, response.content.decode()
    habilitation = Habilitation.objects.get(pk=habilitation.pk)
    assert (habilitation.level, habilitation.status) == (2, HabilitationStatus.ACTIVE)


def test_an_instructor_is_given_a_caisse_in_the_user_admin(client, network_admin, instructor):
    client.force_login(network_admin)
    page = client.get(reverse("admin:accounts_user_change", args=[instructor.pk])).content.decode()
    assert 'name="network_role"' in page
    assert 'name="caisse"' in page


def test_a_plain_member_is_refused_the_membership_admin(client, plain_member):
    client.force_login(plain_member)
    assert client.get(reverse("admin:organisations_membership_changelist")).status_code == 302

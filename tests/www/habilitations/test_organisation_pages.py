"""« Mon organisme »: the correspondent (CEH) keeps the master data, the members and the associated entities; an
entity's correspondent (CEA) only their entity's members; a plain user none of it (404)."""

import pytest
from django.urls import reverse

from certiprev.audit.models import AuditEvent
from certiprev.organisations.enums import MemberRole, Region
from certiprev.organisations.models import AssociatedEntity, Membership
from tests.factories import MembershipFactory
from tests.www.conftest import text_of

NUM_QUERIES = 9


def org_url(org, name="www:org_detail"):
    return reverse(name, args=[org.public_id])


def entity_url(entity, name="www:org_entity"):
    return reverse(name, args=[entity.organisation.public_id, entity.public_id])


# --- Master data -------------------------------------------------------------------------------------------------


def test_the_menu_entry_leads_the_correspondent_to_their_organisation(as_user, ceh, org):
    client = as_user(ceh)
    home = client.get(reverse("www:dashboard"))
    assert "Mon organisme" in text_of(home)
    assert "Demandes d'habilitation" in text_of(home)
    response = client.get(reverse("www:org_home"))
    assert response.status_code == 302
    assert response["Location"] == org_url(org)


def test_the_organisation_page_shows_master_data_members_and_entities(as_user, ceh, cea, plain_user, org, entity):
    text = text_of(as_user(ceh).get(org_url(org)))
    assert org.siret in text
    assert "Carsat Rhône-Alpes" in text
    assert "cea@prevention-rhone.fr correspondant d'entité associée (CEA) Antenne de Grenoble" in text
    assert "user@prevention-rhone.fr utilisateur" in text
    assert "Antenne de Grenoble" in text


def test_the_correspondent_edits_the_master_data_but_never_the_siret(as_user, ceh, org):
    siret = org.siret
    response = as_user(ceh).post(
        org_url(org, "www:org_edit"),
        {
            "name": "Prévention Rhône-Alpes",
            "address": "3 rue de la Paix",
            "postal_code": "69002",
            "city": "Lyon",
            "region": Region.AUVERGNE,
            "siret": "73282932000074",
        },
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.name, org.address, org.postal_code, org.region) == (
        "Prévention Rhône-Alpes",
        "3 rue de la Paix",
        "69002",
        Region.AUVERGNE,
    )
    assert org.siret == siret
    assert AuditEvent.objects.filter(action="organisation_update").exists()


def test_master_data_errors_are_named_in_french(as_user, ceh, org):
    response = as_user(ceh).post(org_url(org, "www:org_edit"), {"name": "", "postal_code": "6900", "region": "mars"})
    text = text_of(response)
    assert response.status_code == 422
    assert "Indiquez la raison sociale." in text
    assert "Le code postal est fait de 5 chiffres." in text
    assert "3 erreurs à corriger" in text
    org.refresh_from_db()
    assert org.name == "Prévention Rhône"


# --- Members -----------------------------------------------------------------------------------------------------


def test_the_correspondent_adds_a_member_with_a_role_and_an_invitation(
    as_user, ceh, org, entity, mailoutbox, django_capture_on_commit_callbacks
):
    client = as_user(ceh)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            org_url(org, "www:org_member_add"),
            {
                "member-email": "Nouveau@Prevention-Rhone.fr",
                "member-first_name": "Ana",
                "member-last_name": "Martin",
                "member-role": MemberRole.ENTITY_CORRESPONDENT,
                "member-entity": entity.pk,
            },
        )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="nouveau@prevention-rhone.fr")
    assert (membership.role, membership.entity) == (MemberRole.ENTITY_CORRESPONDENT, entity)
    assert [m.to for m in mailoutbox] == [["nouveau@prevention-rhone.fr"]]
    assert "Une invitation lui a été envoyée par e-mail." in text_of(client.get(org_url(org)))


def test_an_entity_correspondent_needs_an_entity(as_user, ceh, org, entity):
    response = as_user(ceh).post(
        org_url(org, "www:org_member_add"),
        {"member-email": "x@prevention-rhone.fr", "member-role": MemberRole.ENTITY_CORRESPONDENT},
    )
    assert response.status_code == 422
    assert "Choisissez l'entité associée dont il sera le correspondant." in text_of(response)
    assert not Membership.objects.filter(user__email="x@prevention-rhone.fr").exists()


def test_an_existing_member_is_not_added_twice(as_user, ceh, plain_user, org):
    response = as_user(ceh).post(
        org_url(org, "www:org_member_add"), {"member-email": plain_user.email, "member-role": MemberRole.USER}
    )
    assert response.status_code == 422
    assert f"{plain_user.email} est déjà membre de Prévention Rhône." in text_of(response)


def test_the_correspondent_removes_a_member_but_not_themselves(as_user, ceh, plain_user, org):
    client = as_user(ceh)
    own = Membership.objects.get(user=ceh)
    other = Membership.objects.get(user=plain_user)
    assert client.post(reverse("www:org_member_remove", args=[org.public_id, other.pk])).status_code == 302
    assert not Membership.objects.filter(pk=other.pk).exists()
    client.post(reverse("www:org_member_remove", args=[org.public_id, own.pk]))
    assert Membership.objects.filter(pk=own.pk).exists()
    assert "Vous ne pouvez pas vous retirer vous-même" in text_of(client.get(org_url(org)))


def test_a_member_of_another_organisation_cannot_be_removed_through_this_one(as_user, ceh, org, other_ceh):
    foreign = Membership.objects.get(user=other_ceh)
    assert as_user(ceh).post(reverse("www:org_member_remove", args=[org.public_id, foreign.pk])).status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


# --- Associated entities -----------------------------------------------------------------------------------------


def test_the_correspondent_creates_and_edits_an_entity(as_user, ceh, org):
    client = as_user(ceh)
    response = client.post(
        org_url(org, "www:org_entity_create"),
        {"name": "Antenne de Valence", "address": "1 place Neuve", "postal_code": "26000", "city": "Valence"},
    )
    entity = AssociatedEntity.objects.get(organisation=org)
    assert response.status_code == 302
    assert response["Location"] == entity_url(entity)
    response = client.post(
        entity_url(entity, "www:org_entity_edit"),
        {"name": "Antenne Drôme", "address": "2 place Neuve", "postal_code": "26000", "city": "Valence"},
    )
    assert response.status_code == 302
    entity.refresh_from_db()
    assert (entity.name, entity.address) == ("Antenne Drôme", "2 place Neuve")


def test_an_entity_without_a_name_is_refused(as_user, ceh, org):
    response = as_user(ceh).post(org_url(org, "www:org_entity_create"), {"name": "  "})
    assert response.status_code == 422
    assert "Indiquez le nom de l'entité." in text_of(response)
    assert not AssociatedEntity.objects.exists()


def test_the_correspondent_adds_the_correspondent_of_an_entity_from_its_page(as_user, ceh, entity):
    response = as_user(ceh).post(
        entity_url(entity, "www:org_entity_member_add"),
        {"member-email": "resp@grenoble.fr", "member-role": MemberRole.ENTITY_CORRESPONDENT},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="resp@grenoble.fr")
    assert (membership.role, membership.entity) == (MemberRole.ENTITY_CORRESPONDENT, entity)


# --- The entity's correspondent (CEA) ----------------------------------------------------------------------------


def test_the_cea_menu_leads_to_their_entity_only(as_user, cea, entity):
    client = as_user(cea)
    text = text_of(client.get(reverse("www:dashboard")))
    assert "Mon entité" in text
    assert "Demandes d'habilitation" not in text
    response = client.get(reverse("www:org_home"))
    assert response["Location"] == entity_url(entity)


def test_the_cea_manages_the_members_of_their_entity(as_user, cea, org, entity):
    client = as_user(cea)
    response = client.post(
        entity_url(entity, "www:org_entity_member_add"),
        {"member-email": "stagiaire@grenoble.fr", "member-role": MemberRole.USER},
    )
    assert response.status_code == 302
    added = Membership.objects.get(user__email="stagiaire@grenoble.fr")
    assert added.entity == entity
    assert client.post(reverse("www:org_member_remove", args=[org.public_id, added.pk])).status_code == 302
    assert not Membership.objects.filter(pk=added.pk).exists()


def test_the_cea_cannot_name_an_organisation_correspondent(as_user, cea, entity):
    response = as_user(cea).post(
        entity_url(entity, "www:org_entity_member_add"),
        {"member-email": "chef@grenoble.fr", "member-role": MemberRole.CORRESPONDENT},
    )
    assert response.status_code == 422
    assert not Membership.objects.filter(user__email="chef@grenoble.fr").exists()


def test_the_cea_cannot_remove_a_member_outside_their_entity(as_user, cea, plain_user, org):
    outside = Membership.objects.get(user=plain_user)
    assert as_user(cea).post(reverse("www:org_member_remove", args=[org.public_id, outside.pk])).status_code == 404
    assert Membership.objects.filter(pk=outside.pk).exists()


def test_the_cea_gets_404_on_another_entity_and_on_the_correspondents_pages(as_user, cea, org, entity):
    other_entity = AssociatedEntity.objects.create(organisation=org, name="Antenne de Lyon")
    client = as_user(cea)
    assert client.get(entity_url(other_entity)).status_code == 404
    assert client.get(entity_url(entity, "www:org_entity_edit")).status_code == 404
    for name in ("www:org_detail", "www:org_edit", "www:org_entity_create"):
        assert client.get(org_url(org, name)).status_code == 404, name
    assert client.post(org_url(org, "www:org_member_add"), {"member-email": "a@b.fr"}).status_code == 404


# --- Everyone else -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["plain_user", "other_ceh"])
def test_a_user_or_another_correspondent_gets_404_on_every_organisation_page(request, as_user, persona, org, entity):
    member = MembershipFactory(organisation=org)
    client = as_user(request.getfixturevalue(persona))
    for url in (
        org_url(org),
        org_url(org, "www:org_edit"),
        org_url(org, "www:org_entity_create"),
        entity_url(entity),
        entity_url(entity, "www:org_entity_edit"),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(org_url(org, "www:org_member_add"), {"member-email": "a@b.fr"}).status_code == 404
    assert client.post(entity_url(entity, "www:org_entity_member_add"), {"member-email": "a@b.fr"}).status_code == 404
    assert client.post(reverse("www:org_member_remove", args=[org.public_id, member.pk])).status_code == 404
    assert Membership.objects.filter(pk=member.pk).exists()
    if persona == "plain_user":
        assert client.get(reverse("www:org_home")).status_code == 404
        text = text_of(client.get(reverse("www:dashboard")))
        assert "Mon organisme" not in text
        assert "Demandes d'habilitation" not in text


@pytest.mark.parametrize("count", [1, 10])
def test_the_organisation_page_query_count_does_not_grow_with_members(
    as_user, ceh, org, entity, count, django_assert_num_queries
):
    MembershipFactory.create_batch(count, organisation=org, entity=entity, role=MemberRole.ENTITY_CORRESPONDENT)
    client = as_user(ceh)
    # session, user, menu roles (memberships, trainer), the user's memberships, members, entities, the member form's
    # entity check and choices: the same for 1 or 10 members
    with django_assert_num_queries(NUM_QUERIES):
        response = client.get(org_url(org))
    assert text_of(response).count("correspondant d'entité associée (CEA)") == count + 1  # + the form's choice

"""Network administrators manage organisations, their members and habilitations; every act is audited."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from certiprev.audit.models import AuditEvent
from certiprev.lib.errors import WorkflowError
from certiprev.organisations.enums import OrganisationKind, Region
from certiprev.organisations.models import Habilitation, Membership, Organisation
from certiprev.organisations.services import (
    habilitation_create,
    habilitation_end,
    membership_create,
    membership_remove,
    organisation_create,
)
from tests.factories import HabilitationFactory, OrganisationFactory, UserFactory, scheme


def _create(by, **overrides):
    arguments = {
        "name": "  Secours   Formation Lyon ",
        "siret": "732 829 320 00074",
        "kind": OrganisationKind.TRAINING_BODY,
        "city": "Lyon",
        "region": Region.RHONE_ALPES,
    }
    arguments.update(overrides)
    return organisation_create(by=by, **arguments)


def test_a_network_admin_creates_an_organisation_with_a_normalised_siret_and_an_audit_row(network_admin):
    organisation = _create(network_admin)
    organisation.refresh_from_db()
    assert (organisation.name, organisation.siret, organisation.kind) == (
        "Secours Formation Lyon",
        "73282932000074",
        "training_body",
    )
    audit = AuditEvent.objects.get(action="organisation_create")
    assert (audit.actor, audit.target_type, audit.target_id, audit.data) == (
        network_admin,
        "organisations.organisation",
        str(organisation.public_id),
        {"siret": "73282932000074"},
    )


def test_a_company_training_its_own_staff_is_an_organisation_too(network_admin):
    organisation = _create(network_admin, kind=OrganisationKind.COMPANY, region="")
    assert organisation.get_kind_display() == "Entreprise formant son personnel"


@pytest.mark.parametrize(
    ("overrides", "code", "message"),
    [
        ({"siret": "73282932000079"}, "siret_invalid", "Ce SIRET est invalide (clé de contrôle incorrecte)."),
        ({"siret": "1234"}, "siret_invalid", "Le SIRET doit comporter exactement 14 chiffres."),
        ({"name": "  "}, "name_required", "Indiquez la raison sociale."),
        ({"kind": "association"}, "kind_invalid", "Type d'organisme inconnu."),
        ({"region": "atlantide"}, "region_invalid", "Caisse régionale inconnue."),
    ],
)
def test_an_invalid_organisation_is_refused_and_nothing_is_written(overrides, code, message, network_admin):
    with pytest.raises(WorkflowError) as refused:
        _create(network_admin, **overrides)
    assert (refused.value.code, refused.value.message) == (code, message)
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_siret_is_registered_once(network_admin):
    _create(network_admin)
    with pytest.raises(WorkflowError) as refused:
        _create(network_admin, siret="73282932000074", name="Autre")
    assert (refused.value.code, refused.value.status) == ("siret_taken", 409)
    assert refused.value.message == "Un organisme porte déjà le SIRET 73282932000074."
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize("persona", ["member", "trainer", "anonymous"])
def test_only_network_admins_manage_organisations(persona, request, organisation):
    user = request.getfixturevalue(persona)
    user = user.user if persona == "trainer" else user
    calls = [
        lambda: _create(user),
        lambda: habilitation_create(
            by=user,
            organisation=organisation,
            scheme=scheme(),
            valid_from=dt.date(2025, 1, 1),
            valid_until=dt.date(2026, 1, 1),
        ),
        lambda: membership_create(by=user, organisation=organisation, email="nouveau@exemple.fr"),
    ]
    for call in calls:
        with pytest.raises(WorkflowError) as refused:
            call()
        assert (refused.value.status, refused.value.message) == (403, "Réservé aux administrateurs du réseau.")
    assert Organisation.objects.count() == 1
    assert not Habilitation.objects.exists()


def test_an_organisation_with_an_invalid_siret_fails_model_validation(db):
    organisation = OrganisationFactory.build(siret="73282932000079")
    with pytest.raises(ValidationError) as invalid:
        organisation.full_clean()
    assert invalid.value.message_dict["siret"] == ["Ce SIRET est invalide (clé de contrôle incorrecte)."]


def test_model_validation_normalises_the_siret(db):
    organisation = OrganisationFactory.build(siret="732 829 320 00074")
    organisation.full_clean()
    assert organisation.siret == "73282932000074"


def test_organisations_are_reached_by_an_unguessable_public_id(organisation):
    other = OrganisationFactory()
    assert organisation.public_id != other.public_id
    assert organisation.public_id.version == 4


# ---------------------------------------------------------------------------------------------------------------
# Habilitations


def test_a_habilitation_is_created_for_a_period_and_audited(network_admin, organisation):
    habilitation = habilitation_create(
        by=network_admin,
        organisation=organisation,
        scheme=scheme("PRAP_IBC"),
        valid_from=dt.date(2025, 1, 1),
        valid_until=dt.date(2027, 12, 31),
    )
    assert list(Habilitation.objects.covering(dt.date(2025, 1, 1), dt.date(2027, 12, 31))) == [habilitation]
    assert not Habilitation.objects.valid_on(dt.date(2028, 1, 1)).exists()
    audit = AuditEvent.objects.get(action="habilitation_create")
    assert audit.data == {"scheme": "PRAP_IBC", "valid_from": "2025-01-01", "valid_until": "2027-12-31"}


def test_a_habilitation_period_must_be_coherent(network_admin, organisation):
    with pytest.raises(WorkflowError) as refused:
        habilitation_create(
            by=network_admin,
            organisation=organisation,
            scheme=scheme(),
            valid_from=dt.date(2025, 1, 2),
            valid_until=dt.date(2025, 1, 1),
        )
    assert (refused.value.code, refused.value.message) == (
        "period_incoherent",
        "La fin de validité ne peut pas précéder son début.",
    )
    assert not Habilitation.objects.exists()


def test_ending_a_habilitation_early_needs_a_reason_and_is_audited(network_admin, organisation):
    habilitation = HabilitationFactory(
        organisation=organisation, valid_from=dt.date(2024, 1, 1), valid_until=dt.date(2027, 1, 1)
    )
    with pytest.raises(WorkflowError) as refused:
        habilitation_end(by=network_admin, habilitation=habilitation, on=dt.date(2025, 6, 30), reason=" ")
    assert refused.value.message == "Indiquez le motif de la fin d'habilitation."
    habilitation.refresh_from_db()
    assert habilitation.valid_until == dt.date(2027, 1, 1)
    habilitation_end(by=network_admin, habilitation=habilitation, on=dt.date(2025, 6, 30), reason="Retrait.")
    habilitation.refresh_from_db()
    assert habilitation.valid_until == dt.date(2025, 6, 30)
    audit = AuditEvent.objects.get(action="habilitation_end")
    assert (audit.comment, audit.data["previous_until"], audit.data["until"]) == (
        "Retrait.",
        "2027-01-01",
        "2025-06-30",
    )


def test_ending_a_habilitation_before_it_started_is_refused(network_admin, organisation):
    habilitation = HabilitationFactory(organisation=organisation, valid_from=dt.date(2025, 1, 1))
    with pytest.raises(WorkflowError) as refused:
        habilitation_end(by=network_admin, habilitation=habilitation, on=dt.date(2024, 12, 31), reason="Erreur.")
    assert refused.value.code == "period_incoherent"


# ---------------------------------------------------------------------------------------------------------------
# Members


def test_a_member_is_invited_by_email_and_gets_an_account_without_a_usable_password(network_admin, organisation):
    membership = membership_create(
        by=network_admin,
        organisation=organisation,
        email="Claire.Martin@Exemple.FR",
        first_name="Claire",
        last_name="Martin",
    )
    user = membership.user
    assert (user.email, user.first_name, user.last_name) == ("claire.martin@exemple.fr", "Claire", "Martin")
    assert not user.has_usable_password()
    assert AuditEvent.objects.get(action="membership_create").data == {"email": "claire.martin@exemple.fr"}


def test_an_existing_account_joins_a_second_organisation(network_admin, organisation, other_member):
    first = other_member.memberships.get().organisation
    membership = membership_create(by=network_admin, organisation=organisation, email="MEMBRE@autre-of.fr")
    assert membership.user == other_member
    assert set(other_member.memberships.values_list("organisation", flat=True)) == {first.pk, organisation.pk}


def test_a_member_is_added_once(network_admin, organisation, member):
    with pytest.raises(WorkflowError) as refused:
        membership_create(by=network_admin, organisation=organisation, email="membre@secours-rhone.fr")
    assert (refused.value.code, refused.value.status) == ("member_exists", 409)
    assert refused.value.message == "membre@secours-rhone.fr est déjà membre de Secours Formation Rhône."
    assert Membership.objects.filter(organisation=organisation).count() == 1


def test_an_invalid_member_email_is_refused(network_admin, organisation):
    with pytest.raises(WorkflowError) as refused:
        membership_create(by=network_admin, organisation=organisation, email="claire@")
    assert refused.value.message == "L'adresse e-mail n'est pas valide."
    assert not Membership.objects.exists()


def test_removing_a_member_keeps_their_account_and_is_audited(network_admin, organisation, member):
    membership_remove(by=network_admin, membership=member.memberships.get())
    assert not Membership.objects.filter(user=member).exists()
    member.refresh_from_db()
    assert AuditEvent.objects.get(action="membership_remove").data == {"email": "membre@secours-rhone.fr"}


def test_audit_rows_are_append_only(network_admin):
    _create(network_admin)
    audit = AuditEvent.objects.get()
    with pytest.raises(RuntimeError, match="append-only"):
        audit.save()
    with pytest.raises(RuntimeError, match="append-only"):
        audit.delete()
    with pytest.raises(RuntimeError, match="append-only"):
        AuditEvent.objects.update(comment="effacé")
    with pytest.raises(RuntimeError, match="append-only"):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().comment == ""


def test_a_second_admin_sees_who_acted(network_admin):
    colleague = UserFactory(network_admin=True, first_name="Martine", last_name="Rousseau")
    _create(colleague)
    assert AuditEvent.objects.get().actor_name == "Martine Rousseau"

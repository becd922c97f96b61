"""The organisation's own writes: its correspondent (CEH) keeps master data, members and entities; an entity's
correspondent (CEA) only their entity's members; everyone else is refused."""

import pytest

from certiprev.habilitations.enums import RequestState
from certiprev.habilitations.services import habilitation_request_schemes_set
from certiprev.lib.errors import WorkflowError
from certiprev.organisations import services
from certiprev.organisations.enums import MemberRole
from certiprev.organisations.models import AssociatedEntity, Membership
from certiprev.organisations.selectors import get_entity_for_manager, members_managed_in
from tests.factories import MembershipFactory, OrganisationFactory, scheme


@pytest.fixture
def org(db):
    return OrganisationFactory(name="Prévention Rhône")


@pytest.fixture
def entity(org):
    return AssociatedEntity.objects.create(organisation=org, name="Antenne de Grenoble")


@pytest.fixture
def ceh(org):
    return MembershipFactory(organisation=org, role=MemberRole.CORRESPONDENT).user


@pytest.fixture
def cea(org, entity):
    return MembershipFactory(organisation=org, entity=entity, role=MemberRole.ENTITY_CORRESPONDENT).user


@pytest.fixture
def user(org):
    return MembershipFactory(organisation=org, role=MemberRole.USER).user


def _update(by, org):
    return services.organisation_update(
        by=by, organisation=org, name="Nouveau nom", address="", postal_code="", city="Lyon", region=""
    )


def test_only_the_correspondent_changes_the_master_data(ceh, cea, user, org):
    for person in (cea, user):
        with pytest.raises(WorkflowError) as refusal:
            _update(person, org)
        assert refusal.value.status == 403
    assert _update(ceh, org).name == "Nouveau nom"


def test_the_correspondent_of_another_organisation_is_refused(org):
    stranger = MembershipFactory(role=MemberRole.CORRESPONDENT).user
    with pytest.raises(WorkflowError):
        _update(stranger, org)
    with pytest.raises(WorkflowError):
        services.entity_create(by=stranger, organisation=org, name="Antenne pirate")
    assert not AssociatedEntity.objects.filter(name="Antenne pirate").exists()


def test_a_cea_adds_members_to_their_own_entity_whatever_is_posted(cea, org, entity):
    other = AssociatedEntity.objects.create(organisation=org, name="Antenne de Lyon")
    membership = services.member_add(by=cea, organisation=org, email="n@x.fr", role=MemberRole.USER, entity=other)
    assert membership.entity == entity


def test_a_cea_cannot_remove_the_organisations_correspondent_even_attached_to_their_entity(cea, org, entity):
    boss = MembershipFactory(organisation=org, entity=entity, role=MemberRole.CORRESPONDENT)
    with pytest.raises(WorkflowError):
        services.member_remove(by=cea, membership=boss)
    assert Membership.objects.filter(pk=boss.pk).exists()


def test_a_plain_user_manages_nobody(user, org, entity):
    assert not members_managed_in(user, org).exists()
    with pytest.raises(WorkflowError):
        services.member_add(by=user, organisation=org, email="n@x.fr")
    from django.http import Http404

    with pytest.raises(Http404):
        get_entity_for_manager(user, org.public_id, entity.public_id)


def test_an_entity_of_another_organisation_is_refused_to_the_correspondent(ceh, org):
    foreign = AssociatedEntity.objects.create(organisation=OrganisationFactory(), name="Ailleurs")
    with pytest.raises(WorkflowError) as refusal:
        services.member_add(by=ceh, organisation=org, email="n@x.fr", role=MemberRole.USER, entity=foreign)
    assert refusal.value.field == "entity"


def test_changing_a_requests_schemes_keeps_one_open_request_per_scheme(ceh, org):
    from django.utils import timezone

    from certiprev.habilitations.models import HabilitationRequest

    def make(code):
        request = HabilitationRequest.objects.create(
            organisation=org, kind="initial", state=RequestState.DRAFT, state_changed_at=timezone.now()
        )
        request.schemes.set([scheme(code)])
        return request

    make("SST")
    second = make("CATEC")
    with pytest.raises(WorkflowError) as refusal:
        habilitation_request_schemes_set(by=ceh, request=second, schemes=[scheme("SST")])
    assert refusal.value.code == "request_already_open"
    assert list(second.schemes.values_list("code", flat=True)) == ["CATEC"]
    habilitation_request_schemes_set(by=ceh, request=second, schemes=[scheme("CATEC"), scheme("PRAP_IBC")])
    assert sorted(second.schemes.values_list("code", flat=True)) == ["CATEC", "PRAP_IBC"]

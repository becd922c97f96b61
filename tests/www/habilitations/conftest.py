"""Personas of the organisation's own pages: its correspondent (CEH), an associated entity with its correspondent
(CEA) and a user, a plain user of the organisation, and another organisation with its correspondent."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from certiprev.habilitations.enums import RequestKind, RequestState
from certiprev.habilitations.models import HabilitationRequest, RequestDocument
from certiprev.organisations.enums import MemberRole, Region
from certiprev.organisations.models import AssociatedEntity
from tests.factories import MembershipFactory, OrganisationFactory, TrainerCertificationFactory, TrainerFactory, scheme
from tests.www.conftest import login

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def org(db):
    return OrganisationFactory(name="Prévention Rhône", region=Region.RHONE_ALPES, city="Lyon")


@pytest.fixture
def entity(org):
    return AssociatedEntity.objects.create(organisation=org, name="Antenne de Grenoble", city="Grenoble")


@pytest.fixture
def ceh(org):
    return MembershipFactory(
        organisation=org, role=MemberRole.CORRESPONDENT, user__email="ceh@prevention-rhone.fr"
    ).user


@pytest.fixture
def cea(org, entity):
    return MembershipFactory(
        organisation=org, entity=entity, role=MemberRole.ENTITY_CORRESPONDENT, user__email="cea@prevention-rhone.fr"
    ).user


@pytest.fixture
def plain_user(org):
    return MembershipFactory(organisation=org, role=MemberRole.USER, user__email="user@prevention-rhone.fr").user


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Autre Formation", region=Region.BRETAGNE)


@pytest.fixture
def other_ceh(other_org):
    return MembershipFactory(organisation=other_org, role=MemberRole.CORRESPONDENT, user__email="ceh@autre.fr").user


@pytest.fixture
def as_user(client):
    """`as_user(user)`: the test client signed in as that user."""

    def sign_in(user):
        client.logout()
        return login(client, user)

    return sign_in


@pytest.fixture
def certified_trainer(db):
    trainer = TrainerFactory(number="ABC12345")
    TrainerCertificationFactory(trainer=trainer, scheme=scheme("SST"))
    return trainer


@pytest.fixture
def make_request(org, certified_trainer):
    """`make_request(state, documents=1, organisation=…)`: an SST request built directly in that state."""

    def make(state=RequestState.DRAFT, *, documents=1, organisation=None, days=3, kind=RequestKind.INITIAL, **fields):
        request = HabilitationRequest.objects.create(
            organisation=organisation or org,
            kind=kind,
            state=state,
            state_changed_at=timezone.now() - dt.timedelta(days=days),
            **fields,
        )
        request.schemes.set([scheme("SST")])
        request.trainers.set([certified_trainer])
        for n in range(documents):
            document = RequestDocument(request=request, label=f"Kbis {n + 1}", size=len(PDF))
            document.file.save("x.pdf", ContentFile(PDF), save=False)
            document.save()
        return request

    return make

"""Personas of the habilitation workflow, and requests built directly in any state (fixtures, not services)."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from certiprev.accounts.models import NetworkRole
from certiprev.habilitations.enums import RequestKind, RequestState
from certiprev.habilitations.models import HabilitationRequest, RequestDocument
from certiprev.organisations.enums import MemberRole, Region
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    TrainerCertificationFactory,
    TrainerFactory,
    UserFactory,
    scheme,
)

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def caisse_organisation(db):
    return OrganisationFactory(name="Prévention Rhône", region=Region.RHONE_ALPES)


@pytest.fixture
def correspondent(caisse_organisation):
    return MembershipFactory(organisation=caisse_organisation, role=MemberRole.CORRESPONDENT).user


@pytest.fixture
def plain_member(caisse_organisation):
    return MembershipFactory(organisation=caisse_organisation, role=MemberRole.USER).user


@pytest.fixture
def instructor(db):
    return UserFactory(network_role=NetworkRole.INSTRUCTOR, caisse=Region.RHONE_ALPES)


@pytest.fixture
def other_instructor(db):
    return UserFactory(network_role=NetworkRole.INSTRUCTOR, caisse=Region.BRETAGNE)


@pytest.fixture
def cnh_member(db):
    return UserFactory(network_role=NetworkRole.CNH)


@pytest.fixture
def certified_trainer(db):
    trainer = TrainerFactory()
    TrainerCertificationFactory(trainer=trainer, scheme=scheme("SST"))
    return trainer


@pytest.fixture
def make_request(caisse_organisation, certified_trainer):
    """`make_request(state)`: a complete SST request (certified trainer, one PDF) in that state."""

    def make(state=RequestState.DRAFT, *, kind=RequestKind.INITIAL, codes=("SST",), organisation=None, **fields):
        request = HabilitationRequest.objects.create(
            organisation=organisation or caisse_organisation,
            kind=kind,
            state=state,
            state_changed_at=timezone.now() - dt.timedelta(days=3),
            **fields,
        )
        request.schemes.set([scheme(code) for code in codes])
        request.trainers.set([certified_trainer])
        document = RequestDocument(request=request, label="Kbis", size=len(PDF))
        document.file.save("x.pdf", ContentFile(PDF), save=False)
        document.save()
        return request

    return make


@pytest.fixture(autouse=True)
def _documents_in_memory(settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}

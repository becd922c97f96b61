"""The issuance lease: short, renewed by a live run, and a run that lost it stops."""

import datetime as dt

import pytest
import time_machine

from certiprev.certificates.issuance import Lease, LeaseLost, issuance_stalled_release, issuances_stalled
from certiprev.certificates.models import CertificateArchive
from tests.factories import TrainingFactory

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(settings):
    settings.ISSUANCE_LEASE_SECONDS = 30
    return CertificateArchive.objects.create(training=TrainingFactory())


def _lease_until(archive) -> dt.datetime | None:
    archive.refresh_from_db()
    return archive.lease_until


def test_a_live_run_pushes_its_lease_forward_every_third_of_it(archive):
    lease = Lease(archive.pk)
    with time_machine.travel(T0, tick=False):
        assert lease.take()
    with time_machine.travel(T0 + dt.timedelta(seconds=9), tick=False):
        lease.renew()  # too early: no write
    assert _lease_until(archive) == T0 + dt.timedelta(seconds=30)
    with time_machine.travel(T0 + dt.timedelta(seconds=10), tick=False):
        lease.renew()
    assert _lease_until(archive) == T0 + dt.timedelta(seconds=40)
    lease.release()
    assert _lease_until(archive) is None


def test_a_lapsed_lease_is_reported_stalled_and_a_new_run_takes_it_over(archive):
    dead = Lease(archive.pk)
    with time_machine.travel(T0, tick=False):
        assert dead.take()
    with time_machine.travel(T0 + dt.timedelta(seconds=29), tick=False):
        assert issuances_stalled() == []
        assert not Lease(archive.pk).take()  # still held
    with time_machine.travel(T0 + dt.timedelta(seconds=31), tick=False):
        assert issuances_stalled() == [(archive.pk, archive.training_id, T0 + dt.timedelta(seconds=30))]
        new = Lease(archive.pk)
        assert new.take()
        # The recovery frees only the lapsed value: the new run's lease stays.
        assert not issuance_stalled_release(archive_id=archive.pk, lease_until=T0 + dt.timedelta(seconds=30))
    assert _lease_until(archive) == T0 + dt.timedelta(seconds=61)
    with time_machine.travel(T0 + dt.timedelta(seconds=40), tick=False), pytest.raises(LeaseLost):
        dead.renew()  # the old run was only slow: it stops instead of racing the new one
    dead.release()
    assert _lease_until(archive) == T0 + dt.timedelta(seconds=61)  # and cannot free the new run's lease

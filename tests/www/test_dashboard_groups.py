"""The organisation dashboard's hand-written reads (`trainings.selectors.dashboard_sessions`): the groups' SQL
conditions select what their Q conditions select, and each group lists the sessions, in the order and number, that
one queryset per group listed."""

import datetime as dt
import itertools
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from certiprev.organisations.models import AssociatedEntity
from certiprev.trainings.enums import TrainingState
from certiprev.trainings.models import Trainee, Training
from certiprev.trainings.selectors import (
    DASHBOARD_ORDERINGS,
    TrainingScope,
    dashboard_conditions,
    dashboard_conditions_sql,
    dashboard_sessions,
    member_scope,
)
from certiprev.www.selectors import dashboard_groups
from tests.factories import OrganisationFactory, TraineeFactory, TrainingFactory, today

pytestmark = pytest.mark.django_db

OFFSETS = (-2, -1, 0, 1)  # days around today: the deadline passed, the day before, today, tomorrow


def closed_since() -> dt.datetime:
    day = today() - dt.timedelta(days=settings.CERTIFICATE_FILE_DAYS)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def grid(organisation, trainer) -> list[Training]:
    """Every state × closing deadline × extension (none or around today) × closing time (around `closed_since`)."""
    model = TrainingFactory(organisation=organisation, trainer=trainer)
    since = closed_since()
    rows = []
    for state, deadline, extension, closed in itertools.product(
        TrainingState.values, OFFSETS, (None, *OFFSETS), (None, -1, 0, 1)
    ):
        if (closed is None) != (state != TrainingState.CLOSED):
            continue  # a closing time for the closed sessions only
        rows.append(
            Training(
                public_id=uuid.uuid4(),
                organisation=organisation,
                scheme=model.scheme,
                kind=model.kind,
                start_date=model.start_date,
                end_date=model.end_date,
                place=model.place,
                trainer=trainer,
                state=state,
                close_before=today() + dt.timedelta(days=deadline),
                close_extended_until=None if extension is None else today() + dt.timedelta(days=extension),
                closed_at=None if closed is None else since + dt.timedelta(seconds=closed),
                submitted_at=timezone.now() - dt.timedelta(hours=deadline + 10),
            )
        )
    return Training.objects.bulk_create(rows)


def test_the_sql_conditions_select_what_the_q_conditions_select(organisation, trainer):
    grid(organisation, trainer)
    sql = dashboard_conditions_sql(today(), closed_since=closed_since())
    table = connection.ops.quote_name(Training._meta.db_table)
    for key, (condition, _state) in dashboard_conditions(today(), closed_since=closed_since()).items():
        expected = set(Training.objects.filter(condition).values_list("pk", flat=True))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT t.id FROM {table} t WHERE {sql[key][0]}", sql[key][1])  # noqa: S608
            found = {row[0] for row in cursor.fetchall()}
        assert found == expected, key
        assert 0 < len(expected) < Training.objects.count(), key  # the grid has sessions on both sides


def test_each_group_lists_its_first_sessions_in_order_with_their_trainee_counts(organisation, trainer):
    sessions = grid(organisation, trainer)
    for index, training in enumerate(sessions[:40]):
        TraineeFactory.create_batch(index % 3, training=training)
    entity = AssociatedEntity.objects.create(organisation=organisation, name="Antenne de Vienne")
    Training.objects.filter(pk__in=[t.pk for t in sessions[::3]]).update(entity=entity)
    grid(OrganisationFactory(), trainer)  # another organisation's: never listed
    scopes = [
        TrainingScope(organisation_ids=(organisation.pk,)),
        TrainingScope(entities=((organisation.pk, entity.pk),)),
        TrainingScope(trainer_id=trainer.pk),
    ]
    for scope, size in itertools.product(scopes, (1, 4, 100)):
        counts, listed = dashboard_sessions(scope, today(), closed_since=closed_since(), size=size)
        for key, (condition, _state) in dashboard_conditions(today(), closed_since=closed_since()).items():
            expected = Training.objects.filter(scope.q() & condition)
            assert counts[key] == expected.count(), key
            order = [f"{'-' if descending else ''}{name}" for name, descending in DASHBOARD_ORDERINGS[key]]
            first = list(expected.order_by(*order).values_list("pk", flat=True)[:size])
            assert [session.training.pk for session in listed[key]] == first, key
            for session in listed[key]:
                assert session.trainee_count == Trainee.objects.filter(training=session.training).count()
                for relation in ("organisation", "scheme", "trainer"):  # the relations come with the row
                    assert Training._meta.get_field(relation).is_cached(session.training)
                assert session.training.trainer.last_name == trainer.last_name


def test_nobody_to_see_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        counts, listed = dashboard_sessions(TrainingScope(), today(), closed_since=closed_since(), size=10)
    assert set(counts.values()) == {0}
    assert not any(listed.values())


def test_the_groups_in_three_queries_whatever_the_sessions(member, organisation, trainer, django_assert_num_queries):
    sessions = grid(organisation, trainer)
    for training in sessions[:30]:
        TraineeFactory.create_batch(2, training=training)
    scope = member_scope(member)
    with django_assert_num_queries(3):  # the counts, the lists, the closed sessions' files
        groups = dashboard_groups(scope, today())
    assert {group.key for group in groups if group.items} == set(DASHBOARD_ORDERINGS)
    assert all(len(group.items) == min(group.count, 10) for group in groups)
    closed = next(group for group in groups if group.key == "closed")
    assert all(training.files_delete_after is None for training in closed.items)  # no archive yet

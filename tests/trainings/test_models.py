"""Workflow rows are written column by column: an edit never writes back the state (nor anything it did not change).

The compare-and-swap protects `state`; a full-row save from an edit could still write back a stale copy of the
other columns, so the services name their `update_fields`.
"""

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from certiprev.trainings import services
from certiprev.trainings.models import Training
from certiprev.trainings.rules import close_deadline_for


def _updated_columns(queries, table: str) -> set[str]:
    columns: set[str] = set()
    for query in queries:
        sql = query["sql"]
        if sql.startswith(f'UPDATE "{table}"'):
            set_clause = sql.split(" SET ", 1)[1].split(" WHERE ", 1)[0]
            columns |= set(re.findall(r'"(\w+)" = ', set_clause))
    return columns


def test_a_session_edit_writes_only_the_edited_columns(member, training):
    with CaptureQueriesContext(connection) as queries:
        services.training_update(by=member, training=training, place="Salle Saône, Lyon")
    assert _updated_columns(queries, "trainings_training") == {
        "scheme_id",
        "kind",
        "start_date",
        "end_date",
        "close_before",
        "place",
        "trainer_id",
        "updated_at",
    }


def test_a_new_last_day_moves_the_closing_deadline_with_it(member, training):
    new_end = training.start_date
    services.training_update(by=member, training=training, end_date=new_end)
    fresh = Training.objects.get(pk=training.pk)
    assert (fresh.end_date, fresh.close_before) == (new_end, close_deadline_for(new_end))


def test_a_trainee_edit_writes_only_the_identity_columns(member, training_with_trainees):
    trainee = training_with_trainees.trainees.first()
    data = services.TraineeData(last_name="Nouveau", first_names="Nom", birth_date=dt.date(1990, 1, 1))
    with CaptureQueriesContext(connection) as queries:
        services.trainee_update(by=member, trainee=trainee, data=data)
    assert _updated_columns(queries, "trainings_trainee") == {
        "last_name",
        "first_names",
        "birth_date",
        "email",
        "external_id",
        "identity_key",
    }

"""Trainers reminded 6, 3 and 1 months before a certification ends (DESIGN §10), once each, by the scheduler."""

import datetime as dt

from django.core import mail
from django.utils import timezone

from certiprev.lib.dates import add_months
from certiprev.trainers.models import CertificationReminder
from certiprev.trainers.reminders import trainer_certification_reminders_send
from tests.factories import TrainerCertificationFactory, TrainerFactory, scheme

TODAY = dt.date(2026, 6, 1)


def _certification(valid_until, **kwargs):
    kwargs.setdefault("trainer", TrainerFactory(email="lea@exemple.fr", user__email="lea@exemple.fr"))
    return TrainerCertificationFactory(valid_from=dt.date(2024, 1, 1), valid_until=valid_until, **kwargs)


def test_six_three_and_one_month_before_the_end_each_once(db):
    certification = _certification(add_months(TODAY, 6))
    assert trainer_certification_reminders_send(today=TODAY - dt.timedelta(days=1)) == 0
    assert trainer_certification_reminders_send(today=TODAY) == 1
    assert trainer_certification_reminders_send(today=TODAY) == 0  # a rerun sends nothing
    assert trainer_certification_reminders_send(today=add_months(TODAY, 3)) == 1
    assert trainer_certification_reminders_send(today=add_months(TODAY, 5)) == 1
    assert trainer_certification_reminders_send(today=add_months(TODAY, 5) + dt.timedelta(days=3)) == 0
    assert sorted(
        CertificationReminder.objects.filter(certification=certification).values_list("months_before", flat=True)
    ) == [1, 3, 6]
    assert len(mail.outbox) == 3
    message = mail.outbox[0]
    assert message.to == ["lea@exemple.fr"]
    assert message.subject == "Votre certification de formateur SST prend fin le 01/12/2026"
    assert "dans 183 jours" in message.body


def test_a_scheduler_down_for_months_sends_one_reminder_not_three(db):
    _certification(add_months(TODAY, 6))
    assert trainer_certification_reminders_send(today=add_months(TODAY, 5) + dt.timedelta(days=10)) == 1
    assert CertificationReminder.objects.get().months_before == 1


def test_a_certification_followed_by_the_next_one_is_not_reminded(db):
    first = _certification(add_months(TODAY, 2))
    TrainerCertificationFactory(
        trainer=first.trainer,
        scheme=scheme("SST"),
        valid_from=first.valid_until + dt.timedelta(days=1),
        valid_until=add_months(TODAY, 38),
    )
    assert trainer_certification_reminders_send(today=TODAY) == 0
    assert not mail.outbox


def test_the_scheduler_job_calls_it(db):
    from certiprev.scheduler.jobs import scheduled_jobs

    _certification(add_months(timezone.localdate(), 1))
    [job] = [j for j in scheduled_jobs() if j.name == "send_trainer_certification_reminders"]
    assert job.run() == "1 rappel(s) de fin de certification de formateur envoyé(s)"

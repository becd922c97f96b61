import datetime as dt

import time_machine
from django.core import mail
from django.core.management import call_command

from certiprev.notifications.reminders import deadline_reminders_send
from certiprev.trainings.enums import TrainingState
from tests.factories import MembershipFactory, TrainingFactory


def _validated_session(member_email="claire@of.fr"):
    training = TrainingFactory(state=TrainingState.VALIDATED)
    MembershipFactory(organisation=training.organisation, user__email=member_email)
    return training


def test_members_are_reminded_once_per_threshold_before_the_closing_deadline(db):
    training = _validated_session()
    deadline = training.close_before
    with time_machine.travel(deadline - dt.timedelta(days=20)):
        assert deadline_reminders_send() == 0
    with time_machine.travel(deadline - dt.timedelta(days=14)):
        assert deadline_reminders_send() == 1
        assert deadline_reminders_send() == 0  # rerun the same day: nothing twice
    with time_machine.travel(deadline - dt.timedelta(days=10)):
        assert deadline_reminders_send() == 0
    with time_machine.travel(deadline - dt.timedelta(days=6)):
        assert deadline_reminders_send() == 1
    assert len(mail.outbox) == 2
    assert mail.outbox[0].bcc == ["claire@of.fr"]
    assert f"avant le {deadline:%d/%m/%Y}" in mail.outbox[0].subject
    assert "clôturez-la pour générer les certificats" in mail.outbox[0].body


def test_closed_cancelled_and_overdue_sessions_get_no_reminder(db):
    closed = _validated_session("a@of.fr")
    closed.state = TrainingState.CLOSED
    closed.save(update_fields=["state"])
    cancelled = _validated_session("b@of.fr")
    cancelled.state = TrainingState.CANCELLED
    cancelled.save(update_fields=["state"])
    with time_machine.travel(closed.close_before - dt.timedelta(days=3)):
        assert deadline_reminders_send() == 0
    with time_machine.travel(closed.close_before + dt.timedelta(days=3)):
        overdue = _validated_session("c@of.fr")
        overdue.end_date = overdue.start_date = dt.date.today() - dt.timedelta(days=120)
        overdue.save(update_fields=["start_date", "end_date"])
        assert deadline_reminders_send() == 0
    assert mail.outbox == []


def test_the_reminder_command_reports_what_it_sent(db, capsys):
    training = _validated_session()
    with time_machine.travel(training.close_before - dt.timedelta(days=1)):
        call_command("send_deadline_reminders")
    assert "1 rappel(s) envoyé(s)." in capsys.readouterr().out

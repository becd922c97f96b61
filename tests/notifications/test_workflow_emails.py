"""E-mail alerts of the workflow: who gets them, in French, text + HTML, only after commit, never twice."""

import pytest
from django.core import mail
from django.db import transaction

from certiprev.lib.errors import WorkflowError
from certiprev.notifications.models import EmailDelivery
from certiprev.notifications.services import event_emails_send
from certiprev.notifications.tasks import event_emails_send_task
from certiprev.trainers.services import trainer_preferences_update
from certiprev.trainings import services
from certiprev.trainings.enums import Action, TrainingState
from tests.factories import MembershipFactory, TrainerFactory, TrainingFactory, results_for


@pytest.fixture
def submittable(organisation, trainer):
    return TrainingFactory(organisation=organisation, trainer=trainer, with_trainees=6, place="Salle Bellecour, Lyon")


@pytest.fixture
def submitted(submittable):
    submittable.state = TrainingState.SUBMITTED
    submittable.save(update_fields=["state"])
    return submittable


def _html(message) -> str:
    ((content, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return content


# ---------------------------------------------------------------------------------------------------------------
# Submission → the trainer


def test_a_submission_alerts_the_trainer_in_french_with_text_and_html(
    submittable, member, trainer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.training_submit(by=member, training=submittable)
    (message,) = mail.outbox
    start = f"{submittable.start_date:%d/%m/%Y}"
    assert message.to == [trainer.user.email]
    assert message.subject == f"Session SST du {start} à valider — Secours Formation Rhône"
    assert message.body.startswith("Bonjour Hélène,\n")
    assert "Secours Formation Rhône vous a soumis la session Sauveteur Secouriste du Travail" in message.body
    assert f"http://127.0.0.1:8000/formateur/sessions/{submittable.public_id}/" in message.body
    html = _html(message)
    assert '<html lang="fr">' in html
    assert "<strong>Secours Formation Rhône</strong> vous a soumis la session" in html
    assert f'href="http://127.0.0.1:8000/formateur/sessions/{submittable.public_id}/"' in html
    assert message.from_email == "Certiprev <ne-pas-repondre@certiprev.fr>"
    event = submittable.events.get(action=Action.SUBMIT)
    assert list(EmailDelivery.objects.filter(event=event).values_list("recipient", flat=True)) == [trainer.user.email]


def test_a_trainer_who_turned_the_alert_off_gets_no_email(
    submittable, member, trainer, django_capture_on_commit_callbacks
):
    trainer_preferences_update(by=trainer.user, trainer=trainer, notify_on_submission=False)
    trainer.refresh_from_db()
    assert trainer.notify_on_submission is False
    with django_capture_on_commit_callbacks(execute=True):
        services.training_submit(by=member, training=submittable)
    assert mail.outbox == []
    assert not EmailDelivery.objects.exists()


def test_the_submission_alert_is_on_by_default():
    assert TrainerFactory.build().notify_on_submission is True


def test_only_the_trainer_changes_their_own_alert_preference(trainer, other_trainer, network_admin):
    for by in (other_trainer.user, network_admin):
        with pytest.raises(WorkflowError) as refused:
            trainer_preferences_update(by=by, trainer=trainer, notify_on_submission=False)
        assert (refused.value.status, refused.value.message) == (
            403,
            "Vous ne pouvez modifier que vos propres préférences.",
        )
    trainer.refresh_from_db()
    assert trainer.notify_on_submission is True


def test_a_trainer_without_an_account_is_alerted_at_their_own_address(
    organisation, member, django_capture_on_commit_callbacks
):
    trainer = TrainerFactory(user=None, email="sans.compte@formateurs.fr")
    training = TrainingFactory(organisation=organisation, trainer=trainer, with_trainees=4)
    with django_capture_on_commit_callbacks(execute=True):
        services.training_submit(by=member, training=training)
    assert [m.to for m in mail.outbox] == [["sans.compte@formateurs.fr"]]


# ---------------------------------------------------------------------------------------------------------------
# Validation and return → the organisation's active members


@pytest.fixture
def colleagues(organisation, other_member):
    """A second active member and an inactive one; `other_member` belongs to another organisation."""
    active = MembershipFactory(organisation=organisation, user__email="collegue@secours-rhone.fr").user
    MembershipFactory(organisation=organisation, user__email="parti@secours-rhone.fr", user__is_active=False)
    return active


def test_a_validation_alerts_every_active_member_of_the_organisation(
    submitted, member, colleagues, trainer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.training_validate(
            by=trainer.user, training=submitted, results=results_for(submitted, absent={0}, failed={1})
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["collegue@secours-rhone.fr", "membre@secours-rhone.fr"]
    assert all(len(m.to) == 1 for m in mail.outbox)  # members never see each other's address
    message = mail.outbox[0]
    start, deadline = f"{submitted.start_date:%d/%m/%Y}", f"{submitted.close_before:%d/%m/%Y}"
    assert message.subject == (f"Session SST du {start} validée par le formateur — à clôturer avant le {deadline}")
    assert "Hélène LEFÈVRE a validé la session" in message.body
    assert "4 réussites, 1 échec, 1 absence." in message.body
    assert f"au plus tard le {deadline}" in message.body
    assert f"http://127.0.0.1:8000/sessions/{submitted.public_id}/" in message.body
    assert f"<strong>au plus tard le {deadline}</strong>" in _html(message)


def test_a_return_alerts_the_members_with_the_reason(
    submitted, member, colleagues, trainer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.training_return(by=trainer.user, training=submitted, reason="Il manque Mme Brûlé.\nMerci <3")
    assert sorted(m.to[0] for m in mail.outbox) == ["collegue@secours-rhone.fr", "membre@secours-rhone.fr"]
    message = mail.outbox[0]
    assert message.subject == f"Session SST du {submitted.start_date:%d/%m/%Y} renvoyée par le formateur"
    assert "« Il manque Mme Brûlé.\nMerci <3 »" in message.body
    assert "Il manque Mme Brûlé.<br>Merci &lt;3" in _html(message)


@pytest.mark.parametrize("action", ["close", "cancel", "create", "trainee_add"])
def test_other_events_send_no_email(action, session_in, member, django_capture_on_commit_callbacks):
    training = session_in(TrainingState.VALIDATED if action == "close" else TrainingState.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        if action == "close":
            services.training_close(by=member, training=training)
        elif action == "cancel":
            services.training_cancel(by=member, training=training, reason="Report.")
        elif action == "trainee_add":
            services.trainee_add(
                by=member,
                training=training,
                data=services.TraineeData("Martin", "Léa", training.start_date.replace(year=1990)),
            )
        else:
            services.training_create(
                by=member,
                organisation=training.organisation,
                scheme=training.scheme,
                kind="initial",
                start_date=training.start_date,
                end_date=training.end_date,
                place="Lyon",
                trainer_number=training.trainer.number,
            )
    assert mail.outbox == []
    assert not EmailDelivery.objects.exists()


def test_names_are_not_html_escaped_in_the_subject_and_text_but_are_in_the_html(
    trainer, django_capture_on_commit_callbacks
):
    training = TrainingFactory(
        organisation__name="Prévention & Santé l'Atlantique", trainer=trainer, with_trainees=4, place="Salle <B>"
    )
    owner = MembershipFactory(organisation=training.organisation).user
    with django_capture_on_commit_callbacks(execute=True):
        services.training_submit(by=owner, training=training)
    (message,) = mail.outbox
    assert message.subject.endswith("à valider — Prévention & Santé l'Atlantique")
    assert "Prévention & Santé l'Atlantique vous a soumis" in message.body
    assert "à Salle <B>." in message.body
    html = _html(message)
    assert "Prévention &amp; Santé l&#x27;Atlantique" in html
    assert "Salle &lt;B&gt;" in html


# ---------------------------------------------------------------------------------------------------------------
# After commit, through the task queue, never twice


def test_the_email_waits_for_the_commit(submittable, member, trainer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.training_submit(by=member, training=submittable)
    assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [[trainer.user.email]]


def test_a_rolled_back_transition_sends_nothing(submittable, member, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.training_submit(by=member, training=submittable)
        raise RuntimeError("something failed later in the same transaction")
    assert callbacks == []
    assert mail.outbox == []
    submittable.refresh_from_db()
    assert submittable.state == TrainingState.DRAFT


def test_a_retried_task_sends_nothing_twice(
    submitted, member, colleagues, trainer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.training_return(by=trainer.user, training=submitted, reason="Erreur de date.")
    event = submitted.events.get(action=Action.RETURN)
    assert len(mail.outbox) == 2
    assert event_emails_send_task.call(event.pk) == 0
    assert event_emails_send(event=event) == 0
    assert len(mail.outbox) == 2
    assert EmailDelivery.objects.filter(event=event).count() == 2


def test_a_task_retried_after_a_partial_failure_sends_only_the_missing_emails(submitted, member, colleagues, trainer):
    services.training_return(by=trainer.user, training=submitted, reason="Erreur de date.")  # on_commit not run
    event = submitted.events.get(action=Action.RETURN)
    EmailDelivery.objects.create(event=event, recipient="collegue@secours-rhone.fr")  # sent before the crash
    assert event_emails_send_task.call(event.pk) == 1
    assert [m.to for m in mail.outbox] == [["membre@secours-rhone.fr"]]


def test_the_task_of_a_vanished_event_does_nothing(db):
    assert event_emails_send_task.call(123456) == 0
    assert mail.outbox == []


def test_the_emails_go_through_the_task_queue(submittable, member, django_capture_on_commit_callbacks, monkeypatch):
    from certiprev.notifications import tasks

    class Queue:
        enqueued = []

        def enqueue(self, *args):
            self.enqueued.append(args)

    monkeypatch.setattr(tasks, "event_emails_send_task", Queue())
    with django_capture_on_commit_callbacks(execute=True):
        services.training_submit(by=member, training=submittable)
    assert Queue.enqueued == [(submittable.events.get(action=Action.SUBMIT).pk,)]
    assert mail.outbox == []


def test_a_delivery_recorded_meanwhile_by_a_concurrent_retry_does_not_break_the_transaction(
    submitted, trainer, member, monkeypatch
):
    from certiprev.notifications import services as notification_services

    services.training_validate(by=trainer.user, training=submitted, results=results_for(submitted))
    event = submitted.events.get(action=Action.VALIDATE)
    real_send = notification_services.EmailMultiAlternatives.send

    def send_while_another_task_records_it(message, *args, **kwargs):
        sent = real_send(message, *args, **kwargs)
        EmailDelivery.objects.create(event=event, recipient=message.to[0])
        return sent

    monkeypatch.setattr(notification_services.EmailMultiAlternatives, "send", send_while_another_task_records_it)
    with transaction.atomic():
        assert event_emails_send(event=event) == 1
        assert EmailDelivery.objects.filter(event=event).count() == 1  # the transaction is still usable


def test_nobody_changes_the_preference_of_a_trainer_without_an_account(anonymous, db):
    trainer = TrainerFactory(user=None)
    with pytest.raises(WorkflowError) as refused:
        trainer_preferences_update(by=anonymous, trainer=trainer, notify_on_submission=False)
    assert refused.value.status == 403
    trainer.refresh_from_db()
    assert trainer.notify_on_submission is True

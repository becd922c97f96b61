from django.core import mail

from certiprev.trainings import services
from certiprev.trainings.enums import Action, TrainingState
from tests.factories import scheme, today


def test_a_session_goes_from_draft_to_closed_with_its_events_and_emails(
    member, trainer, organisation, django_capture_on_commit_callbacks
):
    from tests.factories import HabilitationFactory, TrainerCertificationFactory

    HabilitationFactory(organisation=organisation)
    TrainerCertificationFactory(trainer=trainer)
    training = services.training_create(
        by=member,
        organisation=organisation,
        scheme=scheme("SST"),
        kind="initial",
        start_date=today(),
        end_date=today(),
        place="Lyon",
        trainer_number="abc12345",
    )
    for i in range(4):
        services.trainee_add(
            by=member,
            training=training,
            data=services.TraineeData(
                last_name=f"Dupont{i}", first_names="Zoé", birth_date=today().replace(year=1990)
            ),
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.training_submit(by=member, training=training)
    assert [m.to for m in mail.outbox] == [[trainer.user.email]]
    trainees = list(training.trainees.all())
    results = [services.TraineeResult(str(t.public_id), present=True, passed=i != 0) for i, t in enumerate(trainees)]
    with django_capture_on_commit_callbacks(execute=True):
        services.training_validate(by=trainer.user, training=training, results=results)
    assert mail.outbox[-1].to == [member.email]
    services.training_close(by=member, training=training)
    training.refresh_from_db()
    assert training.state == TrainingState.CLOSED
    assert list(training.events.values_list("action", flat=True)) == [
        Action.CREATE,
        *[Action.TRAINEE_ADD] * 4,
        Action.SUBMIT,
        Action.VALIDATE,
        Action.CLOSE,
    ]

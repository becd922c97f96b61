"""Issue 13, the organisation's day: the count against the limit (9), closing while certificates are generated (10),
each trainee's own card by e-mail (11), confirming and withdrawing a submission (12), the schedule (13) and MAC
prerequisite (14) warnings, a stale "Clôturer" (15)."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from certiprev.certificates.models import CardEmail
from certiprev.trainings import services
from certiprev.trainings.enums import Action, TrainingKind, TrainingState
from certiprev.trainings.models import Trainee, Training
from tests.factories import TraineeFactory, TrainingFactory, today
from tests.trainee_import_samples import SAMPLE_HEADERS, make_csv
from tests.www.conftest import set_state, text_of

pytestmark = pytest.mark.usefixtures("db")


def detail_url(training) -> str:
    return reverse("www:training_detail", args=[training.public_id])


def upload(client, training, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("www:trainee_import", args=[training.public_id]), {"file": SimpleUploadedFile("liste.csv", content)}
    )


# --- 9. The count against the limit, said at once ----------------------------------------------------------------


def test_the_session_page_shows_the_count_against_the_maximum(member_client, training):
    TraineeFactory.create_batch(6, training=training)
    text = text_of(member_client.get(detail_url(training)))
    assert "Stagiaires (6 sur 10 au maximum)" in text
    assert "6 stagiaires sur 10 au maximum." in text


def test_the_add_form_warns_when_the_session_is_full(member_client, training):
    TraineeFactory.create_batch(10, training=training)
    text = text_of(member_client.get(detail_url(training)))
    assert (
        "La session compte déjà 10 stagiaires, le maximum est 10 : un stagiaire de plus dépasserait le maximum."
    ) in text


def test_adding_an_eleventh_trainee_by_hand_warns_at_once(member_client, training):
    TraineeFactory.create_batch(10, training=training)
    response = member_client.post(
        reverse("www:trainee_add", args=[training.public_id]),
        {"add-last_name": "Onzième", "add-first_names": "Léa", "add-birth_date": "17/05/1990"},
        follow=True,
    )
    assert Trainee.objects.filter(training=training).count() == 11  # a warning, not a refusal: the list is theirs
    text = text_of(response)
    assert "La session compte 11 stagiaires, le maximum est 10." in text
    assert "Stagiaires (11 sur 10 au maximum)" in text


def test_the_import_preview_warns_when_the_file_would_exceed_the_maximum(member_client, training):
    TraineeFactory.create_batch(8, training=training)
    rows = [["Durand", "Paul", "01/02/1985"], ["Petit", "Anne", "03/04/1986"], ["Roux", "Marc", "05/06/1987"]]
    response = upload(member_client, training, make_csv(rows, SAMPLE_HEADERS[:3]))
    assert response.status_code == 200
    text = text_of(response)
    assert "Avec ce fichier, la session compte 11 stagiaires, le maximum est 10." in text
    assert "Après l'import : 11 stagiaires sur 10 au maximum pour une session SST." in text
    assert Trainee.objects.filter(training=training).count() == 8  # nothing added before the confirmation


def test_the_import_page_says_the_count_against_the_limit_before_any_file(member_client, training):
    TraineeFactory.create_batch(8, training=training)
    text = text_of(member_client.get(reverse("www:trainee_import", args=[training.public_id])))
    assert "(8 inscrits sur 10 au maximum pour une session SST)" in text


def test_an_import_within_the_limit_says_the_count_without_warning(member_client, training):
    text = text_of(upload(member_client, training, make_csv([["Durand", "Paul", "01/02/1985"]], SAMPLE_HEADERS[:3])))
    assert "Après l'import : 1 stagiaire sur 10 au maximum" in text
    assert "le maximum est" not in text


# --- 12. Submitting asks first; a submission can be withdrawn -----------------------------------------------------


def test_submitting_asks_for_a_confirmation_first(member_client, training_with_trainees):
    training = training_with_trainees
    TraineeFactory.create_batch(4, training=training)
    page = member_client.get(detail_url(training)).content.decode()
    submit_url = reverse("www:training_submit", args=[training.public_id])
    assert f'<a class="button" href="{submit_url}">Soumettre au formateur</a>' in page
    response = member_client.get(submit_url)
    assert response.status_code == 200
    assert "Soumettre la session au formateur ?" in text_of(response)
    training.refresh_from_db()
    assert training.state == TrainingState.DRAFT  # asking changes nothing
    member_client.post(submit_url)
    training.refresh_from_db()
    assert training.state == TrainingState.SUBMITTED


def test_the_confirmation_page_of_a_session_that_cannot_be_submitted_leads_back_to_it(member_client, training):
    set_state(training, TrainingState.VALIDATED)
    response = member_client.get(reverse("www:training_submit", args=[training.public_id]))
    assert response.status_code == 302
    assert response.url == detail_url(training)


def test_the_organisation_withdraws_a_submission_back_to_draft_and_it_is_audited(member_client, member, training):
    set_state(training, TrainingState.SUBMITTED)
    page = member_client.get(detail_url(training)).content.decode()
    assert "Reprendre la session (retirer la soumission)" in page
    response = member_client.post(reverse("www:training_withdraw", args=[training.public_id]), follow=True)
    training.refresh_from_db()
    assert training.state == TrainingState.DRAFT
    assert training.submitted_at is None
    event = training.events.get(action=Action.WITHDRAW)
    assert (event.from_state, event.to_state, event.actor) == ("submitted", "draft", member)
    text = text_of(response)
    assert "Soumission retirée : la session est de nouveau en brouillon" in text
    assert "Soumission retirée par l'organisme par" in text  # in the session's history


def test_a_validated_session_can_no_longer_be_withdrawn(member_client, training):
    set_state(training, TrainingState.VALIDATED)
    assert "Reprendre la session" not in member_client.get(detail_url(training)).content.decode()
    response = member_client.post(reverse("www:training_withdraw", args=[training.public_id]))
    assert response.status_code == 409
    assert "Impossible de reprendre une session déjà validée par le formateur." in text_of(response)
    training.refresh_from_db()
    assert training.state == TrainingState.VALIDATED


def test_the_trainer_cannot_withdraw_a_submission(trainer_client, training):
    set_state(training, TrainingState.SUBMITTED)
    response = trainer_client.post(reverse("www:training_withdraw", args=[training.public_id]))
    assert response.status_code == 404  # the organisation's page: not the trainer's
    training.refresh_from_db()
    assert training.state == TrainingState.SUBMITTED


# --- 13, 14. Warnings before submission --------------------------------------------------------------------------


def test_a_thirty_day_sst_initial_session_is_warned_not_refused(member_client, organisation, trainer):
    training = TrainingFactory(
        organisation=organisation,
        trainer=trainer,
        start_date=today() + dt.timedelta(days=10),
        end_date=today() + dt.timedelta(days=39),
    )
    TraineeFactory.create_batch(5, training=training)
    warning = "La session s'étend sur 30 jours pour 14 h de formation (2 jours environ). Vérifiez les dates."
    assert warning in text_of(member_client.get(detail_url(training)))
    assert warning in text_of(member_client.get(reverse("www:training_submit", args=[training.public_id])))
    member_client.post(reverse("www:training_submit", args=[training.public_id]))
    training.refresh_from_db()
    assert training.state == TrainingState.SUBMITTED


def test_a_fourteen_hour_session_in_one_day_is_warned(member_client, organisation, trainer):
    training = TrainingFactory(organisation=organisation, trainer=trainer, start_date=today(), end_date=today())
    text = text_of(member_client.get(detail_url(training)))
    assert "La session dure 1 jour pour 14 h de formation : plus de 7 h par jour. Vérifiez les dates." in text


def test_a_two_day_sst_session_has_no_schedule_warning(member_client, training):
    TraineeFactory.create_batch(5, training=training)
    assert "Vérifiez les dates" not in text_of(member_client.get(detail_url(training)))


def test_a_mac_says_how_many_prerequisites_are_missing_before_submission(member_client, organisation, trainer):
    training = TrainingFactory(organisation=organisation, trainer=trainer, kind=TrainingKind.MAC)
    TraineeFactory.create_batch(5, training=training)
    warning = "Prérequis du MAC : 5 stagiaires sur 5 n'ont pas leur ancienne carte vérifiée."
    assert warning in text_of(member_client.get(detail_url(training)))
    assert warning in text_of(member_client.get(reverse("www:training_submit", args=[training.public_id])))


# --- 15. A stale "Clôturer" ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_stale_close_on_a_closed_session_shows_its_state_and_certificates(member_client, training, method):
    set_state(training, TrainingState.CLOSED)
    response = getattr(member_client, method)(reverse("www:training_close", args=[training.public_id]))
    assert response.status_code == 302
    assert response.url == detail_url(training) + "#certificats"
    text = text_of(member_client.get(response.url))
    assert "Cette session est déjà clôturée" in text
    assert "ses certificats sont ci-dessous" in text
    assert "Clôturée" in text


# --- 10. Closing: being generated, the section refreshes, the members are e-mailed --------------------------------


def test_closing_says_the_certificates_are_being_generated(member_client, training_with_trainees, trainer):
    training = training_with_trainees
    set_state(training, TrainingState.VALIDATED)
    Trainee.objects.filter(training=training).update(present=True, passed=True)
    response = member_client.post(reverse("www:training_close", args=[training.public_id]), follow=True)
    text = text_of(response)
    assert "les certificats des stagiaires reçus sont en cours de génération" in text
    assert "sont émis" not in text


def test_the_certificates_fragment_is_the_section_alone(member_client, training):
    set_state(training, TrainingState.CLOSED)
    url = reverse("www:training_certificates_fragment", args=[training.public_id])
    response = member_client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    content = response.content.decode()
    assert content.lstrip().startswith('<section aria-labelledby="certificats"')
    assert "<html" not in content


def test_another_organisation_gets_no_certificates_fragment(other_member_client, training):
    set_state(training, TrainingState.CLOSED)
    url = reverse("www:training_certificates_fragment", args=[training.public_id])
    assert other_member_client.get(url).status_code == 404


def test_the_certificates_fragment_of_an_open_session_is_a_404(member_client, training):
    assert (
        member_client.get(reverse("www:training_certificates_fragment", args=[training.public_id])).status_code == 404
    )


def test_the_members_are_e_mailed_once_when_the_certificates_are_ready(
    close_session, member, django_capture_on_commit_callbacks
):
    from certiprev.certificates.issuance import certificates_issue
    from tests.certificates.helpers import archive_of

    mail.outbox.clear()
    training = close_session(trainees=5, failed=(0,))
    ready = [m for m in mail.outbox if m.subject.startswith("Certificats prêts")]
    assert len(ready) == 1
    [message] = ready
    assert message.to == [member.email]
    deletion = archive_of(training).delete_after
    from django.utils import timezone

    local = timezone.localtime(deletion)
    assert f"avant le {local:%d/%m/%Y} à {local:%H:%M}" in message.body
    assert "4 certificats" in message.body
    # A second run of the task (a retry) sends nothing again.
    with django_capture_on_commit_callbacks(execute=True):
        certificates_issue(training_id=training.pk)
    from certiprev.notifications.services import certificates_ready_send

    assert certificates_ready_send(training=training, delete_after=deletion, certificate_count=4) == 0
    assert len([m for m in mail.outbox if m.subject.startswith("Certificats prêts")]) == 1


# --- 11. Each trainee's own card by e-mail ------------------------------------------------------------------------


@pytest.fixture
def closed_with_emails(close_session, django_capture_on_commit_callbacks):
    """5 trainees, the first failed; of the 4 who passed, 3 gave an address (two of them the same one)."""
    training = close_session(trainees=5, failed=(0,))
    trainees = list(training.trainees.order_by("id"))
    addresses = ["recale@exemple.fr", "lea@exemple.fr", "", "famille@exemple.fr", "famille@exemple.fr"]
    for trainee, address in zip(trainees, addresses, strict=True):
        Trainee.objects.filter(pk=trainee.pk).update(email=address)
    mail.outbox.clear()
    return training


def test_each_trainee_gets_their_own_card_alone_in_their_own_message(
    member_client, member, closed_with_emails, django_capture_on_commit_callbacks
):
    training = closed_with_emails
    page = text_of(member_client.get(detail_url(training)))
    assert "Envoyer à chaque stagiaire sa carte par e-mail (3)" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(reverse("www:training_cards_email", args=[training.public_id]), follow=True)
    assert "Envoi en cours : 3 messages par e-mail, un par stagiaire, chacun avec sa seule carte." in text_of(response)
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        assert len(message.to) == 1 and not message.cc and not message.bcc
        [attachment] = message.attachments
        assert attachment[2] == "application/pdf"
    sent = CardEmail.objects.filter(event__training=training).select_related("certificate")
    assert sorted(c.recipient for c in sent) == ["famille@exemple.fr", "famille@exemple.fr", "lea@exemple.fr"]
    names = {c.certificate.holder_first_names for c in sent}
    for card in sent:  # one message per holder, to that holder's address, naming that holder only
        [message] = [m for m in mail.outbox if card.certificate.holder_first_names in m.body]
        assert message.to == [card.recipient]
        assert [name for name in names if name in message.body] == [card.certificate.holder_first_names]
    event = training.events.get(action=Action.CARDS_EMAIL)
    assert (event.actor, event.data) == (member, {"recipients": 3})
    assert "Envoi des cartes aux stagiaires par e-mail" in text_of(member_client.get(detail_url(training)))


def test_a_retried_task_sends_no_card_twice(member, closed_with_emails, django_capture_on_commit_callbacks):
    from certiprev.certificates.card_mail import card_emails_send
    from certiprev.certificates.services import training_cards_email

    with django_capture_on_commit_callbacks(execute=True):
        event = training_cards_email(by=member, training=closed_with_emails)
    assert len(mail.outbox) == 3
    assert card_emails_send(event=event) == 0
    assert len(mail.outbox) == 3
    assert CardEmail.objects.filter(event=event).count() == 3


def test_a_revoked_card_is_not_sent(member, network_admin, closed_with_emails, django_capture_on_commit_callbacks):
    from certiprev.certificates.services import certificate_revoke, training_cards_email

    certificate = closed_with_emails.certificates.get(trainee__email="lea@exemple.fr")
    certificate_revoke(by=network_admin, certificate=certificate, reason="Erreur d'identité.")
    with django_capture_on_commit_callbacks(execute=True):
        training_cards_email(by=member, training=closed_with_emails)
    assert sorted(m.to[0] for m in mail.outbox) == ["famille@exemple.fr", "famille@exemple.fr"]


def test_no_address_no_sending_and_a_french_message(member_client, close_session):
    training = close_session(trainees=4)
    Trainee.objects.filter(training=training).update(email="")
    assert "Envoyer à chaque stagiaire" not in text_of(member_client.get(detail_url(training)))
    response = member_client.post(reverse("www:training_cards_email", args=[training.public_id]), follow=True)
    assert "Envoi des cartes impossible : Aucun stagiaire reçu n'a donné d'adresse e-mail" in text_of(response)
    assert not training.events.filter(action=Action.CARDS_EMAIL).exists()


def test_cards_of_an_open_session_cannot_be_sent(member, training):
    from certiprev.certificates.services import training_cards_email
    from certiprev.lib.errors import WorkflowError

    with pytest.raises(WorkflowError) as refused:
        training_cards_email(by=member, training=training)
    assert (
        refused.value.message == "Les cartes s'envoient une fois la session clôturée : elle est à l'état de brouillon."
    )


def test_another_organisation_cannot_send_the_cards(other_member_client, closed_with_emails):
    response = other_member_client.post(reverse("www:training_cards_email", args=[closed_with_emails.public_id]))
    assert response.status_code == 404
    assert not mail.outbox


def test_the_api_sends_the_cards_and_answers_202(member, closed_with_emails, django_capture_on_commit_callbacks):
    from tests.api.conftest import api_for

    api = api_for(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"trainings/{closed_with_emails.public_id}/certificates/email")
    assert response.status_code == 202, response.content
    assert response.json() == {"recipients": 3, "message": "3 cartes en cours d'envoi, une par stagiaire."}
    assert len(mail.outbox) == 3


def test_the_api_refuses_in_json_when_nobody_gave_an_address(member, close_session):
    from tests.api.conftest import api_for

    training = close_session(trainees=4)
    Trainee.objects.filter(training=training).update(email="")
    response = api_for(member).post(f"trainings/{training.public_id}/certificates/email")
    assert response.status_code == 409
    assert response.json()["code"] == "no_recipient"


def test_services_are_the_same_for_the_withdrawal(member, training):
    set_state(training, TrainingState.SUBMITTED)
    services.training_withdraw(by=member, training=training)
    assert Training.objects.get(pk=training.pk).state == TrainingState.DRAFT


def test_the_api_withdraws_a_submission(member, training):
    from tests.api.conftest import api_for

    set_state(training, TrainingState.SUBMITTED)
    response = api_for(member).post(f"trainings/{training.public_id}/withdraw")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "draft"
    assert Training.objects.get(pk=training.pk).state == TrainingState.DRAFT
    again = api_for(member).post(f"trainings/{training.public_id}/withdraw")
    assert again.status_code == 409
    assert again.json()["detail"] == "Impossible de reprendre une session à l'état de brouillon."

import csv
import datetime as dt
import io

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from certiprev.trainings.enums import TrainingState
from certiprev.trainings.models import Trainee, Training
from tests.factories import HabilitationFactory, TraineeFactory, TrainingFactory, scheme, today
from tests.trainee_import_samples import SAMPLE_HEADERS, make_csv, make_xlsx, sample_rows
from tests.www.conftest import make_sessions, set_state, text_of


def detail_url(training):
    return reverse("www:training_detail", args=[training.public_id])


def session_form(**overrides):
    from certiprev.organisations.models import Organisation

    data = {
        "organisation": Organisation.objects.get(name="Secours Formation Rhône").pk,
        "scheme": scheme("SST").pk,
        "kind": "initial",
        "start_date": (today() - dt.timedelta(days=1)).strftime("%d/%m/%Y"),
        "end_date": today().strftime("%d/%m/%Y"),
        "place": "Salle Rhône, Lyon",
        "trainer_number": "abc12345",
    }
    return {**data, **overrides}


# --- Dashboard ----------------------------------------------------------------------------------------------------


def test_the_dashboard_groups_sessions_by_what_needs_doing(member_client, organisation, trainer):
    draft, submitted, returned, validated, closed = make_sessions(organisation, trainer, 5)
    set_state(submitted, TrainingState.SUBMITTED, submitted_at=timezone.now() - dt.timedelta(days=4))
    set_state(returned, TrainingState.RETURNED, return_reason="Il manque Mme Durand.")
    set_state(validated, TrainingState.VALIDATED)
    set_state(closed, TrainingState.CLOSED)
    overdue = TrainingFactory(organisation=organisation, trainer=trainer, rules=False)
    Training.objects.filter(pk=overdue.pk).update(
        state=TrainingState.VALIDATED, close_before=today() - dt.timedelta(days=2)
    )
    html = text_of(member_client.get(reverse("www:dashboard")))
    for title in (
        "Brouillons (1)",
        "En attente du formateur (1)",
        "Renvoyées par le formateur (1)",
        "À clôturer (1)",
        "En retard (1)",
        "Clôturées récemment (1)",
    ):
        assert title in html
    assert "En attente du formateur depuis 4 jours" in html
    assert "Motif du renvoi : « Il manque Mme Durand. »" in html
    assert "Délai de clôture dépassé depuis le" in html
    assert "fichiers disponibles jusqu'au" in html


def test_the_countdown_is_highlighted_under_15_days(member_client, organisation, trainer):
    training = make_sessions(organisation, trainer, 1, state=TrainingState.VALIDATED)[0]
    deadline = today() + dt.timedelta(days=20)
    Training.objects.filter(pk=training.pk).update(close_before=deadline)
    html = member_client.get(reverse("www:dashboard")).content.decode()
    assert f"À clôturer avant le {deadline:%d/%m/%Y} (dans 20 jours)" in html
    assert "status-urgent" not in html
    Training.objects.filter(pk=training.pk).update(close_before=today() + dt.timedelta(days=14))
    html = member_client.get(reverse("www:dashboard")).content.decode()
    assert 'status status-urgent">À clôturer avant le' in html


@pytest.mark.parametrize("count", [1, 30])
def test_the_dashboard_query_count_does_not_grow_with_sessions(
    member_client, organisation, trainer, count, django_assert_max_num_queries
):
    for state in (TrainingState.DRAFT, TrainingState.SUBMITTED, TrainingState.VALIDATED):
        make_sessions(organisation, trainer, count, state=state)
    # 4 for the request (session, user, memberships, trainer), 2 for the groups, 1 for the organisations
    with django_assert_max_num_queries(7):
        response = member_client.get(reverse("www:dashboard"))
    assert response.status_code == 200


def test_the_dashboard_shows_only_the_members_organisation(member_client, other_member, trainer):
    other = make_sessions(other_member.memberships.get().organisation, trainer, 1)[0]
    html = member_client.get(reverse("www:dashboard")).content.decode()
    assert str(other.public_id) not in html


# --- Creating and editing a session -------------------------------------------------------------------------------


def test_creating_a_session_shows_the_trainers_name_before_saving(member_client, rules, trainer):
    response = member_client.post(reverse("www:training_create"), {**session_form(), "action": "check"})
    assert response.status_code == 200
    assert "Hélène LEFÈVRE" in response.content.decode()
    assert not Training.objects.exists()
    response = member_client.post(
        reverse("www:training_create"), {**session_form(), "confirmed_trainer": "ABC12345", "action": "save"}
    )
    training = Training.objects.get()
    assert response["Location"] == detail_url(training)
    assert (training.trainer, training.state, training.place) == (trainer, TrainingState.DRAFT, "Salle Rhône, Lyon")


def test_changing_the_trainer_number_after_confirmation_asks_again(member_client, rules, other_trainer):
    from tests.factories import TrainerCertificationFactory

    TrainerCertificationFactory(trainer=other_trainer)
    response = member_client.post(
        reverse("www:training_create"),
        {**session_form(trainer_number="XYZ54321"), "confirmed_trainer": "ABC12345", "action": "save"},
    )
    assert "Éric MOREAU" in response.content.decode()
    assert not Training.objects.exists()


def test_an_unknown_trainer_number_is_explained_next_to_the_field(member_client, rules):
    response = member_client.post(
        reverse("www:training_create"), {**session_form(trainer_number="ZZZ99999"), "action": "check"}
    )
    html = response.content.decode()
    assert "Aucun formateur ne porte le numéro ZZZ99999." in html
    assert 'href="#id_trainer_number"' in html and 'aria-invalid="true"' in html


def test_only_schemes_of_valid_habilitations_are_offered(member_client, organisation):
    HabilitationFactory(organisation=organisation, scheme=scheme("PRAP_IBC"))
    HabilitationFactory(
        organisation=organisation,
        scheme=scheme("CATEC"),
        valid_from=today() - dt.timedelta(days=900),
        valid_until=today() - dt.timedelta(days=1),
    )
    html = member_client.get(reverse("www:training_create")).content.decode()
    assert "PRAP IBC —" in html and "CATEC" not in html and "SST —" not in html  # short names, not codes


def test_a_session_refused_by_the_rules_shows_the_french_reason(member_client, organisation, trainer):
    from tests.factories import TrainerCertificationFactory

    HabilitationFactory(organisation=organisation, valid_until=today() + dt.timedelta(days=1))
    TrainerCertificationFactory(trainer=trainer)
    start = (today() + dt.timedelta(days=5)).strftime("%d/%m/%Y")
    response = member_client.post(
        reverse("www:training_create"),
        {**session_form(start_date=start, end_date=start), "confirmed_trainer": "ABC12345", "action": "save"},
    )
    assert "SST de Secours Formation Rhône expire le" in response.content.decode()
    assert not Training.objects.exists()


def test_editing_a_session_goes_through_the_service(member_client, rules, training):
    url = reverse("www:training_edit", args=[training.public_id])
    assert member_client.get(url).status_code == 200
    response = member_client.post(
        url, {**session_form(place="Salle Saône"), "confirmed_trainer": "ABC12345", "action": "save"}
    )
    assert response.status_code == 302
    training.refresh_from_db()
    assert training.place == "Salle Saône"
    assert training.events.filter(action="update").exists()


def test_a_submitted_session_cannot_be_edited(member_client, training):
    set_state(training, TrainingState.SUBMITTED)
    response = member_client.get(reverse("www:training_edit", args=[training.public_id]))
    assert response.status_code == 302


# --- Trainees -----------------------------------------------------------------------------------------------------


def test_adding_editing_and_removing_a_trainee(member_client, training):
    url = reverse("www:trainee_add", args=[training.public_id])
    response = member_client.post(
        url, {"add-last_name": "Dupont", "add-first_names": "Zoé", "add-birth_date": "17/05/1990", "add-email": ""}
    )
    assert response.status_code == 302
    trainee = training.trainees.get()
    response = member_client.get(detail_url(training) + f"?modifier={trainee.public_id}")
    assert 'form="edit-trainee-form"' in response.content.decode()
    response = member_client.post(
        reverse("www:trainee_edit", args=[training.public_id, trainee.public_id]),
        {"edit-last_name": "Dupond", "edit-first_names": "Zoé", "edit-birth_date": "17/05/1990"},
    )
    assert response.status_code == 302
    trainee.refresh_from_db()
    assert trainee.last_name == "Dupond"
    member_client.post(reverse("www:trainee_remove", args=[training.public_id, trainee.public_id]))
    assert not training.trainees.exists()


def test_a_duplicate_trainee_is_refused_in_french(member_client, training):
    TraineeFactory(training=training, last_name="Dupont", first_names="Zoé", birth_date=dt.date(1990, 5, 17))
    response = member_client.post(
        reverse("www:trainee_add", args=[training.public_id]),
        {"add-last_name": "DUPONT", "add-first_names": "zoe", "add-birth_date": "17/05/1990"},
    )
    assert response.status_code == 422
    assert "est déjà déclaré·e sur cette session" in response.content.decode()
    assert training.trainees.count() == 1


def test_a_missing_birth_date_is_linked_from_the_error_summary(member_client, training):
    response = member_client.post(
        reverse("www:trainee_add", args=[training.public_id]),
        {"add-last_name": "Dupont", "add-first_names": "Zoé", "add-birth_date": ""},
    )
    html = response.content.decode()
    assert 'href="#id_add-birth_date"' in html and "La date de naissance est obligatoire." in html


# --- Import -------------------------------------------------------------------------------------------------------


def upload(client, training, content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("www:trainee_import", args=[training.public_id]), {"file": SimpleUploadedFile(name, content)}
    )


def test_an_import_shows_a_preview_then_adds_only_on_confirmation(member_client, training):
    TraineeFactory(training=training)
    response = upload(member_client, training, make_xlsx(sample_rows(6), SAMPLE_HEADERS), "liste.xlsx")
    html = response.content.decode()
    assert "Aperçu : 6 stagiaires trouvés" in html and "seront <strong>ajoutés</strong> aux 1 déjà inscrits" in html
    assert training.trainees.count() == 1
    token = response.context["token"]
    response = member_client.post(reverse("www:trainee_import", args=[training.public_id]), {"token": token})
    assert response.status_code == 302
    assert training.trainees.count() == 7


def test_a_csv_in_windows_1252_with_commas_is_read(member_client, training):
    content = make_csv(sample_rows(4), SAMPLE_HEADERS, delimiter=",", encoding="cp1252")
    response = upload(member_client, training, content, "liste.csv")
    assert "Aperçu : 4 stagiaires" in response.content.decode()


def test_a_bad_import_lists_line_numbered_french_errors_and_adds_nothing(member_client, training):
    rows = sample_rows(3)
    rows[1][2] = "31/02/1990"
    response = upload(member_client, training, make_csv(rows, SAMPLE_HEADERS), "liste.csv")
    assert response.status_code == 422
    assert "Ligne 3 : Date de naissance impossible" in response.content.decode()
    assert response.context["token"] == ""
    assert not training.trainees.exists()


def test_a_tampered_import_token_is_refused(member_client, training):
    response = upload(member_client, training, make_xlsx(sample_rows(4), SAMPLE_HEADERS), "liste.xlsx")
    token = response.context["token"]
    forged = signing.dumps([[2, "Pirate", "Jean", "1990-01-01", "", ""]], salt="autre", compress=True)
    for bad in (token[:-2] + "xx", forged):
        member_client.post(reverse("www:trainee_import", args=[training.public_id]), {"token": bad})
    assert not training.trainees.exists()


def test_an_import_token_of_another_session_is_refused(member_client, organisation, trainer, training):
    other = make_sessions(organisation, trainer, 1, trainees=0)[0]
    token = upload(member_client, other, make_xlsx(sample_rows(4), SAMPLE_HEADERS), "liste.xlsx").context["token"]
    member_client.post(reverse("www:trainee_import", args=[training.public_id]), {"token": token})
    assert not training.trainees.exists()


def test_an_import_made_stale_by_a_new_trainee_reports_the_duplicate(member_client, training):
    rows = sample_rows(4)
    token = upload(member_client, training, make_xlsx(rows, SAMPLE_HEADERS), "liste.xlsx").context["token"]
    TraineeFactory(training=training, last_name=rows[0][0], first_names=rows[0][1], birth_date=rows[0][2])
    response = member_client.post(reverse("www:trainee_import", args=[training.public_id]), {"token": token})
    assert response.status_code == 422
    assert "Ligne 2 :" in response.content.decode()
    assert training.trainees.count() == 1


def test_the_import_template_is_an_xlsx(member_client):
    response = member_client.get(reverse("www:import_template"))
    assert response.content[:2] == b"PK"


# --- Transitions --------------------------------------------------------------------------------------------------


def test_submitting_a_session_with_too_few_trainees_says_why(member_client, training):
    TraineeFactory.create_batch(2, training=training)
    response = member_client.post(reverse("www:training_submit", args=[training.public_id]))
    assert response.status_code == 422
    assert "compte au moins 4 stagiaires ; celle-ci en compte 2" in response.content.decode()
    training.refresh_from_db()
    assert training.state == TrainingState.DRAFT


def test_submitting_cancelling_and_closing(member_client, training_with_trainees):
    training = training_with_trainees
    assert member_client.post(reverse("www:training_submit", args=[training.public_id])).status_code == 302
    training.refresh_from_db()
    assert training.state == TrainingState.SUBMITTED
    set_state(training, TrainingState.VALIDATED)
    training.trainees.update(present=True, passed=True)
    assert (
        "6 certificats à émettre"
        in member_client.get(reverse("www:training_close", args=[training.public_id])).content.decode()
    )
    assert member_client.post(reverse("www:training_close", args=[training.public_id])).status_code == 302
    training.refresh_from_db()
    assert training.state == TrainingState.CLOSED
    html = member_client.get(detail_url(training)).content.decode()
    assert "Les certificats sont en cours de génération" in html


def test_cancelling_requires_a_reason(member_client, training):
    url = reverse("www:training_cancel", args=[training.public_id])
    response = member_client.post(url, {"reason": ""})
    assert response.status_code == 422 and "Indiquez le motif." in response.content.decode()
    assert member_client.post(url, {"reason": "Formation reportée."}).status_code == 302
    training.refresh_from_db()
    assert (training.state, training.cancel_reason) == (TrainingState.CANCELLED, "Formation reportée.")


def test_closing_an_overdue_session_is_refused_in_french(member_client, training_with_trainees):
    training = set_state(training_with_trainees, TrainingState.VALIDATED)
    Training.objects.filter(pk=training.pk).update(close_before=today() - dt.timedelta(days=1))
    response = member_client.post(reverse("www:training_close", args=[training.public_id]))
    assert response.status_code == 409
    assert "Le délai de clôture est dépassé" in response.content.decode()


def test_a_mac_session_has_the_old_card_check_placeholder(member_client, training):
    Training.objects.filter(pk=training.pk).update(kind="mac")
    assert 'id="mac-old-card-check"' in member_client.get(detail_url(training)).content.decode()


# --- History ------------------------------------------------------------------------------------------------------


def test_history_finds_sessions_by_trainee_name_without_accents(member_client, training):
    TraineeFactory(training=training, last_name="Lefèvre", first_names="Zoé")
    other = TrainingFactory(organisation=training.organisation, trainer=training.trainer, rules=False)
    TraineeFactory(training=other, last_name="Martin")
    response = member_client.get(reverse("www:history"), {"q": "LEFEVRE zoe"})
    assert [t.pk for t in response.context["page"].object_list] == [training.pk]
    assert "LEFÈVRE Zoé" in response.content.decode()


def test_history_filters_by_scheme_state_and_dates(member_client, organisation, trainer):
    old, recent = make_sessions(organisation, trainer, 2, trainees=0)
    Training.objects.filter(pk=old.pk).update(start_date=today() - dt.timedelta(days=40))
    set_state(recent, TrainingState.SUBMITTED)
    page = member_client.get(reverse("www:history"), {"state": "submitted"}).context["page"]
    assert [t.pk for t in page.object_list] == [recent.pk]
    page = member_client.get(
        reverse("www:history"),
        {
            "start": (today() - dt.timedelta(days=50)).strftime("%d/%m/%Y"),
            "end": (today() - dt.timedelta(days=30)).strftime("%d/%m/%Y"),
            "scheme": "SST",
        },
    ).context["page"]
    assert [t.pk for t in page.object_list] == [old.pk]


@pytest.mark.parametrize("count", [1, 30])
def test_history_query_count_does_not_grow(member_client, organisation, trainer, count, django_assert_max_num_queries):
    make_sessions(organisation, trainer, count, trainees=3)
    with django_assert_max_num_queries(9):
        response = member_client.get(reverse("www:history"), {"q": "Dupont"})
    assert response.status_code == 200


def test_history_is_paginated(member_client, organisation, trainer):
    make_sessions(organisation, trainer, 30, trainees=0)
    response = member_client.get(reverse("www:history"), {"page": 2})
    assert len(response.context["page"].object_list) == 5
    assert "Page 2 sur 2" in response.content.decode()


def test_the_csv_export_has_one_line_per_trainee_and_neutralises_formulas(member_client, training):
    TraineeFactory(training=training, last_name="=HYPERLINK(1)", first_names="Zoé")
    TraineeFactory(training=training, last_name="Martin", first_names="Léa")
    response = member_client.get(reverse("www:history_csv"))
    content = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Session", "Référence interne de la session", "Organisme", "Dispositif"]
    assert len(rows) == 3
    assert "'=HYPERLINK(1)" in content


def test_the_csv_export_names_the_session_readably_and_gives_both_internal_references(member_client, training):
    Training.objects.filter(pk=training.pk).update(external_id="FORM-2026-118")
    TraineeFactory(training=training, last_name="Martin", first_names="Léa", external_id="MAT-0042")
    response = member_client.get(reverse("www:history_csv"))
    content = b"".join(response.streaming_content).decode()
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")), delimiter=";")
    [row] = list(reader)
    header = reader.fieldnames
    days = (
        f"le {training.start_date:%d/%m/%Y}"
        if training.start_date == training.end_date
        else f"du {training.start_date:%d/%m/%Y} au {training.end_date:%d/%m/%Y}"
    )
    assert row["Session"] == f"{training.scheme.code} initiale {days}"
    assert str(training.public_id) not in row["Session"]
    assert row["Référence interne de la session"] == "FORM-2026-118"
    assert row["Référence interne du stagiaire"] == "MAT-0042"
    assert header[-1] == "Identifiant Certiprev de la session"
    assert row["Identifiant Certiprev de la session"] == str(training.public_id)


@pytest.mark.parametrize("count", [1, 30])
def test_the_csv_export_query_count_does_not_grow(
    member_client, organisation, trainer, count, django_assert_max_num_queries
):
    make_sessions(organisation, trainer, count, trainees=3)
    with django_assert_max_num_queries(8):
        response = member_client.get(reverse("www:history_csv"))
        lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 1 + 3 * count


def test_the_session_page_query_count_does_not_grow(member_client, training, django_assert_max_num_queries):
    TraineeFactory.create_batch(10, training=training)
    with django_assert_max_num_queries(12):
        assert member_client.get(detail_url(training)).status_code == 200
    assert Trainee.objects.count() == 10

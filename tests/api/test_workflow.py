"""The whole contract, as an organisation's software would use it: network set-up, session, import, validation."""

import datetime as dt
import io
import zipfile

from django.core import mail

from certiprev.lib.dates import add_months
from certiprev.organisations.models import Membership
from certiprev.trainings.models import Trainee, Training
from tests.factories import _siret, today
from tests.trainee_import_samples import SAMPLE_HEADERS, make_csv, make_xlsx, sample_rows

from .conftest import api_for, assert_error


def test_the_whole_workflow_from_network_set_up_to_closing(
    as_admin, signing_key_dir, django_capture_on_commit_callbacks
):
    start, end = today() - dt.timedelta(days=2), today() - dt.timedelta(days=1)
    year_ago = (today() - dt.timedelta(days=365)).isoformat()
    in_two_years = (today() + dt.timedelta(days=730)).isoformat()

    # The network administrator sets up the organisation, its habilitation, a member, a trainer and a certification.
    response = as_admin.post(
        "organisations",
        {"name": "Secours Formation Rhône", "siret": _siret(4242), "kind": "training_body", "city": "Lyon"},
    )
    assert response.status_code == 201, response.content
    organisation_id = response.json()["id"]
    response = as_admin.post(
        f"organisations/{organisation_id}/habilitations",
        {"scheme": "SST", "valid_from": year_ago, "valid_until": in_two_years},
    )
    assert response.status_code == 201, response.content
    assert response.json() == {"scheme": "SST", "valid_from": year_ago, "valid_until": in_two_years}
    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(
            f"organisations/{organisation_id}/members",
            {"email": "Claire@Secours-Rhone.fr", "first_name": "Claire", "last_name": "Roux"},
        )
    assert response.status_code == 201, response.content
    assert response.json()["email"] == "claire@secours-rhone.fr"
    with django_capture_on_commit_callbacks(execute=True):
        response = as_admin.post(
            "trainers", {"first_name": "Hélène", "last_name": "Lefèvre", "email": "helene@formation.fr"}
        )
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    assert len(number) == 8 and number[:3].isalpha() and number[3:].isdigit()
    assert sorted(m.to[0] for m in mail.outbox) == ["claire@secours-rhone.fr", "helene@formation.fr"]
    response = as_admin.post(
        f"trainers/{number}/certifications", {"scheme": "SST", "valid_from": year_ago, "valid_until": in_two_years}
    )
    assert response.status_code == 201, response.content
    detail = as_admin.get(f"organisations/{organisation_id}").json()
    assert [h["scheme"] for h in detail["habilitations"]] == ["SST"]
    assert [m["email"] for m in detail["members"]] == ["claire@secours-rhone.fr"]

    # The organisation creates its session; the same external reference again is the same session.
    member = Membership.objects.get(organisation__public_id=organisation_id).user
    as_member = api_for(member)
    body = {
        "scheme": "SST",
        "kind": "initial",
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "place": "Lyon, salle Rhône",
        "trainer_number": number.lower(),
        "external_id": "LOGICIEL-2025-001",
    }
    response = as_member.post("trainings", body)
    assert response.status_code == 201, response.content
    training = response.json()
    assert training["state"] == "draft"
    assert training["close_before"] == add_months(end, 3).isoformat()
    assert training["trainer"]["number"] == number
    again = as_member.post("trainings", body)
    assert again.status_code == 200
    assert again.json()["id"] == training["id"]
    assert Training.objects.count() == 1
    training_id = training["id"]

    # Import: a dry run creates nothing; a file with an error creates nothing; the XLSX creates everyone.
    rows = sample_rows(5)
    response = as_member.upload(
        f"trainings/{training_id}/trainees/import", "stagiaires.csv", make_csv(rows, SAMPLE_HEADERS), dry_run=True
    )
    assert response.status_code == 200, response.content
    assert response.json()["dry_run"] is True and response.json()["valid_rows"] == 5
    assert response.json()["created"] == 0
    assert Trainee.objects.count() == 0
    bad = [*rows[:4], ["Sans-Date", "Paul", "31/02/1990", "", ""]]
    response = as_member.upload(
        f"trainings/{training_id}/trainees/import", "stagiaires.csv", make_csv(bad, SAMPLE_HEADERS, encoding="cp1252")
    )
    body_error = assert_error(response, 422, "import_invalid")
    assert body_error["created"] == 0
    assert body_error["errors"] == [
        {
            "line": 6,
            "field": "birth_date",
            "message": "Date de naissance impossible : « 31/02/1990 » n'existe pas (format attendu : JJ/MM/AAAA).",
        }
    ]
    assert Trainee.objects.count() == 0
    response = as_member.upload(
        f"trainings/{training_id}/trainees/import", "stagiaires.xlsx", make_xlsx(rows, SAMPLE_HEADERS)
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 5
    assert Trainee.objects.filter(training__public_id=training_id).count() == 5

    # One more by hand, one removed; then the session goes to the trainer.
    response = as_member.post(
        f"trainings/{training_id}/trainees",
        {"last_name": "Martin", "first_name": "Zoé", "birth_date": "1991-04-02", "email": "zoe@exemple.fr"},
    )
    assert response.status_code == 201, response.content
    extra_id = response.json()["id"]
    assert as_member.delete(f"trainings/{training_id}/trainees/{extra_id}").status_code == 204
    response = as_member.post(f"trainings/{training_id}/submit")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "submitted"

    # The trainer finds it among their submitted sessions, and validates it.
    from certiprev.trainers.models import Trainer

    as_trainer = api_for(Trainer.objects.get(number=number).user)
    listing = as_trainer.get("trainings", {"as": "trainer", "state": "submitted"}).json()
    assert [t["id"] for t in listing["items"]] == [training_id]
    detail = as_trainer.get(f"trainings/{training_id}").json()
    results = [
        {"trainee_id": t["id"], "present": i != 0, "passed": i not in (0, 1)} for i, t in enumerate(detail["trainees"])
    ]
    response = as_trainer.post(f"trainings/{training_id}/validate", {"results": results})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "validated"

    # The organisation closes it (the certificates are issued on commit), then downloads the cards.
    with django_capture_on_commit_callbacks(execute=True):
        response = as_member.post(f"trainings/{training_id}/close")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "closed"
    detail = as_member.get(f"trainings/{training_id}").json()
    assert sum(1 for t in detail["trainees"] if t["passed"]) == 3
    assert [e["action"] for e in detail["events"]] == [
        "create", "trainee_add", "trainee_add", "trainee_remove", "submit", "validate", "close"]  # fmt: skip
    certificates = as_member.get(f"trainings/{training_id}/certificates").json()
    assert certificates["files_state"] == "ready"
    assert len(certificates["certificates"]) == 3
    response = as_member.get(certificates["zip_url"])
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert len(archive.namelist()) == 3

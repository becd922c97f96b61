"""Bad input on the organisation's pages that used to give a 500 or a misleading message (issue 12)."""

import pytest
from django.urls import reverse

from certiprev.trainings.models import Training
from tests.www.test_organisation import session_form

# --- Item 8: dates near year 9999 -------------------------------------------------------------------------------

FAR = [
    pytest.param("01/10/9999", "02/10/9999", "start_date", "au plus tard", id="9999"),
    pytest.param("31/12/9999", "31/12/9999", "start_date", "au plus tard", id="date-max"),
    pytest.param("01/01/0001", "02/01/0001", "start_date", "au plus tôt", id="year-one"),
]


@pytest.mark.parametrize("action", ["check", "save"])
@pytest.mark.parametrize(("start", "end", "field", "words"), FAR)
def test_a_session_dated_past_the_horizon_is_refused_by_the_form(
    member_client, rules, start, end, field, words, action
):
    response = member_client.post(
        reverse("www:training_create"),
        {**session_form(start_date=start, end_date=end), "confirmed_trainer": "ABC12345", "action": action},
    )
    assert response.status_code == 200
    assert words in response.context["form"].errors[field][0]
    assert not Training.objects.exists()


@pytest.mark.parametrize(("start", "end", "field", "words"), FAR)
def test_a_session_dated_past_the_horizon_is_refused_by_the_edit_form(
    member_client, rules, training, start, end, field, words
):
    before = (training.start_date, training.end_date)
    response = member_client.post(
        reverse("www:training_edit", args=[training.public_id]),
        {**session_form(start_date=start, end_date=end), "confirmed_trainer": "ABC12345", "action": "save"},
    )
    assert response.status_code == 200
    assert words in response.context["form"].errors[field][0]
    training.refresh_from_db()
    assert (training.start_date, training.end_date) == before


# --- Item 11: an oversized import is refused before it is read --------------------------------------------------


def import_url(training):
    return reverse("www:trainee_import", args=[training.public_id])


def test_an_upload_a_bit_over_the_limit_is_refused_with_the_real_limit(member_client, training):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from certiprev.lib.trainee_import import DEFAULT_MAX_BYTES

    content = b"Nom;Prenom\n" + b"x" * (DEFAULT_MAX_BYTES + 200 * 1024)
    response = member_client.post(import_url(training), {"file": SimpleUploadedFile("liste.csv", content)})
    assert response.status_code == 413
    assert response.context["import_errors"] == ["Le fichier est trop volumineux (2,2 Mo) : 2 Mo au maximum."]
    assert training.trainees.count() == 0


def test_a_300_mb_upload_is_refused_from_its_content_length_unread_and_before_the_csrf_check(member, training):
    from django.test import Client

    from tests.www.conftest import login

    client = login(Client(enforce_csrf_checks=True), member)
    body = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nNom\r\n--b--\r\n'
    # The announced 300 MB are not there: reading the body (as the CSRF check would) fails the test client.
    response = client.generic(
        "POST", import_url(training), body, content_type="multipart/form-data; boundary=b", CONTENT_LENGTH="314572800"
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert "Le fichier est trop volumineux (300 Mo) : 2 Mo au maximum." in html
    assert "2,1 Mo" not in html


def test_an_upload_within_the_framing_margin_is_measured_by_its_real_size(member_client, training):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from certiprev.lib.trainee_import import DEFAULT_MAX_BYTES

    content = b"x" * (DEFAULT_MAX_BYTES + 10 * 1024)
    response = member_client.post(import_url(training), {"file": SimpleUploadedFile("liste.csv", content)})
    assert response.status_code == 422
    assert response.context["import_errors"] == ["Le fichier est trop volumineux (2,1 Mo) : 2 Mo au maximum."]


def test_an_oversized_upload_to_another_organisations_session_is_a_404(other_member_client, training):
    response = other_member_client.generic(
        "POST", import_url(training), b"", content_type="multipart/form-data; boundary=b", CONTENT_LENGTH="314572800"
    )
    assert response.status_code == 404

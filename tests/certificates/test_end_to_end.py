"""The issue's "done means": from the ZIP alone, every card's QR code verifies with the published keys."""

import pytest
from django.utils import timezone

from certiprev.certificates.models import Certificate
from certiprev.lib import cp1
from tests.certificates.helpers import change_one_digit, pdf_qr_contents, published, zip_entries

pytestmark = pytest.mark.urls("tests.certificates.urls")


def test_closing_a_session_yields_a_zip_whose_cards_verify_with_the_published_keys(close, client):
    training = close(trainees=5, failed=(1,), absent=(4,))

    entries = zip_entries(training)
    assert len(entries) == 3
    keys, revoked = published(client)
    today = timezone.localdate()
    for name, pdf in entries.items():
        assert name.endswith(f"_SST_{training.end_date.isoformat()}.pdf")
        [content] = pdf_qr_contents(pdf)
        result = cp1.verify_content(content, keys=keys, revoked=revoked, today=today)
        assert (result.status, result.revocation_checked) == ("valid", True)
        assert result.record.certified_on == training.end_date
        assert result.record.organisation_id == training.organisation_id
        tampered = cp1.verify_content(change_one_digit(content), keys=keys, revoked=revoked, today=today)
        assert tampered.status == "invalid"


def test_every_digit_position_matters(close, client):
    training = close(trainees=4)
    keys, revoked = published(client)
    [content] = pdf_qr_contents(next(iter(zip_entries(training).values())))
    digits = content.partition("#")[2]
    statuses = {
        cp1.verify_content(change_one_digit(content, i), keys=keys, revoked=revoked, today=timezone.localdate()).status
        for i in range(len(digits))
    }
    assert statuses <= {"invalid", "unknown_key"}  # the key id digits may point at another (unlisted) key


def test_the_zip_holds_one_pdf_per_passed_trainee_named_after_them(close):
    training = close(trainees=4)
    names = sorted(zip_entries(training))
    expected = sorted(
        f"{c.holder_last_name.upper()}_{c.holder_first_names.replace(' ', '-')}_SST_{c.certified_on.isoformat()}.pdf"
        for c in Certificate.objects.filter(training=training)
    )
    assert names == expected

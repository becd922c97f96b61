"""The CSP in a real browser: the API documentation (Swagger UI) and the admin work with no violation."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory

from .conftest import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("schemes")]


def _watch_violations(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            re.search(r"Content Security Policy|Refused to", message.text) and violations.append(message.text)
        ),
    )
    page.on("pageerror", lambda error: violations.append(str(error)))
    return violations


def test_the_api_documentation_renders_under_the_csp(new_page):
    page = new_page()
    violations = _watch_violations(page)
    page.goto("/api/v1/docs")
    expect(page.locator(".opblock").first).to_be_visible()  # the operations, read from /api/v1/openapi.json
    assert page.locator(".opblock").count() > 10
    assert violations == []


def test_the_admin_and_the_application_work_under_the_csp(new_page):
    admin = UserFactory(email="admin@carsat.fr", network_admin=True, is_staff=True, is_superuser=True)
    admin.set_password(PASSWORD)
    admin.save()
    page = new_page()
    violations = _watch_violations(page)
    sign_in(page, admin.email)
    page.goto("/reseau/")
    page.goto("/admin/")
    expect(page.get_by_role("heading", name="Administration du réseau prévention")).to_be_visible()
    page.goto("/admin/organisations/organisation/add/")
    expect(page.locator("#organisation_form")).to_be_visible()
    page.goto("/admin/trainings/training/")
    assert violations == []

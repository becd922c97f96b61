"""Headless Chromium (Debian's package) driven by Playwright against pytest-django's live server."""

import os
import shutil
import threading
import warnings
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls from it otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # /dev/shm is often 64 MB in containers; Chromium's shared memory then goes to /tmp instead of failing or hanging.
    "--disable-dev-shm-usage",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "mot-de-passe-solide"


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists() and shutil.which(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (make system-deps installs it)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class LiveRequests:
    """The requests the live server's threads are still answering (Django's request_started/request_finished
    signals, sent in those threads; the test's own client requests run in the main thread and are not counted).

    With in-memory SQLite those threads share the test's one connection, and two of them querying it at once can
    deadlock (one holding SQLite's mutex and waiting for the GIL, the other the reverse: seen when the /V page
    fetched its three published lists at once): there they answer one request at a time."""

    def __init__(self):
        self.count = 0
        self.changed = threading.Condition()
        self.serial = threading.Lock()
        self.holding = threading.local()

    def started(self, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            with self.changed:
                self.count += 1
            if _shared_connection():
                # Bounded: a request that never sends request_finished slows the next ones, never hangs them.
                self.holding.lock = self.serial.acquire(timeout=60)

    def finished(self, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            if getattr(self.holding, "lock", False):
                self.holding.lock = False
                self.serial.release()
            with self.changed:
                self.count -= 1
                self.changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.count <= 0, timeout=timeout)


def _shared_connection() -> bool:
    from django.db import connection

    return connection.vendor == "sqlite" and connection.is_in_memory_db()  # type: ignore[attr-defined]  # SQLite's


@pytest.fixture(scope="session")
def live_requests():
    from django.core.signals import request_finished, request_started

    requests = LiveRequests()
    request_started.connect(requests.started)
    request_finished.connect(requests.finished)
    yield requests
    request_started.disconnect(requests.started)
    request_finished.disconnect(requests.finished)


@pytest.fixture(autouse=True)
def _live_server_idle_before_flush(request, live_requests):
    """After a browser test, wait (up to 15 s) for the live server to finish the requests a closed tab left behind
    before the database is emptied: with in-memory SQLite the server's threads and the test's share one connection,
    and Django's documentation warns that simultaneous queries through it "may sometimes randomly cause the tests to
    fail" (LiveServerTestCase). This fixture is set up after the database's, so it is torn down before it."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    # The tabs and contexts close before this (the fixtures that open them are set up after this one).
    if not live_requests.wait_idle(timeout=15):
        warnings.warn(f"the live server was still answering {live_requests.count} request(s) after 15 s", stacklevel=1)


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a fresh context (its own cookies); `viewport` gives the window size."""
    contexts = []

    def open_page(*, width: int = 1280, height: int = 900, javascript: bool = True):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="fr-FR",
            base_url=live_server.url,
            java_script_enabled=javascript,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def check_accessibility(page, name: str) -> None:
    """axe-core in the page: no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    assert not problems, f"Accessibility violations on {name}:\n" + "\n".join(problems)


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


@pytest.fixture
def schemes(transactional_db):
    """The seeded schemes: a transactional test empties the tables afterwards, so seed them again if needed.

    (serialized_rollback would do it too, but it serialises every app's tables at start-up, which breaks as soon
    as any app in the tree has a model whose migration is not written yet.)
    """
    from django.apps import apps as django_apps

    from certiprev.catalog.models import Scheme

    if not Scheme.objects.exists():
        import importlib

        seed = importlib.import_module("certiprev.catalog.migrations.0002_seed_schemes").seed
        seed(django_apps, None)
        importlib.import_module("certiprev.catalog.migrations.0006_seed_trainer_courses").seed(django_apps, None)

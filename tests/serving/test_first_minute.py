"""What `make run` prints: the demo data quietly, then, once the server answers, the addresses and logins last."""

import io

from django.core.management import call_command


def test_the_welcome_names_the_addresses_and_ends_with_the_logins(db, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    out = io.StringIO()
    call_command("demo", "--welcome", "http://127.0.0.1:8123/", stdout=out)
    text = out.getvalue()
    for url in ("http://127.0.0.1:8123/reseau/", "http://127.0.0.1:8123/V", "http://127.0.0.1:8123/admin/"):
        assert url in text
    assert f"écrits dans {tmp_path / 'mail'}/" in text
    lines = text.strip().splitlines()
    assert lines[-1] == "Ctrl-C pour arrêter."
    assert lines[-2].startswith("  formateurs               : helene.lefevre@formateurs.demo")
    assert lines[-9] == "Comptes de démonstration (mot de passe : certiprev-demo) :"


def test_loading_the_demo_for_make_run_keeps_the_logins_for_the_end(db):
    out = io.StringIO()
    call_command("demo", "--no-logins", stdout=out)
    assert "Données de démonstration chargées." in out.getvalue()
    assert "Comptes de démonstration" not in out.getvalue()
    again = io.StringIO()
    call_command("demo", stdout=again)  # `make demo` alone still prints them
    assert "Données de démonstration déjà présentes." in again.getvalue()
    assert "admin@certiprev.demo" in again.getvalue()

"""Issue 13, item 17: the Django admin reads in French — every model, field and column it shows."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from tests.factories import TraineeFactory
from tests.www.conftest import certificate_record

# Words spelled the same in French (Django's own defaults from a field's name would otherwise be English).
SAME_IN_FRENCH = {"id", "code", "description", "action", "permissions"}
# The habilitation requests' models belong to the work under way on habilitations (issue 9).
NOT_YET = {"habilitations"}


def _english_labels() -> list[str]:
    found = []
    with translation.override("fr"):
        for model in admin.site._registry:
            meta = model._meta
            if meta.app_label in NOT_YET:
                continue
            for name in (meta.verbose_name, meta.verbose_name_plural, meta.app_config.verbose_name):
                if str(name) in {"Task Result", "Task Results", "Tasks Database Backend"}:
                    found.append(f"{meta.label}: {name}")
            for field in meta.get_fields():
                if not getattr(field, "concrete", False):
                    continue
                label = str(field.verbose_name)
                if label == field.name.replace("_", " ") and label not in SAME_IN_FRENCH:
                    found.append(f"{meta.label}.{field.name}: {label}")
    return found


def test_every_model_and_field_of_the_admin_has_a_french_label():
    assert _english_labels() == []


@pytest.mark.django_db
def test_the_admin_pages_show_no_english_labels(admin_client, training):
    certificate = certificate_record(TraineeFactory(training=training))
    index = admin_client.get(reverse("admin:index")).content.decode()
    assert "Task Results" not in index and "Tasks Database Backend" not in index
    assert "Exécutions de tâches" in index and "Tâches en arrière-plan" in index
    DBTaskResult.objects.create(
        task_path="certiprev.certificates.tasks.certificates_issue_task",
        args_kwargs={"args": [1], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )
    tasks = admin_client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist")).content.decode()
    assert "Task name" not in tasks and "Enqueued at" not in tasks
    assert "Mise en file le" in tasks and "Tâche" in tasks and "En attente" in tasks
    change = admin_client.get(reverse("admin:certificates_certificate_change", args=[certificate.pk]))
    page = change.content.decode()
    assert "Revoked by" not in page and "Pdf path" not in page
    assert "Révoqué par" in page

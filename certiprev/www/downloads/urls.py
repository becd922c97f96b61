"""Certificate downloads, mounted at the site root: path("", include("certiprev.www.downloads.urls")).

The namespace stays `certificates` (the URL names predate the move of these views out of the certificates app).
"""

from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("sessions/<uuid:public_id>/certificats.zip", views.training_zip, name="training_zip"),
    path(
        "sessions/<uuid:public_id>/certificats/<uuid:certificate_id>.pdf",
        views.certificate_pdf,
        name="certificate_pdf",
    ),
    path(
        "sessions/<uuid:public_id>/certificats/<uuid:certificate_id>/duplicata",
        views.certificate_duplicate,
        name="certificate_duplicate",
    ),
    path(
        "formateur/certificats/<uuid:certificate_id>.pdf",
        views.trainer_certificate_pdf,
        name="trainer_certificate_pdf",
    ),
    path(
        "formateur/certificats/<str:scheme_code>/edition",
        views.trainer_certificate_issue,
        name="trainer_certificate_issue",
    ),
]

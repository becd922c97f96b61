"""The published lists (docs/cp1-format.md §6), mounted at the site root through certiprev.verification.urls."""

from django.urls import path

from . import views

urlpatterns = [
    path(".well-known/certiprev/keys.json", views.keys_json, name="wellknown_keys"),
    path(".well-known/certiprev/revoked.json", views.revoked_json, name="wellknown_revoked"),
    path(".well-known/certiprev/organisations.json", views.organisations_json, name="wellknown_organisations"),
]

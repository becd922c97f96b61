from django.urls import path, re_path

from . import views

app_name = "verification"

urlpatterns = [
    # The QR code holds HTTPS://<VERIFY_HOST>/V#<digits>; people typing the address may use a lowercase v.
    path("V", views.verification_page, name="page"),
    path("v", views.verification_page),
    re_path(r"^V/assets/verification\.(?P<digest>[0-9a-f]{16})\.(?P<kind>js|css)$", views.asset, name="asset"),
]

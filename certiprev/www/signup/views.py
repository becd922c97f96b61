"""The public sign-up of a new organisation (organisations.signup): the form, "check your inbox", the link."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from certiprev.accounts import throttle
from certiprev.lib.errors import WorkflowError
from certiprev.organisations.signup import (
    SignupForm as SignupData,
)
from certiprev.organisations.signup import (
    link_hours,
    organisation_signup,
    signup_check_link,
    signup_confirm,
    signup_throttle_check,
)

from .forms import SignupForm


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        messages.info(
            request, "Vous êtes déjà connecté·e\u00a0: l'inscription sert à créer le compte d'un nouvel organisme."
        )
        return redirect("www:home")
    form = SignupForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        try:
            # Every submission counts, valid or not: the limits slow down scripted sign-ups as well as guesses.
            signup_throttle_check(email=request.POST.get("email", ""), ip=throttle.client_ip(request))
            if form.is_valid():
                organisation_signup(data=SignupData(**form.cleaned_data))
                return redirect("www:signup_sent")
        except WorkflowError as error:
            if error.errors:
                for item in error.errors:
                    form.add_error(item["field"] if item.get("field") in form.fields else None, item["message"])
            else:
                form.add_workflow_error(error)
            status = error.status if 400 <= error.status < 500 else 422
        else:
            status = 422
    return render(request, "www/signup/signup.html", {"form": form}, status=status)


def signup_sent(request):
    return render(request, "www/signup/sent.html", {"hours": link_hours()})


@require_http_methods(["GET", "POST"])
def signup_confirm_view(request, token: str):
    """GET shows a button (mail scanners open links), POST confirms; a bad link gets a French page, never a 500."""
    try:
        user = signup_confirm(token=token) if request.method == "POST" else signup_check_link(token=token)
    except WorkflowError as error:
        return render(request, "www/signup/link_error.html", {"error": error}, status=error.status)
    if request.method == "POST" or user.is_active:
        messages.success(
            request,
            "Votre adresse est confirmée\u00a0: connectez-vous pour remplir la demande d'habilitation initiale.",
        )
        return redirect("www:login")
    return render(request, "www/signup/confirm.html", {"signup_user": user})

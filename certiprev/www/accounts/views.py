import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from certiprev.accounts import throttle
from certiprev.accounts.api_tokens import api_token_create, api_token_revoke, api_tokens_of
from certiprev.accounts.tokens import invitation_token_generator
from certiprev.lib.errors import WorkflowError
from certiprev.lib.rate_limits import RateLimited, rate_limit_check
from certiprev.trainers.services import trainer_preferences_update
from certiprev.www.common import login_required, roles

from .forms import ApiTokenForm, ChangePasswordForm, NewPasswordForm, PreferencesForm, ResetForm, SignInForm


class SignInView(auth_views.LoginView):
    form_class = SignInForm  # type: ignore[assignment]  # a form with the same fields and get_user()
    template_name = "www/accounts/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    next_page = reverse_lazy("www:login")  # type: ignore[assignment]  # a lazy URL: Django resolves it

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, "Vous êtes déconnecté·e.")
        return response


class ResetView(auth_views.PasswordResetView):
    form_class = ResetForm
    template_name = "www/accounts/password_reset.html"
    email_template_name = "www/accounts/email/password_reset.txt"
    html_email_template_name = "www/accounts/email/password_reset.html"
    subject_template_name = "www/accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("www:password_reset_done")

    def form_valid(self, form):
        # Each request counts against the IP's ceiling of the sign-in lock (accounts.throttle).
        ip = throttle.client_ip(self.request)
        locked = throttle.ip_seconds_locked(ip)
        if not locked:
            throttle.record_attempt(ip)
        else:
            form.add_error(None, throttle.reset_wait_message(locked))
            return self.form_invalid(form)
        # Then reset e-mails are limited per address asked for (known or not: no existence leak) and per client IP.
        email = form.cleaned_data["email"].strip().lower()
        try:
            for key, limit in (
                (f"reset-email:{email}", settings.PASSWORD_RESET_PER_ADDRESS_PER_HOUR),
                (f"reset-ip:{ip}", settings.PASSWORD_RESET_PER_IP_PER_HOUR),
            ):
                rate_limit_check(key=key, limit=limit, window=3600)
        except RateLimited as limited:
            minutes = max(1, math.ceil(limited.retry_after / 60))
            form.add_error(
                "email",
                f"Trop de demandes de lien pour cette adresse ou depuis ce poste : réessayez dans {minutes} min.",
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


class ResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "www/accounts/password_reset_done.html"


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "www/accounts/password_reset_confirm.html"
    success_url = reverse_lazy("www:password_reset_complete")


class ResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "www/accounts/password_reset_complete.html"


class InvitationView(auth_views.PasswordResetConfirmView):
    """The link of the invitation e-mail: the new member or trainer chooses a password and is signed in."""

    form_class = NewPasswordForm
    token_generator = invitation_token_generator
    template_name = "www/accounts/invitation.html"
    post_reset_login = True
    success_url = reverse_lazy("www:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Votre mot de passe est enregistré : bienvenue sur Certiprev.")
        return response


class ChangePasswordView(auth_views.PasswordChangeView):
    form_class = ChangePasswordForm
    template_name = "www/accounts/password_change.html"
    success_url = reverse_lazy("www:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Votre mot de passe a été modifié.")
        return response


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    trainer = roles(request).trainer
    form = None
    if trainer is not None:
        initial = {"notify_on_submission": trainer.notify_on_submission}
        form = PreferencesForm(request.POST if request.method == "POST" else None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                trainer_preferences_update(
                    by=request.user, trainer=trainer, notify_on_submission=form.cleaned_data["notify_on_submission"]
                )
            except WorkflowError as error:
                form.add_workflow_error(error)
            else:
                messages.success(request, "Vos préférences sont enregistrées.")
                return redirect("www:account")
    elif request.method == "POST":
        return redirect("www:account")
    return _account_page(request, form=form, trainer=trainer)


def _account_page(request, *, form=None, trainer=None, token_form=None, new_token: str = ""):
    memberships = request.user.memberships.select_related("organisation").order_by("organisation__name")
    context = {
        "form": form,
        "trainer": trainer,
        "memberships": memberships,
        "tokens": api_tokens_of(request.user),
        "token_form": token_form or ApiTokenForm(),
        "new_token": new_token,
    }
    return render(request, "www/accounts/account.html", context)


@login_required
@require_http_methods(["POST"])
def account_token_create(request):
    """Create a personal API token; it is shown once, on the page answering this POST, never again."""
    token_form = ApiTokenForm(request.POST)
    trainer = roles(request).trainer
    form = PreferencesForm(initial={"notify_on_submission": trainer.notify_on_submission}) if trainer else None
    if not token_form.is_valid():
        return _account_page(request, form=form, trainer=trainer, token_form=token_form)
    try:
        _token, raw = api_token_create(by=request.user, user=request.user, name=token_form.cleaned_data["name"])
    except WorkflowError as error:
        token_form.add_workflow_error(error)
        response = _account_page(request, form=form, trainer=trainer, token_form=token_form)
        response.status_code = error.status if 400 <= error.status < 500 else 422
        return response
    response = _account_page(request, form=form, trainer=trainer, new_token=raw)
    response["Cache-Control"] = "no-store"  # the token must not stay in any cache
    return response


@login_required
@require_http_methods(["POST"])
def account_token_revoke(request, token_id: int):
    token = get_object_or_404(api_tokens_of(request.user), pk=token_id)  # someone else's token: 404
    api_token_revoke(by=request.user, token=token)
    messages.success(request, f"Le jeton {token.prefix}… est révoqué : il ne permet plus d'accéder à l'API.")
    return redirect("www:account")

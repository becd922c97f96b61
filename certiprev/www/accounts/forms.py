from django import forms
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm

from certiprev.accounts import throttle
from certiprev.www.common import AccessibleFormMixin, Form


class SignInForm(AccessibleFormMixin, forms.Form):
    """Sign-in by e-mail; failures are counted per (e-mail, IP) and lock the pair for a while."""

    username = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True, "spellcheck": "false"}),
        error_messages={
            "required": "Indiquez votre adresse e-mail.",
            "invalid": "Saisissez une adresse e-mail valide.",
        },
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Indiquez votre mot de passe."},
    )

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)

    def clean(self):
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not email or not password:
            return self.cleaned_data
        # The backend counts failures and refuses a locked pair or IP (the same lock as the admin's sign-in).
        ip = throttle.client_ip(self.request)
        locked = throttle.seconds_locked(email, ip)
        if locked:
            raise forms.ValidationError(throttle.wait_message(locked), code="throttled")
        self.user_cache = authenticate(self.request, username=email, password=password)
        if self.user_cache is None:
            locked = throttle.seconds_locked(email, ip)
            if locked:
                raise forms.ValidationError(throttle.wait_message(locked), code="throttled")
            raise forms.ValidationError(
                "Adresse e-mail ou mot de passe incorrect. Vérifiez votre saisie (les majuscules comptent dans le "
                "mot de passe).",
                code="invalid_login",
            )
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class ResetForm(AccessibleFormMixin, PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Adresse e-mail"
        self.fields["email"].error_messages["required"] = "Indiquez votre adresse e-mail."

    def get_users(self, email):
        # Invited people have no usable password yet: they may still ask for a link to set one.
        return get_user_model()._default_manager.filter(email__iexact=email, is_active=True)


class NewPasswordForm(AccessibleFormMixin, SetPasswordForm):
    pass


class ChangePasswordForm(AccessibleFormMixin, PasswordChangeForm):
    pass


class PreferencesForm(Form):
    notify_on_submission = forms.BooleanField(
        label="M'alerter par e-mail quand une session m'est soumise",
        required=False,
        help_text="Un e-mail avec le lien de la page de validation, à chaque nouvelle session soumise.",
    )


class ApiTokenForm(Form):
    name = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        required=False,
        help_text="Pour le reconnaître plus tard, par exemple « Logiciel de gestion ».",
    )

from django import forms

from certiprev.organisations.enums import OrganisationKind, Region
from certiprev.www.common import Form


class SignupForm(Form):
    """The public sign-up of a new organisation; the service checks everything again (and the SIRET's key)."""

    name = forms.CharField(
        label="Raison sociale de l'organisme",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages={"required": "Indiquez la raison sociale de l'organisme."},
    )
    siret = forms.CharField(
        label="SIRET",
        max_length=20,
        help_text="14 chiffres, espaces permis (par exemple 732 829 320 00074).",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"required": "Indiquez le SIRET de l'organisme."},
    )
    kind = forms.ChoiceField(
        label="Type d'organisme",
        choices=OrganisationKind.choices,
        initial=OrganisationKind.TRAINING_BODY,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez le type d'organisme.",
            "invalid_choice": "Choisissez le type d'organisme.",
        },
    )
    region = forms.ChoiceField(
        label="Région (caisse de rattachement)",
        choices=[("", "Choisissez…"), *Region.choices],
        help_text="La caisse régionale (Carsat, Cramif ou CGSS) de l'organisme\u00a0: c'est elle qui instruira la "
        "demande.",
        error_messages={
            "required": "Choisissez la région de l'organisme.",
            "invalid_choice": "Choisissez la région de l'organisme.",
        },
    )
    first_name = forms.CharField(
        label="Votre prénom",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": "Indiquez votre prénom."},
    )
    last_name = forms.CharField(
        label="Votre nom",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": "Indiquez votre nom."},
    )
    email = forms.EmailField(
        label="Votre adresse e-mail",
        max_length=254,
        help_text="Vous recevrez un lien pour la confirmer\u00a0; elle sera votre identifiant.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Indiquez votre adresse e-mail.",
            "invalid": "Saisissez une adresse e-mail valide, par exemple nom@organisme.fr.",
        },
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        help_text="Au moins 10 caractères, pas trop courant ni tout en chiffres.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Choisissez un mot de passe."},
    )

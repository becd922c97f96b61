from django import forms

from certiprev.catalog.models import Scheme
from certiprev.habilitations.enums import RequestKind, RequestState
from certiprev.organisations.enums import OrganisationKind, Region
from certiprev.organisations.models import Organisation
from certiprev.www.common import FastSelect, Form, date_field


class OrganisationForm(Form):
    name = forms.CharField(
        label="Raison sociale", max_length=200, error_messages={"required": "Indiquez la raison sociale."}
    )
    siret = forms.CharField(
        label="SIRET",
        max_length=20,
        help_text="14 chiffres, espaces acceptés.",
        error_messages={"required": "Indiquez le SIRET."},
    )
    kind = forms.ChoiceField(
        label="Type",
        choices=OrganisationKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez le type d'organisme."},
    )
    address = forms.CharField(label="Adresse (facultatif)", max_length=250, required=False)
    postal_code = forms.RegexField(
        label="Code postal (facultatif)",
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": "Le code postal est fait de 5 chiffres."},
    )
    city = forms.CharField(label="Ville (facultatif)", max_length=100, required=False)
    region = forms.ChoiceField(
        label="Caisse régionale (facultatif)", choices=[("", "—"), *Region.choices], required=False
    )


class PeriodForm(Form):
    scheme = forms.ModelChoiceField(
        label="Dispositif",
        queryset=Scheme.objects.actor(),
        empty_label="— Choisir —",
        error_messages={"required": "Choisissez le dispositif."},
    )
    valid_from = date_field("Valable du", missing="Indiquez le début de validité.")
    valid_until = date_field("Valable jusqu'au", missing="Indiquez la fin de validité.")

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", "La fin de validité ne peut pas précéder son début.")
        return data


class EndForm(Form):
    on = date_field("Dernier jour de validité", missing="Indiquez le dernier jour de validité.")
    reason = forms.CharField(
        label="Motif",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Indiquez le motif."},
    )


class ExtendForm(Form):
    valid_until = date_field("Nouvelle fin de validité", missing="Indiquez la nouvelle fin de validité.")


class PersonForm(Form):
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        error_messages={"required": "Indiquez l'adresse e-mail.", "invalid": "Saisissez une adresse e-mail valide."},
    )
    first_name = forms.CharField(label="Prénom", max_length=100, required=False)
    last_name = forms.CharField(label="Nom", max_length=100, required=False)


class TrainerForm(PersonForm):
    first_name = forms.CharField(label="Prénom", max_length=100, error_messages={"required": "Indiquez le prénom."})
    last_name = forms.CharField(label="Nom", max_length=100, error_messages={"required": "Indiquez le nom."})
    number = forms.CharField(
        label="Numéro de formateur (facultatif)",
        max_length=8,
        required=False,
        help_text="3 lettres puis 5 chiffres ; laissé vide, il est attribué automatiquement.",
    )


class OverrideForm(Form):
    until = date_field(
        "Nouveau délai de clôture",
        missing="Indiquez le nouveau délai de clôture.",
        help_text="Au plus 31 jours après aujourd'hui.",
    )
    reason = forms.CharField(
        label="Motif de la dérogation",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Il est conservé dans l'historique de la session (audit).",
        error_messages={"required": "Indiquez le motif de la dérogation."},
    )


class SearchForm(Form):
    q = forms.CharField(label="Rechercher", required=False, max_length=100)


# ---------------------------------------------------------------------------------------------------------------
# Habilitation requests, the network's staff, the habilitations' status


class QueueFilterForm(Form):
    state = forms.ChoiceField(label="État", choices=[("", "Tous les états"), *RequestState.choices], required=False)
    kind = forms.ChoiceField(
        label="Type de demande", choices=[("", "Tous les types"), *RequestKind.choices], required=False
    )


class MessageForm(Form):
    message = forms.CharField(
        label="Compléments attendus",
        max_length=5000,
        required=False,  # the service names what is missing, in the same words as the API
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce message est envoyé par e-mail au correspondant de l'organisme.",
    )


class ReasonForm(Form):
    reason = forms.CharField(label="Motif", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class VerdictForm(ReasonForm):
    """A reason and a yes/no carried by the button pressed (`<prefix>-verdict`: 1 or 0): the opinion, the decision."""

    def __init__(self, *args, missing: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.missing = missing

    def clean(self):
        data = super().clean()
        verdict = self.data.get(self.add_prefix("verdict"))
        if verdict not in ("0", "1"):
            raise forms.ValidationError(self.missing)
        data["verdict"] = verdict == "1"
        return data


class StaffForm(PersonForm):
    role = forms.ChoiceField(
        label="Rôle",
        choices=[
            ("administrator", "Administrateur national"),
            ("instructor", "Instructeur d'une caisse"),
            ("cnh", "Membre de la CNH"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez le rôle."},
    )
    caisse = forms.ChoiceField(
        label="Caisse (instructeurs seulement)", choices=[("", "—"), *Region.choices], required=False
    )


class HabilitationMonthsForm(Form):
    habilitation_months = forms.IntegerField(
        label="Durée d'une habilitation (mois)",
        min_value=1,
        max_value=240,
        widget=forms.NumberInput(attrs={"class": "input-months"}),
        error_messages={
            "required": "Indiquez la durée en mois.",
            "invalid": "Indiquez un nombre entier de mois.",
            "min_value": "La durée est d'au moins 1 mois.",
            "max_value": "La durée est d'au plus 240 mois.",
        },
    )


class NetworkSearchForm(Form):
    q = forms.CharField(
        label="Session, organisme, formateur ou titulaire",
        required=False,
        max_length=200,
        help_text="Identifiant ou adresse d'une session, référence interne, organisme, nom ou numéro de formateur, "
        "nom du titulaire d'un certificat.",
    )
    born = date_field("Date de naissance du titulaire (facultatif)", required=False)


class ReasonOnlyForm(Form):
    reason = forms.CharField(
        label="Motif de la révocation",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Obligatoire. Il est conservé au journal d'audit.",
        error_messages={"required": "Indiquez le motif de la révocation."},
    )


class StatsFilterForm(Form):
    """The statistics' scope. Months are given as their first day or any day in them: whole months are counted."""

    start = date_field("Du (mois)", required=False, help_text="JJ/MM/AAAA : le mois entier est compté.")
    end = date_field("Au (mois)", required=False, help_text="JJ/MM/AAAA : le mois entier est compté.")
    organisation = forms.ModelChoiceField(
        label="Organisme",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label="Tous",
        widget=FastSelect,  # every organisation of the network
    )
    region = forms.ChoiceField(label="Caisse régionale", choices=[("", "Toutes"), *Region.choices], required=False)
    scheme = forms.ModelChoiceField(
        label="Dispositif", queryset=Scheme.objects.order_by("code"), required=False, empty_label="Tous"
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "La fin de la période ne peut pas précéder son début.")
        elif start and end and (end.year - start.year) * 12 + end.month - start.month >= 24:
            self.add_error("end", "La période couvre au plus 24 mois.")
        return data

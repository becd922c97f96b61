from django import forms

from certiprev.catalog.models import Scheme
from certiprev.lib.trainee_import import ACCEPTED_FILE_TYPES
from certiprev.organisations.models import Habilitation, Organisation
from certiprev.trainings.enums import TrainingKind, TrainingState
from certiprev.www.common import Form, date_field, today


class TrainingForm(Form):
    """Create or edit a session. The trainer's name is shown for confirmation before anything is saved."""

    organisation = forms.ModelChoiceField(
        label="Organisme",
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choisissez l'organisme.",
            "invalid_choice": "Choisissez un organisme de la liste.",
        },
    )
    scheme = forms.ModelChoiceField(
        label="Dispositif",
        queryset=Scheme.objects.none(),
        empty_label="— Choisir —",
        help_text="Seuls les dispositifs pour lesquels votre organisme est habilité sont proposés.",
        error_messages={
            "required": "Choisissez le dispositif.",
            "invalid_choice": "Choisissez un dispositif de la liste.",
        },
    )
    kind = forms.ChoiceField(
        label="Type de session",
        choices=TrainingKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez le type de session."},
    )
    start_date = date_field("Premier jour")
    end_date = date_field("Dernier jour")
    place = forms.CharField(
        label="Lieu",
        max_length=200,
        help_text="Adresse ou nom de la salle, tel qu'il figurera sur les documents.",
        error_messages={"required": "Indiquez le lieu de la session."},
    )
    trainer_number = forms.CharField(
        label="Numéro du formateur",
        max_length=20,
        help_text="3 lettres puis 5 chiffres, par exemple ABC12345. Son nom s'affichera pour confirmation.",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false", "autocomplete": "off"}),
        error_messages={"required": "Indiquez le numéro du formateur."},
    )
    external_id = forms.CharField(
        label="Référence interne (facultatif)",
        max_length=100,
        required=False,
        help_text="Votre propre référence pour cette session (numéro de convention, de dossier…).",
    )
    confirmed_trainer = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organisations, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = list(organisations)
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        if len(organisations) == 1 or editing:
            self.fields["organisation"].widget = forms.HiddenInput()
            self.fields["organisation"].initial = organisations[0].pk if organisations else None
        if editing:
            del self.fields["organisation"]
            del self.fields["external_id"]
        scheme_ids = Habilitation.objects.filter(organisation__in=organisations, valid_until__gte=today()).values(
            "scheme_id"
        )
        self.fields["scheme"].queryset = Scheme.objects.active().filter(pk__in=scheme_ids)

    def clean_trainer_number(self) -> str:
        return self.cleaned_data["trainer_number"].strip().upper().replace(" ", "")

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "Le dernier jour ne peut pas précéder le premier jour.")
        return data


class TraineeForm(Form):
    last_name = forms.CharField(
        label="Nom",
        max_length=100,
        error_messages={"required": "Indiquez le nom."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    first_names = forms.CharField(
        label="Prénom(s)",
        max_length=100,
        error_messages={"required": "Indiquez le ou les prénoms."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    birth_date = date_field(
        "Date de naissance", help_text="JJ/MM/AAAA : le formateur la vérifie sur une pièce d'identité."
    )
    email = forms.EmailField(
        label="E-mail (facultatif)",
        required=False,
        max_length=254,
        error_messages={"invalid": "Saisissez une adresse e-mail valide."},
    )

    def __init__(self, *args, form_id: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if form_id:  # inline editing: the inputs sit in table cells, outside the <form> element
            for field in self.fields.values():
                field.widget.attrs["form"] = form_id


class ImportForm(Form):
    file = forms.FileField(
        label="Fichier des stagiaires (Excel .xlsx ou CSV)",
        help_text="Colonnes Nom, Prénom(s), Date de naissance (JJ/MM/AAAA) et, si besoin, E-mail ; en-têtes en "
        "français ou en anglais, dans n'importe quel ordre.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILE_TYPES}),
        error_messages={"required": "Choisissez un fichier.", "empty": "Le fichier est vide."},
    )


class ReasonForm(Form):
    reason = forms.CharField(
        label="Motif",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Indiquez le motif."},
    )

    def __init__(self, *args, label: str = "Motif", help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].help_text = help_text


STATE_FILTER_CHOICES = [("", "Tous les états"), *TrainingState.choices]


class HistoryFilterForm(Form):
    q = forms.CharField(label="Nom du stagiaire, lieu ou formateur", required=False, max_length=100)
    scheme = forms.ModelChoiceField(
        label="Dispositif",
        queryset=Scheme.objects.all(),
        required=False,
        empty_label="Tous les dispositifs",
        to_field_name="code",
    )
    state = forms.ChoiceField(label="État", choices=STATE_FILTER_CHOICES, required=False)
    start = date_field("Du", required=False, help_text="JJ/MM/AAAA : sessions commençant à partir de ce jour.")
    end = date_field("Au", required=False, help_text="JJ/MM/AAAA : sessions commençant au plus tard ce jour.")

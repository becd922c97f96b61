from typing import cast

from django import forms
from django.conf import settings
from django.db.models import Q

from certiprev.catalog.models import Scheme
from certiprev.certificates.card_checks import MAX_CONTENT_CHARS, OldCardCheck, prerequisite_card_check
from certiprev.certificates.enums import ProofSource
from certiprev.lib.names import clean_name
from certiprev.lib.trainee_import import ACCEPTED_FILE_TYPES
from certiprev.organisations.enums import HabilitationLevel
from certiprev.organisations.models import AssociatedEntity, Habilitation, Organisation
from certiprev.trainings import rules
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
    start_date = date_field("Premier jour", missing="Indiquez le premier jour.")
    end_date = date_field("Dernier jour", missing="Indiquez le dernier jour.")
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
    entity = forms.ModelChoiceField(
        label="Entité associée qui organise la session",
        queryset=AssociatedEntity.objects.none(),
        required=False,
        empty_label="— L'organisme lui-même —",
        help_text="Elle forme sous l'habilitation de l'organisme et figure sur les cartes.",
        error_messages={"invalid_choice": "Choisissez une entité de la liste."},
    )
    confirmed_trainer = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organisations, editing: bool = False, entities=None, **kwargs):
        """`entities`: the associated entities the member may choose (none: no choice offered)."""
        super().__init__(*args, **kwargs)
        organisations = list(organisations)
        entities = list(entities or [])
        if entities:
            cast(forms.ModelChoiceField, self.fields["entity"]).queryset = AssociatedEntity.objects.filter(
                pk__in=[e.pk for e in entities]
            ).order_by("name")
        else:
            del self.fields["entity"]
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        )
        if len(organisations) == 1 or editing:
            self.fields["organisation"].widget = forms.HiddenInput()
            self.fields["organisation"].initial = organisations[0].pk if organisations else None
        if editing:
            del self.fields["organisation"]
            del self.fields["external_id"]
        habilitations = Habilitation.objects.filter(organisation__in=organisations, valid_until__gte=today())
        scheme_ids = habilitations.values("scheme_id")
        # DESIGN §10: a level-2 habilitation also opens the scheme's trainer course.
        level_two_ids = habilitations.filter(level=HabilitationLevel.TWO).values("scheme_id")
        cast(forms.ModelChoiceField, self.fields["scheme"]).queryset = Scheme.objects.active().filter(
            Q(pk__in=scheme_ids) | Q(trains_trainers_for__in=level_two_ids)
        )

    def clean_trainer_number(self) -> str:
        return self.cleaned_data["trainer_number"].strip().upper().replace(" ", "")

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        for field, day in (("start_date", start), ("end_date", end)):
            problem = day and rules.session_date_problem(field, day, today=today())
            if problem:
                self.add_error(field, problem)
                data.pop(field, None)
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "Le dernier jour ne peut pas précéder le premier jour.")
        return data


class RuleCharField(forms.CharField):
    """Text cleaned as the trainee rules clean it (control characters dropped, spaces collapsed) before any check,
    so that the form refuses exactly what the service refuses, with the same words."""

    def __init__(self, *, max_length: int, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs["maxlength"] = str(max_length)  # a typing aid only: the rule has the last word

    def to_python(self, value):
        return clean_name(super().to_python(value))


class TraineeForm(Form):
    """One trainee. Every check is `certiprev.trainings.rules`' (the API and the import use the same)."""

    last_name = RuleCharField(
        label="Nom",
        max_length=rules.MAX_TEXT,
        error_messages={"required": rules.name_missing_message("last_name")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    first_names = RuleCharField(
        label="Prénom(s)",
        max_length=rules.MAX_TEXT,
        error_messages={"required": rules.name_missing_message("first_names")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    birth_date = date_field(
        "Date de naissance",
        missing=rules.MSG_BIRTH_DATE_MISSING,
        help_text="JJ/MM/AAAA : le formateur la vérifie sur une pièce d'identité.",
    )
    email = forms.CharField(
        label="E-mail (facultatif)",
        required=False,
        widget=forms.EmailInput(attrs={"maxlength": str(rules.MAX_EMAIL)}),
    )

    def __init__(self, *args, form_id: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["birth_date"].error_messages["required"] = rules.MSG_BIRTH_DATE_MISSING
        if form_id:  # inline editing: the inputs sit in table cells, outside the <form> element
            for field in self.fields.values():
                field.widget.attrs["form"] = form_id

    def _checked(self, field: str, problem: str | None):
        if problem:
            raise forms.ValidationError(problem)
        return self.cleaned_data[field]

    def clean_last_name(self) -> str:
        return self._checked("last_name", rules.name_problem("last_name", self.cleaned_data["last_name"]))

    def clean_first_names(self) -> str:
        return self._checked("first_names", rules.name_problem("first_names", self.cleaned_data["first_names"]))

    def clean_birth_date(self):
        return self._checked("birth_date", rules.birth_date_problem(self.cleaned_data["birth_date"], today=today()))

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email:
            self._checked("email", rules.email_problem(email))
        return email


class ImportForm(Form):
    file = forms.FileField(
        label="Fichier des stagiaires (Excel .xlsx ou CSV)",
        help_text="Colonnes Nom, Prénom(s), Date de naissance (JJ/MM/AAAA) et, si besoin, E-mail ; en-têtes en "
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
    start = date_field("Du", required=False, help_text="JJ/MM/AAAA : sessions commençant à partir de ce jour.")
    end = date_field("Au", required=False, help_text="JJ/MM/AAAA : sessions commençant au plus tard ce jour.")


class OldCardForm(Form):
    """A MAC trainee's previous card: its QR content pasted (a phone reads it) or a photo of the card."""

    content = forms.CharField(
        label="Contenu du QR code de l'ancienne carte",
        required=False,
        max_length=MAX_CONTENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false", "autocomplete": "off"}),
        help_text="Il commence par HTTPS:// et contient un #. Lisez le QR code avec un téléphone et collez le texte.",
        error_messages={"max_length": "Ce contenu est trop long pour être celui d'un QR code Certiprev."},
    )
    photo = forms.FileField(
        label="Ou une photo de la carte",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        error_messages={"empty": "Le fichier envoyé est vide.", "invalid": "Ce fichier n'a pas pu être lu."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_mb = settings.OLD_CARD_MAX_IMAGE_BYTES // 1_000_000
        self.fields["photo"].help_text = (
            f"JPEG, PNG ou WebP, {limit_mb} Mo au plus : la carte à plat, bien éclairée, le QR code net. "
            "La photo sert à lire le QR code et n'est pas conservée."
        )
        self.too_large = False

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        limit = settings.OLD_CARD_MAX_IMAGE_BYTES
        # Refused from its announced size, before anything reads it into memory.
        if photo is not None and photo.size > limit:
            self.too_large = True
            raise forms.ValidationError(
                f"La photo pèse {photo.size / 1_000_000:.1f} Mo : envoyez une image de {limit // 1_000_000} Mo au "
                "plus (une photo de la carte seule suffit)."
            )
        return photo

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("content") or "").strip() and not data.get("photo"):
            self.add_error("content", "Collez le contenu du QR code de l'ancienne carte ou joignez-en une photo.")
        return data

    @property
    def source(self) -> str:
        return ProofSource.PHOTO if self.cleaned_data.get("photo") else ProofSource.QR_CONTENT

    def add_card_error(self, error) -> None:
        """A refused card, shown next to what was sent (the photo or the pasted content)."""
        sent = "photo" if self.cleaned_data.get("photo") else "content"
        self.add_workflow_error(error, field_map={"old_card": sent})

    def check(self, training) -> OldCardCheck:
        """The previous card checked against the session's scheme, on its first day (as the proof will be)."""
        photo = self.cleaned_data.get("photo")
        if photo is not None:
            return prerequisite_card_check(training=training, image_bytes=photo.read())
        return prerequisite_card_check(training=training, content=self.cleaned_data["content"])


class OldCardProofForm(forms.Form):
    """The checked card travelling with the "add a trainee" form after a prefill (verified again when recorded)."""

    old_card_content = forms.CharField(required=False, max_length=MAX_CONTENT_CHARS, widget=forms.HiddenInput)
    old_card_source = forms.ChoiceField(
        required=False, choices=[("", ""), *ProofSource.choices], widget=forms.HiddenInput
    )


class ElearningForm(Form):
    on = date_field("Date de l'attestation e-learning INRS")

"""Forms of the organisation's pages. They check shapes only: every rule is the services' (WorkflowError)."""

from __future__ import annotations

import re
from typing import cast

from django import forms

from certiprev.catalog.models import Scheme
from certiprev.habilitations.enums import RequestKind
from certiprev.organisations.enums import HabilitationLevel, MemberRole, Region
from certiprev.organisations.models import AssociatedEntity, Organisation
from certiprev.www.common import Form

_POSTAL = {
    "regex": r"^\d{5}$",
    "required": False,
    "error_messages": {"invalid": "Le code postal est fait de 5 chiffres."},
}


class AddressFields(Form):
    address = forms.CharField(label="Adresse (facultatif)", max_length=250, required=False)
    postal_code = forms.RegexField(label="Code postal (facultatif)", max_length=5, **_POSTAL)  # type: ignore[arg-type]
    city = forms.CharField(label="Ville (facultatif)", max_length=100, required=False)


class OrganisationForm(AddressFields):
    name = forms.CharField(
        label="Raison sociale", max_length=200, error_messages={"required": "Indiquez la raison sociale."}
    )
    region = forms.ChoiceField(
        label="Caisse régionale (facultatif)",
        choices=[("", "— Non renseignée —"), *Region.choices],
        required=False,
        help_text="La Carsat, la Cramif ou la CGSS de votre région : c'est elle qui instruit vos demandes.",
    )
    field_order = ["name", "address", "postal_code", "city", "region"]


class EntityForm(AddressFields):
    name = forms.CharField(
        label="Nom de l'entité", max_length=200, error_messages={"required": "Indiquez le nom de l'entité."}
    )
    field_order = ["name", "address", "postal_code", "city"]


class MemberForm(Form):
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        error_messages={"required": "Indiquez l'adresse e-mail.", "invalid": "Saisissez une adresse e-mail valide."},
    )
    first_name = forms.CharField(label="Prénom (facultatif)", max_length=100, required=False)
    last_name = forms.CharField(label="Nom (facultatif)", max_length=100, required=False)
    role = forms.ChoiceField(
        label="Rôle",
        choices=MemberRole.choices,
        initial=MemberRole.USER,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez le rôle.", "invalid_choice": "Choisissez un rôle de la liste."},
    )
    entity = forms.ModelChoiceField(
        label="Entité associée (facultatif)",
        queryset=AssociatedEntity.objects.none(),
        required=False,
        empty_label="— L'organisme lui-même —",
        help_text="Un membre d'une entité ne voit que les sessions de cette entité.",
        error_messages={"invalid_choice": "Choisissez une entité de la liste."},
    )

    def __init__(self, *args, organisation: Organisation, entity: AssociatedEntity | None = None, **kwargs):
        """`entity`: the form of one entity's page (the entity is fixed, the role is user or its correspondent)."""
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["entity"])
        if entity is not None:
            del self.fields["entity"]
            role = cast(forms.ChoiceField, self.fields["role"])
            role.choices = [(v, label) for v, label in MemberRole.choices if v != MemberRole.CORRESPONDENT]
            return
        field.queryset = organisation.entities.order_by("name")
        if not organisation.entities.exists():
            del self.fields["entity"]


def _trainer_numbers(text: str) -> list[str]:
    return [n for n in re.split(r"[\s,;]+", text or "") if n]


class TrainerNumbersField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocapitalize": "characters"})

    def to_python(self, value):
        return _trainer_numbers(super().to_python(value))


class _RequestFields(Form):
    schemes = forms.ModelMultipleChoiceField(
        label="Dispositifs",
        queryset=Scheme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choisissez au moins un dispositif.",
            "invalid_choice": "Choisissez des dispositifs de la liste.",
            "invalid_pk_value": "Choisissez des dispositifs de la liste.",
        },
    )
    trainer_numbers = TrainerNumbersField(
        label="Numéros FORPREV des formateurs",
        required=False,
        max_length=4000,
        help_text="Un numéro par ligne (3 lettres puis 5 chiffres, par exemple ABC12345).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["schemes"])
        field.queryset = Scheme.objects.filter(is_active=True).order_by("code")


class RequestForm(_RequestFields):
    organisation = forms.ModelChoiceField(
        label="Organisme",
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"required": "Choisissez l'organisme.", "invalid_choice": "Choisissez un organisme."},
    )
    kind = forms.ChoiceField(
        label="Type de demande",
        choices=RequestKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez le type de demande.", "invalid_choice": "Type de demande inconnu."},
    )
    level = forms.TypedChoiceField(
        label="Niveau",
        choices=HabilitationLevel.choices,
        coerce=int,
        initial=HabilitationLevel.ONE,
        widget=forms.RadioSelect,
        help_text="Une demande «\u00a0niveau 2\u00a0» est toujours de niveau 2.",
        error_messages={"required": "Choisissez le niveau.", "invalid_choice": "Le niveau est 1 ou 2."},
    )
    entity = forms.ModelChoiceField(
        label="Entité associée (facultatif)",
        queryset=AssociatedEntity.objects.none(),
        required=False,
        empty_label="— Aucune —",
        help_text="Pour une demande «\u00a0nouvelle entité associée\u00a0»\u00a0: l'entité concernée.",
        error_messages={"invalid_choice": "Choisissez une entité de la liste."},
    )
    field_order = ["organisation", "kind", "schemes", "level", "entity", "trainer_numbers"]

    def __init__(self, *args, organisations: list[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        org_field = cast(forms.ModelChoiceField, self.fields["organisation"])
        org_field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations]).order_by("name")
        if len(organisations) == 1:
            org_field.widget = forms.HiddenInput()
            org_field.initial = organisations[0].pk
        entities = AssociatedEntity.objects.filter(organisation__in=organisations).order_by("name")
        if entities.exists():
            cast(forms.ModelChoiceField, self.fields["entity"]).queryset = entities
        else:
            del self.fields["entity"]


class RequestEditForm(_RequestFields):
    pass


class DocumentForm(Form):
    label = forms.CharField(
        label="Intitulé du document",
        max_length=200,
        help_text="Par exemple\u00a0: extrait Kbis, programme de formation, attestation d'assurance.",
        error_messages={"required": "Indiquez l'intitulé du document."},
    )
    file = forms.FileField(
        label="Fichier PDF",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={
            "required": "Choisissez le fichier PDF à joindre.",
            "empty": "Le fichier est vide.",
            "invalid": "Le fichier n'a pas pu être lu : choisissez-le de nouveau.",
        },
    )

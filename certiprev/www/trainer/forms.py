from django import forms
from django.utils.html import format_html

from certiprev.trainings.models import Trainee
from certiprev.www.common import Form

PRESENCE_CHOICES = [("oui", "Présent·e"), ("non", "Absent·e")]
RESULT_CHOICES = [("oui", "Réussi"), ("non", "Échoué")]


class ValidationForm(Form):
    """One presence and one result radio group per trainee (named by the trainee's public id)."""

    def __init__(self, *args, trainees, **kwargs):
        super().__init__(*args, **kwargs)
        self.trainees = list(trainees)
        for trainee in self.trainees:
            key = str(trainee.public_id)
            self.fields[f"present-{key}"] = forms.ChoiceField(
                label=format_html('Présence<span class="visually-hidden"> de {}</span>', trainee),
                choices=PRESENCE_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": f"Indiquez si {trainee} était présent·e."},
            )
            self.fields[f"passed-{key}"] = forms.ChoiceField(
                label=format_html('Résultat<span class="visually-hidden"> de {}</span>', trainee),
                choices=RESULT_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": f"Indiquez le résultat de {trainee}."},
            )

    def clean(self):
        data = super().clean()
        for trainee in self.trainees:
            key = str(trainee.public_id)
            if data.get(f"present-{key}") == "non" and data.get(f"passed-{key}") == "oui":
                self.add_error(f"passed-{key}", f"{trainee} est absent·e : il ou elle ne peut pas avoir réussi.")
        return data

    def rows(self):
        """(trainee, presence bound field, result bound field) for the template."""
        return [(t, self[f"present-{t.public_id}"], self[f"passed-{t.public_id}"]) for t in self.trainees]

    def results(self) -> list[tuple[Trainee, bool, bool]]:
        data = self.cleaned_data
        return [
            (
                t,
                data[f"present-{t.public_id}"] == "oui",
                data[f"present-{t.public_id}"] == "oui" and data[f"passed-{t.public_id}"] == "oui",
            )
            for t in self.trainees
        ]

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
        self.unanswered = []
        for trainee in self.trainees:
            key = str(trainee.public_id)
            if f"present-{key}" not in data and f"passed-{key}" not in data and not self.data.get(f"present-{key}"):
                # Neither answered: one message on the card instead of two (an empty form would list 2 per trainee).
                self.unanswered.append(trainee)
                self.errors.pop(f"passed-{key}", None)
                self.errors[f"present-{key}"] = self.error_class(
                    [f"Indiquez la présence et le résultat de {trainee}."]
                )
                continue
            if data.get(f"present-{key}") == "non" and data.get(f"passed-{key}") == "oui":
                self.add_error(f"passed-{key}", f"{trainee} est absent·e : il ou elle ne peut pas avoir réussi.")
        return data

    def summary_errors(self) -> list[tuple[str, str]]:
        """(anchor, message) lines for the error summary: the unanswered trainees in one line linked to the first of
        them ("10 stagiaires sans présence ni résultat"), then every other error."""
        lines: list[tuple[str, str]] = []
        unanswered = getattr(self, "unanswered", [])
        skip = {f"present-{t.public_id}" for t in unanswered}
        if unanswered:
            n = len(unanswered)
            first = self[f"present-{unanswered[0].public_id}"]
            lines.append((f"#{first.auto_id}_0", f"{n} stagiaire{'s' if n > 1 else ''} sans présence ni résultat"))
        for field in self:
            if field.name in skip:
                continue
            anchor = f"#{field.auto_id}_0" if field.name.startswith(("present-", "passed-")) else f"#{field.auto_id}"
            lines.extend((anchor, str(error)) for error in field.errors)
        lines.extend(("", str(error)) for error in self.non_field_errors())
        return lines

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

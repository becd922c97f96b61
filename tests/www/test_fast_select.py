"""FastSelect renders, character for character, what Django's select templates render."""

import pytest
from django import forms

from certiprev.organisations.models import Organisation
from certiprev.www.common import FastSelect
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.usefixtures("db")


@pytest.mark.parametrize("value", [None, "", "2", ["1", "3"]])
def test_fast_select_renders_exactly_as_django_select(value):
    choices = [("", "Tous"), ("1", "Dupont & fils <SA>"), ("2", "L'Équipe « Secours »"), ("3", 'Les "Sauveteurs"')]
    attrs = {"id": "id_x", "aria-describedby": "x_helptext", "required": True, "disabled": False}
    django = forms.Select(choices=choices).render("x", value, attrs)
    assert FastSelect(choices=choices).render("x", value, attrs) == django
    grouped = [("Groupe <1>", [("a", "A")]), ("b", "B")]
    assert FastSelect(choices=grouped).render("y", "a") == forms.Select(choices=grouped).render("y", "a")
    multiple = forms.SelectMultiple(choices=choices).render("z", value, attrs)

    class FastMultiple(FastSelect, forms.SelectMultiple):
        pass

    assert FastMultiple(choices=choices).render("z", value, attrs) == multiple


def test_the_statistics_form_renders_the_organisations_as_before():
    for name in ("Alpha & Cie", "Bêta « Secours »"):
        OrganisationFactory(name=name)

    class Before(forms.Form):
        organisation = forms.ModelChoiceField(
            label="Organisme", queryset=Organisation.objects.order_by("name"), required=False, empty_label="Tous"
        )

    from certiprev.www.network.forms import StatsFilterForm

    chosen = str(Organisation.objects.order_by("name").last().pk)
    for data in (None, {"organisation": chosen}):
        assert str(StatsFilterForm(data)["organisation"]) == str(Before(data)["organisation"])

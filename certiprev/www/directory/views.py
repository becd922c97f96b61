"""The public directory page /organismes: the habilitated organisations, searchable by scheme, caisse and city."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from certiprev.catalog.models import Scheme
from certiprev.habilitations.directory import DirectoryFilters, directory_organisations
from certiprev.organisations.enums import Region
from certiprev.www.common import Form, paginate

PER_PAGE = 25


class DirectoryForm(Form):
    scheme = forms.ChoiceField(label="Dispositif", required=False)
    region = forms.ChoiceField(
        label="Caisse régionale", required=False, choices=[("", "Toutes les caisses"), *Region.choices]
    )
    city = forms.CharField(
        label="Ville",
        required=False,
        max_length=100,
        help_text="Le début du nom suffit ; majuscules et accents sont ignorés.",
    )

    def __init__(self, *args, schemes: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].choices = [("", "Tous les dispositifs"), *schemes]  # type: ignore[attr-defined]  # a ChoiceField


@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    schemes = [
        (code, f"{code} — {name}")
        for code, name in Scheme.objects.actor().order_by("code").values_list("code", "name")
    ]
    form = DirectoryForm(request.GET or None, schemes=schemes)
    values = form.cleaned_data if form.is_bound and form.is_valid() else {}
    filters = DirectoryFilters.clean(scheme=values.get("scheme"), region=values.get("region"), city=values.get("city"))
    page = paginate(request, directory_organisations(filters), per_page=PER_PAGE)
    return render(
        request,
        "www/directory/organisations.html",
        {"form": form, "page": page, "filtered": any((filters.scheme, filters.region, filters.city))},
    )

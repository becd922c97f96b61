"""The one pattern of the network's admin pages on organisations and trainers: a searched list, a detail page
with an "add a period" form, a page that ends a period, an invitation sent again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Count, IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from certiprev.accounts.models import User
from certiprev.accounts.tasks import invitation_send_enqueue
from certiprev.lib.errors import WorkflowError
from certiprev.lib.validity import ValidityPeriod
from certiprev.organisations.models import Habilitation
from certiprev.www.common import AccessibleFormMixin, paginate, today

from ..forms import EndForm, SearchForm

# The status of a habilitation on a day (`Habilitation.status_on`), as the network pages say it.
HABILITATION_STATUS_LABELS = {
    "active": "active",
    "suspended": "suspendue",
    "withdrawn": "retirée",
    "expired": "expirée",
}


def habilitation_status_label(habilitation: Habilitation) -> str:
    status = habilitation.status_on(today())
    if status == "active" and habilitation.valid_from > today():
        return "à venir"
    return HABILITATION_STATUS_LABELS.get(status, status)


def related_count(model: type[Model], field: str):
    """The number of `model` rows pointing at each row (a subquery: no GROUP BY over the listed rows)."""
    sub = (
        model._default_manager.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def searched_list(
    request: HttpRequest, queryset: QuerySet, *, search: Callable[[str], Q], template: str
) -> HttpResponse:
    """A paginated list narrowed by the `q` of the search form."""
    form = SearchForm(request.GET or None)
    q = form.cleaned_data.get("q", "").strip() if form.is_valid() else ""
    if q:
        queryset = queryset.filter(search(q))
    return render(request, template, {"form": form, "page": paginate(request, queryset), "q": q})


def form_submitted(
    request: HttpRequest,
    form: AccessibleFormMixin,
    *,
    write: Callable[..., Any],
    done: Callable[[Any], str],
    back: Callable[[Any], HttpResponse],
    again: Callable[[Any], HttpResponse],
    field_map: dict[str, str] | None = None,
) -> HttpResponse:
    """A valid form goes to its service: success → message and `back(result)`; a domain error or an invalid form
    → `again(form)` (the page with the errors)."""
    if form.is_valid():
        try:
            result = write(**form.cleaned_data)
        except WorkflowError as error:
            form.add_workflow_error(error, field_map=field_map)
        else:
            messages.success(request, done(result))
            return back(result)
    return again(form)


def period_end_page(
    request: HttpRequest,
    *,
    period: ValidityPeriod,
    end: Callable[..., Any],
    subject: str,
    done: str,
    back: Model,
    back_url: str,
    back_arg: Any,
) -> HttpResponse:
    """GET: the form ending a habilitation or a certification; POST: the service, then back to its owner's page."""
    form = EndForm(request.POST or None, initial={"on": today()})

    def again(form: Form) -> HttpResponse:
        return render(
            request,
            "www/network/end_form.html",
            {
                "form": form,
                "subject": subject,
                "period": period,
                "back": back,
                "back_url": back_url,
                "back_arg": back_arg,
            },
            status=422 if form.errors else 200,
        )

    if request.method != "POST":
        return again(form)
    return form_submitted(
        request,
        form,
        write=end,
        done=lambda _period: done,
        back=lambda _period: redirect(back_url, back_arg),
        again=again,
        field_map={"valid_until": "on"},
    )


def invitation_sent_again(request: HttpRequest, user: User, context_line: str) -> None:
    invitation_send_enqueue(user=user, context_line=context_line)
    messages.success(request, f"Invitation renvoyée à {user.email}.")

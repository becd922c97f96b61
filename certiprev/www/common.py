"""Helpers shared by the web views: accessible forms, domain errors shown in forms, pagination, roles."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from certiprev.lib.errors import WorkflowError
from certiprev.organisations.enums import MemberRole
from certiprev.trainings.selectors import membership_rows_of, organisation_ids_of, trainer_of

# The mixin goes before a Django form class: the type checker sees that form's API, the runtime a plain mixin.
if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object

PAGE_SIZE = 25
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"]


class DateInput(forms.DateInput):
    """A text input in JJ/MM/AAAA: predictable for everyone, unlike native pickers whose format follows the
    browser's language (a French hint next to a "mm/dd/yyyy" picker confuses more than it helps)."""

    input_type = "text"

    def __init__(self, attrs=None):
        attrs = {
            "inputmode": "numeric",
            "autocomplete": "off",
            "spellcheck": "false",
            "class": "input-date",
            **(attrs or {}),
        }
        super().__init__(attrs, format="%d/%m/%Y")


def date_field(label: str, *, required: bool = True, help_text: str = "", missing: str = "") -> forms.DateField:
    """A JJ/MM/AAAA date field; `missing` is the sentence of a date left empty ("Indiquez le premier jour.")."""
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        input_formats=DATE_INPUT_FORMATS,
        help_text=help_text or "Format JJ/MM/AAAA, par exemple 14/03/2025.",
        error_messages={
            "invalid": "Saisissez une date valide (JJ/MM/AAAA).",
            "required": missing or f"Indiquez la date « {label} ».",
        },
    )


def _html_attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html, in Python."""
    return "".join(
        format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
        for name, value in attrs.items()
        if value is not False
    )


class FastSelect(forms.Select):
    """A <select> rendered in Python, character for character as Django's select.html and select_option.html render
    it (tests/www/test_fast_select.py): with the network's hundreds of organisations, one template include per
    option costs tens of milliseconds per page."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"', widget["name"]), _html_attrs(widget["attrs"]), ">"]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('\n  <optgroup label="{}">', group_name))
            for option in options:
                parts += [
                    format_html('\n  <option value="{}"', str(option["value"])),
                    _html_attrs(option["attrs"]),
                    format_html(">{}</option>\n", option["label"]),
                ]
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above went through format_html


class AccessibleFormMixin(_FormBase):
    """Links each field to its error message (aria-describedby) so screen readers read them together."""

    error_css_class = "has-error"
    required_css_class = "is-required"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                field = self.fields[name]
                ids = [f"{self[name].auto_id}_error"]
                if field.help_text:
                    ids.append(f"{self[name].auto_id}_helptext")
                field.widget.attrs["aria-describedby"] = " ".join(ids)
                field.widget.attrs["aria-invalid"] = "true"

    def add_workflow_error(self, error: WorkflowError, *, field_map: dict[str, str] | None = None) -> None:
        """Show a domain error next to its field when the form has it, else at the top."""
        field = (field_map or {}).get(error.field or "", error.field)
        self.add_error(field if field in self.fields else None, error.message)


class Form(AccessibleFormMixin, forms.Form):
    pass


def paginate(request: HttpRequest, items, *, per_page: int = PAGE_SIZE) -> Page:
    paginator = Paginator(items, per_page)
    return paginator.get_page(request.GET.get("page"))


def today() -> dt.date:
    return timezone.localdate()


class Roles:
    """What the signed-in user is, computed once per request (memberships and trainer profile)."""

    def __init__(self, user):
        self.user = user
        authenticated = getattr(user, "is_authenticated", False)
        self.organisation_ids = organisation_ids_of(user) if authenticated else []
        self.trainer = trainer_of(user) if authenticated else None
        self.is_admin = bool(authenticated and user.is_network_administrator)
        # Instructors of a caisse and CNH members see the requests pages of /reseau/, nothing else of it.
        self.is_instructor = bool(authenticated and user.is_instructor)
        self.is_cnh = bool(authenticated and user.is_cnh_member)
        self.is_network_staff = self.is_admin or self.is_instructor or self.is_cnh

    @property
    def is_member(self) -> bool:
        return bool(self.organisation_ids)

    @property
    def is_correspondent(self) -> bool:
        """The correspondent (CEH) of an organisation: master data, members, entities, habilitation requests."""
        return any(role == MemberRole.CORRESPONDENT for _o, _e, role in membership_rows_of(self.user))

    @property
    def is_entity_correspondent(self) -> bool:
        """The correspondent of an associated entity (CEA): that entity's members."""
        return any(
            role == MemberRole.ENTITY_CORRESPONDENT and entity is not None
            for _o, entity, role in membership_rows_of(self.user)
        )

    @property
    def is_trainer(self) -> bool:
        return self.trainer is not None


def roles(request: HttpRequest) -> Roles:
    cached = getattr(request, "_certiprev_roles", None)
    if cached is None:
        cached = Roles(request.user)
        request._certiprev_roles = cached  # type: ignore[attr-defined]  # a per-request cache
    return cached


def _role_required(check: Callable[[Roles], bool]):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(roles(request)):
                # 404 rather than 403: never confirm that a page of another role exists.
                raise Http404("Page introuvable.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


member_required = _role_required(lambda r: r.is_member)
correspondent_required = _role_required(lambda r: r.is_correspondent)
manager_required = _role_required(lambda r: r.is_correspondent or r.is_entity_correspondent)
trainer_required = _role_required(lambda r: r.is_trainer)
admin_required = _role_required(lambda r: r.is_admin)
network_staff_required = _role_required(lambda r: r.is_network_staff)
login_required = _role_required(lambda r: True)


def csv_safe(value) -> str:
    """Neutralise spreadsheet formulas in exported cells (CSV injection)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def csv_response(filename: str, headers: list[str], rows) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

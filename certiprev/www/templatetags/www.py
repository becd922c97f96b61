import datetime as dt

from django import template
from django.utils import timezone

from certiprev.lib.dates import format_fr_words, span_fr
from certiprev.trainings.selectors import trainee_result_label
from certiprev.www.common import roles as request_roles

register = template.Library()


@register.simple_tag(takes_context=True)
def user_roles(context):
    request = context.get("request")
    # No user on a request refused before the authentication middleware (a 400 for a bad Host): no roles.
    return request_roles(request) if hasattr(request, "user") else None


@register.filter
def days_until(day: dt.date | None) -> int | None:
    if day is None:
        return None
    return (day - timezone.localdate()).days


@register.filter
def days_since(moment) -> int | None:
    if moment is None:
        return None
    if isinstance(moment, dt.datetime):
        moment = timezone.localtime(moment).date()
    return (timezone.localdate() - moment).days


@register.filter
def plural(count: int, forms: str = "s") -> str:
    """`{{ n|plural }}` → "s"; `{{ n|plural:"x" }}`; `{{ n|plural:"un,des" }}`."""
    singular, _, many = forms.rpartition(",") if "," in forms else ("", "", forms)
    return singular if abs(count or 0) <= 1 else many


@register.simple_tag(takes_context=True)
def nav_section(context) -> str:
    """Which menu entry the current page belongs to (for aria-current)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match else ""
    if name.startswith("history"):
        return "history"
    if name in ("dashboard", "import_template") or name.startswith(("training_", "trainee_")):
        return "dashboard"
    if name == "trainer_certificates":
        return "trainer_certificates"
    if name.startswith("trainer_"):
        return "trainer"
    if name.startswith("org_"):
        return "organisation"
    if name.startswith("request_"):
        return "requests"
    if name.startswith("network_"):
        return "network"
    if name in ("account", "password_change"):
        return "account"
    if name.startswith("help"):
        return "help"
    return ""


@register.filter
def add_days_date(moment, days: int) -> str:
    """The local date `days` after a datetime or date, as JJ/MM/AAAA."""
    if moment is None:
        return ""
    if isinstance(moment, dt.datetime):
        moment = timezone.localtime(moment).date()
    return (moment + dt.timedelta(days=int(days))).strftime("%d/%m/%Y")


@register.simple_tag
def error_count(form=None, extra_errors=None) -> int:
    count = len(extra_errors or [])
    if form is not None and getattr(form, "errors", None):
        count += sum(len(errors) for errors in form.errors.values())
    return count


@register.filter
def file_size(size: int | None) -> str:
    """A file size as French people read it: "850 octets", "106 Ko", "2,4 Mo"."""
    size = int(size or 0)
    if size < 1000:
        return f"{size} octet{'s' if size > 1 else ''}"
    if size < 1_000_000:
        return f"{round(size / 1000)} Ko"
    return f"{size / 1_000_000:.1f} Mo".replace(".", ",")


@register.filter
def within_days(moment: dt.datetime | None, days: int) -> bool:
    """Whether a coming moment is at most `days` days away (a deletion date to highlight)."""
    return moment is not None and moment - timezone.now() <= dt.timedelta(days=int(days))


@register.filter
def date_words(day: dt.date | dt.datetime | None) -> str:
    """`{{ day|date_words }}` → "1er décembre 2026" (a datetime is taken on its local day)."""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date()
    return format_fr_words(day)


@register.filter
def session_days(training) -> str:
    """`{{ training|session_days }}` → "le 10/12/2026" (one day) or "du 10/12/2026 au 11/12/2026";
    `|capfirst` at the start of a sentence."""
    return span_fr(training.start_date, training.end_date)


@register.filter
def trainee_result(trainee) -> str:
    """ "Absent·e", "Réussi" or "Échoué" (absent is a result of its own); "" before the results."""
    return trainee_result_label(trainee.present, trainee.passed)


@register.filter
def quoted_sentence(text) -> str:
    """`{{ reason|quoted_sentence }}` → «\u00a0Il manque Mme Durand.\u00a0» — the quotation ends the host sentence too:
    no second period after « » when the quoted text has its own (never "« … ». .")."""
    text = str(text or "").strip()
    end = "" if text.endswith((".", "!", "?", "…")) else "."
    return f"«\u00a0{text}\u00a0»{end}"

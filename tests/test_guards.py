import pytest
from django.db import connection
from django.template import Context, Template, engines
from django.template.base import Origin
from django.test.utils import CaptureQueriesContext

from certiprev.organisations.models import Membership
from tests.factories import MembershipFactory
from tests.guards import PROJECT_TEMPLATES, UnknownTemplateVariableError


def render(source, origin_name, **context):
    engine = engines["django"].engine
    return Template(source, origin=Origin(origin_name), engine=engine).render(Context(context))


OURS = PROJECT_TEMPLATES + "www/templates/www/guard.html"


def test_an_unknown_variable_in_our_templates_fails_the_test():
    with pytest.raises(UnknownTemplateVariableError, match="missing"):
        render("{{ missing }}", OURS)
    with pytest.raises(UnknownTemplateVariableError, match="known.missing"):
        render("{{ known.missing|upper }}", OURS, known={"other": 1})


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{% if missing %}oui{% else %}non{% endif %}", "non"),
        ("{% for x in missing %}{{ x }}{% empty %}vide{% endfor %}", "vide"),
        ('{{ missing|default:"rien" }}', "rien"),
        ("{{ known }}", "là"),
    ],
)
def test_if_for_default_and_known_variables_stay_allowed_in_our_templates(source, expected):
    assert render(source, OURS, known="là") == expected


def test_an_unknown_variable_in_django_templates_renders_empty_as_without_the_guard():
    assert (
        render("[{{ missing }}][{{ missing|default:'d' }}]", "/site-packages/django/contrib/admin/x.html") == "[][d]"
    )


def _sql(queryset) -> str:
    with CaptureQueriesContext(connection) as queries:
        list(queryset)
    return queries[-1]["sql"].upper()


@pytest.mark.django_db
def test_an_unordered_query_is_randomly_ordered_and_an_ordered_one_is_left_alone():
    MembershipFactory.create_batch(2)
    # RANDOM() on PostgreSQL, RAND() on SQLite.
    assert "ORDER BY RAND" in _sql(Membership.objects.all())  # no Meta.ordering, no order_by
    assert "ORDER BY RAND" not in _sql(Membership.objects.order_by("pk"))
    assert "ORDER BY RAND" not in _sql(Membership.objects.order_by())  # ordering removed on purpose
    assert "ORDER BY RAND" not in _sql(Membership.objects.values("organisation").distinct())
    with CaptureQueriesContext(connection) as queries:
        Membership.objects.count()
    assert "ORDER BY RAND" not in queries[-1]["sql"].upper()

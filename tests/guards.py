"""Test guards, as les emplois has them: an unknown template variable fails, unordered queries come back shuffled.

config/test_settings.py sets the first, tests/conftest.py installs the second for the whole session.
"""

import sys
from pathlib import Path

from django.db.models import OrderBy
from django.db.models.functions import Random
from django.template.base import FilterExpression, Node
from django.template.defaultfilters import default as default_filter

# Imported by config/test_settings.py: no settings read here.
PROJECT_TEMPLATES = str(Path(__file__).resolve().parent.parent / "certiprev") + "/"


class UnknownTemplateVariableError(Exception):
    silent_variable_failure = False


class UnknownTemplateVariable(str):
    """`string_if_invalid` in tests (config/test_settings.py): an unknown variable in our own templates raises.

    Django asks `if string_if_invalid:` at exactly one place, in `FilterExpression.resolve`, when a variable does not
    exist and failures are not ignored. `{% if %}` and `{% for %}` resolve with failures ignored and never get
    there, so `{% if maybe %}` stays allowed; `|default:…` says "may be missing" on purpose and is allowed too
    (les emplois patches the same check). Anywhere else (Django's own templates: the admin, the form widgets) the
    value is falsy and renders as "", which is Django's behaviour without the guard. A missing one-to-one relation
    (`silent_variable_failure`) also yields this value: falsy, as Django's "" is.
    """

    def __new__(cls):
        return super().__new__(cls, "")

    def __bool__(self):
        frame = sys._getframe(1)
        if frame.f_code is not FilterExpression.resolve.__code__:
            return False
        expression = frame.f_locals["self"]
        if any(func is default_filter for func, _args in expression.filters):
            return False
        origin = _node_origin(frame)
        if origin is None or not origin.startswith(PROJECT_TEMPLATES):
            return False
        raise UnknownTemplateVariableError(f"Unknown template variable {expression.var} in {origin}")

    def __reduce__(self):
        return (UnknownTemplateVariable, ())


def _node_origin(frame) -> str | None:
    """The file of the template node being rendered (the child's, inside an `{% extends %}` block too)."""
    while frame is not None:
        node = frame.f_locals.get("self")
        if isinstance(node, Node) and node.origin is not None:
            return node.origin.name
        frame = frame.f_back
    return None


def randomly_ordered_pairs(order_by_pairs):
    """Wrap `SQLCompiler._order_by_pairs`: ORDER BY RANDOM() when a query has no ordering.

    After https://adamj.eu/tech/2023/07/04/django-test-random-order-querysets/ (les emplois does the same): a test
    or a screen that relies on insertion order then fails now and then instead of passing by luck. Not for DISTINCT
    (PostgreSQL wants ORDER BY terms in the select list), combined queries, or ordering Django cleared on purpose
    (`default_ordering` off: counts, exists, subqueries).
    """

    def pairs(self):
        ordered = False
        for pair in order_by_pairs(self):
            ordered = True
            yield pair
        query = self.query
        if not ordered and query.default_ordering and not query.distinct and not query.combinator:
            yield OrderBy(Random()), False

    return pairs

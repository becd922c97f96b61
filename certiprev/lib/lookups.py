"""`field__any=[ids]`: one array parameter on PostgreSQL (`field = ANY(%s::bigint[])`), `IN (…)` on SQLite.

The history search passes a few thousand session ids to its queries (selectors.history): as `IN (…)` each id is a
placeholder that Django prepares one by one and psycopg splices into a query text that is new every time (so never
cached); PostgreSQL turns `IN (…)` into `= ANY(ARRAY[…])` anyway, the same index scan. As one array parameter (its
text `{1,2,…}`, written in one join) the query text stays the same and the ids go over as one value. `id_in` hands
the ids over as a frozenset, which Django's filter does not walk value by value as it walks a list. Integer ids only.
`id_in(…, tested_per_row=True)` (`field__any_set`) is the spelling for a condition tested on every row read, one of
an OR's: `IN (SELECT unnest(…))`, a set PostgreSQL hashes once (AnyOfSet). `ids_of(field, queryset)`: the same
index scan for ids a subquery selects, without fetching them first (AnyOfSubquery).
"""

from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.lookups import In
from django.db.models.sql import Query


class AnyOf(In):
    lookup_name = "any"

    def get_prep_lookup(self):
        return [int(value) for value in self.rhs]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if not self.rhs:  # as Django's IN (): nothing matches
            return "FALSE", ()
        return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, "{" + ",".join(map(str, self.rhs)) + "}")

    def as_sqlite(self, compiler, connection):
        # `IN (%s, …)` as Django writes it, the ids (already integers) passed as they are: Django's own path
        # prepares every value through the field one by one (3 ms of the history page for its 2,500 session ids).
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if not self.rhs:  # as on PostgreSQL: a condition that is false
            return "0 = 1", ()
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", (*lhs_params, *self.rhs)


class AnyOfSet(AnyOf):
    """`AnyOf` for a condition PostgreSQL tests on every row it reads (an OR of several conditions) rather than one
    it looks the ids up by: `IN (SELECT unnest(…))`, which it hashes once. `= ANY($1)` with a prepared statement's
    parameter (ADR 0020) is a linear search of the array for each row — the history search's count of 2,600
    sessions against 280 ids: 5.7 ms where the array written in the SQL, which PostgreSQL hashes, took 2.7 ms."""

    lookup_name = "any_set"

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if not self.rhs:
            return "FALSE", ()
        return f"{lhs} IN (SELECT unnest(%s::bigint[]))", (*lhs_params, "{" + ",".join(map(str, self.rhs)) + "}")


class AnyOfSubquery(In):
    """`field__any_subquery=<queryset selecting one id column>`: `= ANY(ARRAY(subquery))` on PostgreSQL, which
    runs the subquery once (an InitPlan) and then looks its ids up in the field's index, as `= ANY($1)` does with a
    list; a plain `IN (subquery)` there may be planned as a join that reads the whole table instead. `IN (subquery)`
    elsewhere (SQLite lists the subquery once and looks each id up)."""

    lookup_name = "any_subquery"

    def get_prep_lookup(self):
        if not isinstance(self.rhs, Query):  # the queryset, resolved by the filter
            raise TypeError("any_subquery needs a queryset (ids_of)")
        return super().get_prep_lookup()

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)  # "(SELECT …)": Lookup.process_rhs wraps it
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


for lookup in (AnyOf, AnyOfSet, AnyOfSubquery):
    models.IntegerField.register_lookup(lookup)  # ids: AutoField and BigAutoField are IntegerFields
    models.ForeignKey.register_lookup(lookup)


def id_in(field: str, ids: list[int], *, tested_per_row: bool = False) -> Q:
    """`Q(<field>__in=ids)` spelled as one array parameter on PostgreSQL; `tested_per_row`: for a condition tested
    on each row read (one of an OR's) rather than one the ids are looked up by (`AnyOfSet`)."""
    return Q(**{f"{field}__{'any_set' if tested_per_row else 'any'}": frozenset(ids)})


def ids_of(field: str, queryset: QuerySet) -> Q:
    """`Q(<field>__in=queryset)` (a queryset of one id column), spelled so that PostgreSQL looks the ids up in the
    field's index after running the subquery once (`AnyOfSubquery`)."""
    return Q(**{f"{field}__any_subquery": queryset})

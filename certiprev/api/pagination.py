"""Page-number pagination: `{count, page, page_size, next, previous, items}` with absolute next/previous links."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from .schemas import Out


class Page(Out):
    count: int
    page: int
    page_size: int
    next: str | None
    previous: str | None


def page_link(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(request.path) + "?" + query.urlencode()


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    page: int,
    page_size: int,
    present: Callable[[Any], dict],
    count: int | None = None,
) -> dict[str, Any]:
    total = queryset.count() if count is None else count
    offset = (page - 1) * page_size
    items = [present(obj) for obj in queryset[offset : offset + page_size]] if offset < total else []
    return {
        "count": total,
        "page": page,
        "page_size": page_size,
        "next": page_link(request, page + 1) if offset + page_size < total else None,
        "previous": page_link(request, page - 1) if page > 1 else None,
        "items": items,
    }

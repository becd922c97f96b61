"""The public directory of habilitated organisations: no token, nothing personal, cacheable (ETag, max-age)."""

import hashlib
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import get_conditional_response
from ninja import Field, Query, Router, Schema

from certiprev.habilitations.directory import DirectoryFilters, directory_entry, directory_organisations

from ..auth import rate_limit_check
from ..common import responses
from ..pagination import Page, paginate
from ..schemas import Out

router = Router(tags=["Annuaire public"])

# Short: a suspension or a withdrawal leaves shared caches within five minutes.
CACHE_CONTROL = "public, max-age=300"


class RegionOut(Out):
    code: str
    name: str


class DirectoryHabilitationOut(Out):
    scheme: str
    scheme_name: str
    level: int
    valid_until: str


class DirectoryEntryOut(Out):
    id: str
    name: str
    city: str
    postal_code: str
    region: RegionOut | None
    habilitations: list[DirectoryHabilitationOut]


class DirectoryPageOut(Page):
    items: list[DirectoryEntryOut]


class DirectoryQuery(Schema):
    scheme: str | None = Field(None, max_length=20, description="Code du dispositif (SST, MAC SST, PRAP IBC…).")
    region: str | None = Field(None, max_length=30, description="Code de la caisse, voir /caisses.")
    city: str | None = Field(None, max_length=100, description="Début du nom de la ville (casse et accents ignorés).")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


@router.get(
    "/directory",
    auth=None,
    response=responses((200, DirectoryPageOut), (304, None), errors=(400, 422, 429)),
    summary="Annuaire des organismes habilités",
)
def directory(request: HttpRequest, query: Query[DirectoryQuery]):
    """Public, sans jeton : les organismes de formation ayant une habilitation active en cours, avec pour chaque
    dispositif son niveau et sa fin de validité. Rien de personnel. Filtres `scheme`, `region`, `city`.
    Réponse cacheable (`Cache-Control: public`, `ETag` ; `If-None-Match` → 304)."""
    # Its own per-IP counter, not the anonymous one: that one slows down token guessing, and a directory client
    # (which never sends a token) must neither use up nor be blocked by it (ADR 0007).
    rate_limit_check(
        key=f"directory:{(request.META.get('REMOTE_ADDR') or '')[:45]}",
        limit=getattr(settings, "API_DIRECTORY_RATE_LIMIT", 300),
        what="directory",
    )
    filters = DirectoryFilters.clean(scheme=query.scheme, region=query.region, city=query.city)
    body = paginate(
        request,
        directory_organisations(filters),
        page=query.page,
        page_size=query.page_size,
        present=directory_entry,
    )
    content = json.dumps(body, ensure_ascii=False).encode("utf-8")
    etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
    response = get_conditional_response(request, etag=etag) or HttpResponse(
        content, content_type="application/json; charset=utf-8"
    )
    if isinstance(response, HttpResponseNotModified) or response.status_code == 200:
        response["ETag"] = etag
        response["Cache-Control"] = CACHE_CONTROL
    return response

"""Reference data and the caller's own account: schemes, who am I, personal tokens."""

from django.http import Http404
from ninja import Router, Status

from certiprev.accounts.api_tokens import api_token_create, api_token_revoke, api_tokens_of
from certiprev.catalog.models import Scheme
from certiprev.organisations.models import Organisation
from certiprev.trainings.selectors import organisation_ids_of, trainer_of

from ..common import organisation_ref, responses
from ..http import ApiRequest
from ..schemas import MeOut, SchemeOut, TokenCreatedOut, TokenIn, TokenOut

router = Router(tags=["Référentiel et compte"])


@router.get("/schemes", response=responses((200, list[SchemeOut])), summary="Dispositifs de formation")
def schemes_list(request: ApiRequest):
    """Les dispositifs (SST, PRAP…) et leurs règles : durées, validité, taille des groupes ; les formations de
    formateurs (`level` = `trainer`) nomment le dispositif dont elles forment les formateurs."""
    schemes = Scheme.objects.active().select_related("trains_trainers_for").order_by("code")
    return [
        {
            "code": s.code,
            "name": s.name,
            "initial_hours": s.initial_hours,
            "mac_hours": s.mac_hours,
            "validity_months": s.validity_months,
            "group_min": s.group_min,
            "group_max": s.group_max,
            "level": s.level,
            "trains_trainers_for": s.trains_trainers_for.code if s.trains_trainers_for else None,
        }
        for s in schemes
    ]


@router.get("/me", response=responses((200, MeOut)), summary="Mon compte")
def me(request: ApiRequest):
    """Qui je suis pour l'API : organismes dont je suis membre, numéro de formateur, administrateur du réseau."""
    user = request.user
    trainer = trainer_of(user)
    organisations = Organisation.objects.filter(pk__in=organisation_ids_of(user)).order_by("name")
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_network_admin": user.is_network_administrator,
        "organisations": [organisation_ref(o) for o in organisations],
        "trainer": (
            {"number": trainer.number, "first_name": trainer.first_name, "last_name": trainer.last_name}
            if trainer is not None
            else None
        ),
    }


def _token_out(token) -> dict:
    return {
        "prefix": token.prefix,
        "name": token.name,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }


@router.get("/tokens", response=responses((200, list[TokenOut])), summary="Mes jetons d'API")
def tokens_list(request: ApiRequest):
    return [_token_out(t) for t in api_tokens_of(request.user)[:100]]


@router.post("/tokens", response=responses((201, TokenCreatedOut)), summary="Créer un jeton d'API")
def token_create(request: ApiRequest, payload: TokenIn):
    """Un nouveau jeton pour moi : le jeton complet n'est affiché qu'une fois."""
    token, raw = api_token_create(by=request.user, user=request.user, name=payload.name)
    return Status(201, {**_token_out(token), "token": raw})


@router.delete("/tokens/{prefix}", response=responses((204, None)), summary="Révoquer un de mes jetons")
def token_revoke(request: ApiRequest, prefix: str):
    """Révoque le jeton qui commence par `prefix` (les 12 premiers caractères) ; il cesse aussitôt de fonctionner."""
    tokens = list(api_tokens_of(request.user).filter(prefix=prefix[:12], revoked_at__isnull=True))
    if not tokens or len(prefix) != 12:
        raise Http404("Jeton introuvable.")
    for token in tokens:
        api_token_revoke(by=request.user, token=token)
    return Status(204, None)

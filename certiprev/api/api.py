"""The REST API v1: one NinjaAPI, OpenAPI at /api/v1/openapi.json, interactive docs at /api/v1/docs."""

from ninja import NinjaAPI

from .auth import TokenAuth
from .common import Renderer
from .endpoints import account, certificates, directory, habilitations, network, trainings, webhooks
from .errors import install_handlers

DESCRIPTION = """API ouverte de Certiprev, pour les logiciels des organismes de formation, des formateurs et du réseau.

**Authentification** : `Authorization: Bearer <jeton>` ; jeton personnel créé depuis « Mon compte » ou par
`python manage.py create_api_token <email>`, affiché une seule fois, révocable.

**Erreurs** : toujours du JSON `{"detail": "<message en français>", "code": "<code stable>", "errors": [...]}` ;
400 requête illisible, 401 jeton absent ou invalide, 403 action non permise, 404 introuvable (y compris les objets
d'autres organismes), 409 état incompatible, 410 fichier supprimé, 413 requête trop volumineuse, 422 données
invalides, 429 trop de requêtes (en-tête `Retry-After`).

**Identifiants** : les identifiants publics (UUID) ; les formateurs par leur numéro. Dates au format `AAAA-MM-JJ`.
"""


api = NinjaAPI(
    title="Certiprev API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=TokenAuth(),
    openapi_url="/openapi.json",
    docs_url="/docs",
    renderer=Renderer(),
)
install_handlers(api)

api.add_router("", account.router)
api.add_router("", network.router)
api.add_router("", trainings.router)
api.add_router("", certificates.router)
api.add_router("", webhooks.router)
api.add_router("", habilitations.router)
api.add_router("", directory.router)

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from certiprev.accounts.api_tokens import api_token_create
from certiprev.lib.errors import WorkflowError


class Command(BaseCommand):
    help = "Crée un jeton d'API pour l'utilisateur donné et l'écrit seul sur la sortie standard (affiché une fois)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="Adresse e-mail du compte.")
        parser.add_argument("--name", default="", help="Nom du jeton (pour le reconnaître et le révoquer).")

    def handle(self, *args, email: str, name: str, **options):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"Aucun compte ne porte l'adresse {email}.")
        try:
            _token, raw = api_token_create(by=None, user=user, name=name or "create_api_token")
        except WorkflowError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(raw)

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from okrapp.core.models import User
from okrapp.core.services import token_create


class Command(BaseCommand):
    help = "Create a personal access token for a person and print its secret (shown once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email", help="the person's email address")
        parser.add_argument("--name", default="command line", help="what the token is for")

    def handle(self, *args, email: str, name: str, **options) -> None:
        user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active person with the email address {email!r}.")
        _token, secret = token_create(user=user, name=name)
        self.stdout.write(secret)

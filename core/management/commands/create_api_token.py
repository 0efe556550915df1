"""Make an API token for a user and print its key, once: only its hash is stored.

    python manage.py create_api_token curator1 --expiry-days 30

The key alone goes to standard output (for scripts: `KEY=$(manage.py create_api_token …)`); what it
is for and when it expires go to standard error."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.tokens import api_token_create, default_expiry_days


class Command(BaseCommand):
    help = "Make an API token for USERNAME and print its key once (only a hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--expiry-days", type=int, default=None,
            help=f"days until the token expires (default {default_expiry_days()}, TWINWATCH_API_TOKEN_DAYS)",
        )

    def handle(self, *args, username, expiry_days, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"{username!r} is deactivated: a token would not authenticate.")
        try:
            token, key = api_token_create(user=user, expiry_days=expiry_days)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(key)
        self.stderr.write(
            f"API token for {username}, expires {token.expiry:%Y-%m-%d %H:%M} UTC. "
            "Send it as 'Authorization: Token <key>'. This key is not stored and won't be shown again."
        )

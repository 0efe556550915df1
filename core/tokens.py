"""API tokens: stored hashed (django-rest-knox: SHA-512 of the key, never the key), each with an expiry.

A key is shown once, when it is made (`manage.py create_api_token`, or the superusers' token admin),
and can't be read back: a lost key is revoked (deleted) and replaced. Clients send it as
`Authorization: Token <key>`, the header DRF's plain tokens used.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from knox.models import AuthToken


def default_expiry_days() -> int:
    return settings.TWINWATCH_API_TOKEN_DAYS


@transaction.atomic
def api_token_create(*, user, expiry_days: int | None = None) -> tuple[AuthToken, str]:
    """A new token for `user`, valid for `expiry_days` days (the configured default when None).
    Returns the stored token (its digest, owner and expiry) and the key, which nothing keeps."""
    days = default_expiry_days() if expiry_days is None else expiry_days
    if days < 1:
        raise ValueError("A token must be valid for at least one day.")
    return AuthToken.objects.create(user=user, expiry=timedelta(days=days))

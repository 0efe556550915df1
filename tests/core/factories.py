"""factory_boy factories for what every app shares: users (curators and editors get their groups in
tests/conftest.py)."""

import factory
from django.contrib.auth import get_user_model


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("pw")  # hashed before the save, so logins and sessions hold


def api_token_key(user, *, expiry_days=None) -> str:
    """A new API token's key for `user` (made through the service; only its hash is stored)."""
    from core.tokens import api_token_create

    return api_token_create(user=user, expiry_days=expiry_days)[1]

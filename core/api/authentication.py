"""Token authentication for the API: django-rest-knox's hashed, expiring tokens behind the
`Authorization: Token <key>` header (knox's AUTH_HEADER_PREFIX, see config/settings_api.py).

An unknown, revoked or expired key answers 401 (an expired token is deleted on first use)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication
from rest_framework import exceptions


class HashedTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        # knox decodes the key as UTF-8 and would fail with a server error on other bytes; no key
        # it made has any (they are hexadecimal), so such a header is simply an invalid token.
        try:
            token.decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token header. The token must be plain ASCII.")) from None
        return super().authenticate_credentials(token)


class HashedTokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI security scheme: named `tokenAuth` as with DRF's plain tokens, same header."""

    target_class = HashedTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Authorization: Token <key>`. A curator's key is made by `manage.py create_api_token` or by a "
                "superuser in the admin, shown once and stored only as a hash; it expires (90 days unless "
                "configured otherwise). An unknown, revoked or expired key answers 401."
            ),
        }

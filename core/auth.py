"""Login bookkeeping that must not stop a login when the database is read-only."""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from django.contrib.auth.models import update_last_login

from core.dbstate import tolerate_read_only


def update_last_login_if_writable(sender, user, **kwargs):
    with tolerate_read_only("last login"):
        update_last_login(sender, user, **kwargs)


class ReadOnlyTolerantAxesHandler(AxesDatabaseHandler):
    """django-axes' database handler, whose writes (failure counts, clean-ups) are skipped with a
    warning while the database is read-only, so that login still works (failures are then not
    counted until it is writable again; with REDIS_URL the cache handler counts them regardless)."""

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        with tolerate_read_only("login failure"):
            return super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        with tolerate_read_only("login"):
            return super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender, request, user, **kwargs):
        with tolerate_read_only("logout"):
            return super().user_logged_out(sender, request, user, **kwargs)

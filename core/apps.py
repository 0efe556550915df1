from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The toolbox every app may use (partial dates, history with reason, slugs, admin and API
    building blocks). It has no models and imports no domain app."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from core import checks  # noqa: F401  (registers the project's deploy checks)
        from core.auth import update_last_login_if_writable

        # Login on a read-only database: the last-login stamp is skipped rather than failing the login.
        if user_logged_in.disconnect(dispatch_uid="update_last_login"):
            user_logged_in.connect(update_last_login_if_writable, dispatch_uid="update_last_login")

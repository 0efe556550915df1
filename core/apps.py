from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The toolbox every app may use (partial dates, history with reason, slugs, admin and API
    building blocks). It has no models and imports no domain app."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core import checks  # noqa: F401  (registers the project's deploy checks)

from django.apps import AppConfig


class TwinningConfig(AppConfig):
    name = "twinning"
    default_auto_field = "django.db.models.BigAutoField"

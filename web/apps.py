from django.apps import AppConfig


class WebConfig(AppConfig):
    """The page layer: every public page, feed, sitemap and data download, composed from the
    domain apps through their selectors. No models."""

    name = "web"
    default_auto_field = "django.db.models.BigAutoField"

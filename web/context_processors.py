"""What every public page needs in its template context."""

from django.conf import settings

from twinning.constants import STATUS_ORDER


def site_context(request):
    """Context processor: what every public page needs."""
    return {
        "corrections_email": settings.CORRECTIONS_EMAIL,
        "site_url": settings.SITE_URL,
        "status_order": STATUS_ORDER,
    }

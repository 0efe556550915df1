"""What every public page needs in its template context."""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language

from twinning.constants import STATUS_ORDER

# BCP 47 tags for the site's language codes (Django's "zh-hant" is "zh-Hant" in HTML and hreflang).
HTML_LANG = {"en": "en", "zh-hant": "zh-Hant"}
OG_LOCALE = {"en": "en_GB", "zh-hant": "zh_HK"}


def site_context(request):
    """Context processor: what every public page needs.

    Absolute links come from the request (the host Django's ALLOWED_HOSTS accepted), so a page served
    on another port or host names itself correctly; `site_url` in feeds and the API stays the setting."""
    origin = request.build_absolute_uri("/").rstrip("/")
    language = (get_language() or settings.LANGUAGE_CODE).lower()
    languages = [
        {
            "code": code,
            "lang": HTML_LANG.get(code, code),
            "name": "繁體中文" if code == "zh-hant" else "English" if code == "en" else name,
            # the same page in that language: the link people share, and the switch that keeps the page
            "url": origin + translate_url(request.path, code),
            "switch": translate_url(request.get_full_path(), code),
            "current": code == language,
        }
        for code, name in settings.LANGUAGES
    ]
    return {
        "corrections_email": settings.CORRECTIONS_EMAIL,
        "site_url": origin,
        "canonical_url": origin + request.path,
        "html_lang": HTML_LANG.get(language, language),
        "og_locale": OG_LOCALE.get(language, "en_GB"),
        "page_languages": languages,
        "default_language_url": next(lang["url"] for lang in languages if lang["code"] == settings.LANGUAGE_CODE),
        "data_licence": settings.TWINWATCH_DATA_LICENCE,
        "status_order": STATUS_ORDER,
    }

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("config.api_router")),
    # Public pages carry their language in the URL, so a shared link opens in the language it was
    # shared in: English unprefixed (every existing URL keeps working), Traditional Chinese under /zh-hant/.
    *i18n_patterns(path("", include("web.urls")), prefix_default_language=False),
]

# JSON for API clients on every status, the HTML pages for people.
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"

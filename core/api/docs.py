"""The interactive API documentation pages (Swagger UI, Redoc), served with their sidecar assets.

Both pages start with a small inline script from drf-spectacular's templates (no nonce there), so
only these two routes allow inline scripts; Redoc also runs a blob: worker and loads Google Fonts."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

DOCS_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE, "https://fonts.googleapis.com"],
    "font-src": [CSP.SELF, "data:", "https://fonts.gstatic.com"],
    "img-src": [CSP.SELF, "data:", "https://cdn.redoc.ly"],
    "worker-src": [CSP.SELF, "blob:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}


class _DocsPage:
    def options(self, request, *args, **kwargs):
        # DRF would describe the view through its HTML template renderer, which cannot render that (a 500).
        return HttpResponse(status=200, headers={"Allow": "GET, HEAD, OPTIONS"}, content_type="text/plain")


@method_decorator(csp_override(DOCS_CSP), name="dispatch")
class SwaggerDocsView(_DocsPage, SpectacularSwaggerView):
    pass


@method_decorator(csp_override(DOCS_CSP), name="dispatch")
class RedocDocsView(_DocsPage, SpectacularRedocView):
    pass

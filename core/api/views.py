"""What every API resource shares: conditional GET, service errors as 400s, the viewset mixin."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import renderers
from rest_framework.exceptions import MethodNotAllowed, ValidationError

from core.api.cache import AnonymousResponseCacheMixin
from core.api.conditional import ConditionalGetMixin
from core.api.filters import StrictFilterBackend
from core.api.pagination import ResearchPagination
from core.api.permissions import CuratorWritePermission
from core.api.renderers import LIST_RENDERERS, JSONRenderer

# --- Views ----------------------------------------------------------------------------------------


def service_errors(exc: DjangoValidationError) -> ValidationError:
    """A service's ValidationError as a DRF 400, keyed by field where the service names one."""
    if getattr(exc, "code", None) == "source_required":
        return ValidationError({"sources": exc.messages})
    if hasattr(exc, "error_dict"):
        return ValidationError({k if k != "__all__" else "non_field_errors": v for k, v in exc.message_dict.items()})
    return ValidationError({"non_field_errors": exc.messages})




class ResearchViewSetMixin(AnonymousResponseCacheMixin, ConditionalGetMixin):
    """What every API resource shares: strict filters, page/cursor pagination, CSV, conditional
    GET, curator writes. Writes are implemented per resource through the services."""

    filter_backends = [StrictFilterBackend]
    pagination_class = ResearchPagination
    permission_classes = [CuratorWritePermission]
    renderer_classes = LIST_RENDERERS
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def initial(self, request, *args, **kwargs):
        # A method the endpoint doesn't have is a 405 (with Allow) before anything else: content
        # negotiation, authentication and permissions would otherwise answer 404, 401 or 403.
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)

    def get_renderers(self):
        request = getattr(self, "request", None)
        if request is not None and request.method not in ("GET", "HEAD"):
            # writes (and OPTIONS) answer in JSON, whatever format was asked
            return [JSONRenderer(), renderers.BrowsableAPIRenderer()]
        return super().get_renderers()

    def perform_content_negotiation(self, request, force=False):
        if request.method == "OPTIONS":  # the description of an endpoint is JSON, whatever the format asked
            return JSONRenderer(), JSONRenderer.media_type
        return super().perform_content_negotiation(request, force)

    def prepare_rows(self, rows: list) -> None:
        """Load what a page of rows needs beyond its queryset (a constant number of queries)."""

    def list_rows(self, queryset):
        """The queryset a list reads its rows from (e.g. as Records, core.records, when they are only
        serialised); the filtered queryset by default."""
        return queryset

    def paginate_queryset(self, queryset):
        if getattr(self, "action", None) == "list":
            queryset = self.list_rows(queryset)
        page = super().paginate_queryset(queryset)
        if page is not None:
            self.prepare_rows(page)
        return page

    def write_context(self):
        data = self.request.data
        reason = data.get("reason", "") if hasattr(data, "get") else ""
        return {"user": self.request.user, "reason": reason or "Recorded through the API"}

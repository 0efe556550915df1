"""Conditional GET: an ETag on every successful read, 304 when the client already has it."""

from __future__ import annotations

from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag


class ConditionalGetMixin:
    """ETag on every successful GET (a hash of the representation) and 304 on If-None-Match, so
    clients polling a list or a record pay nothing when it has not changed."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200 and not getattr(response, "streaming", False):
            response.render()
            set_response_etag(response)
            patch_vary_headers(response, ("Accept", "Accept-Language"))
            conditional = get_conditional_response(request._request, etag=response.get("ETag"), response=response)
            if conditional is not response:
                return conditional
        return response

"""OpenAPI post-processing: the error responses every operation can give (400, 401, 403, 404),
in each media type the operation answers in (errors follow the requested format)."""

from __future__ import annotations

ERROR_JSON = {
    "type": "object",
    "description": "What was wrong: `detail` (one message), or each parameter or field name with a list of messages.",
    "additionalProperties": True,
    "example": {"page": ["Give a page number: a whole number from 1."]},
}
ERROR_CSV = {"type": "string", "description": "CSV with the columns `parameter,message`."}

ERRORS = {
    "400": "Bad request: an unknown, repeated, empty or malformed parameter or field; the body names it.",
    "401": "Authentication needed (writes), or the token given is invalid.",
    "403": "Signed in, but not allowed to do this.",
    "404": "No such record.",
}


def _content(media_types) -> dict:
    content = {}
    for media_type in media_types or ["application/json"]:
        content[media_type] = {"schema": ERROR_CSV if media_type == "text/csv" else ERROR_JSON}
    return content


def add_error_responses(result, generator, request, public):
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            success = next((r for code, r in responses.items() if str(code).startswith("2")), {})
            media_types = list(success.get("content", {}))
            codes = ["400", "401"]
            if method not in ("get", "head"):
                codes.append("403")
            if "{" in path:
                codes.append("404")
            for code in codes:
                responses.setdefault(code, {"description": ERRORS[code], "content": _content(media_types)})
    return result


def mark_reads_public(result, generator, request, public):
    """Reads need no credentials (a token only raises the rate limit): `{}` among a read's security
    requirements says so, so clients and fuzzers don't expect a 401 without one."""
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            if method in ("get", "head") and isinstance(operation, dict):
                security = operation.get("security")
                if security is not None and {} not in security:
                    security.append({})
    return result

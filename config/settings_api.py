"""Settings for Django REST Framework, django-filter and drf-spectacular."""

import os
from datetime import timedelta
from pathlib import Path

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # DRF's JSON, written by orjson (core.api.renderers.JSONRenderer).
    "DEFAULT_RENDERER_CLASSES": ["core.api.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.api.negotiation.StrictFormatNegotiation",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttles.AnonThrottle", "core.api.throttles.UserThrottle"],
    # Per client (IP for anonymous clients, account otherwise); e.g. TWINWATCH_THROTTLE_ANON=60/minute.
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("TWINWATCH_THROTTLE_ANON", "120/minute"),
        "user": os.environ.get("TWINWATCH_THROTTLE_USER", "600/minute"),
    },
    # Count the client's address behind TWINWATCH_NUM_PROXIES proxies; 0 (the default) ignores
    # X-Forwarded-For, which any client can send.
    "NUM_PROXIES": int(os.environ.get("TWINWATCH_NUM_PROXIES") or 0),
    "COERCE_DECIMAL_TO_STRING": False,
}

# API tokens (django-rest-knox): only a SHA-512 digest of each key is stored; a token expires
# TWINWATCH_API_TOKEN_DAYS days after it is made (`manage.py create_api_token`, or the admin) unless
# made with another expiry; clients keep sending `Authorization: Token <key>`.
TWINWATCH_API_TOKEN_DAYS = int(os.environ.get("TWINWATCH_API_TOKEN_DAYS") or 90)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=TWINWATCH_API_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Twinwatch API",
    "DESCRIPTION": (Path(__file__).resolve().parent / "api_getting_started.md").read_text(encoding="utf-8"),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "twinning.constants.Status",
        "PlaceKindEnum": "twinning.constants.PlaceKind",
        "AgreementKindEnum": "twinning.constants.AgreementKind",
        "OrganisationKindEnum": "campaigns.constants.OrganisationKind",
        "PetitionOutcomeEnum": "campaigns.constants.PetitionOutcome",
        "TargetOutcomeEnum": "campaigns.constants.TargetOutcome",
        "EventTypeEnum": "twinning.constants.EventType",
        "RelationshipEnum": "twinning.constants.Relationship",
        "BodyEnum": "twinning.constants.Body",
        "ActorEnum": "twinning.constants.Actor",
        "ConfidenceEnum": "twinning.constants.Confidence",
        "PrecisionEnum": "core.partialdates.Precision",
        "SourceTypeEnum": "sources.constants.SourceType",
        "IdentifierSchemeEnum": "twinning.constants.IdentifierScheme",
        "TextAvailabilityEnum": "twinning.constants.TextAvailability",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "twinning.api.schema.add_parameter_examples",
        "twinning.api.schema.describe_csv_and_geojson",
        "core.api.schema.add_error_responses",
        "core.api.schema.mark_reads_public",
    ],
    "TAGS": [
        {"name": "pairings", "description": "Relationships between two places, with their derived status."},
        {"name": "events", "description": "The dated timeline: decisions, reviews, agreements, petitions."},
    ],
}

"""The API's JSON is DRF's JSON, written faster (orjson): the same bytes for what the API returns."""

import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework import renderers
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from core.api.renderers import JSONRenderer


def drf(data, media_type="application/json", context=None):
    return renderers.JSONRenderer().render(data, media_type, context or {})


def ours(data, media_type="application/json", context=None):
    return JSONRenderer().render(data, media_type, context or {})


DATA = {
    "id": 7,
    "name": "紐卡素 – 太原 \"quoted\" back\\slash / tab\t newline\n nul-ish \x01 del \x7f",
    "separators": "line\u2028paragraph\u2029",
    "updated_at": dt.datetime(2022, 11, 2, 9, 30, 5, 123456, tzinfo=dt.UTC),
    "naive": dt.datetime(2022, 11, 2, 9, 30),
    "date": dt.date(2022, 11, 2),
    "time": dt.time(9, 30),
    "latitude": Decimal("54.97328"),
    "float": 37.86944,
    "none": None,
    "flags": [True, False],
    "label": gettext_lazy("Severed"),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "nested": ReturnDict({"list": ReturnList([1, 2.5, "x"], serializer=None)}, serializer=None),
    3: "an int key",
}


def test_the_same_bytes_as_drf_for_what_the_api_returns():
    assert ours(DATA) == drf(DATA)
    assert b"\\u2028" in ours(DATA) and "\u2028".encode() not in ours(DATA)  # still valid JavaScript
    assert json.loads(ours(DATA))["name"].startswith("紐卡素")


def test_indented_output_and_what_orjson_refuses_take_drfs_path():
    assert ours(DATA, "application/json; indent=4") == drf(DATA, "application/json; indent=4")
    assert b"\n    " in ours(DATA, "application/json; indent=4")
    huge = {"n": 2**70}  # beyond 64 bits: orjson refuses, DRF writes it
    assert ours(huge) == drf(huge) == b'{"n":1180591620717411303424}'
    assert ours(None) == b""


@pytest.mark.django_db
def test_api_responses_are_drfs_bytes(api, world):
    """Whole API answers (lists with events and sources, the statistics) are written as DRF writes them."""
    for url in ("/api/v1/pairings/", "/api/v1/pairings/?as_of=2020-01-01", "/api/v1/stats/", "/api/v1/places/"):
        response = api.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/json"
        assert response.content == drf(json.loads(response.content)), url

"""core/middleware.py: a method a route lacks is a 405 before anything else, and a body that cannot
be read as its Content-Type claims is a clear 400 logged without a traceback (issue 12)."""

import logging
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE", "TRACE"]


def _api_routes(patterns=None, prefix=""):
    """(route pattern, URL) for every route under /api/, from the URL resolver: ids and slugs that
    match no record, so nothing but the method decides the answer."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _api_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route.lstrip("^").startswith("api/"):
            url = route.replace("^", "").replace("$", "").replace("/?", "/")
            url = re.sub(r"\(\?P<format>[^)]*\)", "json", url).replace("<drf_format_suffix:format>", ".json")
            url = re.sub(r"\(\?P<\w+>\[0-9\]\+\)|<int:\w+>", "999999", url)
            url = re.sub(r"\(\?P<\w+>[^)]*\)|<(\w+:)?\w+>", "no-such-record", url)
            yield route, "/" + url.replace("\\.", ".")


API_ROUTES = dict(_api_routes())


def test_the_route_list_covers_the_api_and_each_url_reaches_its_route():
    assert len(API_ROUTES) > 20
    for needed in ("/api/v1/stats/", "/api/v1/drift/", "/api/v1/schema/", "/api/v1/pairings/export/", "/api/docs/", "/api/redoc/", "/api/v1/"):
        assert needed in API_ROUTES.values()
    for route, url in API_ROUTES.items():
        assert resolve(url).route == re.sub(r"(^|/)\^", r"\1", route), (route, url)


def _allowed(client, url):
    response = client.options(url)
    if response.status_code == 405:
        response = client.get(url)
    return {m.strip() for m in response["Allow"].split(",")}


@pytest.mark.django_db
@pytest.mark.parametrize("url", sorted(set(API_ROUTES.values())))
def test_a_method_an_api_route_lacks_is_a_json_405_with_allow_before_anything_else(client, url):
    allowed = _allowed(client, url)
    assert {"GET", "OPTIONS"} <= allowed, url
    for method in METHODS:
        if method in allowed:
            continue
        # anonymous, no body, an unknown record: 401, 400 or 404 would all be possible after the method
        response = client.generic(method, url)
        assert response.status_code == 405, (method, url, response.status_code, response.content[:200])
        assert {m.strip() for m in response["Allow"].split(",")} == allowed
        assert response["Content-Type"].startswith("application/json")
        assert method in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method, url", [("DELETE", "/api/v1/stats/"), ("POST", "/api/v1/drift/"), ("PUT", "/api/v1/pairings/export/"),
                    ("POST", "/api/v1/schema/"), ("PATCH", "/api/docs/"), ("POST", "/api/v1/"), ("DELETE", "/api/v1/places/no-such-place/")]
)
def test_the_routes_named_in_the_issue_answer_405_to_anonymous_and_curators(client, curator, method, url):
    for who in (None, curator):
        if who:
            client.force_login(who)
        response = client.generic(method, url, b"{", content_type="application/json")
        assert response.status_code == 405, (who, response.content[:200])
        assert "GET" in response["Allow"] and method not in response["Allow"]


@pytest.mark.django_db
def test_a_method_a_route_has_still_reaches_the_view(client):
    assert client.post("/api/v1/places/", {}).status_code == 401  # POST exists: authentication answers
    assert client.get("/api/v1/stats/").status_code == 200


# --- Malformed bodies -----------------------------------------------------------------------------

MALFORMED = {
    "multipart-without-boundary": (b"--x\r\n\r\nvalue", "multipart/form-data"),
    "multipart-empty-boundary": (b"--x\r\n\r\nvalue", "multipart/form-data; boundary="),
    "bad-charset-form": (b"name=Town", "application/x-www-form-urlencoded; charset=no-such-charset"),
    "bad-charset-json": (b'{"name": "Town"}', "application/json; charset=no-such-charset"),
    "invalid-json": (b'{"name": ', "application/json"),
    "json-not-utf8": (b'{"name": "\xff"}', "application/json"),
}


def _no_traceback_at_error(caplog):
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not bad, [(r.name, r.levelname, r.getMessage()) for r in bad]


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["POST", "PATCH"])
@pytest.mark.parametrize("body, content_type", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_api_body_is_a_json_400_logged_without_traceback(client, curator, caplog, method, body, content_type):
    from tests.twinning.factories import PlaceFactory

    place = PlaceFactory()
    client.force_login(curator)
    url = "/api/v1/places/" if method == "POST" else f"/api/v1/places/{place.slug}/"
    with caplog.at_level(logging.INFO):
        response = client.generic(method, url, body, content_type=content_type)
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] != "Bad request."  # says what was wrong
    _no_traceback_at_error(caplog)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/login/", "/correction/", "/i18n/setlang/"])
@pytest.mark.parametrize("body, content_type", [MALFORMED[k] for k in ("multipart-without-boundary", "multipart-empty-boundary")], ids=["no-boundary", "empty-boundary"])
def test_a_malformed_form_post_to_a_page_is_a_plain_400(client, caplog, url, body, content_type):
    with caplog.at_level(logging.INFO):
        response = client.generic("POST", url, body, content_type=content_type)
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"].startswith("text/plain")
    assert b"multipart/form-data" in response.content and b"boundary" in response.content.lower()
    _no_traceback_at_error(caplog)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/login/", "/correction/"])
def test_a_form_post_to_a_page_in_an_unknown_charset_is_a_plain_400_naming_it(client, caplog, url):
    with caplog.at_level(logging.INFO):
        response = client.generic("POST", url, b"name=Town", content_type="application/x-www-form-urlencoded; charset=no-such-charset")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain") and b"no-such-charset" in response.content
    _no_traceback_at_error(caplog)


@pytest.mark.django_db
@pytest.mark.parametrize("content_length", ["abc", "-5", ""])
def test_a_bad_content_length_is_not_a_server_error(api, curator, caplog, content_length):
    api.force_authenticate(curator)
    with caplog.at_level(logging.INFO):
        response = api.generic("POST", "/api/v1/places/", b'{"name": "Town"}', content_type="application/json", CONTENT_LENGTH=content_length)
    assert response.status_code == 400, response.content[:300]
    _no_traceback_at_error(caplog)


@pytest.mark.django_db
def test_a_body_on_a_get_is_ignored(client, caplog):
    with caplog.at_level(logging.INFO):
        api_response = client.generic("GET", "/api/v1/places/", b'{"broken', content_type="application/json")
        page_response = client.generic("GET", "/about/", b"--x", content_type="multipart/form-data")
    assert api_response.status_code == 200 and page_response.status_code == 200
    _no_traceback_at_error(caplog)

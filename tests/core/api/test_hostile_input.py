"""Issue 12 item 2: every crafted URL, parameter or body is a 4xx with a message, never a 500.

Odd Unicode digits (superscript two, Arabic-Indic, full-width), NUL bytes and huge values go to every
parameter of every API list route, to the detail routes and to the public pages."""

import pytest

from config.api_router import router

HOSTILE = [
    "²",  # isdigit() is True, int() fails
    "١٢",  # Arabic-Indic digits: int() would accept them
    "１２",  # full-width digits
    "a\x00",
    "\x00",
    "9" * 30,
    "x" * 200_000,
]
IDS = ["superscript", "arabic-indic", "fullwidth", "nul-suffix", "nul", "long-number", "huge"]

LIST_ROUTES = sorted(prefix for prefix, _viewset, _basename in router.registry)


def _params(prefix: str) -> list[str]:
    viewset = next(v for p, v, _b in router.registry if p == prefix)
    names = {"page", "page_size", "paginate", "cursor", "format"} | set(getattr(viewset, "extra_query_params", ()))
    filterset = getattr(viewset, "filterset_class", None)
    if filterset is not None:
        names |= set(filterset.base_filters)
    return sorted(names)


@pytest.fixture(autouse=True)
def _no_throttling(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"}}


def _assert_client_error(response, what):
    assert 400 <= response.status_code < 500, (what, response.status_code, response.content[:300])


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE, ids=IDS)
@pytest.mark.parametrize("prefix", LIST_ROUTES)
def test_every_list_parameter_answers_4xx_for_hostile_values(api, world, prefix, value):
    for name in _params(prefix):
        response = api.get(f"/api/v1/{prefix}/", {name: value})
        if response.status_code == 200:
            continue  # a free-text search may legitimately find nothing
        _assert_client_error(response, f"{prefix}?{name}")
        if response.status_code == 400 and response["Content-Type"].startswith("application/json"):
            assert response.json(), "a 400 names what was wrong"


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE, ids=IDS)
@pytest.mark.parametrize("prefix", LIST_ROUTES)
def test_every_detail_route_answers_4xx_for_hostile_ids(api, world, prefix, value):
    from urllib.parse import quote

    response = api.get(f"/api/v1/{prefix}/{quote(value[:1000])}/")
    _assert_client_error(response, f"{prefix} detail")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/places/%C2%B2/",
        "/api/v1/places/?page=%C2%B2",
        "/api/v1/places/?page_size=%C2%B2",
        "/api/v1/places/?paginate=cursor&page_size=%C2%B2",
        "/api/v1/campaigns/a%00/",
        "/api/v1/pairings/?place=%C2%B2",
        "/api/v1/pairings/?q=a%00b",
        "/api/v1/pairings/1/?as_of=%C2%B2",
        "/pairings/?q=a%00",
        "/places/a%00/",
        "/campaigns/a%00/",
        "/map/?country=%00",
        "/sources/%C2%B2/",
        "/data/files/a%00.csv",
        "/?q=%00",
    ],
)
def test_crafted_urls_from_the_probe_are_4xx(client, world, url):
    response = client.get(url)
    assert response.status_code in (400, 404), (url, response.status_code)


@pytest.mark.django_db
def test_a_page_number_in_odd_digits_shows_the_first_page_of_the_html_list(client, world):
    # Django's Paginator.get_page is lenient by design: a person mistyping ?page= sees page 1.
    response = client.get("/pairings/?page=%C2%B2")
    assert response.status_code == 200


@pytest.mark.django_db
def test_nul_in_path_query_or_form_is_400_with_a_message(client):
    for response in (
        client.get("/about/\x00"),
        client.get("/about/", {"x": "a\x00"}),
        client.get("/about/", {"a\x00": "x"}),
        client.post("/i18n/setlang/", {"language": "en\x00"}),
    ):
        assert response.status_code == 400
        assert b"NUL" in response.content


@pytest.mark.django_db
def test_nul_in_a_json_body_is_400_not_500(api, curator):
    api.force_authenticate(curator)
    response = api.post("/api/v1/places/", {"name": "Nul\x00town", "country": "GB", "kind": "city"}, format="json")
    assert response.status_code == 400
    assert "NUL" in str(response.json())


@pytest.mark.django_db
def test_an_unknown_format_is_a_400_naming_the_formats(api):
    response = api.get("/api/v1/places/?format=AAA")
    assert response.status_code == 400
    assert "csv" in response.json()["format"][0] and "json" in response.json()["format"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["TRACE", "PUT"])
def test_a_method_the_endpoint_lacks_is_a_405_before_anything_else(api, method):
    response = api.generic(method, "/api/v1/places/?format=csv")  # csv would not be negotiated for it
    assert response.status_code == 405
    assert "GET" in response["Allow"]

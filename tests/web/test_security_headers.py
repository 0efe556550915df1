"""Issue 12 item 13: CSP, Permissions-Policy, HEAD on every page, the docs pages, empty parameters,
error responses documented, and stored URLs that stay valid URIs."""

import re

import pytest
import yaml  # noqa: F401  (drf-spectacular depends on PyYAML)
from django.core.management import call_command

from sources.forms import SourceForm
from sources.models import Source
from tests.sources.factories import SourceFactory

pytestmark = pytest.mark.django_db

PAGES = ["/", "/pairings/", "/campaigns/", "/map/", "/stats/", "/about/", "/data/", "/robots.txt", "/sitemap.xml",
         "/feeds/decisions/"]
API = ["/api/v1/", "/api/v1/places/", "/api/v1/pairings/", "/api/v1/stats/", "/api/v1/schema/", "/api/docs/",
       "/api/redoc/"]


def _directive(header: str, name: str) -> str:
    return next((part.strip() for part in header.split(";") if part.strip().startswith(name + " ")), "")


@pytest.fixture
def detail_urls(newcastle):
    source = Source.objects.first()
    return ["/pairings/newcastle-upon-tyne-taiyuan/", "/places/taiyuan/", "/places/taiyuan/feed/",
            f"/sources/{source.pk}/"]


def test_head_works_wherever_get_does(client, detail_urls):
    for url in PAGES + API + detail_urls:
        get, head = client.get(url), client.head(url)
        assert get.status_code == 200, url
        assert head.status_code == 200, (url, head.status_code)
        assert head.content == b""


def test_pages_send_a_strict_csp_and_every_inline_script_carries_its_nonce(client, detail_urls):
    for url in ["/", "/map/", "/pairings/", *detail_urls[:2]]:
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        script_src = _directive(csp, "script-src")
        assert "'unsafe-inline'" not in script_src and "'self'" in script_src
        # Django adds the nonce to the header only when a template used it
        nonce = re.search(r"'nonce-([^']+)'", script_src)
        for tag in re.findall(r"<script\b[^>]*>", response.content.decode()):
            if 'type="application/json"' in tag:
                continue  # data (json_script), never executed
            assert "src=" in tag or (nonce and f'nonce="{nonce.group(1)}"' in tag), (url, tag)
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp


def test_the_map_script_is_served_from_the_site(client):
    page = client.get("/map/").content.decode()
    srcs = re.findall(r'<script src="([^"]+)"', page)  # the map's and the search suggestions'
    assert any(src.endswith("/map.js") for src in srcs)
    assert all(src.startswith("/static/") for src in srcs)


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_allow_their_inline_start_up_and_load_assets_from_the_site(client, url):
    response = client.get(url)
    assert response.status_code == 200
    script_src = _directive(response["Content-Security-Policy"], "script-src")
    assert "'unsafe-inline'" in script_src and "'nonce-" not in script_src
    for src in re.findall(r'<script src="([^"]+)"', response.content.decode()):
        assert src.startswith("/static/drf_spectacular_sidecar/"), src


def test_options_on_the_docs_pages_is_not_a_500(client):
    for url in ("/api/docs/", "/api/redoc/"):
        response = client.options(url)
        assert response.status_code == 200 and "GET" in response["Allow"]


def test_permissions_policy_on_pages_and_api(client):
    for url in ("/", "/api/v1/places/"):
        policy = client.get(url)["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy


@pytest.mark.parametrize(
    "url, param",
    [("/api/v1/pairings/?as_of=", "as_of"), ("/api/v1/pairings/?updated_since=", "updated_since"),
     ("/api/v1/places/?updated_since=%20", "updated_since"), ("/api/v1/events/?updated_since=", "updated_since")],
)
def test_empty_as_of_or_updated_since_is_400(client, url, param):
    response = client.get(url)
    assert response.status_code == 400
    assert "is empty" in response.json()[param][0]


def test_empty_as_of_on_a_pairing_is_400(client, newcastle):
    response = client.get(f"/api/v1/pairings/{newcastle.pk}/?as_of=")
    assert response.status_code == 400 and "as_of" in response.json()


def test_errors_are_documented_in_the_schema(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(out), "--validate")
    schema = yaml.safe_load(out.read_text())
    places = schema["paths"]["/api/v1/places/"]
    assert {"400", "401"} <= set(places["get"]["responses"])
    assert {"400", "401", "403"} <= set(places["post"]["responses"])
    detail = schema["paths"]["/api/v1/places/{slug_or_id}/"] if "/api/v1/places/{slug_or_id}/" in schema["paths"] else next(
        v for k, v in schema["paths"].items() if k.startswith("/api/v1/places/{")
    )
    assert "404" in detail["get"]["responses"]
    assert "text/csv" in places["get"]["responses"]["400"]["content"]


BAD_URLS = ['https://example.org/a"onmouseover="x', "https://example.org/<script>", "https://example.org/it's"]


@pytest.mark.parametrize("url", BAD_URLS)
def test_the_source_form_refuses_urls_with_quotes_or_angle_brackets(url):
    form = SourceForm(data={"url": url, "title": "T", "publisher": "P", "source_type": "news", "published": "",
                            "reason": "test"})
    assert not form.is_valid()
    assert "percent-encode" in " ".join(form.errors["url"])


@pytest.mark.parametrize("url", BAD_URLS)
def test_the_source_api_refuses_urls_with_quotes_or_angle_brackets(api_client_curator, url):
    before = Source.objects.count()
    response = api_client_curator.post("/api/v1/sources/", {"url": url, "title": "T", "publisher": "P"}, format="json")
    assert response.status_code == 400 and "percent-encode" in response.json()["url"][0]
    assert Source.objects.count() == before


def test_an_encoded_url_is_accepted(api_client_curator):
    response = api_client_curator.post(
        "/api/v1/sources/", {"url": "https://example.org/it%27s%3Cok%3E", "title": "T", "publisher": "P"}, format="json"
    )
    assert response.status_code == 201, response.content


@pytest.fixture
def api_client_curator(curator):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(curator)
    SourceFactory()  # the table is not empty
    return client

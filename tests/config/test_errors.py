"""Issue 12 item 3: server errors are logged with request context; API clients get JSON on every
status, people get the HTML pages."""

import logging

import pytest
from django.test import Client

from twinning.api import views as api_views


@pytest.fixture
def boom(monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("the probe's crash")

    monkeypatch.setattr(api_views.StatsView, "get", explode)


@pytest.mark.django_db
def test_an_api_500_is_json_and_is_logged_with_method_path_user_and_status(boom, caplog, curator):
    client = Client(raise_request_exception=False)
    client.force_login(curator)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/api/v1/stats/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "has been logged" in response.json()["detail"]
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info and "the probe's crash" in str(record.exc_info[1])
    from django.conf import settings
    from django.utils.module_loading import import_string

    formatter = logging.Formatter(settings.LOGGING["formatters"]["context"]["format"])
    import_string(settings.LOGGING["filters"]["request_context"]["()"])().filter(record)
    line = formatter.format(record)
    assert f"[GET /api/v1/stats/ user={curator.pk} status=500]" in line


def test_logging_goes_to_stderr():
    from django.conf import settings

    handler = settings.LOGGING["handlers"]["stderr"]
    assert handler["class"] == "logging.StreamHandler" and handler["stream"] == "ext://sys.stderr"
    assert "stderr" in settings.LOGGING["loggers"]["django.request"]["handlers"]


@pytest.mark.django_db
def test_a_page_500_is_the_html_page(monkeypatch):
    from web.views import site

    def explode(*args, **kwargs):
        raise RuntimeError("crash")

    monkeypatch.setattr(site, "render", explode)
    response = Client(raise_request_exception=False).get("/about/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method, url, status",
    [
        ("get", "/api/v1/nothing-here/", 404),
        ("get", "/api/nowhere", 404),
        ("get", "/api/v1/places/no-such-place/", 404),
        ("put", "/api/v1/places/", 405),
        ("delete", "/api/v1/stats/", 405),
        ("get", "/api/v1/places/?page=0", 400),
    ],
)
def test_api_errors_are_json_whatever_the_status(client, curator, method, url, status):
    client.force_login(curator)
    response = getattr(client, method)(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    assert response.json()


@pytest.mark.django_db
def test_an_anonymous_write_is_a_json_401(client):
    response = client.post("/api/v1/places/", {})
    assert response.status_code == 401 and response.json()["detail"]


@pytest.mark.django_db
def test_page_404_stays_html(client):
    response = client.get("/nowhere/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")

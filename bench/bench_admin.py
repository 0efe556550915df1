"""Benchmark: the curator admin's pairing change page and autocompletes (issue 10 item 6).

Run:  ./bench/run bench/bench_admin.py
(or with DATABASE_URL pointing at a scratch database, DJANGO_SETTINGS_MODULE=config.settings PYTHONPATH=.)
Prints the queries and the best of 5 wall-clock times for the pairing change page at 2, 10 and 40
events (each event with its own source), and for the event, pairing and source autocompletes.
It writes its own rows (pairings named "Bench …") through the services and removes them afterwards.
"""

import time

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.signals import request_started  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from core.partialdates import PartialDate  # noqa: E402
from sources.models import Source  # noqa: E402
from twinning import services  # noqa: E402
from twinning.constants import EventType, Relationship  # noqa: E402
from twinning.models import Place  # noqa: E402

KINDS = [EventType.REVIEW_OPENED, EventType.DECISION_RETAIN, EventType.VISIT]


class Rollback(Exception):
    pass


def source(label):
    return Source.objects.create(title=f"Bench source {label} with a long title that once was cut in pickers",
                                 url=f"https://example.org/bench/{label}")


def pairing_with(n_events: int):
    a = Place.objects.create(name=f"Bench Prague {n_events}", slug=f"bench-prague-{n_events}", country="CZ")
    b = Place.objects.create(name=f"Bench Beijing {n_events}", slug=f"bench-beijing-{n_events}", country="CN")
    pairing = services.pairing_create(place_a=a, place_b=b, relationship=Relationship.SISTER_CITY,
                                      established=PartialDate.parse("1995"),
                                      citations=[services.Cite(source=source(f"{n_events}-0"))])
    for i in range(n_events - 1):
        services.event_record(pairing=pairing, event_type=KINDS[i % 3],
                              date=PartialDate.parse(f"{2000 + i // 12}-{i % 12 + 1:02d}"),
                              citations=[services.Cite(source=source(f"{n_events}-{i + 1}"))])
    return pairing


def measure(client, label, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        client.get(url, params or {})
        best = min(best, time.perf_counter() - start)
    print(f"{label:<48} {len(ctx.captured_queries):4d} queries {best * 1000:8.1f} ms")


def main():
    request_started.disconnect(reset_queries)  # else each request empties the log being counted
    user = get_user_model().objects.create_superuser("bench-admin", "bench@example.org", "x")
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    for n in (2, 10, 40):
        pairing = pairing_with(n)
        measure(client, f"pairing change page, {n} events", reverse("admin:twinning_pairing_change", args=[pairing.pk]))
    auto = reverse("admin:autocomplete")
    measure(client, "event autocomplete (rescinds)", auto,
            {"app_label": "twinning", "model_name": "event", "field_name": "rescinds", "term": "Bench"})
    measure(client, "pairing autocomplete (event's pairing)", auto,
            {"app_label": "twinning", "model_name": "event", "field_name": "pairing", "term": "Bench"})
    measure(client, "source autocomplete (event citation)", auto,
            {"app_label": "twinning", "model_name": "eventcitation", "field_name": "source", "term": "Bench"})
    measure(client, "place autocomplete (pairing's place A)", auto,
            {"app_label": "twinning", "model_name": "pairing", "field_name": "place_a", "term": "Bench"})


if __name__ == "__main__":
    try:
        with transaction.atomic():
            main()
            raise Rollback
    except Rollback:
        pass

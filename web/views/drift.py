"""The drift watch: where Wikidata still lists what a council has ended, or stopped listing a pairing
(page, CSV and QuickStatements for Wikidata editors)."""

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from twinning import world

CSV_COLUMNS = [
    "kind", "pairing", "pairing_url", "status", "status_label", "decision", "decision_date", "decision_sources",
    "item_qid", "item_label", "twin_qid", "twin_label", "snapshot", "missing_since", "quickstatements",
]


def drift_csv_row(row: world.DriftRow, site_url: str = "") -> list:
    listing, decision = row.listing, row.decision
    return [
        row.kind, str(row.pairing), site_url + row.pairing.get_absolute_url(), row.pairing.status,
        world.status_label(row.pairing.status, row.pairing.status_since),
        decision.get_event_type_display() if decision else "", decision.when.iso() if decision else "",
        " ".join(s.url or s.title for s in row.sources), listing.item_qid, listing.item_label, listing.twin_qid,
        listing.twin_label, f"{listing.snapshot.date:%Y-%m-%d}", f"{listing.missing_since:%Y-%m-%d}" if listing.missing_since else "",
        "\n".join(row.quickstatements),
    ]


@require_GET
def drift(request):
    rows = world.drift_rows()
    return render(
        request,
        "twinning/drift.html",
        {"rows": rows, "snapshot": world.latest_snapshot(), "kinds": world.DRIFT_KINDS,
         "quickstatements": world.drift_quickstatements(rows)},
    )


@require_GET
def drift_csv(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="twinwatch-drift.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    site_url = request.build_absolute_uri("/").rstrip("/")
    for row in world.drift_rows():
        writer.writerow(drift_csv_row(row, site_url))
    return response


@require_GET
def drift_quickstatements(request):
    response = HttpResponse(world.drift_quickstatements(), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="twinwatch-drift-quickstatements.txt"'
    return response

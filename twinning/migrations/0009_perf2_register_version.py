"""The register's version (core.register_version): a sequence moved by a statement trigger on every
table of sources and twinning (but the import's working state), and once more at each commit."""

from django.db import migrations

from core.register_version import INSTALL_SQL, UNINSTALL_SQL, unwatch_sql, watch_sql

TABLES = [
    "sources_source", "sources_historicalsource",
    "twinning_place", "twinning_historicalplace", "twinning_placeidentifier", "twinning_historicalplaceidentifier",
    "twinning_placename", "twinning_historicalplacename", "twinning_pairing", "twinning_historicalpairing",
    "twinning_agreement", "twinning_historicalagreement", "twinning_event", "twinning_historicalevent",
    "twinning_pairingcitation", "twinning_historicalpairingcitation", "twinning_eventcitation",
    "twinning_historicaleventcitation", "twinning_agreementcitation", "twinning_historicalagreementcitation",
    "twinning_slugredirect", "twinning_snapshot", "twinning_listing", "twinning_importreport",
    "twinning_ambiguousmatch", "twinning_ambiguousmatch_candidates", "twinning_changereview",
]


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0001_initial"),
        ("twinning", "0008_merge_20261124_0136"),
    ]

    operations = [
        migrations.RunSQL(INSTALL_SQL, UNINSTALL_SQL),
        migrations.RunSQL(watch_sql(TABLES), unwatch_sql(TABLES)),
    ]

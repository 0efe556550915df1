"""Campaign tables move the register's version too (core.register_version)."""

from django.db import migrations

from core.register_version import unwatch_sql, watch_sql

TABLES = [
    "campaigns_organisation", "campaigns_historicalorganisation", "campaigns_organisation_member_groups",
    "campaigns_historicalorganisation_member_groups", "campaigns_campaign", "campaigns_historicalcampaign",
    "campaigns_campaign_organisers", "campaigns_historicalcampaign_organisers", "campaigns_campaigntarget",
    "campaigns_historicalcampaigntarget", "campaigns_petition", "campaigns_historicalpetition",
    "campaigns_signaturecount", "campaigns_historicalsignaturecount", "campaigns_campaigncitation",
    "campaigns_historicalcampaigncitation", "campaigns_petitioncitation", "campaigns_historicalpetitioncitation",
    "campaigns_organisationcitation", "campaigns_historicalorganisationcitation",
]


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_i18n_translations"),
        ("twinning", "0009_perf2_register_version"),
    ]

    operations = [migrations.RunSQL(watch_sql(TABLES), unwatch_sql(TABLES))]

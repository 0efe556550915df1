"""The status on a date filtered by status (`?as_of=…&status=severed`, the join of
twinning.selectors._with_status) reads the events from indexes alone: the index on `status_after` and the
pairing's index (which replaces the foreign key's own) also carry `status_during`, the pairing and the
status-since event (index-only once autovacuum has marked the pages visible).

At 300,000 pairings (~900,000 events), `?as_of=2020-01-01&status=severed&country=GB`: its exact count
(2,084 rows) no longer visits 16,700 event pages for the 63,694 severed events (~230 ms to ~75 ms), and
its first page no longer fetches the events of the pairings it walks (~80 ms to ~18 ms)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('twinning', '0015_pairing_countries'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='event',
            name='twinning_ev_status__87194a_idx',
        ),
        migrations.AlterField(
            model_name='event',
            name='pairing',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='twinning.pairing'),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['status_after'], include=('status_during', 'pairing', 'status_since_event'), name='event_status_after_covering'),
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['pairing'], include=('status_after', 'status_during', 'status_since_event'), name='event_pairing_status_covering'),
        ),
    ]

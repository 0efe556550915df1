"""The events list's default order (timeline order across all pairings) from an index: at 1,000,000
events its first page sorted every event joined with its pairing and places (3.2 s). With the time
of each event's last change, a page's ids and cursor keys are read from the index alone."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('twinning', '0016_event_status_covering'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['effective_on', 'order', '-date', 'id'], include=['updated_at'], name='event_timeline_order'),
        ),
    ]

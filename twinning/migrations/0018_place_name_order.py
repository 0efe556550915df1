"""The API's place list in its order (name, country, id) from an index, not a sort of every place."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('twinning', '0017_event_timeline_order'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='place',
            index=models.Index(fields=['name', 'country', 'id'], name='place_name_order'),
        ),
    ]

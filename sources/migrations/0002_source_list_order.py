"""The API's source list in its order (newest first, then title, id) from an index, not a sort of every source."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sources', '0001_initial'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='source',
            index=models.Index(fields=['-published', 'title', 'id'], name='source_list_order'),
        ),
    ]

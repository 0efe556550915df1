from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("twinning", "0005_world_more")]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="place",
            index=GinIndex(fields=["name"], name="place_name_trgm", opclasses=["gin_trgm_ops"]),
        ),
        migrations.AddIndex(
            model_name="place",
            index=GinIndex(fields=["local_name"], name="place_local_name_trgm", opclasses=["gin_trgm_ops"]),
        ),
    ]

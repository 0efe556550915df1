from django.db import migrations


class Migration(migrations.Migration):
    """API tokens are now hashed (django-rest-knox). DRF's plain `authtoken_token` table, which held
    every key in clear text, is dropped where an older deployment still has it."""

    dependencies = [("twinning", "0008_merge_20261124_0136")]

    operations = [migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop)]

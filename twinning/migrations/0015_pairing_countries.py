"""Pairings filter and group by country from their own row: `country_a`/`country_b` copy the two places'
countries, filled here and kept by the triggers of migration 0012 (now copying name and country in one
SELECT per place) on every write path (ORM, bulk, COPY): a pairing row takes its places' names and
countries when inserted or re-pointed, and renaming a place or changing its country updates its pairings.

Before: `?country=GB` joined twinning_place twice, and with `as_of` + `status` its exact count hashed all
300,000 pairings with their places (~0.9 s at 300,000 pairings)."""

from django.db import migrations, models

FILL = """
UPDATE twinning_pairing p SET country_a = a.country, country_b = b.country
FROM twinning_place a, twinning_place b WHERE a.id = p.place_a_id AND b.id = p.place_b_id;
"""

TRIGGERS = """
CREATE OR REPLACE FUNCTION twinning_pairing_sort_names() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT name, country INTO NEW.sort_a, NEW.country_a FROM twinning_place WHERE id = NEW.place_a_id;
    SELECT name, country INTO NEW.sort_b, NEW.country_b FROM twinning_place WHERE id = NEW.place_b_id;
    NEW.sort_a := coalesce(NEW.sort_a, '');
    NEW.sort_b := coalesce(NEW.sort_b, '');
    NEW.country_a := coalesce(NEW.country_a, '');
    NEW.country_b := coalesce(NEW.country_b, '');
    RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER twinning_pairing_sort_names
    BEFORE INSERT OR UPDATE OF place_a_id, place_b_id, sort_a, sort_b, country_a, country_b ON twinning_pairing
    FOR EACH ROW EXECUTE FUNCTION twinning_pairing_sort_names();

CREATE OR REPLACE FUNCTION twinning_place_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE twinning_pairing SET sort_a = NEW.name, country_a = NEW.country WHERE place_a_id = NEW.id;
    UPDATE twinning_pairing SET sort_b = NEW.name, country_b = NEW.country WHERE place_b_id = NEW.id;
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER twinning_place_renamed
    AFTER UPDATE OF name, country ON twinning_place
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.country IS DISTINCT FROM NEW.country)
    EXECUTE FUNCTION twinning_place_renamed();
"""

# Migration 0012's triggers, as they were.
OLD_TRIGGERS = """
CREATE OR REPLACE FUNCTION twinning_pairing_sort_names() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT name INTO NEW.sort_a FROM twinning_place WHERE id = NEW.place_a_id;
    SELECT name INTO NEW.sort_b FROM twinning_place WHERE id = NEW.place_b_id;
    NEW.sort_a := coalesce(NEW.sort_a, '');
    NEW.sort_b := coalesce(NEW.sort_b, '');
    RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER twinning_pairing_sort_names
    BEFORE INSERT OR UPDATE OF place_a_id, place_b_id, sort_a, sort_b ON twinning_pairing
    FOR EACH ROW EXECUTE FUNCTION twinning_pairing_sort_names();

CREATE OR REPLACE FUNCTION twinning_place_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE twinning_pairing SET sort_a = NEW.name WHERE place_a_id = NEW.id;
    UPDATE twinning_pairing SET sort_b = NEW.name WHERE place_b_id = NEW.id;
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER twinning_place_renamed
    AFTER UPDATE OF name ON twinning_place
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION twinning_place_renamed();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('twinning', '0014_pairing_established_order'),
    ]

    operations = [
        migrations.AddField(
            model_name='pairing',
            name='country_a',
            field=models.CharField(default='', editable=False, max_length=2),
        ),
        migrations.AddField(
            model_name='pairing',
            name='country_b',
            field=models.CharField(default='', editable=False, max_length=2),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
        migrations.RunSQL(TRIGGERS, OLD_TRIGGERS),
        migrations.AddIndex(
            model_name='pairing',
            index=models.Index(fields=['country_a', 'country_b'], name='pairing_countries'),
        ),
        migrations.AddIndex(
            model_name='pairing',
            index=models.Index(fields=['country_b'], name='pairing_country_b'),
        ),
    ]

"""A full-fidelity dump of a list of models to one JSON document, and its restore into empty tables.

Generic (no domain app imported): the caller gives the ordered model list. Rows are written with
Django's own serializer, primary keys kept (so ids, foreign keys and many-to-many links come back as
they were); a reference to a user is written as the username (the user's natural key) and, on
restore, cleared when no such user exists here (users are not part of a dump: no password hashes in
a file that leaves the server).

The restore writes rows raw (no `save()` logic, no history rows, timestamps as dumped) and
many-to-many links straight into their through tables (no `m2m_changed` signals), checks every
constraint before it returns, and runs inside the caller's transaction: any problem is a
`DumpError` naming the model and row, and nothing is left half-applied.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from collections.abc import Iterable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection

FORMAT = "twinwatch-register-dump"
VERSION = 1


class DumpError(Exception):
    """A dump file that cannot be restored, with a message naming what and where."""


def model_label(model) -> str:
    return model._meta.label_lower


def dump_document(model_list: Iterable, *, meta: dict | None = None) -> dict:
    """Every row of each model, in the given order, as one JSON-able document."""
    model_list = list(model_list)
    objects, counts = [], {}
    for model in model_list:
        rows = serializers.serialize(
            "python", model._default_manager.order_by("pk"), use_natural_foreign_keys=True
        )
        counts[model_label(model)] = len(rows)
        objects.extend(rows)
    return {
        "format": FORMAT,
        "version": VERSION,
        **(meta or {}),
        "models": [model_label(m) for m in model_list],
        "counts": counts,
        "objects": objects,
    }


class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder keeps milliseconds only; a restore must keep every microsecond (cursor
    pagination orders by `updated_at`)."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


def dump_write(document: dict, stream) -> None:
    json.dump(document, stream, cls=_Encoder, ensure_ascii=False, indent=1)
    stream.write("\n")


def document_read(text: str, *, name: str) -> dict:
    """Parse and check a dump's envelope (format, version, models, counts match the rows)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DumpError(
            f"{name} is not a complete JSON document (truncated or damaged?): {exc.msg} at line {exc.lineno}, "
            f"column {exc.colno}."
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DumpError(f"{name} is not a register dump (no \"format\": \"{FORMAT}\" at the top).")
    if document.get("version") != VERSION:
        raise DumpError(f"{name} is a version {document.get('version')!r} dump; this code reads version {VERSION}.")
    objects, counts = document.get("objects"), document.get("counts")
    if not isinstance(objects, list) or not isinstance(counts, dict) or not isinstance(document.get("models"), list):
        raise DumpError(f"{name}: \"models\", \"counts\" and \"objects\" must all be present.")
    for position, obj in enumerate(objects):
        if not isinstance(obj, dict) or not isinstance(obj.get("model"), str) or not isinstance(obj.get("fields"), dict):
            raise DumpError(f"{name}: object #{position + 1} is not a {{\"model\", \"pk\", \"fields\"}} row.")
    found = Counter(obj["model"] for obj in objects)
    for label in set(found) | set(counts):
        if found.get(label, 0) != counts.get(label, 0):
            raise DumpError(
                f"{name}: {label} has {found.get(label, 0)} rows but the dump says {counts.get(label, 0)} "
                "(truncated or edited?)."
            )
    return document


def tables_with_rows(model_list: Iterable) -> dict[str, int]:
    """{model label: row count} for each model whose table is not empty."""
    counts = {model_label(m): m._default_manager.count() for m in model_list}
    return {label: n for label, n in counts.items() if n}


def _user_fields(model) -> list:
    user_model = get_user_model()
    return [f for f in model._meta.concrete_fields if f.is_relation and f.related_model is user_model]


def document_restore(document: dict, *, allowed_models: Iterable, name: str) -> dict[str, int]:
    """Write every row of a checked document into empty tables (call inside `transaction.atomic`).

    Returns {model label: rows written}, plus "cleared user references" when some were.
    """
    allowed = {model_label(m): m for m in allowed_models}
    unknown = sorted({obj["model"] for obj in document["objects"]} - set(allowed))
    if unknown:
        raise DumpError(f"{name}: rows of models this restore does not take: {', '.join(unknown)}.")
    usernames = set(get_user_model()._default_manager.values_list(get_user_model().USERNAME_FIELD, flat=True))
    cleared = 0
    written: Counter = Counter()
    m2m_rows: dict = {}
    for position, raw in enumerate(document["objects"]):
        model = allowed[raw["model"]]
        where = f"{name}: object #{position + 1} ({raw['model']} pk={raw.get('pk')!r})"
        fields = dict(raw["fields"])
        for field in _user_fields(model):
            key = fields.get(field.name)
            if key is not None and not (isinstance(key, list) and len(key) == 1 and key[0] in usernames):
                fields[field.name] = None
                cleared += 1
        m2m = {f.name: fields.pop(f.name) for f in model._meta.many_to_many if f.name in fields}
        try:
            (item,) = serializers.deserialize(
                "python", [{"model": raw["model"], "pk": raw.get("pk"), "fields": fields}],
                use_natural_foreign_keys=True,
            )
            item.save(save_m2m=False)
        except (DeserializationError, ObjectDoesNotExist, DatabaseError, ValueError, TypeError) as exc:
            raise DumpError(f"{where}: {exc}") from None
        written[raw["model"]] += 1
        for field_name, targets in m2m.items():
            m2m_rows.setdefault((model, field_name), []).append((item.object.pk, targets, where))
    for (model, field_name), links in m2m_rows.items():
        field = model._meta.get_field(field_name)
        through = field.remote_field.through
        source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        for pk, targets, where in links:
            if not isinstance(targets, list):
                raise DumpError(f"{where}: {field_name} must be a list of ids.")
            try:
                through._default_manager.bulk_create([through(**{source: pk, target: t}) for t in targets])
            except (DatabaseError, ValueError, TypeError) as exc:
                raise DumpError(f"{where}: {field_name}: {exc}") from None
    try:
        # Foreign keys are deferred to the commit: check them now, while the error can name the file.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    except DatabaseError as exc:
        raise DumpError(f"{name}: the rows do not fit together: {exc}".strip()) from None
    sequences_reset(allowed.values())
    result = dict(written)
    if cleared:
        result["cleared user references"] = cleared
    return result


def sequences_reset(model_list: Iterable) -> None:
    """What `manage.py sqlsequencereset` prints, run: each id sequence continues after the highest id."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def history_models(model_list: Iterable) -> list:
    """The django-simple-history tables of the given models (their `Historical*` models, including the
    many-to-many ones), in a restorable order."""
    wanted = {m._meta.app_label for m in model_list}
    found = []
    for model in apps.get_models():
        if model._meta.app_label in wanted and model.__name__.startswith("Historical"):
            found.append(model)
    return sorted(found, key=lambda m: ("_" in m.__name__, m._meta.label_lower))


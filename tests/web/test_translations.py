"""Traditional Chinese is complete for the public site, and the committed .mo matches the .po."""

import gettext
import json
import re
from pathlib import Path

import pytest
from django.utils import translation

from campaigns import constants as campaign_constants
from sources import constants as source_constants
from twinning import constants

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hant" / "LC_MESSAGES"
PUBLIC = re.compile(
    r"^#: .*(templates/(base\.html|includes/|twinning/|campaigns/|sources/)|constants\.py|web/"
    r"|partialdates\.py)"
)


def po_entries():
    """(references, flags, context, msgid, msgstr list) for each entry of django.po."""
    def unquote(lines):
        return "".join(json.loads(line) for line in lines)

    for block in (LOCALE / "django.po").read_text(encoding="utf-8").split("\n\n"):
        refs, flags, fields, current = [], "", {}, None
        for line in block.splitlines():
            if line.startswith("#:"):
                refs.append(line)
            elif line.startswith("#,"):
                flags = line
            elif m := re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (\".*\")$", line):
                current = m.group(1)
                fields[current] = [m.group(2)]
            elif line.startswith('"') and current:
                fields[current].append(line)
        if "msgid" in fields and unquote(fields["msgid"]):
            strs = [unquote(v) for k, v in sorted(fields.items()) if k.startswith("msgstr")]
            context = unquote(fields["msgctxt"]) if "msgctxt" in fields else None
            yield refs, flags, context, unquote(fields["msgid"]), strs


def test_every_public_string_is_translated():
    untranslated = [
        msgid for refs, flags, _ctx, msgid, strs in po_entries()
        if any(PUBLIC.match(r) for r in refs) and ("fuzzy" in flags or not all(strs))
    ]
    assert untranslated == []


def test_compiled_catalogue_matches_the_po_file():
    with open(LOCALE / "django.mo", "rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog
    stale = []
    for _refs, flags, context, msgid, strs in po_entries():
        if "fuzzy" in flags or not all(strs):
            continue
        key = f"{context}\x04{msgid}" if context else msgid
        compiled = catalog.get(key, catalog.get((key, 0)))
        if compiled != strs[0]:
            stale.append(msgid)
    assert stale == [], "run: manage.py compilemessages -l zh_Hant"


@pytest.mark.parametrize(
    "choices",
    [constants.Status, constants.EventType, constants.Relationship, constants.Body, constants.Actor,
     constants.AgreementKind, constants.PlaceKind, constants.Confidence, campaign_constants.TargetOutcome,
     campaign_constants.PetitionOutcome, source_constants.SourceType],
)
def test_vocabularies_are_translated(choices):
    for member in choices:
        with translation.override("en"):
            english = str(member.label)
        with translation.override("zh-hant"):
            assert re.search(r"[\u4e00-\u9fff]", str(member.label)), english


def test_definitions_are_translated():
    with translation.override("zh-hant"):
        for definitions in (constants.STATUS_DEFINITIONS, constants.EVENT_DEFINITIONS, constants.RELATIONSHIP_DEFINITIONS):
            for text in definitions.values():
                assert re.search(r"[\u4e00-\u9fff]", str(text)), text

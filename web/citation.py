"""How to cite a pairing's page: permalink, access date, APA 7 and Chicago (notes and bibliography)
text, BibTeX and CSL-JSON. Citation styles are English formats, so months are English whatever the
page's language; the date of the page is the record's last update."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

from django.conf import settings
from django.utils import timezone, translation

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
PUBLISHER = "Twinwatch"


def _long(day: dt.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


_BIBTEX_SPECIAL = re.compile(r"([&%$#_{}])")


def _bibtex_escape(text: str) -> str:
    text = text.replace("\\", r"\textbackslash{}").replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")
    return _BIBTEX_SPECIAL.sub(r"\\\1", text).replace("–", "--")


@dataclasses.dataclass(frozen=True)
class PageCitation:
    title: str
    url: str
    updated: dt.date
    accessed: dt.date
    key: str

    @property
    def apa(self) -> str:
        u = self.updated
        return f"{PUBLISHER}. ({u.year}, {MONTHS[u.month - 1]} {u.day}). {self.title}. Retrieved {_long(self.accessed)}, from {self.url}"

    @property
    def chicago(self) -> str:
        return f"{PUBLISHER}. “{self.title}.” Last modified {_long(self.updated)}. Accessed {_long(self.accessed)}. {self.url}."

    @property
    def bibtex(self) -> str:
        return (
            f"@misc{{{self.key},\n"
            f"  author = {{{{{PUBLISHER}}}}},\n"
            f"  title = {{{_bibtex_escape(self.title)}}},\n"
            f"  howpublished = {{{PUBLISHER}}},\n"
            f"  year = {{{self.updated.year}}},\n"
            f"  month = {{{self.updated.month}}},\n"
            f"  url = {{{self.url}}},\n"
            f"  urldate = {{{self.accessed.isoformat()}}},\n"
            f"  note = {{Last updated {self.updated.isoformat()}; accessed {self.accessed.isoformat()}}}\n"
            "}\n"
        )

    @property
    def csl(self) -> list[dict]:
        def parts(day):
            return {"date-parts": [[day.year, day.month, day.day]]}

        return [{
            "id": self.key, "type": "webpage", "title": self.title, "author": [{"literal": PUBLISHER}],
            "container-title": PUBLISHER, "publisher": PUBLISHER, "URL": self.url, "issued": parts(self.updated),
            "accessed": parts(self.accessed),
        }]

    @property
    def csl_json(self) -> str:
        return json.dumps(self.csl, ensure_ascii=False, indent=2) + "\n"


def pairing_citation(pairing, *, accessed: dt.date | None = None) -> PageCitation:
    updated = timezone.localtime(pairing.updated_at).date() if pairing.updated_at else timezone.localdate()
    with translation.override("en"):
        relationship = str(pairing.get_relationship_display())
    return PageCitation(
        title=f"{pairing.place_a.name} – {pairing.place_b.name}: {relationship}",
        url=settings.SITE_URL.rstrip("/") + pairing.get_absolute_url(),
        updated=updated,
        accessed=accessed or timezone.localdate(),
        key=f"twinwatch-{pairing.slug}",
    )

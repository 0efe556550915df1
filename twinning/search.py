"""Search: the one selector behind the API's `q` (places and pairings), the public search and the
suggestions as you type.

A query is cut into terms at spaces and at the separators people put between two places ("A B",
"A – B", "A-B", "A and B", "A / B"), so the order of the words does not matter and the pairing page's
own title finds the pairing. A place matches a term when one of its names — its name, its local name
or one of its other names (`PlaceName`: BANES, Ningpo, 諾丁漢, Wikidata labels), with Chinese in either
script — contains something like the term: pg_trgm's word similarity (`%>`, served by the GIN trigram
indexes on the three name columns), so "Nottinghm" finds Nottingham.

A pairing matches when every term matches one of its two places. Results are ranked: exact name >
name starting with the term > similar name, then pairings curators have checked above those only
listed by Wikidata.

Costs: one query finds the places for all the terms together (bounded by `MAX_PLACES`), then the
caller's own query filters by place ids (the pairing foreign-key indexes), whatever the table size.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Greatest

from twinning.constants import Status
from twinning.models import Pairing, Place, PlaceName
from twinning.selectors import script_variants

MAX_QUERY_LENGTH = 100
MAX_TERMS = 6
MAX_PLACES = 500  # places considered per query: more than any page shows, few enough to stay fast

EXACT, PREFIX, SIMILAR = 3, 2, 1
WORD_THRESHOLD = 0.6  # pg_trgm.word_similarity_threshold, the default: what `%>` takes as similar

# What people type between two places, and words that say nothing about which place.
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−/\\,;:&+|()\[\]\"“”«»·・、，。；：]+")
_STOPWORDS = {"and", "und", "et", "y", "e", "with", "to", "twin", "twins", "twinned", "twinning", "sister", "和", "與", "与", "及"}
# Characters that are never part of a name: control characters (NUL included) and unassigned ones.
_NOISE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}


class SearchError(ValueError):
    """A query that cannot be searched (too long); the message says why, for a 400."""


def normalise(text: str) -> str:
    """The query as searched: NFKC (full-width letters become plain ones), control and invisible
    characters dropped, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(" " if ch.isspace() else ch for ch in text if unicodedata.category(ch) not in _NOISE_CATEGORIES or ch.isspace())
    return " ".join(text.split())


def terms_of(text: str) -> list[str]:
    """The distinct terms of a query, at most `MAX_TERMS`: "Nottingham – Ningbo" → Nottingham, Ningbo."""
    text = normalise(text)
    if len(text) > MAX_QUERY_LENGTH:
        raise SearchError(f"Search for at most {MAX_QUERY_LENGTH} characters.")
    words = [w for w in _SEPARATORS.split(text) if w]
    kept = [w for w in words if w.casefold() not in _STOPWORDS] or words
    unique: list[str] = []
    for word in kept:
        if word.casefold() not in {u.casefold() for u in unique}:
            unique.append(word)
    return unique[:MAX_TERMS]


@dataclass
class PlaceHit:
    place: Place
    tiers: list[int]  # per term: EXACT, PREFIX, SIMILAR, or 0 (no match)
    similarity: list[float]
    names: list[str] = field(default_factory=list)
    whole: bool = False  # the whole query is one of the place's names

    @property
    def score(self) -> float:
        return (10 if self.whole else 0) + sum(self.tiers) + sum(self.similarity) / 10

    @property
    def matched_name(self) -> str:
        """The other name that matched, when the place was found by one (shown as "Ningbo (Ningpo)")."""
        own = {self.place.name.casefold(), self.place.local_name.casefold()}
        for name in self.names[2:]:
            if name.casefold() not in own and any(_tier_of(t, [name]) for t in self._terms):
                return name
        return ""

    _terms: list[str] = field(default_factory=list, repr=False)


@dataclass
class SearchResult:
    text: str
    terms: list[str]
    hits: list[PlaceHit]  # places matching at least one term, best first

    def places_for(self, index: int) -> dict[int, int]:
        """Place id → tier for the places that match term `index`."""
        return {h.place.pk: h.tiers[index] for h in self.hits if h.tiers[index]}

    def all_terms(self) -> list[PlaceHit]:
        """Places that match every term, best first."""
        return [h for h in self.hits if all(h.tiers)]

    @property
    def exact(self) -> bool:
        """Every term matches some place's name exactly or by its start (no guess was needed)."""
        return all(any(h.tiers[i] >= PREFIX for h in self.hits) for i in range(len(self.terms)))


def _fold(text: str) -> str:
    return text.casefold()


def _tier_of(term: str, names: list[str]) -> int:
    variants = {_fold(v) for v in script_variants(term)}
    folded = [_fold(n) for n in names if n]
    if any(n in variants for n in folded):
        return EXACT
    for name in folded:
        words = [w for w in _SEPARATORS.split(name) if w]
        if any(name.startswith(v) or any(w.startswith(v) for w in words) for v in variants):
            return PREFIX
        if any(v in name for v in variants if not v.isascii()):  # Chinese: 丁漢 in 諾丁漢
            return PREFIX
    if any(v in name for v in variants for name in folded):  # "xi" in Jiangxi
        return SIMILAR
    return 0


def _names_sql() -> dict:
    from django.db import connection

    q = connection.ops.quote_name
    return {
        "place": q(Place._meta.db_table), "other": q(PlaceName._meta.db_table),
        "id": q(Place._meta.pk.column), "name": q(Place._meta.get_field("name").column),
        "local": q(Place._meta.get_field("local_name").column),
        "oname": q(PlaceName._meta.get_field("name").column), "oplace": q(PlaceName._meta.get_field("place").column),
    }


def _candidate_ids(variants: list[str]) -> tuple[str, list]:
    """SQL for the ids of places with a name like or containing one of `variants`, and its parameters: a
    UNION of `%>` and `~*` lookups, each served by its trigram index (an OR across tables would scan every
    place). Written as SQL: the ORM took longer to build the query (~5 ms) than PostgreSQL to run it."""
    n = _names_sql()
    parts, params = [], []
    for v in variants:
        # A piece of a name ("xi" in Jiangxi; short Chinese names have too few trigrams for a similarity):
        # a case-insensitive regular expression of the literal text, also index-served.
        pattern = re.escape(v)
        parts += [
            f"SELECT {n['id']} FROM {n['place']} WHERE {n['name']} %%> %s",
            f"SELECT {n['id']} FROM {n['place']} WHERE {n['local']} %%> %s",
            f"SELECT {n['oplace']} FROM {n['other']} WHERE {n['oname']} %%> %s",
            f"SELECT {n['id']} FROM {n['place']} WHERE {n['name']}::text ~* %s",
            f"SELECT {n['id']} FROM {n['place']} WHERE {n['local']}::text ~* %s",
            f"SELECT {n['oplace']} FROM {n['other']} WHERE {n['oname']}::text ~* %s",
        ]
        params += [v, v, v, pattern, pattern, pattern]
    return " UNION ALL ".join(f"({part})" for part in parts), params


def _similarity(variants: list[str]) -> tuple[str, list]:
    """SQL for a place's (`p`) best word similarity to any of `variants` in its names, and parameters."""
    n = _names_sql()
    parts, params = [], []
    for v in variants:
        parts += [
            f"word_similarity(%s, p.{n['name']})",
            f"word_similarity(%s, p.{n['local']})",
            f"COALESCE((SELECT word_similarity(%s, o.{n['oname']}) FROM {n['other']} o "
            f"WHERE o.{n['oplace']} = p.{n['id']} ORDER BY 1 DESC LIMIT 1), 0.0)",
        ]
        params += [v, v, v]
    return f"GREATEST({', '.join(parts)})", params


def _places_sql(variants: list[list[str]]) -> tuple[str, list]:
    """The places matching any term (`variants`: each term's script variants), with `sim0`, `sim1`… (a
    term's similarity) and `other_name_list`, best first, at most MAX_PLACES."""
    n = _names_sql()
    candidates, candidate_params = _candidate_ids([v for vs in variants for v in vs])
    sims, params = [], []
    for i, vs in enumerate(variants):
        sql, sim_params = _similarity(vs)
        sims.append(f"{sql} AS sim{i}")
        params += sim_params
    order = ", ".join(f"sim{i} DESC" for i in range(len(variants)))
    sql = (
        f"SELECT p.*, {', '.join(sims)}, "
        f"ARRAY(SELECT o.{n['oname']} FROM {n['other']} o WHERE o.{n['oplace']} = p.{n['id']} ORDER BY 1) AS other_name_list "
        f"FROM {n['place']} p WHERE p.{n['id']} IN ({candidates}) "
        f"ORDER BY {order}, p.{n['name']}, p.{n['id']} LIMIT {MAX_PLACES}"
    )
    return sql, [*params, *candidate_params]


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _split_run_together(terms: list[str]) -> list[str]:
    """Chinese is written without spaces: "諾丁漢寧波" is two names. A Chinese term of four or more
    characters is replaced by the recorded names found inside it, when there are two or more (one
    more query, only then)."""
    from django.db.models.functions import StrIndex

    out: list[str] = []
    for term in terms:
        if len(term) < 4 or not _CJK.search(term):
            out.append(term)
            continue
        variants = sorted(script_variants(term))
        names: set[str] = set()
        for v in variants:
            inside = Place.objects.exclude(local_name="").annotate(at=StrIndex(Value(v), F("local_name")))
            others = PlaceName.objects.annotate(at=StrIndex(Value(v), F("name")))
            names |= {n for n in inside.filter(at__gt=0).values_list("local_name", flat=True) if len(n) >= 2}
            names |= {n for n in others.filter(at__gt=0).values_list("name", flat=True) if len(n) >= 2}
        picked, covered = [], set()
        for name in sorted(names, key=len, reverse=True):  # longest first, without overlaps
            for v in variants:
                at = v.find(name)
                span = set(range(at, at + len(name)))
                if at >= 0 and not span & covered:
                    picked.append((at, name))
                    covered |= span
                    break
        out.extend([name for _at, name in sorted(picked)] if len(picked) >= 2 else [term])
    return out[:MAX_TERMS]


def search(text: str) -> SearchResult:
    """Places matching any term of `text`, each with its tier and similarity per term, best first.
    One query (an empty query: none; a run-together Chinese query: one more)."""
    terms = _split_run_together(terms_of(text))
    if not terms:
        return SearchResult(text=text, terms=[], hits=[])
    variants = [sorted(script_variants(t)) for t in terms]
    qs = Place.objects.raw(*_places_sql(variants))
    whole = _fold(" ".join(terms))
    hits = []
    for place in qs:
        names = [place.name, place.local_name, *(place.other_name_list or [])]
        sims = [float(getattr(place, f"sim{i}") or 0) for i in range(len(terms))]
        tiers = [_tier_of(t, names) or (SIMILAR if sims[i] >= WORD_THRESHOLD else 0) for i, t in enumerate(terms)]
        joined = {" ".join(w for w in _SEPARATORS.split(_fold(n)) if w) for n in names if n}
        hits.append(PlaceHit(place=place, tiers=tiers, similarity=sims, names=names, whole=whole in joined, _terms=terms))
    hits.sort(key=lambda h: (-h.score, h.place.name, h.place.pk))
    return SearchResult(text=text, terms=terms, hits=hits)


def _rank_case(ids: dict[int, int], field_name: str):
    by_tier: dict[int, list[int]] = {}
    for pk, tier in ids.items():
        by_tier.setdefault(tier, []).append(pk)
    whens = [When(**{f"{field_name}__in": pks}, then=Value(tier)) for tier, pks in sorted(by_tier.items(), reverse=True)]
    return Case(*whens, default=Value(0), output_field=IntegerField()) if whens else Value(0, output_field=IntegerField())


def places_matching(qs: QuerySet[Place], text: str, *, result: SearchResult | None = None) -> QuerySet[Place]:
    """`qs` narrowed to the places matching every term, annotated `search_rank` and ordered by it
    (ties: the queryset's own order). The API's and the suggestions' place search."""
    result = result if result is not None else search(text)
    hits = result.all_terms()
    if not result.terms:
        return qs
    ranks = {h.place.pk: len(hits) - i for i, h in enumerate(hits)}
    rank = _rank_case(ranks, "pk")
    return qs.filter(pk__in=list(ranks)).annotate(search_rank=rank).order_by("-search_rank", *qs.query.order_by, "id")


def pairings_matching(qs: QuerySet[Pairing], text: str, *, result: SearchResult | None = None) -> QuerySet[Pairing]:
    """`qs` narrowed to the pairings where every term matches one of the two places (either way
    round), annotated `search_rank` (exact > prefix > similar, summed over the terms) and ordered by
    it, then checked pairings above those only listed by Wikidata, then the queryset's own order."""
    result = result if result is not None else search(text)
    if not result.terms:
        return qs
    rank = Value(0, output_field=IntegerField())
    for index in range(len(result.terms)):
        ids = result.places_for(index)
        if not ids:
            return qs.none()
        qs = qs.filter(Q(place_a_id__in=list(ids)) | Q(place_b_id__in=list(ids)))
        rank = rank + Greatest(_rank_case(ids, "place_a_id"), _rank_case(ids, "place_b_id"))
    listed_only = Case(When(status=Status.LISTED, then=Value(1)), default=Value(0), output_field=IntegerField())
    then = tuple(qs.query.order_by) or ("sort_a", "sort_b")
    return qs.annotate(search_rank=rank, search_listed_only=listed_only).order_by(
        "-search_rank", "search_listed_only", *then, "id"
    )


def did_you_mean(result: SearchResult, *, limit: int = 3) -> list[str]:
    """Queries to offer when a term matched no name exactly or by its start: each such term replaced
    by the closest place name ("nottinghm ningpo" → "Nottingham Ningpo"); when a term matched
    nothing at all, by names merely similar to it (one more query per such term)."""
    if not result.terms or result.exact:
        return []
    choices: list[list[str]] = []
    for index, term in enumerate(result.terms):
        strong = [h for h in result.hits if h.tiers[index] >= PREFIX]
        if strong:
            exact = [h for h in strong if h.tiers[index] == EXACT]
            choices.append([exact[0].place.name if len(exact) == 1 else term])  # "ningpo" → Ningbo
            continue
        weak = [h for h in result.hits if h.tiers[index]]
        weak.sort(key=lambda h: -h.similarity[index])
        names = [h.place.name for h in weak[:limit]] or close_names(term, limit=limit)
        if not names:
            return []
        choices.append(names)
    offers = []
    for k in range(limit):
        offer = " ".join(c[min(k, len(c) - 1)] for c in choices)
        if offer not in offers and _fold(offer) != _fold(" ".join(result.terms)):
            offers.append(offer)
    return offers


def close_names(term: str, *, limit: int = 3) -> list[str]:
    """Place names merely similar to `term` (pg_trgm `%`, threshold 0.3), for "did you mean"."""
    variants = sorted(script_variants(term))
    match = Q()
    for v in variants:
        match |= Q(name__trigram_similar=v) | Q(local_name__trigram_similar=v)
    qs = Place.objects.filter(match).annotate(
        s=Greatest(*[TrigramSimilarity(f, v) for v in variants for f in ("name", "local_name")])
    )
    names: list[str] = []
    for name in qs.order_by("-s", "name").values_list("name", flat=True)[: limit * 2]:
        if name not in names:
            names.append(name)
    return names[:limit]

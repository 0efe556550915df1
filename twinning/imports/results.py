"""What a spreadsheet import reports: problems by row and column, and per row what it did (or, in a
preview, would do), which existing records it matched and which near-duplicates it flags."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    row: int | None  # None: the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "file"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Match:
    """An existing record a row's name or date matched (`url`: its admin change page; empty for a
    record an earlier row of the same file creates)."""

    kind: str  # place, pairing, event, agreement, source
    label: str
    url: str = ""
    how: str = ""  # e.g. "by Wikidata QID", "as you chose"


@dataclass(frozen=True)
class Candidate:
    value: str  # what the curator answers to pick it (a primary key, or "row-N" for a record of row N)
    label: str
    url: str = ""


NEW = "new"  # the answer to a flag that means "not a duplicate: record a new one"


@dataclass
class Flag:
    """A likely duplicate the import will not decide alone: it applies nothing until the curator
    answers (`choice`: a candidate's value, or NEW)."""

    key: str  # the answer's name: one answer covers every row the same question arises in
    row: int
    column: str
    kind: str  # similar_place, other_relationship, similar_event
    message: str
    candidates: list[Candidate]
    choice: str = ""

    @property
    def resolved(self) -> bool:
        return bool(self.choice)

    def __str__(self) -> str:
        options = "; ".join(f"{c.value} = {c.label}" for c in self.candidates)
        return f"row {self.row}, column {self.column}: {self.message} Answer {self.key}={NEW} or one of: {options}"


@dataclass
class RowOutcome:
    """What a row did (or, in a dry run, would do)."""

    number: int
    pairing: str = ""
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    matched: list[Match] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    status_before: str = ""
    status_after: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def action(self) -> str:
        if self.problems:
            return "error"
        if self.created:
            return "create"
        if self.changed:
            return "change"
        return "unchanged"

    @property
    def status_change(self) -> str:
        if self.status_before == self.status_after:
            return ""
        return f"{self.status_before or 'new'} → {self.status_after}"


@dataclass
class SpreadsheetImportResult:
    rows: list[RowOutcome]
    problems: list[Problem]
    dry_run: bool
    applied: bool = False
    notes: list[str] = field(default_factory=list)  # how the file was read, when worth checking

    @property
    def flags(self) -> list[Flag]:
        return [flag for row in self.rows for flag in row.flags]

    @property
    def unresolved(self) -> list[Flag]:
        return [flag for flag in self.flags if not flag.resolved]

    @property
    def ok(self) -> bool:
        """No problem: the file can be applied once every flag is answered."""
        return not self.problems

    @property
    def ready(self) -> bool:
        """Nothing stands in the way of applying it: no problem and no unanswered flag."""
        return not self.problems and not self.unresolved

    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "change": 0, "unchanged": 0, "error": 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts

"""Bulk imports into the register (the campaigners' spreadsheet format, issue 2 §5)."""

from twinning.imports.spreadsheet import (
    ALL_COLUMNS,
    COLUMNS,
    OPTIONAL_COLUMNS,
    ImportReport,
    Problem,
    RowOutcome,
    import_twinnings,
    validate,
)

__all__ = [
    "ALL_COLUMNS",
    "COLUMNS",
    "OPTIONAL_COLUMNS",
    "ImportReport",
    "Problem",
    "RowOutcome",
    "import_twinnings",
    "validate",
]

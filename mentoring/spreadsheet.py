"""CSV files that are safe to open in a spreadsheet.

Every CSV the app produces is written by `write_csv`. A text cell starting with `=`, `+`,
`-`, `@`, tab or carriage return would be run as a formula by Excel, LibreOffice or Google
Sheets (OWASP "CSV injection"), so it gets a leading apostrophe, which spreadsheets read
as "this is text". Numbers the app computes (counts, averages) are written as they are.

`spreadsheet_value` is the exact inverse for files that come back (the people import): an
export adds an apostrophe before any run of apostrophes followed by one of those
characters, so the import removes one apostrophe from exactly such values. A name that
really is `'=x` therefore leaves as `''=x` and comes back as `'=x`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Protocol

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _looks_escaped_or_formula(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_TRIGGERS)


def spreadsheet_cell(value: Any) -> Any:
    """`value` as a cell no spreadsheet will evaluate."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = "" if value is None else str(value)
    return "'" + text if _looks_escaped_or_formula(text) else text


def spreadsheet_value(text: str) -> str:
    """Undo `spreadsheet_cell` on a cell read back from a CSV file."""
    if text.startswith("'") and _looks_escaped_or_formula(text):
        return text[1:]
    return text


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def write_csv(stream: _Writable, rows: Iterable[Iterable[Any]]) -> None:
    """Write `rows` (the first is the header) with every cell made spreadsheet-safe."""
    writer = csv.writer(stream)
    for row in rows:
        writer.writerow([spreadsheet_cell(value) for value in row])

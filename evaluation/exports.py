"""Downloads that can be large: written and sent a piece at a time."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse

from mentoring.spreadsheet import write_csv

CHUNK = 16_384  # characters gathered before a piece is sent


def csv_chunks(rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """`rows` as CSV text, every cell spreadsheet-safe (`write_csv`), in pieces of about CHUNK."""
    buffer = io.StringIO()
    for row in rows:
        write_csv(buffer, [row])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def csv_streaming_response(rows: Iterable[Iterable[Any]], filename: str) -> StreamingHttpResponse:
    """A downloadable CSV of `rows` (the first row is the header), sent while it is produced:
    neither the rows nor the file are held in memory whole."""
    response = StreamingHttpResponse(csv_chunks(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

"""Every CSV the product writes, one way: a UTF-8 byte order mark first, then the rows, each
cell safe to open in a spreadsheet. Streamed row by row for a download (audit log,
compliance matrix, EVV visits, reports), or as one file for a background export.

The mark is what tells Excel on Windows the file is UTF-8: without it, it reads the bytes in
the machine's code page and "Peña" opens as "PeÃ±a". Python reads it back with "utf-8-sig"
(as the CSV imports do), which drops it."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

# U+FEFF, written once at the very start (three bytes in UTF-8: EF BB BF).
BOM = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"


class _Echo:
    def write(self, value):
        return value


def safe_cell(value):
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a quote.
    Entries hold text typed by anyone (a failed sign-in's email, a browser name)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_lines(rows: Iterable, *, header: list[str]) -> Iterator[str]:
    """The CSV's text line by line: the mark and the header first, then one line per row
    (read as they come, so an export of millions of entries never sits in memory)."""
    writer = csv.writer(_Echo())
    yield BOM + writer.writerow([safe_cell(str(h)) for h in header])
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def csv_bytes(rows: Iterable, *, header: list[str]) -> bytes:
    """The same file as csv_response streams, byte for byte, as one piece (to store)."""
    return "".join(csv_lines(rows, header=header)).encode("utf-8")


def csv_response(rows, *, header: list[str], filename: str) -> StreamingHttpResponse:
    """A CSV download streamed row by row."""
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(rows, header=header)), content_type=CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

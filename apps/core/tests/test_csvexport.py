"""The one CSV writer: a UTF-8 byte order mark first (Excel on Windows reads the file as
UTF-8 only with it), formulas defused, the same bytes streamed or stored."""

import codecs
import csv
import io

from apps.core import csvexport

ROWS = [["Peña, José", "=SUM(A1)", 3], ["Zoë", "+1", None]]


def _streamed(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_csv_starts_with_one_bom_and_reads_back_exactly_with_utf_8_sig():
    data = csvexport.csv_bytes(iter(ROWS), header=["Name", "Note", "Hours"])
    assert data.startswith(codecs.BOM_UTF8) and data.count(codecs.BOM_UTF8) == 1
    assert not data[len(codecs.BOM_UTF8) :].startswith(codecs.BOM_UTF8)
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert lines == [["Name", "Note", "Hours"], ["Peña, José", "'=SUM(A1)", "3"], ["Zoë", "'+1", ""]]


def test_the_streamed_download_is_the_stored_file_byte_for_byte():
    response = csvexport.csv_response(iter(ROWS), header=["Name", "Note", "Hours"], filename="people.csv")
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="people.csv"'
    assert _streamed(response) == csvexport.csv_bytes(iter(ROWS), header=["Name", "Note", "Hours"])


def test_an_empty_export_is_still_marked_and_a_header_cannot_be_a_formula():
    # Headers can hold names admins typed (the compliance matrix's certification types).
    data = csvexport.csv_bytes([], header=["@cmd", "Día"])
    assert data == codecs.BOM_UTF8 + "'@cmd,Día\r\n".encode()

"""What a file is, from its first bytes, never from its name or the browser's word.

Only the kinds an agency stores are recognized (photos, PDFs, office documents, plain text
and CSV); programs and scripts are named as such so the refusal can say so.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

HEAD = 8192  # how much of the start is read to decide
MARKUP = ("<!doctype html", "<html", "<script", "<svg", "<iframe", "<body", "<object", "<embed")


@dataclass(frozen=True)
class Kind:
    mime: str
    label: StrOrPromise  # lazy translation, for messages
    extension: str


JPEG = Kind("image/jpeg", _("a JPEG image"), "jpg")
PNG = Kind("image/png", _("a PNG image"), "png")
GIF = Kind("image/gif", _("a GIF image"), "gif")
WEBP = Kind("image/webp", _("a WebP image"), "webp")
HEIC = Kind("image/heic", _("a HEIC photo"), "heic")
PDF = Kind("application/pdf", _("a PDF"), "pdf")
DOCX = Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _("a Word document"), "docx")
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _("an Excel workbook"), "xlsx")
PPTX = Kind("application/vnd.openxmlformats-officedocument.presentationml.presentation", _("a PowerPoint file"), "pptx")
ODT = Kind("application/vnd.oasis.opendocument.text", _("an OpenDocument text"), "odt")
ODS = Kind("application/vnd.oasis.opendocument.spreadsheet", _("an OpenDocument spreadsheet"), "ods")
DOC = Kind("application/msword", _("a Word 97-2003 document"), "doc")
XLS = Kind("application/vnd.ms-excel", _("an Excel 97-2003 workbook"), "xls")
CSV = Kind("text/csv", _("a CSV file"), "csv")
TEXT = Kind("text/plain", _("a text file"), "txt")
ZIP = Kind("application/zip", _("a ZIP archive"), "zip")
PROGRAM = Kind("application/x-executable", _("a program"), "")
SCRIPT = Kind("text/x-script", _("a script"), "")
HTML = Kind("text/html", _("a web page"), "html")
UNKNOWN = Kind("application/octet-stream", _("a file of unknown type"), "")

IMAGES = frozenset(k.mime for k in (JPEG, PNG, GIF, WEBP, HEIC))
DOCUMENTS = IMAGES | frozenset(k.mime for k in (PDF, DOCX, XLSX, PPTX, ODT, ODS, DOC, XLS, CSV, TEXT))
BY_MIME = {
    k.mime: k
    for k in (JPEG, PNG, GIF, WEBP, HEIC, PDF, DOCX, XLSX, PPTX, ODT, ODS, DOC, XLS, CSV, TEXT, ZIP, PROGRAM, HTML)
}


# The extensions a kind's files may carry; downloads get the kind's own otherwise, so a
# text file named "update.bat" reaches a colleague's disk as "update.bat.txt".
EXTENSIONS = {
    "image/jpeg": {"jpg", "jpeg"},
    "image/heic": {"heic", "heif"},
    "application/msword": {"doc", "dot"},
    "application/vnd.ms-excel": {"xls", "xlt"},
    "text/plain": {"txt", "text", "log", "md"},
    "text/csv": {"csv"},
}


def safe_name(name: str, mime: str) -> str:
    """The name with an extension that matches what the file is."""
    kind = BY_MIME.get(mime)
    if kind is None or not kind.extension:
        return name
    allowed = EXTENSIONS.get(mime, {kind.extension})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return name if extension in allowed else f"{name}.{kind.extension}"


def detect(head: bytes, filename: str = "") -> Kind:
    """The kind of file whose first bytes are `head` (HEAD bytes, or all of a small file).
    The name only picks between kinds the bytes cannot tell apart (CSV or text; the
    legacy Office formats)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"heif"):
        return HEIC
    if head.startswith(b"%PDF-"):
        return PDF
    if (
        head[:4] in (b"MZ\x90\x00", b"\x7fELF")
        or head[:2] == b"MZ"
        or head[:4]
        in (
            b"\xfe\xed\xfa\xce",
            b"\xfe\xed\xfa\xcf",
            b"\xcf\xfa\xed\xfe",
            b"\xce\xfa\xed\xfe",
            b"\xca\xfe\xba\xbe",
        )
    ):
        return PROGRAM
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(head)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # OLE2 holds the 97-2003 Office formats, and also installers (.msi) and others:
        # only the two document kinds, named as such, are taken for documents.
        if extension in ("xls", "xlt"):
            return XLS
        return DOC if extension in ("doc", "dot") else UNKNOWN
    return _text_kind(head, extension)


def _zip_kind(head: bytes) -> Kind:
    # OpenDocument stores its type uncompressed as the first entry, "mimetype".
    if head[30:38] == b"mimetype":
        mime = head[38:120].split(b"PK", 1)[0].decode("ascii", "replace").strip()
        return BY_MIME.get(mime, ZIP)
    # Office Open XML: the part names of the first entries say which application wrote it.
    for marker, kind in ((b"word/", DOCX), (b"xl/", XLSX), (b"ppt/", PPTX)):
        if marker in head:
            return kind
    return ZIP


def _text_kind(head: bytes, extension: str) -> Kind:
    if b"\x00" in head:
        return UNKNOWN
    try:
        # Not final: a multi-byte character may be cut at the end of the sample.
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < HEAD)
    except UnicodeDecodeError:
        return UNKNOWN
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith("#!"):
        return SCRIPT
    # Markup anywhere near the start: a browser would render it as a page.
    if start.startswith("<?xml") or any(tag in start[:2048] for tag in MARKUP):
        return HTML
    return CSV if extension == "csv" else TEXT

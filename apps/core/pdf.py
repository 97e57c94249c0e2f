"""PDF documents rendered from templates with WeasyPrint.

PDF templates carry their own styles and images as data URLs. WeasyPrint's fetcher is
replaced by one that refuses everything else but the vendored font files (static/fonts/, read
from disk), so rendering never reaches the network (not even this server: a PDF made inside a
request must not wait on another request).
"""

from __future__ import annotations

import atexit
import gc
import shutil
import threading
import weakref
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from django.http import HttpResponse
from django.template.loader import render_to_string

_local = threading.local()
_paused = 0
_paused_lock = threading.Lock()
_was_enabled = True


UA_STYLESHEET = Path(__file__).with_name("pdf_ua.css")
# The self-hosted web fonts (apps/tenants/theme.py FONT_FILES): the only files a PDF may read.
FONT_DIR = Path(__file__).resolve().parent.parent.parent / "static" / "fonts"


def font_file_url(relative: str) -> str:
    """A vendored font's file:// URL, for a PDF template's @font-face. A stable URL matters:
    WeasyPrint keys the faces it has loaded into a font configuration by their rule, so the
    thread's kept configuration (_font_config) decodes each file once, not once a document."""
    return (FONT_DIR / relative).as_uri()


def render_pdf(*, template: str, context: dict, request=None) -> bytes:
    html = render_to_string(template, context, request=request)
    with _collector_paused():
        return _html_class()(string=html, base_url=None, url_fetcher=_fetcher()).write_pdf(font_config=_font_config())


@cache
def _html_class():
    """WeasyPrint's HTML with our user-agent stylesheet (see pdf_ua.css for why).

    `_ua_stylesheets` is WeasyPrint's own hook for the sheet, not public API; WeasyPrint is
    pinned in requirements.txt, and test_pdf.py fails if an upgrade drops the hook.
    Imported on first use: WeasyPrint loads Pango and the fonts."""
    from weasyprint import CSS, HTML

    sheets = [CSS(string=UA_STYLESHEET.read_text(encoding="utf-8"))]

    class PdfHTML(HTML):
        def _ua_stylesheets(self, forms=False):
            return sheets

    return PdfHTML


def _font_config():
    """One Fontconfig/Pango font map per thread, kept between documents.

    A new one per document reloads the system font configuration and starts Pango's font and
    shaping caches cold. Pango objects are not safe to share between threads, hence one each.
    Templates declare @font-face only for the vendored fonts, at fixed file URLs, so what the
    configuration holds stops growing once each face has been used.
    """
    config = getattr(_local, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _local.font_config = FontConfiguration()
        atexit.register(_drop_font_files, weakref.ref(config))
    return config


def _drop_font_files(config_ref) -> None:
    """Remove the decoded fonts' temporary folder at exit. WeasyPrint's own __del__ does, but a
    configuration kept for the thread's life reaches it at interpreter shutdown, when the
    functions it calls are gone: the folder would stay in /tmp after each process."""
    config = config_ref()
    folder = getattr(config, "_folder", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        config._folder = None


@contextmanager
def _collector_paused():
    """Laying out a long document builds hundreds of thousands of short-lived boxes, and the
    cyclic collector would walk the whole process heap again and again while it does (about
    a sixth of the time of a 10-page plan). Paused while any thread renders; reference
    counting still frees everything, and the collector runs as usual afterwards."""
    global _paused, _was_enabled
    with _paused_lock:
        _paused += 1
        if _paused == 1:
            _was_enabled = gc.isenabled()
            gc.disable()
    try:
        yield
    finally:
        with _paused_lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


def _fetcher():
    """WeasyPrint's own fetcher, limited to data: URLs (the templates' inline images) and the
    vendored woff2 files; anything else is refused and left out of the document. WeasyPrint 70
    takes a URLFetcher (it reads the fetcher's settings when a fetch fails), not a bare
    function. A new one per document: it keeps the request it is fetching."""
    return _fetcher_class()(allowed_protocols={"data", "file"})


@cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class FontsAndDataFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url[:5].lower() == "file:" and not _is_vendored_font(url):
                raise ValueError(f"PDF templates read no files but the vendored fonts: {url}")
            return super().fetch(url, headers)

    return FontsAndDataFetcher


def _is_vendored_font(url: str) -> bool:
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost") or parts.query or parts.fragment:
        return False
    # Resolved: no "..", no symlink, leads out of the fonts directory.
    path = Path(unquote(parts.path)).resolve()
    return path.suffix == ".woff2" and path.is_relative_to(FONT_DIR) and path.is_file()


def pdf_response(pdf: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def logo_data_url(organization) -> str:
    """The organization's logo inline (a data URL), as every branded PDF prints it: the
    renderer fetches nothing. Empty when there is no logo or it cannot be read."""
    import base64
    import mimetypes

    logo = getattr(organization, "logo", None)
    if not logo:
        return ""
    try:
        with logo.open("rb") as handle:
            data = handle.read(2 * 1024 * 1024)
    except (OSError, ValueError):
        return ""
    mime = mimetypes.guess_type(logo.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"

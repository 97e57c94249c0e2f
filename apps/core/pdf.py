"""PDF documents rendered from templates with WeasyPrint.

PDF templates carry their own styles and images as data URLs. WeasyPrint's fetcher is
replaced by one that refuses everything else, so rendering never reaches the network (not
even this server: a PDF made inside a request must not wait on another request).
"""

from __future__ import annotations

import gc
import threading
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
    Templates declare no @font-face, so what the configuration holds does not grow.
    """
    config = getattr(_local, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _local.font_config = FontConfiguration()
    return config


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
    """WeasyPrint's own fetcher, limited to data: URLs (the templates' inline images);
    anything else is refused and left out of the document. WeasyPrint 70 takes a URLFetcher
    (it reads the fetcher's settings when a fetch fails), not a bare function. A new one per
    document: it keeps the request it is fetching."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"})


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

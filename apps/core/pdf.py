"""PDF documents rendered from templates with WeasyPrint.

PDF templates carry their own styles and images as data URLs. WeasyPrint's fetcher is
replaced by one that refuses everything else, so rendering never reaches the network (not
even this server: a PDF made inside a request must not wait on another request).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.template.loader import render_to_string


def render_pdf(*, template: str, context: dict, request=None) -> bytes:
    from weasyprint import HTML  # imported on first use: it loads Pango and fonts

    html = render_to_string(template, context, request=request)
    return HTML(string=html, base_url=None, url_fetcher=_refuse).write_pdf()


def _refuse(url: str, *args, **kwargs):
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"PDF templates may not load {url!r}")


def pdf_response(pdf: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

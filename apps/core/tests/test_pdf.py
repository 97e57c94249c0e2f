"""PDF rendering keeps its font configuration per thread, pauses the cyclic collector only
while it lays a document out, and lays documents out with a lean user-agent stylesheet that
gives the same pages as WeasyPrint's own."""

import gc
import io
import re
import threading

import pytest
from django.conf import settings
from pypdf import PdfReader

from apps.core import pdf


def _render(title: str) -> bytes:
    return pdf.render_pdf(
        template="audit/access_report_pdf.html",
        context={"organization": None, "title": title, "summary": [], "entries": []},
    )


def test_a_pdf_renders_and_the_collector_runs_again_afterwards():
    assert gc.isenabled()
    document = _render("Care plan 42")
    assert "Who accessed Care plan 42" in PdfReader(io.BytesIO(document)).pages[0].extract_text()
    assert gc.isenabled()


def test_the_collector_is_back_after_a_failed_render():
    with pytest.raises(RuntimeError), pdf._collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("layout failed")
    assert gc.isenabled()


def test_a_collector_someone_else_switched_off_stays_off():
    gc.disable()
    try:
        with pdf._collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_renders_switch_the_collector_back_on_only_when_the_last_ends():
    with pdf._collector_paused():
        with pdf._collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_one_font_configuration_per_thread_kept_between_documents():
    _render("first")
    mine = pdf._font_config()
    _render("second")
    assert pdf._font_config() is mine
    theirs = []
    thread = threading.Thread(target=lambda: theirs.append(pdf._font_config()))
    thread.start()
    thread.join()
    assert theirs[0] is not mine


def test_weasyprint_still_asks_the_html_class_for_its_user_agent_stylesheet():
    """The lean stylesheet goes in through WeasyPrint's private `_ua_stylesheets`; an upgrade
    that stops calling it would silently bring the full sheet back."""
    asked = []

    class Spy(pdf._html_class()):
        def _ua_stylesheets(self, forms=False):
            asked.append(forms)
            return super()._ua_stylesheets(forms)

    Spy(string="<p>hello</p>").write_pdf()
    assert asked


def test_every_element_a_pdf_template_uses_has_its_defaults_in_the_pdf_stylesheet():
    import tinycss2

    sheet = tinycss2.parse_stylesheet(pdf.UA_STYLESHEET.read_text(), skip_comments=True, skip_whitespace=True)
    styled = {
        token.value
        for rule in sheet
        if rule.type == "qualified-rule"
        for token in rule.prelude
        if token.type == "ident"
    }
    templates = sorted((settings.BASE_DIR / "templates").glob("**/*_pdf.html"))
    assert len(templates) >= 2
    for template in templates:
        used = set(re.findall(r"<([a-z][a-z0-9]*)", template.read_text()))
        assert used <= styled, f"{template.name} uses {sorted(used - styled)}: add their defaults to pdf_ua.css"


def test_the_lean_stylesheet_lays_a_report_out_as_weasyprint_own_would(monkeypatch):
    from weasyprint import HTML

    entries = [
        {"timestamp": None, "actor_label": f"person{i}@example.org", "event_label": "Viewed", "remote_addr": ""}
        for i in range(80)
    ]
    context = {"organization": None, "title": "Care plan 42", "summary": [], "entries": entries, "truncated": True}

    def layout(document: bytes) -> list[str]:
        return [page.extract_text(extraction_mode="layout") for page in PdfReader(io.BytesIO(document)).pages]

    lean = layout(pdf.render_pdf(template="audit/access_report_pdf.html", context=context))
    monkeypatch.setattr(pdf, "_html_class", lambda: HTML)
    full = layout(pdf.render_pdf(template="audit/access_report_pdf.html", context=context))
    assert len(lean) > 1 and lean == full

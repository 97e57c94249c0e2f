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


# Every element pdf_ua.css names, where HTML lets it stand, nested lists included.
EVERY_ELEMENT = """<!doctype html><html><head><title>t</title><meta charset="utf-8"><link rel="x">
<style>p { color: #111 }</style><script></script><template></template></head><body>
<header><h1>h1</h1><h2>h2</h2><h3>h3</h3><h4>h4</h4></header><main><section><div hidden>no</div>
<p>line<br>break <b>b</b> <strong>s</strong> <i>i</i> <em>e</em> <small>s</small> <img alt=""></p>
<dl><dt>t</dt><dd>d<dl><dt>inner</dt><dd>d</dd></dl></dd></dl>
<ul><li>a<ul><li>b<ol><li>c<ul><li>d</li></ul></li></ol></li></ul></li></ul><ol><li>e</li></ol>
<table><caption>c</caption><colgroup><col></colgroup><thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr></tbody>
<tfoot><tr><td>f</td></tr></tfoot></table></section></main><footer>f</footer></body></html>"""


def _elements_named_in(sheet_text: str) -> set[str]:
    import tinycss2

    named = set()
    for rule in tinycss2.parse_stylesheet(sheet_text, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        after_colon = False  # `br::before`: `before` names a pseudo-element, not an element
        for token in rule.prelude:
            if token.type == "ident" and not after_colon:
                named.add(token.value)
            after_colon = token.type == "literal" and token.value == ":"
    return named


def _computed_styles(html_class, source: str) -> list:
    """Every property of every element and of its ::before, ::after and ::marker, in document
    order. (WeasyPrint's sheet also styles ::footnote-* and ::note-* on every element; those
    make boxes only for `float: footnote`, which no PDF template uses.)"""
    from weasyprint.css import get_all_computed_styles
    from weasyprint.css.properties import INITIAL_VALUES

    document = html_class(string=source)
    style_for = get_all_computed_styles(document)
    result = []
    for wrapper in document.wrapper_element.iter_subtree():
        for pseudo in (None, "before", "after", "marker"):
            style = style_for(wrapper.etree_element, pseudo)
            if style is not None:
                result.append((wrapper.etree_element.tag, pseudo, {name: style[name] for name in INITIAL_VALUES}))
    return result


def test_every_element_the_pdf_stylesheet_names_computes_as_under_weasyprint_own():
    from weasyprint import HTML

    used = set(re.findall(r"<([a-z][a-z0-9]*)", EVERY_ELEMENT))
    assert used == _elements_named_in(pdf.UA_STYLESHEET.read_text())
    lean, full = _computed_styles(pdf._html_class(), EVERY_ELEMENT), _computed_styles(HTML, EVERY_ELEMENT)
    assert len(lean) == len(full) > len(used)
    for mine, theirs in zip(lean, full, strict=True):
        differ = [(name, value, theirs[2][name]) for name, value in mine[2].items() if value != theirs[2][name]]
        assert mine == theirs, (mine[:2], differ)


def test_pdf_templates_use_only_elements_the_pdf_stylesheet_names():
    named = _elements_named_in(pdf.UA_STYLESHEET.read_text())
    templates = sorted((settings.BASE_DIR / "templates").glob("**/*_pdf.html"))
    assert len(templates) >= 2
    for template in templates:
        used = set(re.findall(r"<([a-z][a-z0-9]*)", template.read_text()))
        missing = sorted(used - named)
        assert not missing, f"{template.name} uses {missing}: add WeasyPrint's rules for them to pdf_ua.css"


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

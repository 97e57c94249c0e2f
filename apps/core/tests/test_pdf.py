"""PDF rendering keeps its font configuration per thread and pauses the cyclic collector only
while it lays a document out."""

import gc
import io
import threading

import pytest
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

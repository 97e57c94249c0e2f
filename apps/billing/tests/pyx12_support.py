"""pyx12's verdict on the X12 files we write (837P) and read (835), for the tests."""

from __future__ import annotations

import io
import json
import logging

import pyx12.params
import pyx12.x12n_document


def pyx12_errors(content: str) -> tuple[bool, str]:
    """pyx12's verdict on the file and its errors (its JSON error report) to print."""
    param = pyx12.params.params()
    param.set("charset", "E")
    report = io.StringIO()
    ok = pyx12.x12n_document.x12n_document(param, io.StringIO(content), io.StringIO(), None, fd_json=report)
    return ok, report.getvalue()


def assert_valid(content: str) -> None:
    ok, report = pyx12_errors(content)
    errors = messages(report)
    assert ok and not errors, "pyx12 refused the file:\n" + "\n".join(errors or [report]) + "\n" + content


def messages(report: str) -> list[str]:
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "errors" and isinstance(value, list):
                    found.extend(json.dumps(error) for error in value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(report) if report.strip() else {})
    return found


def pyx12_errors_835(content: str) -> tuple[bool, list[str]]:
    """pyx12's verdict and the errors it logged. No 999 asked for: pyx12 builds its AK2 from
    ST03, which the 835 map marks as not used, and fails on a valid file."""
    seen: list[str] = []
    handler = logging.Handler(logging.ERROR)
    handler.emit = lambda record: seen.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("pyx12")
    logger.addHandler(handler)
    try:
        valid = pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(content), None, None)
    finally:
        logger.removeHandler(handler)
    return valid, seen

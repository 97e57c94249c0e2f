"""One way to write dates and times per language, on every page and PDF (FORMAT_MODULE_PATH):
"Dec 5, 2026" and "4:21 PM" in English, "5 dic 2026" and "16:21" in Spanish. Machine-facing
values (form inputs, URLs, CSV, X12, ICS) stay ISO and do not use these."""

from django.utils.translation import get_language

# Django has no format name for a time to the second (audit trails need it).
_SECONDS = {"en": "g:i:s A", "es": "H:i:s"}


def time_with_seconds_format() -> str:
    return _SECONDS.get((get_language() or "en")[:2], _SECONDS["en"])

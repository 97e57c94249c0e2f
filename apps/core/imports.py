"""CSV imports with a dry run: every row checked by a form first, every problem listed by
line, and then all rows saved in one transaction or none. Clients and staff use it."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_ROWS = 5000


class CsvUploadForm(forms.Form):
    """The file on the first step; its text, carried in the page, on the confirming one."""

    file = forms.FileField(label=gettext_lazy("CSV file"), required=False)
    content = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > 2 * 1024 * 1024:
                raise forms.ValidationError(_("The file is larger than 2 MB; split it."))
            try:
                data["content"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(_("Save the file as UTF-8 CSV.")) from exc
        if not data.get("content"):
            raise forms.ValidationError(_("Choose a CSV file."))
        return data


def run_import(
    *,
    content: str,
    required: list[str],
    form_for: Callable[[dict], forms.Form],
    prepare: Callable[[dict], list[str]] | None = None,
    unique: str = "",
    save: Callable[[forms.Form], None],
    apply: bool,
) -> dict:
    """{"rows", "errors": [(line, [messages])], "created"}. `prepare` may rewrite a row and
    returns its own problems; `unique` names a column whose values must differ between rows."""
    reader = csv.DictReader(io.StringIO(content))
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        return {"rows": 0, "errors": [(1, [_("This is not a CSV file: %(error)s") % {"error": exc}])], "created": 0}
    missing = [c for c in required if c not in header]
    if missing:
        return {
            "rows": 0,
            "errors": [(1, [_("Missing columns: %(names)s") % {"names": ", ".join(missing)}])],
            "created": 0,
        }
    checked: list = []
    errors: list = []
    seen: dict[str, int] = {}
    try:
        raw_rows = list(reader)
    except csv.Error as exc:
        return {
            "rows": 0,
            "errors": [(reader.line_num, [_("This line cannot be read: %(error)s") % {"error": exc}])],
            "created": 0,
        }
    for line, raw in enumerate(raw_rows, start=2):
        if line - 1 > MAX_ROWS:
            errors.append((line, [_("At most %(count)d rows per import.") % {"count": MAX_ROWS}]))
            break
        problems = []
        if None in raw:  # more cells than the header has columns
            problems.append(_("This row has more cells than the header has columns."))
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if isinstance(k, str)}
        problems += prepare(row) if prepare else []
        form = form_for(row)
        if not form.is_valid():
            for field, messages in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                problems += [f"{label}: {m}" if label else str(m) for m in messages]
        value = row.get(unique, "").upper() if unique else ""
        if value:
            if value in seen:
                problems.append(_("Same %(column)s as line %(line)d.") % {"column": unique, "line": seen[value]})
            seen[value] = line
        if problems:
            errors.append((line, problems))
        checked.append((line, form))
    result = {"rows": len(checked), "errors": errors, "created": 0}
    if errors:
        return result
    # The rows go through the real save even on a dry run (then rolled back), so the preview
    # finds what only the save checks: duplicates, rules across records.
    try:
        with transaction.atomic():
            for line, form in checked:
                try:
                    with transaction.atomic():
                        save(form)
                except ValidationError as exc:
                    errors.append((line, exc.messages))
                except IntegrityError:
                    errors.append((line, [_("This row clashes with a record saved at the same time.")]))
            if errors or not apply:
                raise _Rollback
            result["created"] = len(checked)
    except _Rollback:
        result["created"] = 0
    return result


class _Rollback(Exception):
    """Leaves the import's transaction without keeping anything."""

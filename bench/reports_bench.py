"""A client roster of the bench's 10,000 clients as XLSX (the target is 3 s), built as a person's
export is: over the in-request threshold, so by the background task's own code, run here in
process: the query, the workbook, storing it through the files app and telling the person. Also
the parts alone (the rows, the workbook) and the CSV of the same rows.

Run by bench/run.py in its own process against the bench database; prints one JSON line.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starline.settings")
django.setup()

from apps.accounts.models import User  # noqa: E402
from apps.reports import catalog, exports, services, tasks  # noqa: E402
from apps.reports.models import Export  # noqa: E402
from apps.tenants.models import Organization  # noqa: E402

RUNS = 3


def _median(runs: list[float]) -> float:
    return round(statistics.median(runs), 2)


def main() -> None:
    organization = Organization.objects.get(subdomain="sunrise")
    report = catalog.CLIENT_ROSTER
    with organization:
        admin = User.objects.get(email="admin@sunrise.test")
        form = report.form({})
        assert form.is_valid(), form.errors
        whole, rows_s, xlsx_s, csv_s = [], [], [], []
        count = 0
        for _run in range(RUNS):
            start = time.perf_counter()
            rows = report.rows(form.cleaned_data)
            rows_s.append(time.perf_counter() - start)
            count = len(rows)
            start = time.perf_counter()
            exports.xlsx_bytes(report, rows, report.totals(rows))
            xlsx_s.append(time.perf_counter() - start)
            start = time.perf_counter()
            exports.csv_bytes(report, rows, report.totals(rows))
            csv_s.append(time.perf_counter() - start)
            export = services.export_queue(
                user=admin, report=report, filters=form.cleaned_data, format=Export.Format.XLSX, row_count=count
            )
            start = time.perf_counter()
            outcome = tasks.export_build(str(export.pk))
            whole.append(time.perf_counter() - start)
            if outcome != "ready":
                raise SystemExit(f"the roster export ended {outcome!r}")
        stored = Export.objects.select_related("file").get(pk=export.pk).file
        assert stored is not None  # a ready export has its file
        size = stored.file_size
    print(
        json.dumps(
            {
                "report": report.slug,
                "rows": count,
                "xlsx_export_s": _median(whole),
                "xlsx_export_runs_s": [round(run, 2) for run in whole],
                "rows_s": _median(rows_s),
                "xlsx_s": _median(xlsx_s),
                "csv_s": _median(csv_s),
                "xlsx_bytes": size,
            }
        )
    )


if __name__ == "__main__":
    main()

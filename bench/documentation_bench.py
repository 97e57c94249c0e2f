"""Care documentation's own timings, on the bench database (bench/documentation_volume.py made
the data):

- a 60-field form built, validated and rendered, in the process (p95 of 200; target 50 ms);
- a 3-page submission PDF (median of 5; target 0.3 s); the run stops if it is not 3 pages;
- `manage.py verify_signatures` over the 100,000 signed submissions (target 30 s), which
  must exit 0.

Run by bench/run.py; prints one JSON line.
"""

import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "starline.settings")
django.setup()

from django.http import QueryDict  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from apps.documentation.answers import AnswersForm  # noqa: E402
from apps.documentation.models import FormSubmission, FormTemplate  # noqa: E402
from apps.tenants.models import Organization  # noqa: E402
from bench.documentation_volume import SUBMISSIONS, valid_post  # noqa: E402

PAGES = 3
# Long answers that fill three pages with the 60-field form.
LONG = "The person chose the activity, and staff offered two choices at each step. " * 2


def _post() -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in valid_post().items():
        if isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = str(value)
    return data


def form_times(structure: dict) -> list[float]:
    data = _post()
    times = []
    for _ in range(200):
        start = time.perf_counter()
        form = AnswersForm(structure, data)
        if not form.is_valid():
            raise SystemExit(f"the bench's 60-field post is not valid: {form.errors.as_text()[:500]}")
        form.answers  # noqa: B018  # what the view stores
        render_to_string("documentation/partials/_answers.html", {"form": form})
        times.append(time.perf_counter() - start)
    return times


def pdf_times(organization, submission: FormSubmission) -> tuple[int, list[float]]:
    from apps.documentation import printing

    answers = {}
    for key, value in valid_post().items():
        if key.startswith("a-"):
            answers[key[2:]] = LONG if key.endswith(("f0", "f1")) else value
    submission.submission_data = answers
    pdf = printing.submission_pdf(submission=submission, organization=organization)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    if pages != PAGES:
        raise SystemExit(f"the bench submission printed {pages} pages, not {PAGES}: adjust LONG")
    times = []
    for _ in range(5):
        start = time.perf_counter()
        printing.submission_pdf(submission=submission, organization=organization)
        times.append(time.perf_counter() - start)
    return pages, times


def verify_seconds(organization) -> float:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "manage.py", "verify_signatures", "--schema", organization.schema_name],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"verify_signatures failed on the bench data: {result.stdout[-500:]} {result.stderr[-500:]}")
    return seconds


def main() -> None:
    organization = Organization.objects.get(subdomain="sunrise")
    with organization:
        template = FormTemplate.objects.get(template_name="Bench: sixty questions")
        times = form_times(template.form_structure)
        submission = (
            FormSubmission.objects.select_related("form_template", "template_version", "staff", "client")
            .filter(form_template=template)
            .get()
        )
        pages, pdf = pdf_times(organization, submission)
    verify = verify_seconds(organization)
    ordered = sorted(times)
    print(
        json.dumps(
            {
                "form_60_fields_p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1),
                "form_60_fields_median_ms": round(statistics.median(times) * 1000, 1),
                "pdf_pages": pages,
                "pdf_median_s": round(statistics.median(pdf), 3),
                "pdf_runs_s": [round(t, 3) for t in pdf],
                "verify_signatures_s": round(verify, 1),
                "signed_submissions": SUBMISSIONS,
            }
        )
    )


if __name__ == "__main__":
    main()

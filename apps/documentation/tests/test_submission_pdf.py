"""A submission on paper: branded, every section and answer by its label (options, yes/no,
client and staff by name), the signatures with their signers (a voided one marked), the
content hash, and "Page x of y"."""

import io

import pytest
from pypdf import PdfReader

from apps.clients.tests.conftest import make_client
from apps.documentation import printing, services, signing
from apps.documentation.models import FormTemplate
from apps.documentation.tests.signing_factories import drawn, make_template, png_data_url, submitted, typed
from apps.staff.models import Staff
from conftest import person

STRUCTURE = {
    "sections": [
        {
            "key": "visit",
            "title": "The visit",
            "fields": [
                {"key": "summary", "type": "textarea", "label": "Summary"},
                {
                    "key": "mood",
                    "type": "select",
                    "label": "Mood",
                    "options": [{"value": "calm", "label": "Calm and settled"}, {"value": "upset", "label": "Upset"}],
                },
                {"key": "injury", "type": "yesno", "label": "Any injury"},
                {
                    "key": "injury_detail",
                    "type": "text",
                    "label": "Injury detail",
                    "show_if": {"field": "injury", "equals": "yes"},
                },
                {"key": "who", "type": "client", "label": "Client seen"},
                {"key": "with_staff", "type": "staff", "label": "Worked with"},
                {"key": "witness", "type": "signature", "label": "Witness signature"},
            ],
        },
        {
            "key": "next",
            "title": {"en": "Next steps", "es": "Próximos pasos"},
            "fields": [{"key": "plan", "type": "text", "label": "Plan"}],
        },
    ]
}


@pytest.fixture
def signed(org_a):
    client = make_client(org_a, first_name="Maria", last_name="Lopez")
    with org_a:
        staff = Staff.objects.create(
            employee_id="E-77", first_name="Priya", last_name="Shah", email="priya@alpha.test", hire_date="2024-01-01"
        )
        dsp, manager = person(org_a, "dsp"), person(org_a, "manager")
        template = services.template_create(
            actor=person(org_a, "admin"),
            template_name="Visit record",
            form_structure=STRUCTURE,
            requires_signature=True,
            requires_approval=True,
            signers=[FormTemplate.Signer.AUTHOR, FormTemplate.Signer.APPROVER],
        )
        submission = services.submission_start(template=template, author=dsp, client=client)
        answers = {
            "summary": "Cooked lunch together",
            "mood": "calm",
            "injury": "no",
            "injury_detail": "left over from a draft",
            "who": str(client.pk),
            "with_staff": str(staff.pk),
            "witness": png_data_url(),
            "plan": "Shopping on Friday",
        }
        services.submission_save(submission=submission, actor=dsp, answers=answers, submit=True, signature=drawn())
        services.submission_approve(submission=submission, actor=manager, signature=typed("Morgan Reyes"))
        submission.refresh_from_db()
        return submission


def text_of(org, submission) -> str:
    with org:
        pdf = printing.submission_pdf(submission=submission, organization=org)
    assert pdf.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_shows_every_answer_by_its_label_and_the_signers(org_a, signed):
    text = text_of(org_a, signed)
    assert "Alpha Community Living" in text and "Visit record" in text
    for shown in ("Cooked lunch together", "Calm and settled", "Any injury", "No", "Maria Lopez", "Priya Shah"):
        assert shown in text
    assert "Shopping on Friday" in text and "Next steps" in text
    # A field hidden by its condition is not printed, whatever was stored for it.
    assert "left over from a draft" not in text and "Injury detail" not in text
    assert "Dana Okafor" in text and "Morgan Reyes" in text and "The approver" in text
    with org_a:
        assert signing.content_hash(signed) in text.replace("\n", "")
    assert "Page 1 of 1" in text


def test_a_voided_signature_is_marked(org_a):
    template = make_template(org_a, signers=[FormTemplate.Signer.AUTHOR], requires_approval=True)
    submission = submitted(org_a, template)
    with org_a:
        services.submission_reject(submission=submission, actor=person(org_a, "manager"), reason="Add the time")
        submission.refresh_from_db()
    text = text_of(org_a, submission)
    assert "Voided" in text and "Dana Okafor" in text


def test_a_long_submission_runs_over_pages_numbered_x_of_y(org_a):
    with org_a:
        dsp = person(org_a, "dsp")
        template = services.template_create(
            actor=dsp,
            template_name="Long form",
            form_structure={
                "sections": [
                    {
                        "key": f"s{n}",
                        "title": f"Section {n}",
                        "fields": [
                            {"key": f"f{n}_{m}", "type": "textarea", "label": f"Question {n}.{m}"} for m in range(10)
                        ],
                    }
                    for n in range(8)
                ]
            },
        )
        submission = services.submission_start(template=template, author=dsp)
        answers = {f"f{n}_{m}": "An answer that takes a line or two. " * 3 for n in range(8) for m in range(10)}
        services.submission_save(submission=submission, actor=dsp, answers=answers, submit=True)
        submission.refresh_from_db()
    text = text_of(org_a, submission)
    assert "Page 1 of" in text and "Not signed." in text
    pages = int(text.split("Page 1 of ")[1].split()[0])
    assert pages > 1 and f"Page {pages} of {pages}" in text


def test_the_filename_names_the_form_the_client_and_the_day(org_a, signed):
    with org_a:
        name = printing.filename(signed)
    assert name.startswith("visit-record-") and signed.client.client_id in name and name.endswith(".pdf")


def test_the_pdf_prints_in_the_organizations_font(org_a, signed):
    from apps.core.tests.pdf_fonts import embeds, font_names

    org_a.font_family = "Roboto"
    with org_a:
        pdf = printing.submission_pdf(submission=signed, organization=org_a)
    assert embeds(pdf, "Roboto"), font_names(pdf)

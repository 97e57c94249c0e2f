"""Builders for the signature tests: a template with signers, a submitted form, a drawn PNG."""

from __future__ import annotations

import base64
import io

from PIL import Image, ImageDraw

from apps.documentation import services, signing
from apps.documentation.models import FormSubmission, FormTemplate
from conftest import person

STRUCTURE = {
    "sections": [
        {
            "key": "what",
            "title": "What happened",
            "fields": [
                {"key": "summary", "type": "textarea", "label": "Summary", "required": True},
                {
                    "key": "mood",
                    "type": "select",
                    "label": "Mood",
                    "options": [{"value": "calm", "label": "Calm and settled"}, {"value": "upset", "label": "Upset"}],
                },
                {"key": "injury", "type": "yesno", "label": "Any injury"},
            ],
        },
        {
            "key": "after",
            "title": "Follow-up",
            "fields": [{"key": "follow_up", "type": "text", "label": "Follow-up needed"}],
        },
    ]
}
ANSWERS = {"summary": "Walked to the park and back", "mood": "calm", "injury": "no", "follow_up": "None"}


def png_data_url(size: tuple[int, int] = (120, 40)) -> str:
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).line([(5, 30), (40, 8), (80, 32), (115, 10)], fill="black", width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def drawn(ip: str = "127.0.0.1") -> signing.SignatureInput:
    return signing.SignatureInput(
        method="drawn",
        data=png_data_url(),
        consent_text=str(signing.CONSENT_TEXT),
        agreed=True,
        ip_address=ip,
        user_agent="pytest",
    )


def typed(name: str) -> signing.SignatureInput:
    return signing.SignatureInput(
        method="typed", data=name, consent_text=str(signing.CONSENT_TEXT), agreed=True, ip_address="127.0.0.1"
    )


def make_template(organization, *, signers: list[str], requires_approval: bool = False) -> FormTemplate:
    with organization:
        return services.template_create(
            actor=person(organization, "admin"),
            template_name="Daily note",
            form_structure=STRUCTURE,
            form_type=FormTemplate.Type.PROGRESS_NOTE,
            requires_signature=bool(signers),
            requires_approval=requires_approval,
            signers=signers,
        )


def submitted(
    organization, template: FormTemplate, *, author: str = "dsp", answers: dict | None = None, client=None
) -> FormSubmission:
    """A submission sent in by `author` (signed by them when the template's first signer is
    the author)."""
    with organization:
        user = person(organization, author)
        submission = services.submission_start(template=template, author=user, client=client)
        first = template.signer_steps[:1]
        return services.submission_save(
            submission=submission,
            actor=user,
            answers=answers or ANSWERS,
            submit=True,
            signature=drawn() if first == [FormTemplate.Signer.AUTHOR] else None,
        )

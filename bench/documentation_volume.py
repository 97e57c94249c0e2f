"""The documentation bench's data, made by bench/prepare.py: a 60-field form (with a draft of
it for the bench's DSP) and 100,000 signed submissions spread over the bench's clients and
people, loaded with COPY. Each signature is made with the app's own hashing
(apps.documentation.signing), so `verify_signatures` must find every one intact."""

from __future__ import annotations

import datetime as dt
import io
import uuid

from django.db import connection
from django.utils import timezone

SUBMISSIONS = 100_000

TYPES = ["text", "textarea", "number", "date", "time", "select", "yesno", "rating", "checkbox", "multiselect"]
OPTIONS = [{"value": f"o{n}", "label": {"en": f"Option {n}", "es": f"Opción {n}"}} for n in range(1, 6)]


def sixty_fields() -> dict:
    """Six sections of ten fields, every kind a care form uses, a few conditional."""
    sections = []
    for s in range(6):
        fields = []
        for f in range(10):
            kind = TYPES[f]
            spec: dict = {
                "key": f"s{s}_f{f}",
                "type": kind,
                "label": {"en": f"Question {s}.{f}", "es": f"Pregunta {s}.{f}"},
            }
            spec["help"] = {"en": "Answer as observed during the visit.", "es": "Responda según lo observado."}
            if kind in ("select", "multiselect"):
                spec["options"] = OPTIONS
            if kind == "number":
                spec.update(min=0, max=1000, step=0.5)
            if kind == "rating":
                spec["max"] = 5
            if f in (0, 1, 2):
                spec["required"] = True
            if kind == "textarea":
                spec["show_if"] = {"field": f"s{s}_f6", "equals": "yes"}
            fields.append(spec)
        sections.append({"key": f"s{s}", "title": {"en": f"Part {s + 1}", "es": f"Parte {s + 1}"}, "fields": fields})
    return {"sections": sections}


def valid_post() -> dict[str, object]:
    """A complete answer to sixty_fields() as a browser posts it."""
    post: dict[str, object] = {"action": "submit"}
    for s in range(6):
        values: dict[str, object] = {
            "f0": "Observed and supported",
            "f1": "Long answer " * 20,
            "f2": "12.5",
            "f3": "2026-03-04",
            "f4": "09:30",
            "f5": "o2",
            "f6": "yes",
            "f7": "4",
            "f8": "on",
            "f9": ["o1", "o3"],
        }
        for f, value in values.items():
            post[f"a-s{s}_{f}"] = value
    return post


def make(organization) -> dict[str, str]:
    from apps.accounts.models import User
    from apps.clients.models import Client
    from apps.documentation import services, signing
    from apps.documentation.models import ElectronicSignature, FormSubmission, FormTemplate

    with organization:
        manager = User.objects.get(email=f"manager@{organization.subdomain}.test")
        dsp = User.objects.get(email=f"dsp@{organization.subdomain}.test")
        form = services.template_create(
            actor=manager, template_name="Bench: sixty questions", form_structure=sixty_fields()
        )
        draft = services.submission_start(template=form, author=dsp)
        note = services.template_create(
            actor=manager,
            template_name="Bench: shift note",
            form_type=FormTemplate.Type.PROGRESS_NOTE,
            requires_signature=True,
            form_structure={
                "sections": [
                    {
                        "key": "n",
                        "title": "Note",
                        "fields": [
                            {"key": "summary", "type": "textarea", "label": "Summary", "required": True},
                            {"key": "mood", "type": "rating", "label": "Mood", "max": 5},
                        ],
                    }
                ]
            },
        )
        version = note.versions.get()
        clients = list(Client.objects.values_list("pk", flat=True)[:2000])
        authors = list(User.objects.order_by("email").values_list("pk", "first_name", "last_name")[:200])
        start = timezone.now() - dt.timedelta(days=365)
        submissions = io.StringIO()
        signatures = io.StringIO()
        # Every one signed by its author, as a note that requires a signature is once submitted.
        statuses = ["submitted", "approved", "approved", "approved"]
        for i in range(SUBMISSIONS):
            pk = uuid.uuid4()
            when = start + dt.timedelta(minutes=5 * i)
            author = authors[i % len(authors)]
            status = statuses[i % len(statuses)]
            answers = {"summary": f"Visit {i}: supported with meals and a walk; calm and engaged.", "mood": 1 + i % 5}
            client = clients[i % len(clients)]
            submission = FormSubmission(
                pk=pk,
                form_template=note,
                template_version=version,
                client_id=client,
                service_date=when.date(),
                submission_data=answers,
                created_at=when,
            )
            submission.template_version = version
            name = f"{author[1]} {author[2]}".strip() or "Signer"
            signature = ElectronicSignature(
                id=uuid.uuid4(),
                form_submission_id=pk,
                step=1,
                signer_id=author[0],
                signer_name=name,
                signer_role="The author",
                method="typed",
                signature_data=name,
                signed_at=when,
                ip_address="10.0.0.1",
                user_agent="bench",
                consent_text=str(signing.CONSENT_TEXT),
                content_hash=signing.content_hash(submission),
            )
            signature.record_hash = signing.record_hash(signature, signing.GENESIS)
            submissions.write(
                "\t".join(
                    [
                        str(pk),
                        when.isoformat(),
                        when.isoformat(),
                        str(note.pk),
                        str(version.pk),
                        str(client),
                        str(author[0]),
                        _json(answers),
                        status,
                        when.isoformat(),
                        when.isoformat(),
                        when.date().isoformat(),
                        "f",
                        "",
                        signature.record_hash,
                    ]
                )
                + "\n"
            )
            signatures.write(
                "\t".join(
                    [
                        str(signature.id),
                        when.isoformat(),
                        when.isoformat(),
                        str(pk),
                        "1",
                        str(author[0]),
                        _text(name),
                        "The author",
                        "typed",
                        _text(name),
                        when.isoformat(),
                        "10.0.0.1",
                        "bench",
                        _text(signature.consent_text),
                        signature.content_hash,
                        signature.record_hash,
                    ]
                )
                + "\n"
            )
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(
                "COPY documentation_formsubmission (id, created_at, updated_at, form_template_id, template_version_id,"
                " client_id, staff_id, submission_data, status, submitted_at, locked_at, service_date, alerted,"
                " rejection_reason, signature_head) FROM STDIN"
            ) as copy:
                copy.write(submissions.getvalue())
            with raw.copy(
                "COPY documentation_electronicsignature (id, created_at, updated_at, form_submission_id, step,"
                " signer_id, signer_name, signer_role, method, signature_data, signed_at, ip_address, user_agent,"
                " consent_text, content_hash, record_hash) FROM STDIN"
            ) as copy:
                copy.write(signatures.getvalue())
        return {"form_object": str(draft.pk), "form_template": str(form.pk)}


def _json(value) -> str:
    import json

    return _text(json.dumps(value, ensure_ascii=False))


def _text(value: str) -> str:
    # COPY's text format: backslash, tab and newlines escaped.
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

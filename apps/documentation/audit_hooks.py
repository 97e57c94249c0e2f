"""The documentation app's models in the change log (see apps/audit/registry.py)."""

from __future__ import annotations

AUDITED: dict[str, dict] = {
    "documentation.FormTemplate": {},
    # Its structure is logged on the template, whose form_structure is the current version's.
    "documentation.FormTemplateVersion": {"exclude_fields": ["form_structure"]},
    # Answers are PHI like the client record; the log keeps that they changed, not a copy.
    "documentation.FormSubmission": {"mask_fields": ["submission_data"]},
    "documentation.ElectronicSignature": {"mask_fields": ["signature_data"]},
    # Only the token's hash is stored, and it is masked too.
    "documentation.SigningLink": {"mask_fields": ["token_hash"]},
}
EXEMPT: dict[str, str] = {
    "documentation.SubmissionEvent": "A submission's own history, written with each audited change to it.",
}

"""The billing app's models in the change log (see apps/audit/registry.py)."""

from __future__ import annotations

AUDITED: dict[str, dict] = {
    "billing.Payer": {},
    "billing.PayerRate": {},
    "billing.Coverage": {},
    "billing.ServiceAuthorization": {},
    "billing.BillableService": {},
    "billing.Claim": {},
    "billing.ClaimLine": {},
    # The file's text is kept on the row itself; the log records that it was made, not a copy.
    "billing.Interchange": {"exclude_fields": ["content"]},
}
EXEMPT: dict[str, str] = {
    "billing.ClaimEvent": "A claim's own history, written with each audited change to it.",
    "billing.ClaimAdjustment": "Written only by posting an 835, whose file and claim changes are logged.",
    "billing.BillingCounter": "Numbers drawn for control and claim numbers; nothing to review.",
}

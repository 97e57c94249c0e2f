"""Where a staff member's history is read (see apps/audit/naming.py): inside their own page."""

HISTORY_TABS = {"staff.staff": "staff:history"}

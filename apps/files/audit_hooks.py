"""The files app's models in the change log (see apps/audit/registry.py)."""

AUDITED: dict[str, dict] = {"files.File": {}, "files.FilePermission": {}}

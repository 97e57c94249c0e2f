"""The core app's models in the change log (see apps/audit/registry.py)."""

EXEMPT = {
    "core.TableVersion": "Change counters written by a database trigger; the changes themselves are logged.",
}

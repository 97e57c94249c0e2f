"""The tenants app's models in the change log (see apps/audit/registry.py and apps/audit/naming.py)."""

from django.utils.translation import gettext_lazy

from apps.tenants import settings_audit

AUDITED: dict[str, dict] = {"tenants.Organization": {}, "tenants.Domain": {}, "tenants.DeletedOrganization": {}}
NOT_IN_FILTER = {
    "tenants.organization": "The platform's; an organization's own settings are on its admin pages.",
    "tenants.domain": "The platform's.",
    "tenants.deletedorganization": "The platform's.",
}
VIEW_PERMISSIONS = {
    "tenants.organization": "audit.view_logentry",
    "tenants.domain": "audit.view_logentry",
    "tenants.deletedorganization": "audit.view_logentry",
}
# The settings page's values, one JSON field: one line per setting in the log.
EXPANDED = {("tenants.organization", "settings"): settings_audit.changes}
# django-tenants' own Domain fields carry no translated names.
FIELD_LABELS = {
    ("tenants.domain", "tenant"): gettext_lazy("organization"),
    ("tenants.domain", "is_primary"): gettext_lazy("primary domain"),
}

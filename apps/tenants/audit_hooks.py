"""The tenants app's models in the change log (see apps/audit/registry.py)."""

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

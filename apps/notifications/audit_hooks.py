"""The notifications app's models in the change log (see apps/audit/registry.py)."""

AUDITED: dict[str, dict] = {
    "notifications.NotificationPreference": {},
    "notifications.OrgEmailTemplate": {},
    "notifications.NotificationTemplate": {},
}
EXEMPT = {
    "notifications.Notification": "Messages about events logged where they happened; read marks change no record.",
    "notifications.Delivery": "Delivery bookkeeping of those messages (attempts, errors); no record data.",
    "notifications.JobRun": "Scheduled jobs' memory of what they already sent; no record data.",
}
VIEW_PERMISSIONS = {"notifications.notificationpreference": "accounts.view_user"}

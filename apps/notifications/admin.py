from django.contrib import admin

from apps.notifications.models import Delivery, OrgEmailTemplate


@admin.register(OrgEmailTemplate)
class OrgEmailTemplateAdmin(admin.ModelAdmin):
    list_display = ["template_type", "subject", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["template_type", "subject"]
    readonly_fields = ["variables"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Where admins see what did not arrive: failed deliveries and their last error."""

    list_display = ["notification", "channel", "status", "attempts", "sent_at", "created_at"]
    list_filter = ["status", "channel"]
    list_select_related = ["notification"]
    readonly_fields = ["notification", "channel", "status", "attempts", "last_error", "sent_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

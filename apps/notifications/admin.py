from django.contrib import admin

from apps.notifications.models import OrgEmailTemplate


@admin.register(OrgEmailTemplate)
class OrgEmailTemplateAdmin(admin.ModelAdmin):
    list_display = ["template_type", "subject", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["template_type", "subject"]
    readonly_fields = ["variables"]

"""The Django admin for files, for org admins: the same rights as the pages (the admin's
model permissions come from the role; uploading goes through the Files page, where bytes
are streamed, typed and encrypted)."""

from django.contrib import admin

from apps.files import selectors, services
from apps.files.models import File, FilePermission


class FilePermissionInline(admin.TabularInline):
    model = FilePermission
    extra = 0
    readonly_fields = ("user", "role", "permission_type", "granted_by", "granted_at")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(File)
class FileAdmin(admin.ModelAdmin):
    list_display = [
        "original_filename",
        "mime_type",
        "file_size",
        "uploaded_by",
        "uploaded_at",
        "deleted_at",
        "integrity_failed_at",
    ]
    list_filter = ["mime_type", "storage_provider"]
    list_select_related = ["uploaded_by"]
    search_fields = ["original_filename", "description", "uploaded_by__email"]
    fields = ["original_filename", "description"]
    readonly_fields = []
    inlines = [FilePermissionInline]

    def has_add_permission(self, request):
        return False

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return super().has_view_permission(request)
        return selectors.may(request.user, obj, selectors.READ)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return selectors.may(request.user, obj, selectors.WRITE)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        return selectors.may(request.user, obj, selectors.DELETE)

    def save_model(self, request, obj, form, change):
        services.file_update(file=obj, original_filename=obj.original_filename, description=obj.description)

    # Deleting here is the same soft delete as on the Files page: restorable for 30 days.
    def delete_model(self, request, obj):
        services.file_delete(file=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for file in queryset:
            services.file_delete(file=file, actor=request.user)

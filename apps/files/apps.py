from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "apps.files"
    label = "files"
    verbose_name = _("Files")

    def ready(self):
        from apps.core import jobs, navigation
        from apps.files import attachments
        from apps.files import jobs as file_jobs

        navigation.register(
            navigation.NavItem(
                key="files", label=_("Files"), url_name="files:list", permission="files.add_file", order=60
            )
        )
        jobs.register(file_jobs.PURGE)
        # A person's documents (ID, résumé, signed policies): the first record with a tab.
        attachments.register("accounts.user")

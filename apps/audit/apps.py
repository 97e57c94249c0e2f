import functools

from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def _ensure_partitions_after_migrate(sender, using="default", **kwargs):
    # Every migrate (make run, deploys) also makes sure the coming months exist.
    from django.apps import apps
    from django.conf import settings
    from django.db import connections

    if sender is not list(apps.get_app_configs())[-1]:
        return
    from apps.audit import services

    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f'"{connection.schema_name}".{services.TABLE}'])
        if cursor.fetchone()[0] is None:
            return
    if connection.schema_name == settings.TENANT_BASE_SCHEMA:
        services.template_partitions_keep(schema=connection.schema_name)
    else:
        services.partitions_ensure(schema=connection.schema_name)


def _command_in_context(execute):
    @functools.wraps(execute)
    def wrapper(self, *args, **options):
        from apps.audit import context

        name = self.__class__.__module__.rsplit(".", 1)[-1]
        with context.use(context.for_command(name)):
            return execute(self, *args, **options)

    return wrapper


def _connect_celery() -> None:
    from celery.signals import before_task_publish, task_postrun, task_prerun

    from apps.audit import context

    def add_headers(headers=None, **kwargs):
        if headers is not None:
            headers.update(context.task_headers())

    def enter(task=None, **kwargs):
        request = task.request
        sent = request.get(context.HEADER) or (request.headers or {}).get(context.HEADER)
        task._audit_token = context._current.set(context.for_task(task.name, sent))

    def leave(task=None, **kwargs):
        token = getattr(task, "_audit_token", None)
        if token is not None:
            context._current.reset(token)
            task._audit_token = None

    before_task_publish.connect(add_headers, weak=False, dispatch_uid="audit.task_headers")
    task_prerun.connect(enter, weak=False, dispatch_uid="audit.task_enter")
    task_postrun.connect(leave, weak=False, dispatch_uid="audit.task_leave")


class AuditConfig(AppConfig):
    name = "apps.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self):
        from django.core.management.base import BaseCommand

        from apps.audit import context, receivers, registry, services
        from apps.audit import home as audit_home
        from apps.core import access, home, navigation

        registry.register_all()
        access.register(services.access_record)
        access.register_actor(context.act_as)
        post_save.connect(receivers.mirror_auth_event, sender="accounts.AuthEvent", dispatch_uid="audit.auth_events")
        post_migrate.connect(_ensure_partitions_after_migrate, dispatch_uid="audit.partitions")
        if not getattr(BaseCommand.execute, "_audited", False):
            BaseCommand.execute = _command_in_context(BaseCommand.execute)
            BaseCommand.execute._audited = True
        _connect_celery()
        navigation.register(
            navigation.NavItem(
                key="audit", label=_("Audit log"), url_name="audit:log", permission="audit.view_logentry", order=95
            )
        )
        for panel in audit_home.PANELS:
            home.register(panel)

from celery import shared_task


@shared_task(name="apps.audit.tasks.audit_maintain")
def audit_maintain() -> dict:
    """Every schema: the coming months' partitions, then each organization's retention."""
    from apps.audit import maintenance

    return maintenance.maintain_all()


@shared_task(name="apps.audit.tasks.audit_anchor")
def audit_anchor() -> None:
    """Every schema's chain head recorded outside the database (`manage.py anchor_audit_chains`).
    Fails when any schema could not be anchored, so the failure shows where tasks are watched."""
    from django.core.management import call_command

    call_command("anchor_audit_chains", verbosity=0)

from celery import shared_task


@shared_task(name="apps.audit.tasks.audit_maintain")
def audit_maintain() -> dict:
    """Every schema: the coming months' partitions, then each organization's retention."""
    from apps.audit import maintenance

    return maintenance.maintain_all()

from celery import shared_task


@shared_task(name="apps.tenants.tasks.run_job_all")
def run_job_all(name: str) -> dict:
    """Beat's run of a scheduled job (apps.core.jobs): every organization, each in its own schema."""
    from apps.tenants import services

    return {organization.schema_name: done for organization, done in services.run_job_everywhere(name)}

from apps.tenants.management.commands.run_job import Command as RunJob


class Command(RunJob):
    help = "Email each person a summary of yesterday's unread notifications. Safe to run twice: nobody gets two."
    job_name = "digest.daily"

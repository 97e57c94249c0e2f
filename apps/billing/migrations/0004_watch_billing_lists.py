from django.db import migrations

from apps.core.versions import watch


class Migration(migrations.Migration):
    """The claims list and the review queue are kept pages (drawn once per change): every
    table they name is watched. One statement per operation, for Citus's workers."""

    dependencies = [("billing", "0003_billable_indexes_for_generation_and_review")]

    operations = [watch("billing_claim"), watch("billing_billableservice"), watch("billing_payer")]

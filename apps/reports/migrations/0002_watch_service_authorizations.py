"""The home's dashboard panels (apps.reports.dashboards) are kept rendered while their tables
stand still, and two of them count service authorizations: their table's writes change its
version too (apps.core.versions), so a new or edited authorization shows at once."""

from django.db import migrations

from apps.core.versions import watch


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial"), ("billing", "0004_watch_billing_lists")]

    operations = [watch("billing_serviceauthorization")]

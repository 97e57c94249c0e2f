"""The files of exports made before files had their own expiry get their export's date, so
the files app's download stops serving them at the same time as the export's link."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def copy_expiry(apps, schema_editor):
    Export = apps.get_model("reports", "Export")
    File = apps.get_model("files", "File")
    expiry = Export.objects.filter(file_id=OuterRef("pk"), expires_at__isnull=False).values("expires_at")[:1]
    File.objects.filter(
        pk__in=Export.objects.filter(file__isnull=False, expires_at__isnull=False).values("file_id")
    ).update(expires_at=Subquery(expiry))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_background_exports"),
        ("files", "0004_file_expires_at"),
    ]

    operations = [migrations.RunPython(copy_expiry, migrations.RunPython.noop)]

import uuid

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _

# field -> {value: label}. Django rebuilds this dict on every get_FOO_display() call, hashing
# each lazy label (a translation lookup apiece): 3 ms of a 25-row list page. Choices are
# fixed when the class is defined and labels stay lazy, so one dict per field serves every
# language.
_CHOICE_LABELS: dict = {}


class BaseModel(models.Model):
    """UUID primary key and timestamps for every Starline table.

    UUIDs keep identifiers unguessable in URLs and let records move between schemas
    (imports, exports) without renumbering.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        labels = _CHOICE_LABELS.get(field)
        if labels is None:
            labels = _CHOICE_LABELS[field] = dict(make_hashable(field.flatchoices))
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)


class TableVersion(models.Model):
    """Written only by the trigger in apps.core.versions: one row per watched table."""

    name = models.CharField(max_length=63, primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

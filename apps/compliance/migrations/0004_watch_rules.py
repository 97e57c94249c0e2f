"""The findings panel counts only the rule types a person may see (apps.compliance.rule_types
.visible_to), which it reads through the rules: a rule's changes change its table's version too
(apps.core.versions), so a kept panel is drawn again when a rule changes."""

from django.db import migrations

from apps.core.versions import watch


class Migration(migrations.Migration):
    dependencies = [("compliance", "0003_starter_rules")]

    operations = [watch("compliance_compliancerule")]

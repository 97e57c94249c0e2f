"""The demo data leaves findings of every rule type in the organization, and seeding twice
changes nothing."""

from __future__ import annotations

import os

from django.db.models import Count

from apps.compliance import rule_types
from apps.compliance.models import Finding
from apps.core.seeding import seeders


def test_after_the_demo_seed_every_rule_type_has_findings(org_a):
    with org_a, open(os.devnull, "w") as quiet:
        for _label, seed in seeders():
            seed(org_a, stdout=quiet)
        counts = dict(
            Finding.objects.exclude(status=Finding.Status.RESOLVED)
            .values_list("rule__rule_type")
            .annotate(n=Count("pk"))
            .values_list("rule__rule_type", "n")
        )
        assert set(counts) == set(rule_types.REGISTRY), set(rule_types.REGISTRY) - set(counts)
        before = set(Finding.objects.values_list("pk", "status"))
        for _label, seed in seeders():
            seed(org_a, stdout=quiet)
        assert set(Finding.objects.values_list("pk", "status")) == before

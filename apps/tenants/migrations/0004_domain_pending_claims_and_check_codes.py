"""Pending claims of a custom domain no longer block other organizations, and a check's result
is stored as a code instead of a sentence in whichever language the checker used.

- Domain.domain loses django-tenants' unique: several organizations may hold a pending claim
  of the same name. A partial unique index keeps every routing host (a subdomain, or a custom
  domain while verified) to one organization. Organization.custom_domain loses its unique too,
  since it mirrors the claim.
- last_check_result (a sentence, English or Spanish) becomes last_check_code: existing rows
  are read in both languages; a sentence not recognised becomes no code (the page then shows
  no result until the next check), except on a domain verified by hand, which says so.
"""

from django.db import migrations, models

# Fragments of every sentence the previous release stored, in English and Spanish.
SENTENCES = [
    ("found", ("The TXT record holds the token.", "El registro TXT contiene el código.")),
    ("nxdomain", ("No TXT record named ", "No existe ningún registro TXT llamado ")),
    (
        "wrong_token",
        (" has a TXT record, but not with this token.", " tiene un registro TXT, pero no con este código."),
    ),
    ("no_txt", (" has no TXT record.", " no tiene registro TXT.")),
    ("too_long", ("The domain is too long for a verification record.", "El dominio es demasiado largo para un")),
    ("timeout", ("DNS did not answer in time", "El DNS no respondió a tiempo")),
    ("dns_error", ("DNS could not be asked about ", "No se pudo consultar el DNS sobre ")),
    ("by_hand", ("Verified by hand by the platform's operator.", "Verificado a mano por el operador")),
]

# What a code read back as, should the migration be reversed.
ENGLISH = {
    "found": "The TXT record holds the token.",
    "nxdomain": "No TXT record named _starline-verify.{domain} exists.",
    "wrong_token": "_starline-verify.{domain} has a TXT record, but not with this token.",
    "no_txt": "_starline-verify.{domain} has no TXT record.",
    "too_long": "The domain is too long for a verification record.",
    "timeout": "DNS did not answer in time; try again in a few minutes.",
    "dns_error": "DNS could not be asked about _starline-verify.{domain}; try again in a few minutes.",
    "taken": "This domain is already verified elsewhere, so it cannot serve your site.",
    "by_hand": "Verified by hand by the platform's operator.",
}


def code_for(sentence: str, *, by_hand: bool) -> str:
    for code, fragments in SENTENCES:
        if any(fragment in sentence for fragment in fragments):
            return code
    return "by_hand" if by_hand and sentence else ""


def sentences_to_codes(apps, schema_editor):
    Domain = apps.get_model("tenants", "Domain")
    for domain in Domain.objects.exclude(last_check_result=""):
        domain.last_check_code = code_for(domain.last_check_result, by_hand=domain.verified_by_hand)
        domain.save(update_fields=["last_check_code"])


def codes_to_sentences(apps, schema_editor):
    Domain = apps.get_model("tenants", "Domain")
    for domain in Domain.objects.exclude(last_check_code=""):
        domain.last_check_result = ENGLISH.get(domain.last_check_code, "").format(domain=domain.domain)
        domain.save(update_fields=["last_check_result"])


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0003_domain_verification"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="organization",
            name="organization_custom_domain_unique",
        ),
        migrations.AlterField(
            model_name="domain",
            name="domain",
            field=models.CharField(db_index=True, max_length=253, verbose_name="domain"),
        ),
        migrations.AddConstraint(
            model_name="domain",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "subdomain"), ("status", "verified"), _connector="OR"),
                fields=("domain",),
                name="domain_routing_host_unique",
                violation_error_message="This domain cannot be added. If you own it, contact support.",
            ),
        ),
        migrations.AddConstraint(
            model_name="domain",
            constraint=models.UniqueConstraint(fields=("tenant", "domain"), name="domain_once_per_organization"),
        ),
        migrations.AddField(
            model_name="domain",
            name="last_check_code",
            field=models.CharField(blank=True, max_length=20, verbose_name="last check result"),
        ),
        migrations.RunPython(sentences_to_codes, codes_to_sentences),
        migrations.RemoveField(
            model_name="domain",
            name="last_check_result",
        ),
    ]

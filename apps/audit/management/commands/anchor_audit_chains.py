from django.core.management.base import BaseCommand, CommandError

from apps.audit import anchors


class Command(BaseCommand):
    help = (
        "Record each schema's audit chain head (entry number and hash) outside the database, in "
        "AUDIT_ANCHOR_BUCKET (S3 with object lock) or AUDIT_ANCHOR_PATH (an append-only file)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--schema", help="Only this schema (default: public and every organization).")

    def handle(self, *args, schema=None, **options):
        try:
            results = anchors.anchor_all(schema=schema)
        except anchors.AnchorError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        target = anchors.store()
        failed = [name for name, result in results.items() if isinstance(result, str)]
        for name, result in results.items():
            if isinstance(result, str):
                self.stderr.write(f"{name}: FAILED: {result}")
            elif result is None:
                if options["verbosity"] > 1:
                    self.stdout.write(f"{name}: empty log, nothing to anchor")
            elif options["verbosity"] > 0:
                self.stdout.write(f"{name}: anchored entry {result.entry} ({result.hash[:12]}…)")
        if options["verbosity"] > 0:
            written = sum(1 for result in results.values() if result and not isinstance(result, str))
            self.stdout.write(f"{written} anchors written to {target}.")
        if failed:
            raise CommandError(f"Anchoring failed for: {', '.join(failed)} (see the log).", returncode=1)

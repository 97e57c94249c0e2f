"""`citus_nodes_ready` on plain PostgreSQL: says so and changes nothing (make citus-check runs
it on a real cluster)."""

from io import StringIO

from django.core.management import call_command
from django.db import connection


def test_on_plain_postgresql_it_says_there_is_nothing_to_do(db):
    out = StringIO()
    call_command("citus_nodes_ready", stdout=out)
    assert out.getvalue().strip() == "Not a Citus database: nothing to do."
    assert connection.citus_version is None

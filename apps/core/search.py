"""Name search shared by the lists: full-text prefix terms and LIKE-prefix patterns.

Lists match a name through the table's full-text GIN index and an identifier through an
`upper(col) text_pattern_ops` index, as one `id IN (… UNION ALL …)` subquery: an OR of the
two in the outer WHERE would make PostgreSQL scan the whole table instead.
"""

from __future__ import annotations

import re

from django.db.models import Q
from django.db.models.expressions import RawSQL

WORD = re.compile(r"[\w']+", re.UNICODE)


def prefix_tsquery(text: str) -> str:
    """ "mar lop" → "mar:* & lop:*": every word, each as a prefix (so "Mar" finds "Maria")."""
    words = [w.replace("'", "") for w in WORD.findall(text)][:6]
    return " & ".join(f"{w}:*" for w in words if w)


def like_prefix(text: str) -> str:
    """A LIKE pattern for "starts with `text`", its wildcards taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_").upper() + "%"


def name_or_code_match(table: str, query: str, *, codes: tuple[str, ...]) -> Q:
    """`pk IN (rows whose name has every word of `query` as a prefix, or whose code
    columns start with it)`. `table` and `codes` come from code, never from input: each
    code column needs its `upper(col) text_pattern_ops` index."""
    parts = [f"SELECT id FROM {table} WHERE upper({col}::text) LIKE %s" for col in codes]  # noqa: S608 - table and columns from code, the query a parameter # nosec B608
    params = [like_prefix(query)] * len(codes)
    terms = prefix_tsquery(query)
    if terms:
        # The seed's full-text expression: its GIN index serves this exact text.
        parts.append(
            f"SELECT id FROM {table} WHERE to_tsvector('english', first_name || ' ' || last_name) "  # noqa: S608 - table and columns from code, the query a parameter # nosec B608
            "@@ to_tsquery('english', %s)"
        )
        params.append(terms)
    return Q(pk__in=RawSQL(" UNION ALL ".join(parts), params))  # noqa: S611 - the parts above: table and columns from code, the query a parameter # nosec B611

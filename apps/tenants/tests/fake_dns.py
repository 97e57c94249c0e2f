"""A DNS resolver for the custom domain tests: the DNS boundary, answered from a dictionary.

It answers as dnspython's Resolver does (TXT rdata made by dnspython itself, its NXDOMAIN and
NoAnswer and Timeout), so the code under test reads the answers it would read from a server.
"""

from __future__ import annotations

import dns.exception
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.resolver


class FakeResolver:
    def __init__(self) -> None:
        # name -> TXT values (each one string, or a tuple of strings for a split value), or
        # an exception to raise.
        self.records: dict[str, list | Exception] = {}
        self.asked: list[tuple[str, str]] = []

    def reset(self) -> None:
        self.records.clear()
        self.asked.clear()

    def publish(self, name: str, *values) -> None:
        self.records[name] = list(values)

    def fail(self, name: str, error: Exception) -> None:
        self.records[name] = error

    def resolve(self, name: str, rdtype: str):
        self.asked.append((name, rdtype))
        answer = self.records.get(name)
        if answer is None:
            raise dns.resolver.NXDOMAIN
        if isinstance(answer, Exception):
            raise answer
        if not answer:
            raise dns.resolver.NoAnswer
        return [
            dns.rdata.from_text(
                dns.rdataclass.IN,
                dns.rdatatype.TXT,
                " ".join(f'"{part}"' for part in (value if isinstance(value, tuple) else (value,))),
            )
            for value in answer
        ]


FAKE = FakeResolver()


def resolver() -> FakeResolver:
    """CUSTOM_DOMAIN_RESOLVER in the tests (apps/tenants/tests/conftest.py)."""
    return FAKE


TIMEOUT = dns.exception.Timeout

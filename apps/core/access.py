"""Reading a record someone may not casually see is logged; this is where pages say so.

Core knows nothing of the audit app: apps below it (accounts) call `record()`, and the audit
app registers the function that writes the entry (in its AppConfig.ready), the same way apps
register navigation. Apps above audit may call apps.audit.services.access_record directly.
"""

from __future__ import annotations

from collections.abc import Callable

_recorder: Callable | None = None


def register(recorder: Callable) -> None:
    global _recorder
    _recorder = recorder


def record(*, obj, request, via: str = "view") -> None:
    if _recorder is not None:
        _recorder(obj=obj, request=request, via=via)

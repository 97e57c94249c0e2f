"""What apps above scheduling add to its pages without scheduling importing them: after a
clock-out, documentation offers the visit's note (registered in its AppConfig.ready())."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# (visit, user) -> the page to go to next, or None.
_after_clock_out: list[Callable[[Any, Any], str | None]] = []


def after_clock_out(hook: Callable[[Any, Any], str | None]) -> None:
    if hook not in _after_clock_out:
        _after_clock_out.append(hook)


def next_page_after_clock_out(visit, user) -> str | None:
    for hook in _after_clock_out:
        url = hook(visit, user)
        if url:
            return url
    return None

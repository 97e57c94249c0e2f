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


# --- who is acting, where nobody is signed in yet ----------------------------------------------

_actor_setter: Callable | None = None


def register_actor(setter: Callable) -> None:
    global _actor_setter
    _actor_setter = setter


def act_as(user) -> None:
    """Entries written from here on in this request are `user`'s: someone not signed in yet who
    proved who they are (an invitee choosing a password), not an anonymous visitor."""
    if _actor_setter is not None:
        _actor_setter(user)

def session_policy(request):
    """The idle timeout, for the warning script (read from a data attribute on <body>)."""
    policy = getattr(request, "session_policy", None)
    return {"session_idle_seconds": policy.idle_minutes * 60 if policy else None}

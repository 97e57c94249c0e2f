"""Errors any app may raise that the error pages answer in their own way (apps.core.views)."""


class ServiceUnavailable(Exception):
    """A service the request needs (file storage, the database) cannot serve it right now.
    Unhandled, it is a 503 "try again in a moment" page rather than a 500."""

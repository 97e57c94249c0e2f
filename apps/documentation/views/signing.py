"""Placeholder until written (this commit only)."""

from django.http import Http404


def submission_sign(*args, **kwargs):
    raise Http404


def link_create(*args, **kwargs):
    raise Http404


def submission_verify(*args, **kwargs):
    raise Http404


def link_sign(*args, **kwargs):
    raise Http404

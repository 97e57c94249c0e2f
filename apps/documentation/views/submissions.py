"""Placeholder until written (this commit only)."""

from django.http import Http404


def submission_list(*args, **kwargs):
    raise Http404


def client_documentation(*args, **kwargs):
    raise Http404


def submission_start(*args, **kwargs):
    raise Http404


def submission_detail(*args, **kwargs):
    raise Http404


def submission_fill(*args, **kwargs):
    raise Http404


def submission_approve(*args, **kwargs):
    raise Http404


def submission_reject(*args, **kwargs):
    raise Http404


def submission_delete(*args, **kwargs):
    raise Http404


def submission_pdf(*args, **kwargs):
    raise Http404

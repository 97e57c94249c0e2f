"""Placeholder until written (this commit only)."""

from django.http import Http404


def template_list(*args, **kwargs):
    raise Http404


def template_create(*args, **kwargs):
    raise Http404


def template_import(*args, **kwargs):
    raise Http404


def template_detail(*args, **kwargs):
    raise Http404


def template_edit(*args, **kwargs):
    raise Http404


def template_export(*args, **kwargs):
    raise Http404


def template_preview(*args, **kwargs):
    raise Http404


def field_edit(*args, **kwargs):
    raise Http404


def field_move(*args, **kwargs):
    raise Http404


def field_delete(*args, **kwargs):
    raise Http404


def section_edit(*args, **kwargs):
    raise Http404


def section_delete(*args, **kwargs):
    raise Http404

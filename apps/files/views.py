"""Files: the list, upload, details, download, sharing, delete and restore, and the
documents tab of any record files are attached to."""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Model
from django.http import Http404, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from apps.accounts.http import OrgRequest
from apps.accounts.models import User
from apps.accounts.permissions import can
from apps.core import access
from apps.core.pages import form_page
from apps.files import attachments, forms, selectors, services, sniff, storage, uploads
from apps.files.models import File, FilePermission


@login_required
def file_list(request: OrgRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    deleted = request.GET.get("show") == "deleted"
    page = Paginator(selectors.files_for(request.user, query=query, deleted=deleted), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "files/list.html", _list_context(request, page=page, query=query, deleted=deleted))


def _rows(user: User, page: Page) -> list[dict[str, Any]]:
    shareable = selectors.shareable_ids(user, page.object_list)
    return [{"file": f, "may_share": f.pk in shareable} for f in page.object_list]


def _list_context(request: OrgRequest, **extra: Any) -> dict[str, Any]:
    if "page" in extra:
        extra["rows"] = _rows(request.user, extra["page"])
    return {
        "may_upload": can(request.user, "files.add_file"),
        "form": forms.UploadForm(),
        "accepted": services.accepted_labels("document"),
        "limit_mb": services.max_upload_bytes(request.organization) // (1024 * 1024),
        **extra,
    }


@login_required
def attached(request: OrgRequest, label: str, pk: str) -> HttpResponse:
    """The documents tab of a record."""
    record = attachments.get_record_for_user(request.user, label, pk, "view")
    if attachments.page_of(record) is not None:
        # Kept for links made before the record's page had its own documents tab.
        return redirect(attachments.documents_url(record))
    return render(request, "files/attached.html", documents_context(request, record))


def documents_context(request: OrgRequest, record: Model, **extra: Any) -> dict[str, Any]:
    """What files/partials/_documents.html needs, for a record's documents tab wherever it is shown."""
    label = attachments.label_of(record)
    purpose = attachments.ATTACHABLE[label]
    page = Paginator(selectors.attachments_of(record), 25).get_page(request.GET.get("page"))
    shareable = selectors.shareable_ids(request.user, page.object_list)
    return {
        "page": page,
        "record": record,
        "target": f"{label}:{record.pk}",
        "files": [{"file": f, "may_share": f.pk in shareable} for f in page.object_list],
        "may_upload": can(request.user, f"{record._meta.app_label}.change_{record._meta.model_name}", record),
        "form": forms.UploadForm(),
        "purpose": purpose,
        "accepted": services.accepted_labels(purpose),
        "limit_mb": services.max_upload_bytes(request.organization) // (1024 * 1024),
        **extra,
    }


@uploads.streams_upload
@csrf_exempt
@login_required
@require_POST
def upload(request: OrgRequest) -> HttpResponseBase:
    """Streams the file into storage as it arrives (uploads.py). The upload handler has to be
    in place before anything reads the body, CSRF's check included, so that check runs
    inside (Django's documented pattern for custom upload handlers). Who may upload where is
    settled first, before a byte is stored; bytes that end up with no row (refused, CSRF
    failure, any error) are removed on the way out."""
    target = request.GET.get("to", "")
    record = None
    if target:
        label, _sep, pk = target.partition(":")
        record = attachments.get_record_for_user(request.user, label, pk, "change")
        purpose = attachments.ATTACHABLE[attachments.label_of(record)]
    elif can(request.user, "files.add_file"):
        purpose = "document"
    else:
        raise PermissionDenied
    handler = uploads.StreamingUploadHandler(request, max_bytes=services.max_upload_bytes(request.organization))
    request.upload_handlers = [handler]
    kept: set[str] = set()
    try:
        return _upload(request, handler, record=record, purpose=purpose, kept=kept)
    finally:
        handler.discard_unkept(kept)


# Not form_page: the file arrives through the streaming handler, which can refuse it before
# the form is read, and a refusal is one sentence above the upload box wherever that box is
# (the Files page, a record's documents tab, a record's own page), not errors on a form.
@csrf_protect
def _upload(
    request: OrgRequest,
    handler: uploads.StreamingUploadHandler,
    *,
    record: Model | None,
    purpose: str,
    kept: set[str],
) -> HttpResponse:
    form = forms.UploadForm(request.POST)
    uploaded = request.FILES.get("file")
    error = handler.error
    if error is None and not isinstance(uploaded, uploads.StoredUpload):
        error = _("Choose a file to upload.")
    if error is None and not form.is_valid():
        error = " ".join(
            f"{form.fields[name].label}: {' '.join(str(e) for e in errors)}" for name, errors in form.errors.items()
        )
    if error is None and isinstance(uploaded, uploads.StoredUpload):
        try:
            file = services.file_create(
                stored=uploaded.stored,
                actor=request.user,
                purpose=purpose,
                description=form.cleaned_data["description"],
                attach_to=record,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            kept.add(file.file_path)
            messages.success(request, _("“%(name)s” uploaded.") % {"name": file.original_filename})
            return redirect(attachments_url(record) if record is not None else "files:list")
    # Storage full or unreachable is not the file's fault: 503, so clients may try again.
    status = 503 if handler.unavailable else 400
    record_page = attachments.page_of(record) if record is not None else None
    if record is not None and record_page is not None:
        return record_page(request, record.pk, status=status, upload_error=error, form=form)
    if record is not None:
        context = documents_context(request, record, upload_error=error, form=form)
        return render(request, "files/attached.html", context, status=status)
    page = Paginator(selectors.files_for(request.user), 25).get_page(1)
    context = _list_context(request, page=page, query="", deleted=False, upload_error=error, form=form)
    return render(request, "files/list.html", context, status=status)


def attachments_url(record: Model) -> str:
    return attachments.documents_url(record)


@login_required
def detail(request: OrgRequest, pk: UUID) -> HttpResponse:
    file = selectors.get_file_for_user(request.user, pk, selectors.READ)
    record = file.attached_to if file.content_type_id else None
    if record is not None and not attachments.may_view(request.user, record):
        record = None  # a sharer who may not see the record is not told what it is
    context = {
        "file": file,
        "record": record,
        "record_label": attachments.label_of(record) if record is not None else "",
        "may_delete": selectors.may(request.user, file, selectors.DELETE),
        "may_share": selectors.may(request.user, file, selectors.SHARE),
    }
    if not selectors.may(request.user, file, selectors.WRITE):
        if request.method == "POST":
            raise PermissionDenied
        return render(request, "files/detail.html", {**context, "form": None})
    return form_page(
        request,
        forms.FileDetailsForm(request.POST or None, instance=file),
        save=lambda data: services.file_update(
            file=file, original_filename=data["original_filename"], description=data["description"]
        ),
        template="files/detail.html",
        context=context,
        saved_message=_("Saved."),
    )


@login_required
def download(request: OrgRequest, pk: UUID) -> HttpResponseBase:
    """After the permission check: the access is logged, the stored bytes are checked
    against the file's record, and then sent (through here from local disk, decrypted; from
    S3 by a presigned URL valid for 60 seconds)."""
    file = selectors.get_file_for_user(request.user, pk, selectors.READ)
    if file.expired():
        # Kept for a while only (a report's export): gone at its time, not at the purge job's
        # next run. 410 as the reports' own export link answers; nothing is read or logged.
        return render(request, "files/expired.html", {"file": file}, status=410)
    store = storage.store_for(file.storage_provider)
    try:
        store.check(file.file_path, size=file.file_size, tag=file.storage_tag)
        if file.storage_provider == storage.LocalStore.provider:
            _verify_hash(store, file)
    except storage.IntegrityError:
        services.file_mark_damaged(file=file)
        access.record(obj=file, request=request, via="download refused: damaged")
        return render(request, "files/damaged.html", {"file": file}, status=409)
    access.record(obj=file, request=request, via="download")
    name = sniff.safe_name(file.original_filename, file.mime_type)
    url = store.download_url(file.file_path, filename=name, mime_type=file.mime_type)
    if url:
        return redirect(url)
    response = StreamingHttpResponse(store.chunks(file.file_path), content_type=file.mime_type)
    response["Content-Length"] = str(file.file_size)
    disposition = content_disposition_header(True, name)
    assert disposition is not None  # None only for an inline download without a name
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _verify_hash(store: storage.Store, file: File) -> None:
    """A whole pass over the bytes before any is sent: a damaged file is refused cleanly,
    not cut off halfway through a download."""
    digest = hashlib.sha256()
    size = 0
    for chunk in store.chunks(file.file_path):
        digest.update(chunk)
        size += len(chunk)
    if size != file.file_size or digest.hexdigest() != file.file_hash:
        raise storage.IntegrityError("the stored bytes do not match the file's SHA-256")


@login_required
def share(request: OrgRequest, pk: UUID) -> HttpResponse:
    file = selectors.get_file_for_user(request.user, pk, selectors.SHARE)
    return form_page(
        request,
        forms.ShareForm(request.POST or None),
        save=lambda data: services.file_share(
            file=file, actor=request.user, rights=data["rights"], user=data["user"], role=data["role"]
        ),
        template="files/share.html",
        context={"file": file, "shares": selectors.shares_of(file)},
        saved_message=_("Shared."),
        redirect_to=reverse("files:share", kwargs={"pk": file.pk}),
    )


@login_required
@require_POST
def unshare(request: OrgRequest, pk: UUID, permission_pk: UUID) -> HttpResponse:
    file = selectors.get_file_for_user(request.user, pk, selectors.SHARE)
    permission = FilePermission.objects.filter(pk=permission_pk, file=file).first()
    if permission is None:
        raise Http404
    services.file_unshare(permission=permission)
    messages.success(request, _("No longer shared."))
    return redirect("files:share", pk=file.pk)


@login_required
@require_POST
def delete(request: OrgRequest, pk: UUID) -> HttpResponse:
    file = selectors.get_file_for_user(request.user, pk, selectors.DELETE)
    services.file_delete(file=file, actor=request.user)
    messages.success(
        request,
        _("“%(name)s” deleted. It can be restored for %(days)d days.")
        % {"name": file.original_filename, "days": services.RESTORE_DAYS},
    )
    if file.content_type_id and file.attached_to is not None:
        return redirect(attachments_url(file.attached_to))
    return redirect("files:list")


@login_required
@require_POST
def restore(request: OrgRequest, pk: UUID) -> HttpResponse:
    file = selectors.get_file_for_user(request.user, pk, selectors.DELETE, deleted=True)
    services.file_restore(file=file)
    messages.success(request, _("“%(name)s” restored.") % {"name": file.original_filename})
    return redirect(file)

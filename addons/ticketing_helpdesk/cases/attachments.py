"""
Attachments: limited in size and number, typed by their first bytes (never by the name or the browser's
claim), stored under pretix's data directory with a random name, so no web server ever serves them and no
uploaded name reaches the file system. Only the views that check permission hand them out, always as a
download (``Content-Disposition: attachment``, ``nosniff``).
"""
import hashlib
import os
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from ..models import CaseAttachment, CaseMessage, SupportCase
from .services import CaseError

MAX_SIZE = 10 * 1024 * 1024
MAX_PER_CASE = 20
# What customers and staff send about tickets: documents and photos. Type → extension.
ALLOWED = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "text/plain": "txt",
}


def storage_root() -> Path:
    """``<pretix data dir>/ticketing_helpdesk/attachments`` — outside MEDIA_ROOT and STATIC_ROOT."""
    return Path(settings.DATA_DIR) / "ticketing_helpdesk" / "attachments"


def sniff(head: bytes) -> str | None:
    """The file's type from its first bytes, or None when it is none we accept."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    # text: no control characters but tab, line breaks and form feed (archives and programs have them)
    if head and not any(b < 0x20 and b not in (9, 10, 12, 13) or b == 0x7f for b in head):
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError as e:
            if e.start < len(head) - 4:  # not merely a character cut at the end of the sample
                return None
            text = head[:e.start].decode("utf-8")
        if not text.lstrip().lower().startswith(("<!doctype", "<html", "<script", "<svg", "<?xml")):
            return "text/plain"
    return None


def safe_name(name: str, ext: str) -> str:
    """The uploaded name for display only: no path, no control characters, the sniffed extension."""
    base = os.path.basename(str(name or "").replace("\\", "/"))
    base = re.sub(r"[\x00-\x1f\x7f/]", "", base).strip(". ") or "file"
    stem = base.rsplit(".", 1)[0][:150] or "file"
    return f"{stem}.{ext}"


def store(case: SupportCase, upload, *, user=None, by_customer: bool = False,
          message: CaseMessage | None = None) -> CaseAttachment:
    """Check and keep one uploaded file; raises CaseError with a translated reason."""
    if upload.size > MAX_SIZE:
        raise CaseError(_("\"{name}\" is too large: at most {size} per file.").format(
            name=os.path.basename(upload.name), size=filesizeformat(MAX_SIZE)))
    if upload.size == 0:
        raise CaseError(_("\"{name}\" is empty.").format(name=os.path.basename(upload.name)))
    if case.attachments.count() >= MAX_PER_CASE:
        raise CaseError(_("A case can have at most {n} attachments.").format(n=MAX_PER_CASE))
    upload.seek(0)
    head = upload.read(2048)
    content_type = sniff(head)
    if content_type is None:
        raise CaseError(_("\"{name}\" is not a PDF, an image (PNG, JPEG, GIF, WebP) or a plain text file.").format(
            name=os.path.basename(upload.name)))
    storage_name = f"{case.organizer_id}/{uuid.uuid4().hex}"
    path = storage_root() / storage_name
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest = hashlib.sha256()
    upload.seek(0)
    with open(path, "xb") as f:
        for chunk in upload.chunks():
            digest.update(chunk)
            f.write(chunk)
    os.chmod(path, 0o600)
    att = CaseAttachment.objects.create(
        case=case, message=message, filename=safe_name(upload.name, ALLOWED[content_type]),
        content_type=content_type, size=upload.size, sha256=digest.hexdigest(), storage_name=storage_name,
        uploaded_by=user, by_customer=by_customer,
    )
    case.log_action("ticketing_helpdesk.case.attachment.added", user=user, data={
        "number": case.number, "filename": att.filename, "size": att.size, "content_type": content_type})
    return att


def path_of(att: CaseAttachment) -> Path:
    path = (storage_root() / att.storage_name).resolve()
    if storage_root().resolve() not in path.parents:
        raise CaseError(_("The file is not available."))
    return path


def download_response(att: CaseAttachment, user=None):
    """The file as a download; logged, so who read a customer's documents is on record."""
    from django.http import FileResponse, Http404

    try:
        handle = open(path_of(att), "rb")  # noqa: SIM115 - FileResponse closes it
    except (OSError, CaseError) as e:
        raise Http404(_("The file is not available.")) from e
    att.case.log_action("ticketing_helpdesk.case.attachment.downloaded", user=user, data={
        "number": att.case.number, "filename": att.filename})
    response = FileResponse(handle, as_attachment=True, filename=att.filename, content_type=att.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response

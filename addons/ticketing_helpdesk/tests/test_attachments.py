"""Attachments: size and type limits, typed by content, stored outside the web root, downloadable only by
staff who may see cases and by the case's own customer (account or the signed guest link)."""
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ticketing_core.testing import factories
from ticketing_core.testing.fixtures import login

from ..cases import attachments
from ..cases.links import case_token
from ..cases.services import CaseError, add_note, reply
from .cases_fixtures import customer_session, make_case, make_staff

pytestmark = pytest.mark.django_db
pytest_plugins = ["ticketing_helpdesk.tests.cases_fixtures"]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(("content", "expected"), [
    (PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg"), (b"GIF89a...", "image/gif"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"), ("Номер заказа ABC12".encode(), "text/plain"),
    (b"MZ\x90\x00\x03\x00\x00\x00", None), (b"PK\x03\x04zip", None), (b"<html><script>alert(1)</script>", None),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None), (b"\x00\x01\x02binary", None),
])
def test_type_comes_from_the_bytes(content, expected):
    assert attachments.sniff(content) == expected


def test_a_file_is_stored_outside_the_web_root_under_a_random_name(organizer):
    case = make_case(organizer)
    att = attachments.store(case, upload("../../etc/passwd.pdf", PDF, "text/html"), by_customer=True)
    path = attachments.path_of(att)
    assert path.read_bytes() == PDF and oct(os.stat(path).st_mode)[-3:] == "600"
    assert Path(settings.DATA_DIR) in path.parents and Path(settings.MEDIA_ROOT) not in path.parents
    assert Path(settings.STATIC_ROOT) not in path.parents
    assert "passwd" not in path.name and att.filename == "passwd.pdf" and att.content_type == "application/pdf"


def test_the_browsers_claim_is_not_trusted(organizer):
    case = make_case(organizer)
    with pytest.raises(CaseError):
        attachments.store(case, upload("invoice.pdf", b"<html><body>phish</body></html>", "application/pdf"))
    att = attachments.store(case, upload("notes.txt", PNG, "text/plain"))
    assert (att.content_type, att.filename) == ("image/png", "notes.png")


def test_size_and_count_limits(organizer, monkeypatch):
    case = make_case(organizer)
    monkeypatch.setattr(attachments, "MAX_SIZE", 100)
    with pytest.raises(CaseError, match="big.pdf"):
        attachments.store(case, upload("big.pdf", PDF + b"x" * 200))
    with pytest.raises(CaseError):
        attachments.store(case, upload("empty.txt", b""))
    monkeypatch.setattr(attachments, "MAX_PER_CASE", 2)
    attachments.store(case, upload("a.txt", b"a"))
    attachments.store(case, upload("b.txt", b"b"))
    with pytest.raises(CaseError):
        attachments.store(case, upload("c.txt", b"c"))
    assert case.attachments.count() == 2


def staff_url(case, att):
    return reverse("plugins:ticketing_helpdesk:case.attachment", kwargs={
        "organizer": case.organizer.slug, "number": case.number, "pk": att.pk})


def test_staff_who_may_see_cases_download_and_it_is_logged(organizer, client, case_agent):
    case = make_case(organizer)
    att = attachments.store(case, upload("ticket.pdf", PDF), by_customer=True)
    login(client, make_staff(organizer, "reader@example.org", {"organizer.cases:read": True}))
    r = client.get(staff_url(case, att))
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert r["Content-Disposition"].startswith("attachment") and r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Type"] == "application/pdf"
    assert case.all_logentries().filter(action_type="ticketing_helpdesk.case.attachment.downloaded").exists()


def test_staff_without_permission_or_of_another_organizer_cannot_download(organizer, client):
    case = make_case(organizer)
    att = attachments.store(case, upload("ticket.pdf", PDF), by_customer=True)
    login(client, make_staff(organizer, "nocases@example.org", {"organizer.customers:read": True}))
    assert client.get(staff_url(case, att)).status_code == 403
    other = factories.make_organizer(slug="baltika", name="Балтика")
    foreign = make_staff(other, "foreign@example.org", {"organizer.cases:read": True})
    client.logout()
    login(client, foreign)
    assert client.get(staff_url(case, att)).status_code in (403, 404)
    other_url = reverse("plugins:ticketing_helpdesk:case.attachment", kwargs={
        "organizer": other.slug, "number": case.number, "pk": att.pk})
    assert client.get(other_url).status_code == 404


def test_the_cases_own_customer_downloads_from_their_account(organizer, client, case_customer, case_agent):
    case = make_case(organizer, customer=case_customer)
    mine = attachments.store(case, upload("photo.jpg", JPEG), by_customer=True)
    msg = reply(case, case_agent, "См. вложение")
    on_reply = attachments.store(case, upload("refund.pdf", PDF), user=case_agent, message=msg)
    note = add_note(case, case_agent, "Внутреннее")
    internal = attachments.store(case, upload("internal.pdf", PDF), user=case_agent, message=note)
    customer_session(client, case_customer)

    def get(att):
        return client.get(f"/{organizer.slug}/account/cases/{case.number}/attachments/{att.pk}")

    assert get(mine).status_code == 200 and get(on_reply).status_code == 200
    assert get(internal).status_code == 404
    page = client.get(f"/{organizer.slug}/account/cases/{case.number}/").content.decode()
    assert "refund.pdf" in page and "internal.pdf" not in page and "Внутреннее" not in page


def test_another_customer_cannot_download(organizer, client, case_customer):
    case = make_case(organizer, customer=case_customer)
    att = attachments.store(case, upload("photo.jpg", JPEG), by_customer=True)
    from pretix.base.models import Customer

    other = Customer.objects.create(organizer=organizer, email="eve@example.org", is_active=True, is_verified=True)
    customer_session(client, other)
    assert client.get(f"/{organizer.slug}/account/cases/{case.number}/attachments/{att.pk}").status_code == 404
    assert client.get(f"/{organizer.slug}/account/cases/{case.number}/").status_code == 404


def test_guest_link_needs_the_right_token(organizer, client):
    case = make_case(organizer)
    att = attachments.store(case, upload("photo.jpg", JPEG), by_customer=True)
    good = f"/{organizer.slug}/support/{case.number}/{case_token(case)}/attachments/{att.pk}"
    assert client.get(good).status_code == 200
    assert client.get(good.replace(case_token(case), "0" * 32)).status_code == 404
    other_case = make_case(organizer)
    assert client.get(f"/{organizer.slug}/support/{other_case.number}/{case_token(case)}/").status_code == 404

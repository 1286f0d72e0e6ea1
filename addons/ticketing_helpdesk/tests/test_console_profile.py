"""Customer profiles (accounts and guests), their export, and sending the confirmation again from the console."""
import pytest
from django.urls import reverse

from pretix.base.models import LogEntry, Order

from ticketing_core.notifications.models import ContactPreference, Notification

from ..models import CaseMessage, SupportCase
from .console_fixtures import make_order


def profile_url(organizer, **kwargs):
    name = "console.customer" if "customer" in kwargs else "console.guest"
    return reverse(f"plugins:ticketing_helpdesk:{name}", kwargs={"organizer": organizer.slug, **kwargs})


def test_customer_profile_shows_contact_consents_orders_cases_notes_and_messages(
        organizer, agent, agent_client, console_customer, sailing):
    order = make_order(sailing, email="boris@example.org", customer=console_customer, name="Борис Ельцов")
    guest_order_same_email = make_order(sailing, email="BORIS@example.org", name="Борис Ельцов")
    Notification.objects.create(organizer=organizer, event=order.event, order=order, kind="order_confirmed",
                                channel="sms", key="k1", recipient="+79035550011", status=Notification.SENT,
                                text="Заказ оплачен")
    case = SupportCase.objects.create(organizer=organizer, number=7, subject="Потерял билет", customer=console_customer)
    CaseMessage.objects.create(case=case, kind=CaseMessage.KIND_NOTE, body="Звонил дважды")
    r = agent_client.get(profile_url(organizer, customer=console_customer.identifier))
    assert r.status_code == 200
    html = r.content.decode()
    for expected in ("Борис Ельцов", "boris@example.org", "+79035550011", order.code, guest_order_same_email.code,
                     "Потерял билет", "Звонил дважды", "+7903•••••11"):
        assert expected in html, expected
    assert "ticketing-profile-consents" in html
    entry = LogEntry.objects.get(action_type="ticketing_helpdesk.customer.viewed")
    assert entry.user == agent and entry.content_object == console_customer and entry.parsed_data["ip"]


def test_guest_profile_collects_orders_by_email_and_logs_the_view(organizer, agent_client, sailing):
    a = make_order(sailing, email="guest@example.org")
    b = make_order(sailing, email="Guest@Example.org")
    other = make_order(sailing, email="someone@example.org")
    ContactPreference.objects.create(order=a, phone="+79161234567", sms=True)
    html = agent_client.get(profile_url(organizer, ev=a.event.slug, code=a.code)).content.decode()
    assert a.code in html and b.code in html and other.code not in html
    assert "SMS" in html
    assert LogEntry.objects.filter(action_type="ticketing_helpdesk.guest.viewed", object_id=a.pk).exists()


def test_export_is_csv_and_logged(organizer, agent_client, console_customer, sailing):
    order = make_order(sailing, email="boris@example.org", customer=console_customer)
    r = agent_client.get(reverse("plugins:ticketing_helpdesk:console.customer.export", kwargs={
        "organizer": organizer.slug, "customer": console_customer.identifier}))
    assert r["Content-Type"].startswith("text/csv")
    body = r.content.decode("utf-8-sig")
    assert order.code in body and "boris@example.org" in body
    assert LogEntry.objects.filter(action_type="ticketing_helpdesk.customer.exported").count() == 1


def test_profile_of_unknown_customer_is_404(organizer, agent_client):
    assert agent_client.get(profile_url(organizer, customer="NOPE1")).status_code == 404


def test_resend_by_email_and_sms_from_the_console_is_logged(organizer, agent, agent_client, order,
                                                              django_capture_on_commit_callbacks):
    ContactPreference.objects.create(order=order, phone="+79161234567", sms=True)
    organizer.settings.ticketing_sms_api_id = "test-key"
    url = reverse("plugins:ticketing_helpdesk:console.resend", kwargs={
        "organizer": organizer.slug, "ev": order.event.slug, "code": order.code})
    for channel in ("email", "sms"):
        r = agent_client.post(url, {"channel": channel})
        assert r.status_code == 302
    sent = Notification.objects.filter(order=order, context__occasion__startswith="resend-")
    assert {n.channel for n in sent} == {"email", "sms"}
    assert all(n.requested_by == agent for n in sent)
    entries = LogEntry.objects.filter(action_type="ticketing_helpdesk.resend", object_id=order.pk)
    assert {e.parsed_data["channel"] for e in entries} == {"email", "sms"}
    assert all(e.parsed_data["ip"] == "127.0.0.1" for e in entries)


def test_resend_of_unpaid_order_is_refused(organizer, agent_client, sailing):
    order = make_order(sailing, status=Order.STATUS_PENDING)
    url = reverse("plugins:ticketing_helpdesk:console.resend", kwargs={
        "organizer": organizer.slug, "ev": order.event.slug, "code": order.code})
    agent_client.post(url, {"channel": "email"})
    assert not Notification.objects.filter(order=order, context__occasion__startswith="resend-").exists()


def test_resend_with_unknown_channel_sends_nothing(organizer, agent_client, order):
    url = reverse("plugins:ticketing_helpdesk:console.resend", kwargs={
        "organizer": organizer.slug, "ev": order.event.slug, "code": order.code})
    agent_client.post(url, {"channel": "fax"})
    assert not Notification.objects.filter(order=order, context__occasion__startswith="resend-").exists()


def test_console_has_no_exchange_or_transfer(organizer, agent_client, order):
    """No link to pretix's order change page and no exchange or transfer action on any console page."""
    from pathlib import Path

    change_url = reverse("control:event.order.change", kwargs={
        "organizer": organizer.slug, "event": order.event.slug, "code": order.code})
    pages = [profile_url(organizer, ev=order.event.slug, code=order.code),
             reverse("plugins:ticketing_helpdesk:console.refund", kwargs={
                 "organizer": organizer.slug, "ev": order.event.slug, "code": order.code}),
             reverse("plugins:ticketing_helpdesk:console", kwargs={"organizer": organizer.slug}) + "?q=" + order.code]
    for url in pages:
        html = agent_client.get(url).content.decode()
        assert change_url not in html
    templates = Path(__file__).resolve().parent.parent / "templates" / "ticketing_helpdesk" / "console"
    for template in templates.glob("*.html"):
        text = template.read_text().lower()
        assert "exchange" not in text.replace("exchanges and transfers", "") and "order.change" not in text


def test_profile_shows_personal_data_consents_of_the_website(organizer, agent_client, console_customer):
    privacy = pytest.importorskip("ticketing_website.privacy.models")
    from django.utils.timezone import now

    policy = privacy.PolicyVersion.objects.create(organizer=organizer, version="a1b2c3", text={"ru": "Политика"})
    privacy.Consent.objects.create(organizer=organizer, policy=policy, customer=console_customer,
                                   purpose=privacy.Consent.REGISTRATION, locale="ru", given_at=now())
    html = agent_client.get(profile_url(organizer, customer=console_customer.identifier)).content.decode()
    assert "a1b2c3" in html

"""
The notification pages: the event's texts (switches, placeholders, preview, SMS length), the organizer's SMS
settings, the delivery log and "send again" on the order page, the organizer's message log, and the customer's
own SMS and reminder choices. Permissions and the audit log included.
"""
import json
import random
import re
from pathlib import Path

import pytest
from django.conf import settings
from i18nfield.strings import LazyI18nString

from pretix.base.models import Customer, LogEntry, Order, Team, User
from pretix.base.models.mail import OutgoingMail

from ticketing_core.notifications.forms import NotificationSettingsForm
from ticketing_core.notifications.kinds import KINDS, setting_key
from ticketing_core.notifications.models import ContactPreference, Notification
from ticketing_core.notifications.sms.base import GatewayRefused, GatewayUnavailable
from ticketing_core.notifications.sms.segments import GSM7_BASIC, GSM7_EXTENSION, count_segments
from ticketing_core.testing import factories
from ticketing_core.testing.fixtures import login

pytestmark = pytest.mark.django_db

LANG_INDEX = {code: i for i, (code, _name) in enumerate(settings.LANGUAGES)}
RU = "ru"


def member(organizer, email, **team):
    user = User.objects.create_user(email, "admin-password-123")
    t = Team.objects.create(organizer=organizer, name=email, all_events=True, **team)
    t.members.add(user)
    return user


def settings_url(event):
    return f"/control/event/{event.organizer.slug}/{event.slug}/notifications/"


def form_data(event, **changes) -> dict:
    """What the browser posts for the page as shown (defaults included), with ``changes`` applied."""
    form = NotificationSettingsForm(obj=event)
    data = {}
    for name, field in form.fields.items():
        initial = form.get_initial_for_field(field, name)
        if hasattr(field, "kind"):  # a multilingual text
            values = field.widget.decompress(initial)
            for i, value in enumerate(values):
                if field.locales[i] in form.locales:
                    data[f"{name}_{i}"] = value or ""
        elif isinstance(initial, bool) or name.endswith(("_enabled_email", "_enabled_sms")):
            if initial in (True, "True"):
                data[name] = "on"
        else:
            data[name] = initial
    for key, value in changes.items():
        if isinstance(value, dict):  # {locale: text}
            for locale, text in value.items():
                data[f"{key}_{LANG_INDEX[locale]}"] = text
        elif value is False:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def checkbox(html: str, name: str) -> str:
    tag = re.search(r'<input[^>]*name="%s"[^>]*>' % re.escape(name), html)
    assert tag, name
    return tag.group(0)


@pytest.fixture
def order(series, sailing):
    adult = series.items.filter(admission=True).order_by("pk").first()
    return factories.make_order(series, sailing.subevent, [adult])


# ---------------------------------------------------------------------------------------------- settings page


def test_settings_page_shows_every_kind_with_defaults_placeholders_and_counter(admin_client, series):
    resp = admin_client.get(settings_url(series), HTTP_ACCEPT_LANGUAGE="ru")
    assert resp.status_code == 200
    html = resp.content.decode()
    for kind in KINDS.values():
        assert f'id="notify-{kind.key}"' in html
    assert "Заказ {code} оплачен. Билеты: {url}" in html  # the default SMS text, as nothing is stored
    assert "Order {code} confirmed. Tickets: {url}" in html and "订单{code}已确认。船票：{url}" in html
    assert "<code>{pier}</code>" in html
    assert "/settings/email" in html  # pretix's own e-mail for confirmations is edited there
    assert "ticketing_core/notifications/sms_counter.js" in html and 'id="ticketing-sms-samples"' in html
    assert 'data-sms-counter="1"' in html
    assert 'value="24,2"' in html  # the reminder lead times' default
    assert "Уведомления" in html  # Settings → Notifications in the navigation


def test_settings_save_stores_changed_texts_only_and_logs(admin_client, series):
    sms = setting_key("order_confirmed", "sms")
    data = form_data(series, **{sms: {RU: "Заказ {code} оплачен, билеты: {url}"},
                                setting_key("reminder", "enabled_sms"): False,
                                "ticketing_notify_reminder_hours": "2, 48,48"})
    data[setting_key("refund_confirmed", "body") + f"_{LANG_INDEX[RU]}"] = (
        data[setting_key("refund_confirmed", "body") + f"_{LANG_INDEX[RU]}"].replace("\n", "\r\n"))  # browsers
    resp = admin_client.post(settings_url(series), data)
    assert resp.status_code == 302, resp.content.decode()[-3000:]
    series.settings.flush()
    stored = series.settings.get(sms, as_type=LazyI18nString)
    assert stored.data["ru"] == "Заказ {code} оплачен, билеты: {url}"
    assert stored.data["en"] == KINDS["order_confirmed"].sms["en"]  # every language stored, defaults filled in
    assert series.settings.get(setting_key("reminder", "enabled_sms"), as_type=bool) is False
    assert series.settings.get(setting_key("reminder", "enabled_email"), as_type=bool) is True
    assert series.settings.ticketing_notify_reminder_hours == "48,2"
    # untouched texts (even with the browser's line breaks) stay the defaults: not stored
    assert setting_key("refund_confirmed", "body") not in series.settings._cache()
    assert setting_key("order_confirmed", "subject") not in series.settings._cache()
    html = admin_client.get(settings_url(series)).content.decode()
    assert "checked" not in checkbox(html, setting_key("reminder", "enabled_sms"))  # switched off stays off
    assert "checked" in checkbox(html, setting_key("reminder", "enabled_email"))
    assert "Заказ {code} оплачен, билеты: {url}" in html and "Заказ {code} оплачен. Билеты: {url}" not in html
    entry = LogEntry.objects.get(action_type="ticketing_core.notifications.changed")
    assert sms in entry.parsed_data["changed"]
    assert setting_key("refund_confirmed", "body") not in entry.parsed_data["changed"]
    assert str(entry.display())


def test_saved_text_is_used_for_messages_and_other_languages_keep_their_default(admin_client, series, order):
    from ticketing_core.notifications.service import render

    sms = setting_key("order_confirmed", "sms")
    resp = admin_client.post(settings_url(series), form_data(series, **{sms: {RU: "Билеты {code}: {url}"}}))
    assert resp.status_code == 302
    series.settings.flush()
    ctx = {"code": "ABCDE", "url": "https://x"}
    assert render(series, KINDS["order_confirmed"], "ru", ctx)[2] == "Билеты ABCDE: https://x"
    assert render(series, KINDS["order_confirmed"], "en", ctx)[2] == "Order ABCDE confirmed. Tickets: https://x"


def test_a_three_segment_sms_is_refused_naming_the_language(admin_client, series):
    sms = setting_key("reminder", "sms")
    long_text = "{date} отправление от причала {pier}. Посадка за 15 минут, возьмите паспорт. Билеты: {url}"
    resp = admin_client.post(settings_url(series), form_data(series, **{sms: {RU: long_text}}),
                             HTTP_ACCEPT_LANGUAGE="ru")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Русский" in html and "3 SMS" in html and "не больше 2 SMS" in html
    series.settings.flush()
    assert sms not in series.settings._cache()
    assert not LogEntry.objects.filter(action_type="ticketing_core.notifications.changed").exists()


def test_an_unknown_placeholder_is_refused(admin_client, series):
    sms = setting_key("refund_confirmed", "sms")
    resp = admin_client.post(settings_url(series), form_data(series, **{sms: {"en": "Refund {amont} sent"}}))
    assert resp.status_code == 200
    assert "{amont}" in resp.content.decode()
    series.settings.flush()
    assert sms not in series.settings._cache()


@pytest.mark.parametrize("value", ["24,abc", "0", "169", "", "2.5"])
def test_reminder_hours_are_validated(admin_client, series, value):
    resp = admin_client.post(settings_url(series), form_data(series, ticketing_notify_reminder_hours=value))
    assert resp.status_code == 200
    series.settings.flush()
    assert series.settings.ticketing_notify_reminder_hours == "24,2"


def test_preview_with_sample_values_in_every_language(admin_client, series, sailing):
    sms = setting_key("order_confirmed", "sms")
    data = form_data(series, **{sms: {RU: "Черновик {code}: {url}"}})
    data["preview"] = "order_confirmed"
    resp = admin_client.post(settings_url(series), data, HTTP_ACCEPT_LANGUAGE="ru")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert 'id="preview-order_confirmed"' in html
    assert "Ваши билеты: заказ A1B2C" in html and "Your tickets: order A1B2C" in html and "您的船票：订单 A1B2C" in html
    assert "Черновик A1B2C: http" in html  # the unsaved text, rendered
    assert "Дворцовая пристань" in html  # the pier of the event's sailing
    assert "UCS-2" in html and "GSM-7" in html  # Russian/Chinese SMS in UCS-2, the English one in GSM-7
    assert sms not in series.settings._cache()  # a preview saves nothing


def test_preview_uses_the_latest_order(admin_client, series, order):
    data = form_data(series)
    data["preview"] = "reminder"
    resp = admin_client.post(settings_url(series), data)
    html = resp.content.decode()
    assert "Скоро отправление: Вечерняя прогулка" in html
    assert order.code in html and order.secret in html  # its own link


def test_preview_shows_an_overlong_sms_with_its_count(admin_client, series):
    sms = setting_key("reminder", "sms")
    data = form_data(series, **{sms: {RU: "Очень длинное напоминание " * 8 + "{url}"}})
    data["preview"] = "reminder"
    resp = admin_client.post(settings_url(series), data, HTTP_ACCEPT_LANGUAGE="ru")
    html = resp.content.decode()
    assert "text-danger ticketing-preview-count" in html


def test_settings_page_needs_the_settings_permission(client, organizer, series):
    user = member(organizer, "cashier@example.org", limit_event_permissions={"event.orders:write": True})
    login(client, user)
    assert client.get(settings_url(series)).status_code == 403
    assert client.post(settings_url(series), form_data(series)).status_code == 403


# ---------------------------------------------------------------------------------------------- SMS settings


def sms_url(organizer):
    return f"/control/organizer/{organizer.slug}/messages/sms"


def test_sms_settings_never_show_the_key(admin_client, organizer):
    organizer.settings.ticketing_sms_api_id = "SECRET-KEY-1234567890"
    resp = admin_client.get(sms_url(organizer))
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "SECRET-KEY-1234567890" not in html and "*****" in html
    token = organizer.settings.get("ticketing_sms_callback_token")
    assert token and f"http://example.com/_sms/{organizer.slug}/callback/{token}/" in html
    resp = admin_client.post(sms_url(organizer), {
        "ticketing_sms_provider": "smsru", "ticketing_sms_api_id": "*****", "ticketing_sms_sender": "Neva",
        "action": "save"})
    assert resp.status_code == 302
    organizer.settings.flush()
    assert organizer.settings.ticketing_sms_api_id == "SECRET-KEY-1234567890"  # the mask kept the key
    assert organizer.settings.ticketing_sms_sender == "Neva"
    entry = LogEntry.objects.get(action_type="ticketing_core.sms.changed")
    assert "SECRET" not in entry.data and entry.parsed_data["api_id_changed"] is False
    admin_client.post(sms_url(organizer), {
        "ticketing_sms_provider": "smsru", "ticketing_sms_api_id": "NEW-KEY", "ticketing_sms_sender": "",
        "action": "save"})
    organizer.settings.flush()
    assert organizer.settings.ticketing_sms_api_id == "NEW-KEY"


def test_staff_cannot_choose_where_the_sms_key_is_sent(admin_client, organizer, monkeypatch):
    """The gateway's address is configuration only: a posted or stored address is never used."""
    from ticketing_core.notifications.sms import smsru
    from ticketing_core.notifications.sms.factory import gateway_for

    seen = []
    monkeypatch.setattr(smsru.SmsRu, "check_connection", lambda self: seen.append(self.base_url) or "OK")
    html = admin_client.get(sms_url(organizer)).content.decode()
    assert 'name="ticketing_sms_api_url"' not in html and "http://127.0.0.1:9" in html  # shown, read-only
    organizer.settings.ticketing_sms_api_id = "SAVED-KEY"
    organizer.settings.ticketing_sms_api_url = "https://collector.example.org"  # e.g. left from an older version
    for action in ("save", "check"):
        admin_client.post(sms_url(organizer), {
            "ticketing_sms_provider": "smsru", "ticketing_sms_api_id": "*****", "ticketing_sms_sender": "",
            "ticketing_sms_api_url": "https://collector.example.org", "action": action})
    assert seen == ["http://127.0.0.1:9"]  # the test configuration's address (pretix-test.cfg)
    assert gateway_for(organizer)[0].base_url == "http://127.0.0.1:9"
    monkeypatch.setenv("PRETIX_TICKETING_SMS_API_URL", "https://sms.ru")
    assert gateway_for(organizer)[0].base_url == "https://sms.ru"


def test_sms_sender_name_is_validated(admin_client, organizer):
    resp = admin_client.post(sms_url(organizer), {
        "ticketing_sms_provider": "smsru", "ticketing_sms_api_id": "K", "ticketing_sms_sender": "Нева-Круиз",
        "action": "save"})
    assert resp.status_code == 200
    organizer.settings.flush()
    assert not organizer.settings.get("ticketing_sms_api_id")


@pytest.mark.parametrize("outcome,expected", [
    ("ok", "SMS.ru: 42.50 RUB"),
    (GatewayRefused("SMS.ru 200: Неправильный api_id", code=200, reason="auth"), "api_id"),
    (GatewayUnavailable("SMS.ru could not be reached", reason="connection"), "http://127.0.0.1:9"),
])
def test_check_connection_reports_in_plain_words(admin_client, organizer, monkeypatch, outcome, expected):
    from ticketing_core.notifications.sms import smsru

    seen = {}

    def check(self):
        seen["key"], seen["url"] = self.api_id, self.base_url
        if outcome == "ok":
            return "SMS.ru: 42.50 RUB"
        raise outcome

    monkeypatch.setattr(smsru.SmsRu, "check_connection", check)
    organizer.settings.ticketing_sms_api_id = "SAVED-KEY"
    resp = admin_client.post(sms_url(organizer), {
        "ticketing_sms_provider": "smsru", "ticketing_sms_api_id": "*****", "ticketing_sms_sender": "",
        "action": "check"}, follow=True)
    html = resp.content.decode()
    assert expected in html
    assert seen == {"key": "SAVED-KEY", "url": "http://127.0.0.1:9"}
    organizer.settings.flush()
    assert organizer.settings.get("ticketing_sms_api_id") == "SAVED-KEY"  # checking saves nothing


def test_sms_settings_need_the_organizer_settings_permission(client, organizer):
    user = member(organizer, "agent@example.org", limit_event_permissions={"event.orders:write": True})
    login(client, user)
    assert client.get(sms_url(organizer)).status_code == 403
    nav = client.get(f"/control/organizer/{organizer.slug}/messages/").content.decode()
    assert "/messages/sms" not in nav


# ---------------------------------------------------------------------------------------------- order page


def order_url(order):
    return f"/control/event/{order.event.organizer.slug}/{order.event.slug}/orders/{order.code}/"


def resend_url(order):
    return f"/control/event/{order.event.organizer.slug}/{order.event.slug}/notifications/resend/{order.code}"


def test_order_page_lists_our_messages_and_pretix_mails(admin_client, order):
    ContactPreference.objects.update_or_create(order=order, defaults={"sms": True, "phone": "+79161234567"})
    Notification.objects.create(
        organizer=order.event.organizer, event=order.event, order=order, kind="reminder", channel="sms",
        key=f"reminder:sms:o{order.pk}:test", recipient="+79161234567", status=Notification.DELIVERED, attempts=2,
        segments=2)
    Notification.objects.create(
        organizer=order.event.organizer, event=order.event, order=order, kind="refund_confirmed", channel="email",
        key=f"refund:email:o{order.pk}:test", recipient=order.email, status=Notification.SKIPPED,
        detail="opted out of reminders")
    OutgoingMail.objects.create(organizer=order.event.organizer, event=order.event, order=order,
                                subject="Ваш заказ оплачен (pretix)", body_plain="x", sender="shop@example.org",
                                to=[order.email], recipient_count=1, status=OutgoingMail.STATUS_SENT)
    resp = admin_client.get(order_url(order), HTTP_ACCEPT_LANGUAGE="ru")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert 'id="ticketing-messages"' in html
    assert "Ваш заказ оплачен (pretix)" in html  # pretix's own e-mail
    assert "+7916•••••67" in html and "+79161234567" not in html.split('id="ticketing-messages"')[1]
    assert "label-success" in html and "Доставлено" in html
    assert "Клиент не хочет получать напоминания." in html  # describe_skip
    assert "Send confirmation again" in html or "Отправить подтверждение ещё раз" in html


def test_resend_by_email_creates_a_new_message_and_logs_it(admin_client, order, admin,
                                                           django_capture_on_commit_callbacks):
    before = Notification.objects.filter(order=order).count()
    with django_capture_on_commit_callbacks(execute=True):
        resp = admin_client.post(resend_url(order), {"channel": "email"})
    assert resp.status_code == 302 and resp["Location"].endswith("#ticketing-messages")
    n = Notification.objects.filter(order=order, channel="email", kind="order_confirmed").latest("pk")
    assert Notification.objects.filter(order=order).count() == before + 1
    assert n.requested_by == admin and n.key.endswith(n.context["occasion"]) and "resend-" in n.key
    assert n.status in (Notification.SENT, Notification.DELIVERED), n.detail
    entry = LogEntry.objects.get(action_type="ticketing_core.notification.resent", object_id=order.pk)
    assert entry.user == admin and entry.parsed_data["channel"] == "email"
    # a second click is a second message, not swallowed as a duplicate
    admin_client.post(resend_url(order), {"channel": "email"})
    assert Notification.objects.filter(order=order, channel="email", kind="order_confirmed").count() == 2


def test_sms_resend_is_disabled_without_consent_and_refused_by_the_service(admin_client, order):
    html = admin_client.get(order_url(order), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    panel = html.split('id="ticketing-messages"')[1]
    assert 'value="sms" class="btn btn-default" disabled' in panel
    assert "Клиент не дал согласия на SMS." in panel
    resp = admin_client.post(resend_url(order), {"channel": "sms"}, follow=True, HTTP_ACCEPT_LANGUAGE="ru")
    n = Notification.objects.filter(order=order, channel="sms").latest("pk")
    assert n.status == Notification.SKIPPED and n.detail == "no SMS consent"
    assert "Клиент не дал согласия на SMS." in resp.content.decode()


def test_sms_resend_is_enabled_with_consent_and_gateway(admin_client, order, organizer):
    organizer.settings.ticketing_sms_api_id = "KEY"
    ContactPreference.objects.update_or_create(order=order, defaults={"sms": True, "phone": "+79161234567"})
    panel = admin_client.get(order_url(order)).content.decode().split('id="ticketing-messages"')[1]
    assert 'value="sms" class="btn btn-default">' in panel and "+7916•••••67" in panel


def test_resend_needs_the_orders_write_permission(client, organizer, order):
    user = member(organizer, "reader@example.org", limit_event_permissions={"event.orders:read": True})
    login(client, user)
    html = client.get(order_url(order)).content.decode()
    assert 'id="ticketing-messages"' in html and 'name="channel"' not in html
    assert client.post(resend_url(order), {"channel": "email"}).status_code == 403
    assert not Notification.objects.filter(order=order, requested_by=user).exists()


def test_resend_refuses_unpaid_orders_and_get(admin_client, series, sailing):
    adult = series.items.filter(admission=True).order_by("pk").first()
    pending = factories.make_order(series, sailing.subevent, [adult], status=Order.STATUS_PENDING)
    admin_client.post(resend_url(pending), {"channel": "email"})
    assert not Notification.objects.filter(order=pending, context__occasion__startswith="resend-").exists()
    assert admin_client.get(resend_url(pending)).status_code == 404


# ---------------------------------------------------------------------------------------------- organizer log


def messages_url(organizer):
    return f"/control/organizer/{organizer.slug}/messages/"


def test_message_log_filters_by_customer_order_phone_and_status(admin_client, organizer, series, order):
    customer = Customer.objects.create(organizer=organizer, email="anna@example.org", name_parts={"_legacy": "Анна"})
    order.customer = customer
    order.save()
    common = {"organizer": organizer, "event": series, "order": order}
    Notification.objects.create(**common, customer=customer, kind="reminder", channel="sms", key="k1",
                                recipient="+79161234567", status=Notification.FAILED, detail="SMS.ru 202")
    Notification.objects.create(**common, kind="payment_receipt", channel="email", key="k2",
                                recipient=order.email, status=Notification.DELIVERED)
    other = factories.make_order(series, None, [series.items.first()], email="boris@example.org")
    Notification.objects.create(organizer=organizer, event=series, order=other, kind="reminder", channel="email",
                                key="k3", recipient="boris@example.org", status=Notification.SENT)

    def rows(**params):  # the rows of this test (placing the orders has recorded their own messages too)
        resp = admin_client.get(messages_url(organizer), params)
        assert resp.status_code == 200
        return [r for r in resp.context["rows"] if r["notification"].key.startswith("k")]

    assert len(rows()) >= 3
    assert {r["notification"].key for r in rows(customer=customer.identifier)} == {"k1", "k2"}
    assert {r["notification"].key for r in rows(q=order.code)} == {"k1", "k2"}
    assert [r["notification"].key for r in rows(q="8 916 123-45-67")] == ["k1"]
    assert [r["notification"].key for r in rows(q="boris@example.org")] == ["k3"]
    assert [r["notification"].key for r in rows(status="failed")] == ["k1"]
    assert {r["notification"].key for r in rows(kind="reminder", channel="email")} == {"k3"}
    assert rows(customer="NOPE") == []
    html = admin_client.get(messages_url(organizer), {"customer": customer.identifier}).content.decode()
    assert "+7916•••••67" in html and "SMS.ru 202" in html


def test_message_log_is_paginated(admin_client, organizer, series, order):
    Notification.objects.bulk_create([
        Notification(organizer=organizer, event=series, order=order, kind="reminder", channel="email",
                     key=f"bulk{i}", recipient=order.email, status=Notification.SENT) for i in range(60)])
    resp = admin_client.get(messages_url(organizer))
    assert len(resp.context["rows"]) == 50 and resp.context["is_paginated"]
    assert len(admin_client.get(messages_url(organizer), {"page": 2}).context["rows"]) >= 10


def test_message_log_shows_only_events_whose_orders_the_user_may_see(client, organizer, series, order):
    Notification.objects.create(organizer=organizer, event=series, order=order, kind="reminder", channel="email",
                                key="secret-row", recipient=order.email, status=Notification.SENT)
    fleet_only = User.objects.create_user("fleet@example.org", "admin-password-123")
    team = Team.objects.create(organizer=organizer, name="Fleet", limit_organizer_permissions={
        "organizer.fleet:write": True})
    team.members.add(fleet_only)
    login(client, fleet_only)
    resp = client.get(messages_url(organizer))
    assert resp.status_code == 200 and resp.context["rows"] == []
    outsider = User.objects.create_user("outsider@example.org", "admin-password-123")
    login(client, outsider)
    assert client.get(messages_url(organizer)).status_code in (403, 404)


# ---------------------------------------------------------------------------------------------- customer account


@pytest.fixture
def customer_client(client, organizer):
    organizer.settings.customer_accounts = True
    customer = Customer.objects.create(organizer=organizer, email="anna@example.org", is_active=True,
                                       is_verified=True, name_parts={"_legacy": "Анна"}, locale="ru")
    customer.set_password("customer-password-123")
    customer.save()
    resp = client.post(f"/{organizer.slug}/account/login", {"email": "anna@example.org",
                                                             "password": "customer-password-123"})
    assert resp.status_code == 302, resp.content.decode()[-2000:]
    client.customer = customer
    return client


def prefs_url(organizer):
    return f"/{organizer.slug}/account/notifications"


def test_customer_preferences_need_alogin(client, organizer):
    organizer.settings.customer_accounts = True
    resp = client.get(prefs_url(organizer))
    assert resp.status_code == 302 and "/account/login" in resp["Location"]


def test_customer_saves_a_normalised_phone_and_choices(customer_client, organizer, series, sailing):
    adult = series.items.filter(admission=True).order_by("pk").first()
    placed = factories.make_order(series, sailing.subevent, [adult])
    placed.customer = customer_client.customer
    placed.save()
    ContactPreference.objects.create(order=placed, sms=False, reminders=True)
    resp = customer_client.get(prefs_url(organizer), HTTP_ACCEPT_LANGUAGE="ru")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "SMS и напоминания" in html or "SMS and reminders" in html
    resp = customer_client.post(prefs_url(organizer), {"phone": "8 (916) 123-45-67", "sms": "on"})
    assert resp.status_code == 302
    pref = ContactPreference.objects.get(customer=customer_client.customer)
    assert pref.phone == "+79161234567" and pref.sms and not pref.reminders
    placed_pref = ContactPreference.objects.get(order=placed)
    assert placed_pref.sms and placed_pref.phone == "+79161234567" and not placed_pref.reminders
    assert LogEntry.objects.filter(action_type="ticketing_core.contact_preference.changed").exists()


@pytest.mark.parametrize("phone", ["12ab", "+7 123", "телефон"])
def test_customer_garbage_phone_is_refused(customer_client, organizer, phone):
    resp = customer_client.post(prefs_url(organizer), {"phone": phone, "sms": "on", "reminders": "on"},
                                HTTP_ACCEPT_LANGUAGE="ru")
    assert resp.status_code == 200
    assert "+7 916 123-45-67" in resp.content.decode()  # the error shows an example
    assert not ContactPreference.objects.filter(customer=customer_client.customer).exists()


def test_customer_sms_without_phone_is_refused(customer_client, organizer):
    resp = customer_client.post(prefs_url(organizer), {"phone": "", "sms": "on"})
    assert resp.status_code == 200 and "has-error" in resp.content.decode()
    assert not ContactPreference.objects.filter(customer=customer_client.customer).exists()


def test_logged_in_customer_finds_the_page_in_the_footer(customer_client, organizer):
    html = customer_client.get(f"/{organizer.slug}/account/").content.decode()
    assert prefs_url(organizer) in html


# ---------------------------------------------------------------------------------------------- the JS counter


@pytest.mark.e2e
def test_js_counter_counts_like_segments_py(browser_page):
    """The editor's live counter and the server's check must agree on every kind of text."""
    rnd = random.Random(9)
    alphabet = sorted(GSM7_BASIC - {"\r", "\n"}) + sorted(GSM7_EXTENSION - {"\f"}) + list("Привет мир 你好 «»—")
    texts = ["", "a" * 160, "a" * 161, "[" * 80, "[" * 81, "a" * 152 + "[", "Я" * 70, "Я" * 71, "Я" * 66 + "😀",
             "😀" * 35, "😀" * 36, "€" * 77, "Заказ ABCDE оплачен. Билеты: https://example.org/x/"]
    texts += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 400))) for _ in range(150)]
    page = browser_page
    page.set_content("<html><body></body></html>")
    script = Path(__file__).resolve().parents[2] / "static" / "ticketing_core" / "notifications" / "sms_counter.js"
    page.add_script_tag(path=str(script))
    got = page.evaluate("texts => texts.map(t => window.TicketingSms.countSegments(t))", texts)
    for text, js in zip(texts, got, strict=True):
        py = count_segments(text)
        assert (js["encoding"], js["characters"], js["segments"], js["per_segment"], js["remaining"], js["units"]) == (
            py.encoding, py.characters, py.segments, py.per_segment, py.remaining, py.units), text
    filled = page.evaluate("([t, v]) => window.TicketingSms.fill(t, v)",
                           ["Заказ {code}\n  оплачен {{x}} {unknown}", {"code": "A1B2C"}])
    assert filled == "Заказ A1B2C оплачен {x} {unknown}"
    assert json.dumps(filled)

"""Customer accounts: registration with consent, profile phone (E.164, one source), tickets with QR codes, refunds."""
import io
import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils.timezone import now
from django.utils.translation import gettext, override

from pretix.base.models import Customer, Order, OrderRefund

from ticketing_core.notifications.models import ContactPreference
from ticketing_core.testing import factories
from ticketing_website.accounts.qr import qr_svg
from ticketing_website.privacy.models import Consent, PolicyVersion
from ticketing_website.testing import adult, is_paid, order_url

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------------------------ registration

def _challenge(html: str) -> int:
    a, b = re.search(r"(\d+)\s*\+\s*(\d+)", html).groups()
    return int(a) + int(b)


def _register_form(client, organizer, lang="ru"):
    resp = client.get(f"/{organizer.slug}/account/register", HTTP_ACCEPT_LANGUAGE=lang)
    assert resp.status_code == 200
    html = resp.content.decode()
    challenge = re.search(r'name="challenge" value="([^"]+)"', html).group(1)
    version = re.search(r'name="ticketing_privacy_version" value="([^"]*)"', html).group(1)
    return html, {"name_parts_0": "Пётр Иванов", "email": "petr@example.org", "challenge": challenge,
                  "response": _challenge(html[html.index("id_response") - 400:]), "ticketing_privacy_version": version}


def test_registration_asks_for_consent_with_a_link_to_the_policy(client, account_shop):
    html, _data = _register_form(client, account_shop)
    assert 'name="ticketing_privacy_consent"' in html
    assert f'href="/{account_shop.slug}/privacy"' in html
    assert "согласие" in html.lower() or "согласен" in html.lower()


def test_registration_without_consent_is_refused(client, account_shop):
    _html, data = _register_form(client, account_shop)
    resp = client.post(f"/{account_shop.slug}/account/register", data, HTTP_ACCEPT_LANGUAGE="ru")
    assert resp.status_code == 200
    assert not Customer.objects.filter(email="petr@example.org").exists()
    assert "обработку" in resp.content.decode()


def test_registration_records_consent_with_version_and_normalises_the_phone(client, account_shop):
    _html, data = _register_form(client, account_shop)
    data.update(ticketing_privacy_consent="on", phone="8 (916) 123-45-67")
    resp = client.post(f"/{account_shop.slug}/account/register", data, HTTP_ACCEPT_LANGUAGE="ru")
    assert resp.status_code == 302, resp.content.decode()[-3000:]
    customer = Customer.objects.get(email="petr@example.org")
    assert str(customer.phone) == "+79161234567"
    consent = Consent.objects.get(customer=customer)
    assert consent.purpose == Consent.REGISTRATION and consent.order is None
    shown = data["ticketing_privacy_version"]
    assert consent.policy == PolicyVersion.objects.get(organizer=account_shop, version=shown)
    assert consent.policy.text["ru"].startswith("Оператор — ООО «Нева Круиз»")
    assert abs((now() - consent.given_at).total_seconds()) < 60
    assert customer.all_logentries().filter(action_type="ticketing_website.privacy.consent").exists()
    # e-mail confirmation: pretix's activation mail with the link to choose the password
    assert len(mail.outbox) == 1 and "/account/activate" in mail.outbox[0].body


def test_registration_refuses_a_landline_or_garbage_phone(client, account_shop):
    for phone in ("+7 812 312-34-56", "12345", "телефон"):
        _html, data = _register_form(client, account_shop)
        data.update(ticketing_privacy_consent="on", phone=phone)
        resp = client.post(f"/{account_shop.slug}/account/register", data, HTTP_ACCEPT_LANGUAGE="ru")
        assert resp.status_code == 200, phone
        assert "мобильный" in resp.content.decode().lower(), phone
    assert not Customer.objects.filter(email="petr@example.org").exists()


def test_activation_link_sets_the_password_and_the_customer_can_log_in(client, account_shop):
    _html, data = _register_form(client, account_shop)
    data["ticketing_privacy_consent"] = "on"
    client.post(f"/{account_shop.slug}/account/register", data)
    link = re.search(r"https?://[^\s]+/account/activate\?[^\s]+", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    resp = client.post("/" + path, {"password": "Nevsky-Prospekt-28", "password_repeat": "Nevsky-Prospekt-28"})
    assert resp.status_code == 302
    client.get(f"/{account_shop.slug}/account/logout")
    resp = client.post(f"/{account_shop.slug}/account/login",
                       {"email": "petr@example.org", "password": "Nevsky-Prospekt-28"})
    assert resp.status_code == 302 and Customer.objects.get(email="petr@example.org").is_verified


@pytest.mark.parametrize(("lang", "words", "subject"), [
    ("ru", ("Вход в аккаунт", "Забыли пароль?", "Запросить новый пароль", "Я даю согласие"), "Задайте новый пароль"),
    ("zh-hans", ("登录您在", "忘记密码", "申请新密码", "我同意"), "设置新密码"),
])
def test_login_registration_and_password_reset_are_translated(client, customer, lang, words, subject):
    org = customer.organizer
    client.cookies["pretix_language"] = lang
    pages = "".join(client.get(f"/{org.slug}/account/{p}").content.decode()
                    for p in ("login", "register", "pwreset"))
    for word in words:
        assert word in pages, word
    customer.locale = lang
    customer.save()
    resp = client.post(f"/{org.slug}/account/pwreset", {"email": customer.email})
    assert resp.status_code == 302
    assert subject in mail.outbox[-1].subject and "/account/pwrecover" in mail.outbox[-1].body


def test_registration_without_the_plugin_is_pretixs_own(client, account_shop):
    account_shop.plugins = "ticketing_core"
    account_shop.save()
    html = client.get(f"/{account_shop.slug}/account/register").content.decode()
    assert "ticketing_privacy_consent" not in html and 'name="phone"' not in html and 'name="email"' in html


# ------------------------------------------------------------------------------------------------ profile phone

def test_profile_needs_a_login(client, account_shop):
    resp = client.get(f"/{account_shop.slug}/account/profile")
    assert resp.status_code == 302 and "/account/login" in resp["Location"]


def test_profile_stores_the_phone_in_e164_once_for_account_and_sms(customer_client, customer, paid_order):
    ContactPreference.objects.create(customer=customer, sms=True, phone="+79990000000")
    ContactPreference.objects.create(order=paid_order, sms=True, phone="+79990000000")
    resp = customer_client.post(f"/{customer.organizer.slug}/account/profile", {"phone": "8 916 123 45 67"})
    assert resp.status_code == 302
    customer.refresh_from_db()
    assert str(customer.phone) == "+79161234567"
    assert ContactPreference.objects.get(customer=customer).phone == "+79161234567"
    assert ContactPreference.objects.get(order=paid_order).phone == "+79161234567"
    assert customer.all_logentries().filter(action_type="ticketing_website.customer.phone_changed").exists()


def test_profile_refuses_an_invalid_phone_with_a_translated_error(customer_client, customer):
    resp = customer_client.post(f"/{customer.organizer.slug}/account/profile", {"phone": "+7 000"},
                                HTTP_ACCEPT_LANGUAGE="ru")
    assert resp.status_code == 200 and "мобильный" in resp.content.decode().lower()
    customer.refresh_from_db()
    assert customer.phone is None


def test_phone_changed_on_the_sms_page_becomes_the_accounts_phone(customer_client, customer):
    resp = customer_client.post(f"/{customer.organizer.slug}/account/notifications",
                                {"phone": "+7 (921) 555-12-34", "sms": "on", "reminders": "on"})
    assert resp.status_code == 302
    customer.refresh_from_db()
    assert str(customer.phone) == "+79215551234"


def test_account_pages_show_in_every_language(customer_client, customer):
    for lang, word in (("ru", "Профиль"), ("en", "Profile"), ("zh-hans", "个人资料")):
        customer_client.cookies["pretix_language"] = lang
        html = customer_client.get(f"/{customer.organizer.slug}/account/profile").content.decode()
        assert word in html, lang


# ------------------------------------------------------------------------------------------------ tickets, QR codes

def test_account_lists_the_order_and_its_page_shows_one_qr_code_per_ticket(customer_client, paid_order):
    org = paid_order.event.organizer
    listing = customer_client.get(f"/{org.slug}/account/").content.decode()
    assert paid_order.code in listing
    html = customer_client.get(order_url(paid_order)).content.decode()
    secrets = re.findall(r'data-secret="([^"]+)"', html)
    assert sorted(secrets) == sorted(p.secret for p in paid_order.positions.all())
    assert html.count('class="ticketing-qr-svg"') == 2
    assert "/boarding/1/" in html and "/download/" in html


def test_guest_finds_the_same_features_by_the_link_in_the_email(client, paid_order):
    paid_order.customer = None
    paid_order.save()
    html = client.get(order_url(paid_order)).content.decode()
    assert html.count('class="ticketing-qr-svg"') == 2
    assert 'id="ticketing-refund-button"' in html
    assert client.get(order_url(paid_order).replace(paid_order.secret, "wrongsecret12345")).status_code == 404


def test_pending_order_shows_no_qr_code(client, series, sailing, account_shop):
    order = factories.make_order(series, sailing.subevent, [adult(series)], status=Order.STATUS_PENDING)
    html = client.get(order_url(order)).content.decode()
    assert 'class="ticketing-qr-svg"' not in html and "data-secret" not in html
    assert "как только заказ будет оплачен" in html
    assert "Отменить неоплаченный заказ" in html  # nothing to refund yet


def test_screen_qr_encodes_what_the_pdf_ticket_encodes(client, paid_order):
    """pretix writes the QR content into the PDF (hidden text); our screen QR is drawn from the same string."""
    from pypdf import PdfReader

    from pretix.plugins.ticketoutputpdf.ticketoutput import PdfTicketOutput

    position = paid_order.positions.first()
    _name, _type, data = PdfTicketOutput(paid_order.event).generate(position)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    match = re.search(r'\{"issuer".*?\}', text, re.S)
    pdf_content = json.loads(match.group(0))["secret"]
    assert pdf_content == position.secret
    html = client.get(order_url(paid_order)).content.decode()
    assert qr_svg(pdf_content, f"QR-код билета {paid_order.code}-{position.positionid}") in html


def test_boarding_page_shows_one_ticket_large(client, paid_order):
    position = paid_order.positions.get(positionid=2)
    resp = client.get(order_url(paid_order) + "boarding/2/")
    html = resp.content.decode()
    assert resp.status_code == 200
    assert re.findall(r'data-secret="([^"]+)"', html) == [position.secret]
    assert "ticketing-qr-large" in html
    assert client.get(order_url(paid_order) + "boarding/9/").status_code == 404
    assert client.get(order_url(paid_order).replace(paid_order.secret, "x" * 16) + "boarding/2/").status_code == 404


def test_customer_order_of_a_verified_account_needs_the_login_when_the_operator_requires_it(client, paid_order):
    paid_order.event.organizer.settings.customer_accounts_require_login_for_order_access = True
    resp = client.get(order_url(paid_order) + "boarding/1/")
    assert resp.status_code == 302 and "/account/login" in resp["Location"]


# ------------------------------------------------------------------------------------------------ refunds

def test_refund_button_before_the_deadline_leads_to_pretixs_cancellation(customer_client, paid_order):
    html = customer_client.get(order_url(paid_order), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'id="ticketing-refund-button"' in html
    assert f'href="{order_url(paid_order)}cancel"' in html
    assert "UTC+03" in html


def test_refund_before_the_deadline_cancels_the_order_through_pretix(customer_client, paid_order):
    page = customer_client.get(order_url(paid_order) + "cancel").content.decode()
    assert "cancel/do" in page  # pretix's confirmation page, reached by our button
    resp = customer_client.post(order_url(paid_order) + "cancel/do", {})
    assert resp.status_code == 302
    paid_order.refresh_from_db()
    assert paid_order.status == Order.STATUS_CANCELED


@pytest.fixture
def yookassa():
    from tools.yookassa_emulator import start_server, stop_server

    server, _thread, base_url = start_server(port=0, shops={"100500": "test_secret"})
    yield base_url
    stop_server(server)


def test_self_service_refund_of_a_yookassa_payment_refunds_the_money(customer_client, customer, series, sailing,
                                                                    yookassa, settings, monkeypatch):
    """The button's flow (pretix's customer cancellation) refunds through YooKassa, in full."""
    import json as _json
    import urllib.request

    from django.test import RequestFactory

    from pretix.base.models import OrderPayment

    from ticketing_yoomoney.services.sync import sync_payment

    settings.ALLOW_HTTP_TO_PRIVATE_NETWORKS = True
    monkeypatch.setenv("PRETIX_TICKETING_YOOMONEY_API_URL", yookassa + "/v3")  # configured, never a setting
    org = series.organizer
    for key, value in {"shop_id": "100500", "secret_key": "test_secret",
                       "test_mode": True, "restrict_networks": False}.items():
        org.settings.set(f"payment_yookassa_{key}", value)
    series.settings.payment_yookassa__enabled = True
    order = factories.make_order(series, sailing.subevent, [adult(series)], status=Order.STATUS_PENDING,
                                 email=customer.email)
    order.customer = customer
    order.save()
    payment = order.payments.create(provider="yookassa", amount=order.total,
                                    state=OrderPayment.PAYMENT_STATE_CREATED)
    request = RequestFactory().get("/")
    request.event, request.organizer = series, org
    request.session = customer_client.session
    payment.payment_provider.execute_payment(request, payment)
    payment.refresh_from_db()
    urllib.request.urlopen(urllib.request.Request(
        f"{yookassa}/_emulator/payments/{payment.info_data['id']}/succeed", method="POST",
        data=_json.dumps({"payment_method": "bank_card"}).encode(), headers={"Content-Type": "application/json"}))
    sync_payment(payment)
    assert is_paid(order)

    html = customer_client.get(order_url(order)).content.decode()
    assert 'id="ticketing-refund-button"' in html
    customer_client.post(order_url(order) + "cancel/do", {})
    order.refresh_from_db()
    assert order.status == Order.STATUS_CANCELED
    refund = order.refunds.get()
    assert refund.provider == "yookassa" and refund.state == OrderRefund.REFUND_STATE_DONE
    assert refund.amount == order.total and refund.source == OrderRefund.REFUND_SOURCE_BUYER


def test_order_page_states_the_refund_deadline_once(client, paid_order):
    """One deadline statement (ticketing_core's notice), not one per panel."""
    from ticketing_core.policy.rules import check_refund, format_deadline

    decision = check_refund(paid_order)
    with override("ru"):
        deadline = format_deadline(decision.deadline, decision.timezone)
    html = client.get(order_url(paid_order), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert html.count(deadline) == 1 and html.count('id="ticketing-refund-button"') == 1


def test_order_page_has_no_empty_invoice_address(client, paid_order):
    """No invoice address is asked from retail buyers, so no blank "Address / ZIP code and city" rows."""
    assert not paid_order.event.settings.invoice_address_asked
    with override("ru"):
        labels = [gettext("Address"), gettext("ZIP code and city")]
    html = client.get(order_url(paid_order), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert paid_order.email in html and not any(f"<dt>{label}</dt>" in html for label in labels)


def test_after_the_deadline_no_button_but_the_explanation(customer_client, past_deadline_order):
    html = customer_client.get(order_url(past_deadline_order), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'id="ticketing-refund-button"' not in html
    assert 'id="ticketing-refund-policy"' in html and html.count("не подлежат возврату") == 1
    assert html.count('class="ticketing-qr-svg"') == 1  # the ticket still boards


def test_crafted_refund_after_the_deadline_is_refused_on_the_server(customer_client, past_deadline_order):
    resp = customer_client.post(order_url(past_deadline_order) + "cancel/do", {})
    assert resp.status_code == 302
    assert is_paid(past_deadline_order) and not past_deadline_order.refunds.exists()


def test_refund_one_second_after_the_deadline_is_refused(customer_client, series, boat, pier, customer):
    from ticketing_core.policy.rules import check_refund

    start = now() + timedelta(days=2)
    order = factories.make_order(series, factories.make_sailing(series, boat, pier, start).subevent,
                                 [adult(series)])
    deadline = start - timedelta(hours=24)
    assert check_refund(order, at=deadline).allowed
    assert not check_refund(order, at=deadline + timedelta(seconds=1)).allowed


def test_account_and_privacy_pages_load_nothing_from_another_host(customer_client, paid_order):
    """152-FZ: the data stays on the operator's servers; the QR codes are drawn here, not by a web service."""
    from ticketing_core.tests.test_no_foreign_requests import foreign_urls

    org = paid_order.event.organizer.slug
    pages = [f"/{org}/account/profile", f"/{org}/account/privacy", f"/{org}/privacy", order_url(paid_order),
             order_url(paid_order) + "boarding/1/", f"/{org}/account/"]
    for path in pages:
        resp = customer_client.get(path)
        assert resp.status_code == 200, path
        assert foreign_urls(resp.content.decode()) == [], path
    customer_client.get(f"/{org}/account/logout")
    resp = customer_client.get(f"/{org}/account/register")
    assert foreign_urls(resp.content.decode()) == []


def test_each_tickets_pdf_button_downloads_pretixs_pdf_ticket(client, paid_order):
    html = client.get(order_url(paid_order)).content.decode()
    position = paid_order.positions.get(positionid=1)
    url = re.search(rf'action="([^"]*/download/{position.pk}/pdf)"', html).group(1)
    resp = client.post(url, follow=True)
    assert resp.status_code == 200
    body = b"".join(resp.streaming_content) if resp.streaming else resp.content
    assert body.startswith(b"%PDF")


def test_an_attendees_ticket_page_shows_only_that_ticket_and_no_order_secret(client, paid_order):
    position = paid_order.positions.get(positionid=2)
    url = (f"/{paid_order.event.organizer.slug}/{paid_order.event.slug}/ticket/{paid_order.code}/"
           f"{position.positionid}/{position.web_secret}/")
    resp = client.get(url)
    html = resp.content.decode()
    assert resp.status_code == 200
    assert re.findall(r'data-secret="([^"]+)"', html) == [position.secret]
    assert paid_order.secret not in html and "ticketing-refund-button" not in html


def test_refund_button_follows_pretix_own_cancel_answer_computed_once(client, paid_order):
    """The button reads the ``user_cancel_allowed`` pretix computed for its order page (not a second computation),
    so it disappears exactly when pretix's own answer is no."""
    from unittest import mock

    from pretix.base.models import Order as PretixOrder

    calls = []
    original = PretixOrder.user_cancel_allowed

    def counted(order):
        calls.append(order.pk)
        return original.fget(order)

    with mock.patch.object(PretixOrder, "user_cancel_allowed", property(counted)):
        html = client.get(order_url(paid_order), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'id="ticketing-refund-button"' in html and calls == [paid_order.pk]

    paid_order.event.settings.cancel_allow_user_paid = False
    calls.clear()
    with mock.patch.object(PretixOrder, "user_cancel_allowed", property(counted)):
        html = client.get(order_url(paid_order), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'id="ticketing-refund-button"' not in html and calls == [paid_order.pk]

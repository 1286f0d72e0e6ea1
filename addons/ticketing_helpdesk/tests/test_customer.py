"""The shop: contact form (consent, honeypot, rate limit, order link), the guest link, the customer's account."""
import pytest
from django.core import mail

from ticketing_core.testing import factories

from ..cases.links import case_token
from ..cases.services import add_note, change, reply
from ..models import CaseMessage, SupportCase
from .cases_fixtures import customer_session, make_case

pytestmark = pytest.mark.django_db
pytest_plugins = ["ticketing_helpdesk.tests.cases_fixtures"]

FORM = {"name": "Анна Смирнова", "email": "anna@example.org", "phone": "", "category": "accessibility",
        "order": "", "subject": "Коляска на борту", "body": "Можно ли с инвалидной коляской?", "consent": "on",
        "website": ""}


def contact(organizer) -> str:
    return f"/{organizer.slug}/support/"


def guest_link(case) -> str:
    return f"/support/{case.number}/{case_token(case)}/"


def test_contact_form_opens_a_case_and_emails_its_link(organizer, client, django_capture_on_commit_callbacks):
    assert client.get(contact(organizer)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(contact(organizer), FORM, HTTP_ACCEPT_LANGUAGE="en")
    case = SupportCase.objects.get()
    assert (case.channel, case.category, case.consent, case.email) == ("web", "accessibility", True,
                                                                       "anna@example.org")
    assert r.status_code == 302 and r["Location"].endswith("/support/?sent=1")
    assert "Мы отправили вам письмо со ссылкой" in client.get(r["Location"]).content.decode()
    [ack] = mail.outbox
    assert ack.to == ["anna@example.org"] and case.reference in ack.subject and guest_link(case) in ack.body
    assert "We have received your request" in ack.body
    page = client.get(f"/{organizer.slug}{guest_link(case)}").content.decode()
    assert "Можно ли с инвалидной коляской?" in page
    created = case.all_logentries().get(action_type="ticketing_helpdesk.case.created")
    assert created.parsed_data["consent"] is True


def test_typed_email_of_a_registered_customer_links_neither_account_nor_order_nor_shows_the_link(
        organizer, client, case_customer, series, sailing, django_capture_on_commit_callbacks):
    """Finding 2 of issue 22: the e-mail address and the order code alone prove nothing."""
    organizer.settings.customer_accounts_link_by_email = True  # pretix links orders by e-mail: cases must not
    order = factories.make_order(series, sailing.subevent, [series.items.first()], email=case_customer.email)
    order.customer = case_customer
    order.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(contact(organizer), {**FORM, "email": case_customer.email.upper(), "order": order.code},
                        follow=True)
    case = SupportCase.objects.get()
    assert case.customer is None and case.order is None
    assert case.messages.get().data == {"unproven_order_code": order.code}
    token = case_token(case)
    assert r.status_code == 200 and all(token not in url for url, _status in r.redirect_chain)
    assert token not in r.content.decode() and f"/support/{case.number}/" not in r.content.decode()
    # only the owner of the address gets the link (and with it the replies)
    [ack] = mail.outbox
    assert [a.lower() for a in ack.to] == [case_customer.email] and token in ack.body
    assert case not in SupportCase.objects.filter(customer=case_customer)


def test_staff_see_an_order_code_given_without_proof_as_not_verified(organizer, client, case_agent, series, sailing):
    order = factories.make_order(series, sailing.subevent, [series.items.first()], email="ivan@example.org")
    client.post(contact(organizer), {**FORM, "order": order.code.lower(), "email": "ivan@example.org"})
    case = SupportCase.objects.get()
    assert case.order is None
    from ticketing_core.testing.fixtures import login

    login(client, case_agent)
    html = client.get(f"/control/organizer/{organizer.slug}/cases/{case.number}/").content.decode()
    assert "case-unproven-order" in html and order.code in html


def test_contact_form_needs_consent_and_valid_input(organizer, client):
    r = client.post(contact(organizer), {**FORM, "consent": ""})
    assert r.status_code == 200 and r.context["form"].errors["consent"]
    r = client.post(contact(organizer), {**FORM, "email": "not-an-email", "subject": ""})
    assert set(r.context["form"].errors) == {"email", "subject"}
    assert not SupportCase.objects.exists()


def test_honeypot_filled_by_a_robot_stores_nothing(organizer, client):
    r = client.post(contact(organizer), {**FORM, "website": "http://spam.example"})
    assert r.status_code == 302 and r["Location"].endswith("?sent=1") and not SupportCase.objects.exists()


def test_rate_limit_per_address(organizer, client):
    for i in range(5):
        client.post(contact(organizer), {**FORM, "email": f"u{i}@example.org"}, REMOTE_ADDR="10.0.0.7")
    r = client.post(contact(organizer), {**FORM, "email": "u9@example.org"}, REMOTE_ADDR="10.0.0.7")
    assert r.status_code == 200 and r.context["form"].non_field_errors()
    assert SupportCase.objects.count() == 5
    client.post(contact(organizer), {**FORM, "email": "other@example.org"}, REMOTE_ADDR="10.0.0.8")
    assert SupportCase.objects.count() == 6


def test_rate_limit_per_email(organizer, client):
    for i in range(5):
        client.post(contact(organizer), FORM, REMOTE_ADDR=f"10.0.1.{i}")
    r = client.post(contact(organizer), FORM, REMOTE_ADDR="10.0.1.99")
    assert r.status_code == 200 and SupportCase.objects.count() == 5


def test_contact_form_is_absent_when_the_addon_is_off(organizer, client):
    organizer.plugins = "ticketing_core"
    organizer.save()
    assert client.get(contact(organizer)).status_code == 404


def test_order_page_offers_a_question_about_the_order_and_links_it(organizer, client, series, sailing,
                                                                    case_customer, django_capture_on_commit_callbacks):
    order = factories.make_order(series, sailing.subevent, [series.items.first()], email="ivan@example.org")
    order.customer = case_customer
    order.save()
    page = client.get(f"/{organizer.slug}/{series.slug}/order/{order.code}/{order.secret}/").content.decode()
    assert 'id="order-contact"' in page
    link = f"{contact(organizer)}?order={order.code}&secret={order.tagged_secret('ticketing_helpdesk')}"
    assert link.replace("&", "&amp;") in page
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(link, {**FORM, "email": "ivan@example.org"})
    case = SupportCase.objects.get()
    # the secret link proves the order, and with it the order's account
    assert case.order == order and case.customer == case_customer
    assert r.status_code == 302 and r["Location"].endswith("/support/?sent=1")
    assert mail.outbox[-1].to == ["ivan@example.org"] and guest_link(case) in mail.outbox[-1].body


def test_an_order_code_alone_is_never_linked(organizer, client, series, sailing):
    order = factories.make_order(series, sailing.subevent, [series.items.first()], email="ivan@example.org")
    client.post(contact(organizer), {**FORM, "order": order.code, "email": "stranger@example.org"})
    client.post(contact(organizer), {**FORM, "order": order.code.lower(), "email": "IVAN@example.org"})
    assert [c.order_id for c in SupportCase.objects.order_by("number")] == [None, None]
    # a wrong secret links nothing either
    client.post(f"{contact(organizer)}?order={order.code}&secret=wrong", {**FORM, "email": "x@example.org"})
    assert SupportCase.objects.order_by("number").last().order_id is None


def test_guest_sees_replies_but_never_notes_and_can_write_again(organizer, client, case_agent):
    case = make_case(organizer)
    reply(case, case_agent, "Да, на борту есть пандус.")
    add_note(case, case_agent, "ВНУТРЕННЕЕ: проверить у капитана")
    page_url = f"/{organizer.slug}/support/{case.number}/{case_token(case)}/"
    html = client.get(page_url).content.decode()
    assert "на борту есть пандус" in html and "ВНУТРЕННЕЕ" not in html
    r = client.post(page_url, {"body": "Спасибо! А собака-поводырь?"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.status == "open" and case.messages.filter(kind=CaseMessage.KIND_CUSTOMER).count() == 2


def test_closed_case_takes_no_more_messages(organizer, client, case_agent):
    case = make_case(organizer)
    change(case, case_agent, status="closed")
    page_url = f"/{organizer.slug}/support/{case.number}/{case_token(case)}/"
    assert "<textarea" not in client.get(page_url).content.decode()
    r = client.post(page_url, {"body": "Ещё вопрос"})
    assert r.status_code == 200 and case.messages.filter(kind="customer").count() == 1


def test_customer_account_lists_only_their_cases(organizer, client, case_customer):
    mine = make_case(organizer, customer=case_customer, subject="Мой вопрос")
    make_case(organizer, subject="Чужой вопрос", email="eve@example.org")
    customer_session(client, case_customer)
    html = client.get(f"/{organizer.slug}/account/cases/").content.decode()
    assert "Мой вопрос" in html and "Чужой вопрос" not in html
    assert client.get(f"/{organizer.slug}/account/cases/{mine.number}/").status_code == 200
    assert client.get(f"/{organizer.slug}/account/cases/{mine.number + 1}/").status_code == 404


def test_account_pages_need_a_login(organizer, client, case_customer):
    r = client.get(f"/{organizer.slug}/account/cases/")
    assert r.status_code == 302 and "/account/login" in r["Location"]


def test_logged_in_customer_opens_a_case_linked_to_the_account_and_follows_the_reply(
        organizer, client, case_customer, case_agent, django_capture_on_commit_callbacks):
    customer_session(client, case_customer)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(contact(organizer), {**FORM, "email": case_customer.email})
    case = SupportCase.objects.get()
    assert case.customer == case_customer and r["Location"].endswith(f"/account/cases/{case.number}/")
    assert not mail.outbox  # the case is in the account: no link to send
    with django_capture_on_commit_callbacks(execute=True):
        reply(case, case_agent, "Yes, there is a ramp.")
    assert mail.outbox[-1].to == [case_customer.email]
    html = client.get(f"/{organizer.slug}/account/cases/{case.number}/").content.decode()
    assert "Yes, there is a ramp." in html
    r = client.post(f"/{organizer.slug}/account/cases/{case.number}/", {"body": "Thank you"})
    assert r.status_code == 302 and case.messages.filter(kind="customer", body="Thank you").exists()


def test_footer_links_to_contact_and_the_account_menu_to_the_customers_requests(organizer, client, case_customer):
    html = client.get(contact(organizer)).content.decode()
    assert "/support/" in html.split("<footer>")[1]
    customer_session(client, case_customer)
    html = client.get(f"/{organizer.slug}/account/").content.decode()
    assert f'href="/{organizer.slug}/account/cases/"' in html.split('class="subnav row"')[1].split("</nav>")[0]


def test_logged_in_customer_picks_one_of_their_orders(organizer, client, case_customer, series, sailing):
    mine = factories.make_order(series, sailing.subevent, [series.items.first()], email="other@example.org")
    mine.customer = case_customer
    mine.save()
    someone_elses = factories.make_order(series, sailing.subevent, [series.items.first()], email="eve@example.org")
    customer_session(client, case_customer)
    form = client.get(contact(organizer)).context["form"]
    assert [c for c, _label in form.fields["order"].choices] == ["", mine.code]
    client.post(contact(organizer), {**FORM, "email": case_customer.email, "order": mine.code})
    assert SupportCase.objects.get().order == mine
    r = client.post(contact(organizer), {**FORM, "email": case_customer.email, "order": someone_elses.code})
    assert r.status_code == 200 and r.context["form"].errors["order"]

"""Where the account feature touches pretix: the order page's boarding panel and the one phone number."""
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.utils.translation import gettext

from pretix.base.models import Customer, Order
from pretix.presale.signals import order_info_top, position_info_top, process_request

from ticketing_core.hooks import account_menu

from .guest import skip_customer_step
from .mixins import account_menu_entries
from .phone import sync_customer, sync_preferences
from .qr import qr_svg
from .tickets import boarding_positions, refund_context, seat_text, tickets_of


@receiver(process_request, dispatch_uid="ticketing_website_guest_checkout")
def guest_checkout(sender, request, **kwargs):
    """Guests skip pretix's account step (``guest.py``); it stays one click away in the progress bar."""
    return skip_customer_step(sender, request)


@receiver(order_info_top, dispatch_uid="ticketing_website_order_tickets")
def order_tickets_panel(sender, request, order, **kwargs):
    """
    pretix's order page (reached from the account's order list or from the link in the e-mail) shows each
    ticket's QR code for boarding, its PDF, the refund deadline and the refund button or why there is none.
    """
    if order.status not in (Order.STATUS_PAID, Order.STATUS_PENDING):
        return ""
    tickets = tickets_of(order)
    # the cards' PDF buttons are then the one way to the PDF: pretix's own buttons are hidden (one_download.css);
    # the CSRF token of the boarding form, not the request: pretix's shop context processors are not needed here
    ctx = {"order": order, "tickets": tickets, "with_pdf": any(t.pdf_url for t in tickets),
           **refund_context(order, request), "csrf_token": get_token(request)}
    return get_template("ticketing_website/accounts/order_tickets.html").render(ctx)


@receiver(account_menu, dispatch_uid="ticketing_website_account_menu")
def account_pages(sender, request, **kwargs):
    """The profile and personal data pages in the customer's account menu."""
    return account_menu_entries(sender)


@receiver(position_info_top, dispatch_uid="ticketing_website_position_ticket")
def position_ticket_panel(sender, request, order, position, **kwargs):
    """
    A passenger's own ticket page (the link pretix e-mails to each attendee) shows that ticket's QR code; never
    the order's other tickets, its secret address or its refund, which belong to the person who paid.
    """
    if position.pk not in {p.pk for p in boarding_positions(order)}:
        return ""
    label = gettext("QR code of ticket {code}-{number}").format(code=order.code, number=position.positionid)
    return get_template("ticketing_website/accounts/position_ticket.html").render(
        {"order": order, "position": position, "qr": qr_svg(position.secret, label), "seat": seat_text(position)},
        request=request)


@receiver(post_save, sender=Customer, dispatch_uid="ticketing_website_customer_phone_sync")
def customer_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        sync_preferences(instance)


def preference_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        sync_customer(instance)


def connect_preference_sync() -> None:
    from ticketing_core.notifications.models import ContactPreference

    post_save.connect(preference_saved, sender=ContactPreference, dispatch_uid="ticketing_website_pref_phone_sync")


connect_preference_sync()

"""
Everything we keep about a customer, as one JSON document they can download (152-FZ, art. 14): the profile,
the orders of the account, the consents with the versions of the text, the notification choices and the
messages sent.
"""
from django.db.models import Q

from pretix.base.models import Customer, InvoiceAddress, Order

from .models import Consent


def _iso(value):
    return value.isoformat() if value else None


def customer_orders(customer: Customer):
    """The account's orders (and those placed with its verified e-mail, where the operator links them)."""
    q = Q(customer=customer)
    if customer.organizer.settings.customer_accounts_link_by_email and customer.email:
        q |= Q(email__iexact=customer.email)
    return Order.objects.filter(q, event__organizer=customer.organizer).select_related("event").order_by("-datetime")


def _order(order: Order) -> dict:
    return {
        "code": order.code,
        "event": str(order.event.name),
        "status": order.status,
        "placed": _iso(order.datetime),
        "email": order.email,
        "phone": str(order.phone) if order.phone else None,
        "locale": order.locale,
        "total": str(order.total),
        "currency": order.event.currency,
        "positions": [{
            "product": str(p.item.name),
            "date": _iso(p.subevent.date_from if p.subevent_id else order.event.date_from),
            "attendee_name": p.attendee_name,
            "attendee_email": p.attendee_email,
            "price": str(p.price),
        } for p in order.positions.select_related("item", "subevent")],
        "payments": [{"provider": p.provider, "amount": str(p.amount), "state": p.state,
                      "date": _iso(p.payment_date or p.created)} for p in order.payments.all()],
        "refunds": [{"provider": r.provider, "amount": str(r.amount), "state": r.state,
                     "date": _iso(r.execution_date or r.created)} for r in order.refunds.all()],
    }


def export_customer(customer: Customer) -> dict:
    from ticketing_core.notifications.models import ContactPreference, Notification

    orders = list(customer_orders(customer))
    pref = ContactPreference.objects.filter(customer=customer).first()
    consents = Consent.objects.filter(Q(customer=customer) | Q(order__in=orders)).select_related("policy", "order")
    messages = Notification.objects.filter(Q(customer=customer) | Q(order__in=orders)).select_related("order")
    return {
        "profile": {
            "customer_id": customer.identifier,
            "email": customer.email,
            "name": customer.name,
            "name_parts": customer.name_parts,
            "phone": str(customer.phone) if customer.phone else None,
            "locale": customer.locale,
            "created": _iso(customer.date_joined),
            "last_login": _iso(customer.last_login),
            "addresses": [{"company": a.company, "name": a.name, "street": a.street, "zipcode": a.zipcode,
                           "city": a.city, "country": str(a.country) if a.country else None, "vat_id": a.vat_id}
                          for a in InvoiceAddress.profiles.filter(customer=customer)],
            "attendee_profiles": [{"name": p.attendee_name, "email": p.attendee_email, "company": p.company,
                                   "street": p.street, "zipcode": p.zipcode, "city": p.city}
                                  for p in customer.attendee_profiles.all()],
        },
        "orders": [_order(o) for o in orders],
        "consents": [{
            "purpose": c.purpose, "given_at": _iso(c.given_at), "policy_version": c.policy.version,
            "policy_text": c.policy.text, "order": c.order.code if c.order_id else None, "locale": c.locale,
        } for c in consents],
        "notification_preferences": {
            "phone": pref.phone, "sms": pref.sms, "reminders": pref.reminders, "changed": _iso(pref.changed),
        } if pref else None,
        "messages": [{
            "order": m.order.code if m.order_id else None, "kind": m.kind, "channel": m.channel,
            "recipient": m.recipient, "subject": m.subject, "text": m.text, "status": m.status,
            "created": _iso(m.created), "sent": _iso(m.sent_at),
        } for m in messages],
    }

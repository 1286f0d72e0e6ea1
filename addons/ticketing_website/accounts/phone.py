"""
One mobile phone number per customer. pretix's ``Customer.phone`` is the source of truth (E.164, shown in the
account header and used by pretix to pre-fill the checkout); the SMS preference of the account
(``ticketing_core``'s ``ContactPreference.phone``, which the SMS sender reads) follows it, and a number changed on
the "SMS and reminders" page goes back to the customer. The copies are updated with queryset updates, which send
no signals, so the two receivers never call each other.
"""
from pretix.base.models import Customer


def phone_of(customer: Customer) -> str:
    return str(customer.phone) if customer.phone else ""


def set_customer_phone(customer: Customer, phone: str) -> None:
    """Store ``phone`` (E.164 or empty) on the account and in its SMS preferences."""
    customer.phone = phone or None
    customer.save(update_fields=["phone"])
    sync_preferences(customer)


def sync_preferences(customer: Customer) -> None:
    """The SMS choices of the account and of its orders use the account's number."""
    from ticketing_core.notifications.models import ContactPreference

    phone = phone_of(customer)
    ContactPreference.objects.filter(customer=customer).exclude(phone=phone).update(phone=phone)
    ContactPreference.objects.filter(order__customer=customer, sms=True).exclude(phone=phone).exclude(
        phone="").update(phone=phone)


def sync_customer(preference) -> None:
    """A number changed in the account's SMS preferences becomes the account's number."""
    if preference.customer_id and preference.phone:
        Customer.objects.filter(pk=preference.customer_id).exclude(phone=preference.phone).update(
            phone=preference.phone)

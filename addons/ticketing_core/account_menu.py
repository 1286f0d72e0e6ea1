"""
The customer account's menu, the same on every account page. pretix builds the menu of its own account pages
(``CustomerAccountBaseMixin``: orders, memberships, gift cards, addresses, attendee profiles) and has no signal
to extend it, so each addon's account page used to append only its own entry, and customers found the other
pages only through footer links (which pretix opens in a new tab). Every account page now takes its menu from
:func:`account_nav`: pretix's entries the operator uses, then every active addon's entries
(:data:`ticketing_core.hooks.account_menu`). The storefront addon serves pretix's own account pages through
the same mixin (plugin URLs come before pretix's).
"""
from urllib.parse import urlparse

from django.db.models import Q

from pretix.base.models import Item, Organizer
from pretix.multidomain.urlreverse import eventreverse

from .hooks import account_menu


def _memberships_in_use(organizer: Organizer, customer) -> bool:
    return organizer.membership_types.exists() or (customer is not None and customer.memberships.exists())


def _gift_cards_in_use(organizer: Organizer, customer) -> bool:
    if customer is not None and customer.customer_gift_cards.exists():
        return True
    return Item.objects.filter(Q(event__organizer=organizer), issue_giftcard=True).exists()


def unused_pretix_pages(organizer: Organizer, customer) -> set[str]:
    """Addresses of pretix's account pages for features this operator does not use (memberships, gift cards)."""
    unused = set()
    if not _memberships_in_use(organizer, customer):
        unused.add(eventreverse(organizer, "presale:organizer.customer.memberships"))
    if not _gift_cards_in_use(organizer, customer):
        unused.add(eventreverse(organizer, "presale:organizer.customer.giftcards"))
    return unused


def account_nav(request, pretix_nav: list[dict]) -> list[dict]:
    """The account menu: pretix's entries in use, then the addons' (an entry may say it is ``active``)."""
    organizer = request.organizer
    customer = getattr(request, "customer", None)
    unused = unused_pretix_pages(organizer, customer)
    nav = [dict(entry) for entry in pretix_nav if str(entry["url"]) not in unused]
    for _receiver, entries in account_menu.send(organizer, request=request):
        nav += [dict(entry) for entry in entries or []]
    for entry in nav:  # pretix marks its pages (and sub-pages) itself; an addon's entry may say so or match
        entry["active"] = bool(entry.get("active")) or urlparse(str(entry["url"])).path == request.path
    return nav


class AccountMenuMixin:
    """For a view based on pretix's ``CustomerAccountBaseMixin``: the whole account menu."""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["sub_nav"] = account_nav(self.request, ctx.get("sub_nav", []))
        return ctx

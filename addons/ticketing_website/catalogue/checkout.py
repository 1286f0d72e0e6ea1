"""
Prices at checkout: the mandatory service fee as a fee line of pretix's own, and, on the confirmation page,
a summary of every line, fee, discount, promo code and the tax statement, plus the refund deadline of the
chosen date in the pier's time zone (Moscow), before the customer pays.
"""
from collections import OrderedDict
from decimal import Decimal

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.loader import get_template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from pretix.base.models import Event, Item, ItemVariation, OrderFee, SubEvent, SubEventItem
from pretix.base.templatetags.money import money_filter

from ticketing_core.models import Sailing
from ticketing_core.policy.rules import NON_REFUNDABLE_CONFIRMATION, NON_REFUNDABLE_NOTICE, SaleTerms, sale_terms
from ticketing_core.urlmatch import is_checkout_step, url_match

from .pricing import final_price, service_fee, tax_note

SERVICE_FEE_INTERNAL_TYPE = "ticketing_website.service"


def fee_positions(positions) -> int:
    """Passenger tickets that carry the service fee: admissions with a price (free children do not)."""
    return sum(1 for p in positions if p.item.admission and p.price and p.price > 0 and not p.addon_to_id)


def service_fees(event: Event, positions) -> list[OrderFee]:
    """The service fee as one fee line (not saved): pretix adds its tax and shows it in cart, checkout, order."""
    fee = service_fee(event)
    count = fee_positions(positions)
    if not fee or not count:
        return []
    return [OrderFee(
        fee_type=OrderFee.FEE_TYPE_SERVICE, internal_type=SERVICE_FEE_INTERNAL_TYPE, value=fee * count,
        description=_("Service fee: {count} × {fee}").format(count=count, fee=money_filter(fee, event.currency)),
        tax_rule=event.cached_default_tax_rule,
    )]


def price_with_fee_note(event: Event, item: Item, variation: ItemVariation | None, subevent: SubEvent | None) -> str:
    """
    Below a ticket in pretix's product list: the price with the service fee, so the first price a customer
    reads is the final one (pretix's list shows the ticket's own price; the fee is added in the cart).
    """
    fee = service_fee(event)
    if not fee or not item.admission:
        return ""
    price = variation.price if variation is not None else item.default_price
    if subevent is not None:
        override = SubEventItem.objects.filter(subevent=subevent, item=item).values_list("price", flat=True).first()
        price = override if override is not None else price
    total = final_price(item, price, fee)
    if not price or total <= 0:
        return ""
    return _("**{total}** with the service fee of {fee}").format(
        total=money_filter(total, event.currency), fee=money_filter(fee, event.currency))


def price_summary(event: Event, positions, fees) -> dict:
    """Lines grouped by product and price, each discount and promo code, fees and the tax statement."""
    lines = OrderedDict()
    discounts = OrderedDict()
    vouchers = OrderedDict()
    for p in positions:
        key = (p.item_id, p.variation_id, p.price)
        line = lines.setdefault(key, {"name": str(p.item.name) + (f" – {p.variation}" if p.variation_id else ""),
                                      "count": 0, "price": p.price, "total": Decimal("0.00")})
        line["count"] += 1
        line["total"] += p.price
        listed = p.listed_price if p.listed_price is not None else p.price
        after_voucher = p.price_after_voucher if p.price_after_voucher is not None else listed
        if p.voucher_id and listed > after_voucher:
            vouchers.setdefault(p.voucher.code, Decimal("0.00"))
            vouchers[p.voucher.code] += listed - after_voucher
        if p.discount_id and after_voucher > p.price:
            name = str(p.discount.internal_name)
            discounts.setdefault(name, Decimal("0.00"))
            discounts[name] += after_voucher - p.price
    rules = [p.item.tax_rule for p in positions] + [f.tax_rule for f in fees]
    tax_total = sum((p.tax_value or Decimal("0.00") for p in positions), Decimal("0.00")) + \
        sum((f.tax_value or Decimal("0.00") for f in fees), Decimal("0.00"))
    return {
        "lines": list(lines.values()), "discounts": list(discounts.items()), "vouchers": list(vouchers.items()),
        "fees": fees, "tax": tax_note(rules), "tax_total": tax_total,
        "total": sum((p.price for p in positions), Decimal("0.00")) + sum((f.value for f in fees), Decimal("0.00")),
    }


def cart_terms(event: Event, positions) -> SaleTerms | None:
    """
    The refund terms the order will have (``policy.rules.sale_terms`` of the earliest sailing in the cart, in the
    departure pier's time zone). Rentals have their own charter times and are left to the order page.
    """
    if event.has_subevents:
        dates = {p.subevent for p in positions if p.subevent_id}
    else:
        dates = {None}
    # the cart's own sailings only: a series has hundreds of dates, a cart one or two
    sailings = Sailing.objects.filter(event=event).select_related("departure_pier")
    if event.has_subevents:
        sailings = sailings.filter(subevent_id__in=[d.pk for d in dates])
    sailings = {s.subevent_id: s for s in sailings}
    departures = []
    for date in dates:
        sailing = sailings.get(date.pk if date is not None else None)
        if sailing is None:
            continue
        # the start of the position's own date (``Sailing.start`` would load the date again)
        start = date.date_from if date is not None else event.date_from
        departures.append((start, sailing.departure_pier.timezone))
    if not departures:
        return None
    start, tz = min(departures, key=lambda d: d[0])
    return sale_terms(start, tz)


# the name of the checkbox on the confirmation page by which the buyer accepts a non-refundable ticket
NON_REFUNDABLE_FIELD = "ticketing_nonrefundable"


# pretix's own cart of the confirmation page being drawn (positions, fees), kept by ``remember_confirm_cart``
CONFIRM_CART_ATTR = "_ticketing_confirm_cart"


def remember_confirm_cart(request, response) -> None:
    """
    pretix's confirmation step computes the cart it shows (positions, fees with the chosen payment's, rounding) for
    its own context; the price summary drawn inside the page (``checkout_confirm_page_content``, a template signal
    that does not see the view's context) computed the same cart again. Django hands the template response to
    ``process_template_response`` (``accounts/middleware.py``) before the page is drawn: the cart is kept there.
    """
    data = getattr(response, "context_data", None)
    cart = data.get("cart") if isinstance(data, dict) else None
    if isinstance(cart, dict) and "raw" in cart and "fees" in cart and is_checkout_step(request, "confirm"):
        setattr(request, CONFIRM_CART_ATTR, (list(cart["raw"] or []), list(cart["fees"] or [])))


def _cart_positions(request) -> tuple[list, list]:
    from pretix.presale.views import CartMixin

    known = getattr(request, CONFIRM_CART_ATTR, None)
    if known is not None:
        return known

    # pretix's own cart computation (positions, rounding, fees incl. the chosen payment method's)
    cart_view = CartMixin()
    cart_view.request = request
    cart = cart_view.get_cart()
    return list(cart.get("raw") or []), list(cart.get("fees") or [])


def needs_non_refundable_confirmation(event: Event, request) -> bool:
    # pretix's cart positions of this request (``get_cart``, shared with pretix's confirmation step that follows);
    # the fees are not needed here, and computing pretix's whole cart would compute them
    from pretix.presale.views import get_cart

    positions = list(get_cart(request))
    terms = cart_terms(event, positions) if positions else None
    return terms is not None and not terms.refundable


def refuse_unconfirmed_non_refundable(event: Event, request) -> HttpResponse | None:
    """
    The confirmation step is refused, on the server, when the cart holds a non-refundable ticket and the buyer
    has not ticked that they accept it (the checkbox is required in the page; a stale page or a crafted POST is
    caught here), the same way pretix refuses its own unticked confirmations.
    """
    if request.method != "POST":
        return None
    match = url_match(request)
    if match.namespace != "presale" or match.url_name != "event.checkout" or match.kwargs.get("step") != "confirm":
        return None
    if request.POST.get(NON_REFUNDABLE_FIELD) == "yes" or not needs_non_refundable_confirmation(event, request):
        return None
    msg = str(_("Please confirm that you accept a non-refundable ticket."))
    messages.error(request, msg)
    if "ajax" in request.POST or "ajax" in request.GET:
        return JsonResponse({"ready": True, "redirect": request.path, "message": msg})
    return HttpResponseRedirect(request.path)


def confirm_page_content(event: Event, request) -> str:
    positions, fees = _cart_positions(request)
    if not positions:
        return ""
    terms = cart_terms(event, positions)
    ctx = {
        "event": event, "summary": price_summary(event, positions, fees), "terms": terms,
        "non_refundable_notice": NON_REFUNDABLE_NOTICE, "non_refundable_confirmation": NON_REFUNDABLE_CONFIRMATION,
        "non_refundable_field": NON_REFUNDABLE_FIELD,
    }
    # without the request: the panel needs none of pretix's shop context, whose processors cost more than the panel
    return SafeString(get_template("ticketing_website/event/confirm.html").render(ctx))  # nosec B703 # our template's output, auto-escaped

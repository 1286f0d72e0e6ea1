"""
The shop's charter page of a rental event: choose vessel, date, start, duration, guests and extras, see the
price broken down, and put it into the cart; then pretix's normal checkout. The page works without
JavaScript (GET re-renders it with the free start times and the price); with it, changes re-render the form
in place (``?fragment=1``).
"""
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.views import View

from pretix.base.services.cart import CartManager
from pretix.multidomain.urlreverse import eventreverse
from pretix.presale.views.cart import get_or_create_cart_id

from ticketing_core import flags

from .. import cart as rental_cart
from .. import holdlimits
from ..errors import RentalError
from ..forms import CharterForm
from ..models import RentalOffer
from ..quote import quote
from .availability import shop_offer

TEMPLATE = "ticketing_rentals/book.html"
FRAGMENT = "ticketing_rentals/book_form.html"
UNAVAILABLE = "ticketing_rentals/unavailable.html"


def _zone_name(tz) -> str:
    """The pier's time zone as customers say it ("время московское"), else its UTC offset; never "Europe/Moscow"."""
    from ticketing_core.policy.rules import zone_label

    return zone_label(str(tz)) or "UTC" + now().astimezone(tz).strftime("%z")[:3]


class CharterBooking(View):
    """``/<organizer>/<event>/rentals/``: GET shows the form, POST books (``action=book``) or removes."""

    @cached_property
    def offer(self) -> RentalOffer:
        offer = shop_offer(self.request.event)
        if offer is None:
            raise Http404(_("This event has no boats or yachts for charter."))
        return offer

    @cached_property
    def extras(self) -> list:
        return rental_cart.extras_of(self.offer)

    def _form(self, data, bind: bool = False) -> CharterForm:
        """
        Bound (with its errors) only to a booking; while the customer is still choosing (GET), their choices
        are the form's initial values, so a half-made choice shows no error messages.
        """
        at = now()
        vessels = self.offer.offer_vessels.all()
        initial = {"vessel": str(vessels[0].vessel_id) if vessels else "",
                   "date": CharterForm.default_day(self.offer, at), "duration": self.offer.min_duration_minutes,
                   "guests": 2}
        if bind:
            return CharterForm(data, offer=self.offer, extras=self.extras, at=at)
        initial.update({k: v for k, v in (data or {}).items() if v not in ("", None) and k != "fragment"})
        return CharterForm(offer=self.offer, extras=self.extras, at=at, initial=initial)

    def _quote(self, form: CharterForm):
        chosen = form.preview()
        if chosen is None:
            return None, None
        rv, start = chosen
        try:
            return quote(self.offer, rv.vessel, start, form.chosen_duration(), form.chosen_extras(),
                         self.request), None
        except RentalError as e:
            return None, str(e)

    def _context(self, form: CharterForm) -> dict:
        q, quote_error = self._quote(form)
        cart_id = get_or_create_cart_id(self.request, create=False)
        held = rental_cart.cart_hold(self.offer, cart_id) if cart_id else None
        return {
            "event": self.request.event, "offer": self.offer, "form": form, "quote": q, "quote_error": quote_error,
            "slots": getattr(form, "_slots", {}), "held": held, "tz": _zone_name(form.tz),
            "extras_fields": [form[f"extra_{i.pk}"] for i in self.extras],
            "checkout_url": eventreverse(self.request.event, "presale:event.checkout.start"),
        }

    def dispatch(self, request, *args, **kwargs):
        if not flags.enabled("rentals"):
            # the kill switch (Administration → Feature flags): a notice, no form, nothing booked
            return render(request, UNAVAILABLE, {"event": request.event}, status=503)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if not request.event.live and not request.event.testmode:
            raise Http404()
        form = self._form(request.GET)
        template = FRAGMENT if request.GET.get("fragment") else TEMPLATE
        return render(request, template, self._context(form))

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "remove":
            return self._remove(request)
        form = self._form(request.POST, bind=True)
        if not form.is_valid():
            messages.error(request, _("Please check your choice below."))
            return render(request, TEMPLATE, self._context(form), status=400)
        data = form.cleaned_data
        client = holdlimits.client_key(request)
        try:
            holdlimits.count_attempt(self.offer, client)
            cart_id = get_or_create_cart_id(request)
            rental_cart.book(self.offer, data["rental_vessel"].vessel, data["start"], data["minutes"], data["guests"],
                             form.chosen_extras(), cart_id, request.sales_channel, client=client)
        except RentalError as e:
            messages.error(request, str(e))
            form = self._form(request.POST, bind=True)
            status = 429 if isinstance(e, holdlimits.HoldRefused) else 409
            return render(request, TEMPLATE, self._context(form), status=status)
        messages.success(request, _("The vessel is reserved for you while you complete your order."))
        return HttpResponseRedirect(eventreverse(request.event, "presale:event.checkout.start"))

    def _remove(self, request):
        cart_id = get_or_create_cart_id(request, create=False)
        held = rental_cart.cart_hold(self.offer, cart_id) if cart_id else None
        if held is not None and held.cart_position_id:
            cm = CartManager(event=request.event, cart_id=cart_id, sales_channel=request.sales_channel)
            cm.remove_item(held.cart_position_id)
            cm.commit()
            messages.success(request, _("The charter has been removed from your cart and the time released."))
        return HttpResponseRedirect(eventreverse(request.event, "plugins:ticketing_rentals:rentals.book"))

"""
A guest goes from "checkout" straight to the questions: pretix's customer-account step asks every visitor who is
not logged in to choose between logging in, registering and continuing as a guest, which costs a page and a
POST (~400 ms and 23 queries at peak) for the choice nearly every buyer makes. Where the shop allows guests, the
choice is made for the visitor when the checkout starts; the step stays in pretix's progress bar, so a buyer who
wants to log in or register clicks it and does, and a cart that needs an account (memberships) still stops there.
"""
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from pretix.base.models import Event
from pretix.presale.checkoutflow import get_checkout_flow
from pretix.presale.views.cart import cart_session

from ticketing_core.urlmatch import url_match


def skip_customer_step(event: Event, request: HttpRequest) -> HttpResponse | None:
    """At pretix's checkout start, a visitor who is not logged in continues as a guest where guests may buy."""
    # the page first (kept per process), the organizer's settings only at the checkout start: this receiver runs
    # on every shop request and has nothing to do on all but one step of a purchase
    if request.method != "GET" or getattr(request, "_namespace", "presale") != "presale":
        return None
    match = url_match(request)
    if match.namespace != "presale" or match.url_name != "event.checkout.start":
        return None
    if not event.organizer.settings.customer_accounts:
        return None
    if getattr(request, "customer", None):
        return None  # logged in: pretix's step offers the account's addresses and ties the cart to it
    if not hasattr(request, "sales_channel"):
        # pretix's middleware picks the channel just after process_request, the same way (PresaleMiddleware)
        request.sales_channel = event.organizer.sales_channels.get(
            identifier=request.environ.get("PRETIX_SALES_CHANNEL", "web"))
    step = next((s for s in get_checkout_flow(event) if s.identifier == "customer"), None)
    if step is None or not step.is_applicable(request):
        return None
    session = cart_session(request, create=False)
    if session is None or "customer_mode" in session:
        return None  # no cart (pretix says so), or the visitor already chose
    step.request = request
    if not step.guest_allowed:
        return None  # a membership product needs an account
    session["customer_mode"] = "guest"
    session["customer"] = None
    following = step.get_next_url(request)
    if not following:
        return None
    utm = {k: v for k, v in request.GET.items() if k.startswith("utm_")}
    return HttpResponseRedirect(following + ("?" + urlencode(utm) if utm else ""))

"""
pretix's answer to "may the buyer cancel this order?", computed once per order page.

pretix's order page computes ``Order.user_cancel_allowed`` for its own context (about 6 queries; the property is
not memoised), and the refund button drawn inside the page (``order_info_top``, ``tickets.refund_context``)
needs the same answer, but a template signal receiver does not see the view's context. Django hands every
template response to ``process_template_response`` after the view has built its context and before the page is
drawn: the answer is kept on the request there, for this order only, and the button reads it.
"""
from django.conf import settings

from .tickets import remember_cancel_allowed

MIDDLEWARE_PATH = "ticketing_website.accounts.middleware.OrderPageContextMiddleware"


class OrderPageContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        from ..catalogue.checkout import remember_confirm_cart

        remember_cancel_allowed(request, response)
        remember_confirm_cart(request, response)  # the same for the confirmation page's cart
        return response


def install() -> None:
    """Add the middleware once, at app start-up, before Django builds the middleware chain."""
    if MIDDLEWARE_PATH not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE_PATH]

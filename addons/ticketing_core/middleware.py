"""
Turns a domain rule violation raised deep inside a pretix view into a message for the person.

pretix offers no veto signal for quota edits; the capacity guard therefore refuses the save itself
(``pre_save``) and this middleware shows its translated sentence instead of an error page: as an
error message and a redirect back in the back office, as HTTP 400 JSON in the REST API.
"""
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse

from .errors import TicketingError

MIDDLEWARE_PATH = "ticketing_core.middleware.TicketingErrorMiddleware"


class TicketingErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, TicketingError):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": str(exception)}, status=400)
        messages.error(request, str(exception))
        return HttpResponseRedirect(request.get_full_path())


def install() -> None:
    """Add the middleware once, at app start-up, before Django builds the middleware chain."""
    if MIDDLEWARE_PATH not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE_PATH]

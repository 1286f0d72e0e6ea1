"""Work on a shop page's HTML from pretix's ``process_response`` signal, which may come before the page is drawn."""
from collections.abc import Callable

from django.http import HttpResponse


def after_render(response: HttpResponse, work: Callable[[HttpResponse], object]) -> None:
    """
    ``work(response)`` on the drawn page: now if it is drawn, else once Django has drawn it (pretix sends the signal
    with a ``TemplateResponse`` that is rendered only afterwards, so its content is not there yet).
    """
    if getattr(response, "is_rendered", True):
        work(response)
    else:
        response.add_post_render_callback(work)

"""
``?lang=en`` on a shop URL shows that page in English without changing the visitor's saved choice.

hreflang alternates and sitemaps need one address per language; pretix picks the language from a cookie
(or the browser), so this middleware, placed before pretix's locale middleware, presents the parameter as
that cookie for this one request. pretix still restricts it to the organizer's or event's languages.
"""
from django.conf import settings

MIDDLEWARE_PATH = "ticketing_website.seo.middleware.LanguageParameterMiddleware"
BEFORE = "pretix.base.middleware.BaseLocaleMiddleware"


class LanguageParameterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        lang = request.GET.get("lang")
        if lang and lang in self.languages and not request.path.startswith("/control"):
            request.COOKIES = {**request.COOKIES, settings.LANGUAGE_COOKIE_NAME: lang}
        return self.get_response(request)


def install() -> None:
    """Add the middleware once, at app start-up, before Django builds the middleware chain."""
    if MIDDLEWARE_PATH in settings.MIDDLEWARE:
        return
    chain = list(settings.MIDDLEWARE)
    chain.insert(chain.index(BEFORE) if BEFORE in chain else 0, MIDDLEWARE_PATH)
    settings.MIDDLEWARE = chain

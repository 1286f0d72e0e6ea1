"""Links to a case for its customer: the account page, or a signed link for guests (web form, phone)."""
import hashlib
import hmac

from django.conf import settings

from pretix.multidomain.urlreverse import build_absolute_uri

from ..models import SupportCase

APP = "ticketing_helpdesk"


def case_token(case: SupportCase) -> str:
    """A secret bound to the case and its e-mail: whoever got our e-mail may read and answer the case."""
    msg = f"ticketing_helpdesk.case:{case.organizer_id}:{case.pk}:{case.number}:{case.email.lower()}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), msg, hashlib.sha256).hexdigest()[:32]


def token_matches(case: SupportCase, token: str) -> bool:
    return hmac.compare_digest(case_token(case), str(token or ""))


def customer_case_url(case: SupportCase) -> str:
    """The page the customer follows the case on (guest link; it works with and without logging in)."""
    return build_absolute_uri(case.organizer, f"plugins:{APP}:customer.case.guest",
                              kwargs={"number": case.number, "token": case_token(case)})

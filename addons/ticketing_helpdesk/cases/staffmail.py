"""E-mails to staff about a case (SLA warnings, the customer writing again), in the staff member's language."""
from collections.abc import Callable

from pretix.base.i18n import language
from pretix.base.models import User
from pretix.base.services.mail import mail
from pretix.helpers.urls import mainreverse_absolute

from ticketing_core.notifications.literal import literal_mail, literal_subject

from ..models import SupportCase


def case_backoffice_url(case: SupportCase) -> str:
    return mainreverse_absolute("plugins:ticketing_helpdesk:case", kwargs={
        "organizer": case.organizer.slug, "number": case.number})


def mail_staff(user: User | None, case: SupportCase, build: Callable[[], tuple[str, str]]) -> None:
    """``build`` returns (subject, text) and runs in the user's language; the case's link is appended."""
    if user is None or not user.email:
        return
    locale = user.locale or "ru"
    with language(locale):
        subject, text = build()
        url = case_backoffice_url(case)
        # the text holds the customer's subject and message: literal text in both parts, only our link is a link
        template, context = literal_mail(f"{text}\n\n{url}", links=[url])
        mail(user.email, literal_subject(subject), template, context, organizer=case.organizer, locale=locale,
             user=user)

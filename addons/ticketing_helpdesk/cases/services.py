"""
Every change to a support case goes through these functions: they validate, lock the case, write the
timeline entry and pretix's log entry (which also drives the webhooks), recompute the SLA and send the
customer's e-mail after commit. Views, the customer pages and the API stay thin and call them.
"""
from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.timezone import now
from django.utils.translation import gettext as _

from pretix.base.models import Customer, Order, OrderPosition, Organizer, SubEvent, User

from ..models import CaseMessage, CaseSequence, SupportCase
from ..permissions import CASES_WRITE
from ..sla.compute import refresh

MAX_BODY = 20000
# A customer may write this many messages on one case per window (a guest link is reachable without login).
CUSTOMER_RATE_LIMIT = 20
CUSTOMER_RATE_WINDOW = timedelta(hours=1)

# Which status may follow which; "reopen" is resolved/closed → open.
TRANSITIONS = {
    SupportCase.STATUS_NEW: {SupportCase.STATUS_OPEN, SupportCase.STATUS_WAITING, SupportCase.STATUS_RESOLVED,
                             SupportCase.STATUS_CLOSED},
    SupportCase.STATUS_OPEN: {SupportCase.STATUS_WAITING, SupportCase.STATUS_RESOLVED, SupportCase.STATUS_CLOSED},
    SupportCase.STATUS_WAITING: {SupportCase.STATUS_OPEN, SupportCase.STATUS_RESOLVED, SupportCase.STATUS_CLOSED},
    SupportCase.STATUS_RESOLVED: {SupportCase.STATUS_OPEN, SupportCase.STATUS_CLOSED},
    SupportCase.STATUS_CLOSED: {SupportCase.STATUS_OPEN},
}


class CaseError(Exception):
    """A refused case operation; the message is translated and shown as it is."""


def lock_case_counter(organizer: Organizer) -> CaseSequence:
    """
    The organizer's case counter, locked until the transaction ends. Every new case takes this lock (its
    number comes from here), so what is counted under it (the contact form's rate limit) cannot grow
    before the transaction that counted has stored its case.
    """
    seq, _created = CaseSequence.objects.get_or_create(organizer=organizer)
    return CaseSequence.objects.select_for_update().get(pk=seq.pk)


def next_number(organizer: Organizer) -> int:
    """The organizer's next case number, taken under a row lock so two requests never share one."""
    seq = lock_case_counter(organizer)
    highest = SupportCase.objects.filter(organizer=organizer).aggregate(m=Max("number"))["m"] or 0
    seq.last = max(seq.last, highest) + 1
    seq.save(update_fields=["last"])
    return seq.last


def can_work_on_cases(user: User, organizer: Organizer) -> bool:
    return user.has_organizer_permission(organizer, CASES_WRITE)


def agents(organizer: Organizer):
    """Users who may be assigned a case: members of a team of the organizer that may change cases."""
    users = User.objects.filter(teams__organizer=organizer, is_active=True).distinct().order_by("fullname", "email")
    return [u for u in users if can_work_on_cases(u, organizer)]


def _clean_body(body: str, required: bool = True) -> str:
    body = (body or "").strip()
    if required and not body:
        raise CaseError(_("Please write a message."))
    if len(body) > MAX_BODY:
        raise CaseError(_("The message is too long (at most {max} characters).").format(max=MAX_BODY))
    return body


def _log(case: SupportCase, action: str, user: User | None = None, data: dict | None = None, auth=None) -> None:
    case.log_action(f"ticketing_helpdesk.case.{action}", user=user, auth=auth,
                    data={"number": case.number, **(data or {})})


@transaction.atomic
def open_case(organizer: Organizer, *, subject: str, body: str, channel: str = SupportCase.CHANNEL_WEB,
              category: str = SupportCase.CATEGORY_OTHER, priority: str = SupportCase.PRIORITY_NORMAL,
              customer: Customer | None = None, name: str = "", email: str = "", phone: str = "",
              locale: str = "ru", order: Order | None = None, position: OrderPosition | None = None,
              subevent: SubEvent | None = None, user: User | None = None, assignee: User | None = None,
              consent: bool = False, origin_hash: str = "", auth=None, link_by_email: bool = True,
              data: dict | None = None) -> SupportCase:
    """
    A new case with the customer's first message. Staff (``user``) record phone calls and visits; the
    shop records web-form and account requests. Links must belong to the organizer.

    ``link_by_email=False`` keeps a case whose e-mail address nobody has proven (the shop's public form)
    out of the customer account with that address, even where the organizer links orders by e-mail.
    ``data`` is kept on the first message (e.g. an order code the sender gave but could not prove).
    """
    subject = (subject or "").strip()
    if not subject:
        raise CaseError(_("Please enter a subject."))
    if len(subject) > 200:
        raise CaseError(_("The subject is too long (at most 200 characters)."))
    body = _clean_body(body)
    if channel not in dict(SupportCase.CHANNELS):
        raise CaseError(_("Unknown channel."))
    if category not in dict(SupportCase.CATEGORIES):
        raise CaseError(_("Unknown category."))
    if priority not in dict(SupportCase.PRIORITIES):
        raise CaseError(_("Unknown priority."))
    if customer is not None and customer.organizer_id != organizer.pk:
        raise CaseError(_("This customer does not belong to this organizer."))
    if order is not None and order.event.organizer_id != organizer.pk:
        raise CaseError(_("This order does not belong to this organizer."))
    if position is not None:
        if order is None:
            order = position.order
        if position.order_id != order.pk:
            raise CaseError(_("This ticket does not belong to the order."))
        subevent = subevent or position.subevent
    if subevent is not None and subevent.event.organizer_id != organizer.pk:
        raise CaseError(_("This sailing does not belong to this organizer."))
    if order is not None:
        email = email or order.email or ""
        customer = customer or order.customer
        locale = locale or order.locale
        if subevent is None:
            subevents = {p.subevent for p in order.positions.all() if p.subevent_id}
            subevent = min(subevents, key=lambda s: s.date_from) if len(subevents) == 1 else None
    if customer is None and email and link_by_email and \
            organizer.settings.get("customer_accounts_link_by_email", as_type=bool):
        # like pretix does for orders when the organizer asks for it: the case shows in that account
        customer = Customer.objects.filter(organizer=organizer, email__iexact=email.strip(), is_active=True,
                                           is_verified=True).first()
    if customer is not None:
        email = email or customer.email or ""
        name = name or customer.name or ""
        phone = phone or (str(customer.phone) if getattr(customer, "phone", None) else "")
    if not (customer or email or phone):
        raise CaseError(_("Please give an e-mail address or a phone number so that we can answer."))
    if assignee is not None and not can_work_on_cases(assignee, organizer):
        raise CaseError(_("This person may not work on support cases."))
    case = SupportCase.objects.create(
        organizer=organizer, number=next_number(organizer), subject=subject, customer=customer, name=name.strip(),
        email=email.strip(), phone=phone.strip(), locale=locale or "ru", order=order, position=position,
        subevent=subevent, channel=channel, category=category, priority=priority, assignee=assignee,
        consent=consent, origin_hash=origin_hash,
    )
    CaseMessage.objects.create(case=case, kind=CaseMessage.KIND_CUSTOMER, author=user, body=body, data=data or {})
    # the customer's consent to the processing of their data (contact form) is kept with the case's history
    _log(case, "created", user, {"channel": channel, "category": category, "priority": priority,
                                 "consent": consent}, auth=auth)
    refresh(case)
    return case


def _lock(case: SupportCase) -> SupportCase:
    return SupportCase.objects.select_for_update().select_related("organizer").get(pk=case.pk)


def _set_status(case: SupportCase, new: str, user: User | None, at=None, auth=None) -> CaseMessage | None:
    """Move the case to ``new`` (validated), with the timestamps the SLA and the reports need."""
    old = case.status
    if new == old:
        return None
    if new not in TRANSITIONS.get(old, ()):
        raise CaseError(_("A case cannot go from \"{old}\" to \"{new}\".").format(
            old=dict(SupportCase.STATUSES)[old], new=dict(SupportCase.STATUSES).get(new, new)))
    at = at or now()
    case.status = new
    if new == SupportCase.STATUS_RESOLVED:
        case.resolved_at = at
    elif new == SupportCase.STATUS_CLOSED:
        case.closed_at = at
        case.resolved_at = case.resolved_at or at
    elif old in (SupportCase.STATUS_RESOLVED, SupportCase.STATUS_CLOSED):  # reopened
        case.resolved_at = None
        case.closed_at = None
    case.save(update_fields=["status", "resolved_at", "closed_at", "updated"])
    msg = CaseMessage.objects.create(case=case, kind=CaseMessage.KIND_EVENT, author=user,
                                     data={"field": "status", "old": old, "new": new})
    _log(case, "status_changed", user, {"field": "status", "old": old, "new": new}, auth=auth)
    return msg


@transaction.atomic
def reply(case: SupportCase, user: User, body: str, status: str | None = SupportCase.STATUS_WAITING,
          auth=None) -> CaseMessage:
    """
    Answer the customer: the reply joins the conversation they see in their account and is e-mailed
    to them in their language. By default the case then waits for the customer (the SLA pauses).
    """
    body = _clean_body(body)
    case = _lock(case)
    if case.status == SupportCase.STATUS_CLOSED:
        raise CaseError(_("The case is closed. Reopen it to reply."))
    msg = CaseMessage.objects.create(case=case, kind=CaseMessage.KIND_REPLY, author=user, body=body)
    if case.first_response_at is None:
        case.first_response_at = msg.created
        case.save(update_fields=["first_response_at", "updated"])
    if case.status == SupportCase.STATUS_NEW and status in (None, SupportCase.STATUS_NEW):
        status = SupportCase.STATUS_OPEN
    if status:
        _set_status(case, status, user, auth=auth)
    _log(case, "replied", user, {"message": msg.pk}, auth=auth)
    send_reply(case, msg, user)
    refresh(case)
    return msg


def send_reply(case: SupportCase, msg: CaseMessage, user: User | None = None) -> None:
    from ticketing_core.notifications.models import ContactPreference

    # SMS only to customers who agreed to SMS in their account (ticketing_core's choices), to the number given
    pref = ContactPreference.objects.filter(customer=case.customer).first() if case.customer_id else None
    sms = bool(pref and pref.sms)
    _notify_customer(case, f"case{case.pk}-m{msg.pk}", msg.body, user=user,
                     phone=(pref.phone if pref and pref.phone else case.phone), sms=sms)


def acknowledge(case: SupportCase) -> None:
    """
    Tell the sender of the shop's contact form by e-mail that the case arrived, with the link to follow it.
    The link, which shows our replies, goes only to the address the sender typed, never to the page that
    answered the form: whoever types somebody else's address cannot read what we answer. It is sent as a
    message of the "reply" kind, so it has the reply's texts and shows in the delivery log like one.
    """
    with translation.override(case.locale or "ru"):
        text = _("Thank you for writing to us. We have received your request and will answer by e-mail as soon as "
                 "we can. You can add to your request and follow our answers on its page.")
    _notify_customer(case, f"case{case.pk}-received", text)


def _notify_customer(case: SupportCase, occasion: str, text: str, user: User | None = None, phone: str = "",
                     sms: bool = False) -> None:
    from ticketing_core.notifications.service import notify_contact

    from .links import customer_case_url

    notify_contact(
        case.organizer, "case_reply", occasion=occasion, email=case.email, phone=phone, locale=case.locale,
        customer=case.customer, user=user, channels=("email", "sms") if sms else ("email",), sms_consent=sms,
        context={"case": case.reference, "subject": case.subject, "reply": text,
                 "url": customer_case_url(case), "organizer": str(case.organizer.name)},
    )


@transaction.atomic
def add_note(case: SupportCase, user: User, body: str, auth=None) -> CaseMessage:
    """An internal note: staff only, never shown or sent to the customer."""
    body = _clean_body(body)
    case = _lock(case)
    msg = CaseMessage.objects.create(case=case, kind=CaseMessage.KIND_NOTE, author=user, body=body)
    _log(case, "noted", user, {"message": msg.pk}, auth=auth)
    return msg


@transaction.atomic
def customer_message(case: SupportCase, body: str, auth=None) -> CaseMessage:
    """The customer writes again (from their account): a waiting or resolved case is open again."""
    body = _clean_body(body)
    case = _lock(case)
    if case.status == SupportCase.STATUS_CLOSED:
        raise CaseError(_("This case is closed. Please open a new one."))
    recent = case.messages.filter(kind=CaseMessage.KIND_CUSTOMER, created__gte=now() - CUSTOMER_RATE_WINDOW)
    if recent.count() >= CUSTOMER_RATE_LIMIT:
        raise CaseError(_("You have written many messages in a short time. Please wait a little."))
    msg = CaseMessage.objects.create(case=case, kind=CaseMessage.KIND_CUSTOMER, body=body)
    if case.status in (SupportCase.STATUS_WAITING, SupportCase.STATUS_RESOLVED):
        _set_status(case, SupportCase.STATUS_OPEN, None, auth=auth)
    _log(case, "customer_replied", None, {"message": msg.pk}, auth=auth)
    refresh(case)
    if case.assignee_id:
        transaction.on_commit(lambda: tell_assignee(case, msg))
    return msg


def tell_assignee(case: SupportCase, msg: CaseMessage) -> None:
    """The assignee learns by e-mail that the customer wrote again."""
    from .staffmail import mail_staff

    mail_staff(case.assignee, case, lambda: (
        _("The customer wrote again: case {case}").format(case=case.reference),
        _("New message on case {case} \"{subject}\":").format(case=case.reference, subject=case.subject)
        + f"\n\n{msg.body}",
    ))


@transaction.atomic
def change(case: SupportCase, user: User, *, status: str | None = None, priority: str | None = None,
           category: str | None = None, assignee: User | None | bool = False, auth=None) -> SupportCase:
    """
    Change the status (workflow checked), priority, category or assignee (``False`` = leave it;
    ``None`` = nobody). Each change is a timeline entry and a log entry.
    """
    case = _lock(case)
    if status is not None:
        _set_status(case, status, user, auth=auth)
    for field, value, choices in (("priority", priority, SupportCase.PRIORITIES),
                                  ("category", category, SupportCase.CATEGORIES)):
        if value is None or value == getattr(case, field):
            continue
        if value not in dict(choices):
            raise CaseError(_("Unknown value \"{value}\".").format(value=value))
        old = getattr(case, field)
        setattr(case, field, value)
        case.save(update_fields=[field, "updated"])
        CaseMessage.objects.create(case=case, kind=CaseMessage.KIND_EVENT, author=user,
                                   data={"field": field, "old": old, "new": value})
        _log(case, "changed", user, {"field": field, "old": old, "new": value}, auth=auth)
    if assignee is not False and (assignee.pk if assignee else None) != case.assignee_id:
        if assignee is not None and not can_work_on_cases(assignee, case.organizer):
            raise CaseError(_("This person may not work on support cases."))
        old = case.assignee.email if case.assignee_id else ""
        case.assignee = assignee
        case.sla_warned_at = None
        case.save(update_fields=["assignee", "sla_warned_at", "updated"])
        new = assignee.email if assignee else ""
        CaseMessage.objects.create(case=case, kind=CaseMessage.KIND_EVENT, author=user,
                                   data={"field": "assignee", "old": old, "new": new})
        _log(case, "changed", user, {"field": "assignee", "old": old, "new": new}, auth=auth)
    refresh(case)
    return case

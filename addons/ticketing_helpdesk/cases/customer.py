"""
The customer's side: the shop's contact form (consent, honeypot, rate limit), the customer's cases in their
account, and the signed page a guest reaches from our e-mail. Internal notes and their files never appear.
"""
import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.timezone import now
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, ListView

from pretix.base.models import Order
from pretix.helpers.http import get_client_ip
from pretix.multidomain.urlreverse import eventreverse
from pretix.presale.views.customer import CustomerAccountBaseMixin

from ticketing_core.account_menu import AccountMenuMixin

from ..models import CaseAttachment, CaseMessage, SupportCase
from . import attachments as files
from .forms import ContactForm, CustomerReplyForm
from .links import token_matches
from .services import CaseError, acknowledge, customer_message, lock_case_counter, open_case

APP = "ticketing_helpdesk"
# At most this many requests from one address, and to one e-mail address, per hour.
RATE_LIMIT = 5
RATE_WINDOW = timedelta(hours=1)


def plugin_active(organizer) -> bool:
    return APP in (organizer.plugins or "")


def origin_hash(request) -> str:
    """The sender's address, hashed with the instance secret: enough to count, nothing to identify them."""
    raw = f"{settings.SECRET_KEY}:{request.organizer.pk}:{get_client_ip(request) or '-'}"
    return hashlib.sha256(raw.encode()).hexdigest()


class RateLimited(Exception):
    """More web-form cases from this address or for this e-mail address than :data:`RATE_LIMIT` an hour."""


def rate_limited(organizer, origin: str, email: str) -> bool:
    """Counted from the stored cases: call it under :func:`lock_case_counter`, or parallel requests all pass."""
    recent = SupportCase.objects.filter(organizer=organizer, channel=SupportCase.CHANNEL_WEB,
                                        created__gte=now() - RATE_WINDOW)
    return (recent.filter(origin_hash=origin).count() >= RATE_LIMIT
            or (email and recent.filter(email__iexact=email).count() >= RATE_LIMIT))


def current_customer(request):
    """The logged-in customer or None (pretix's ``request.customer`` is a lazy object that may wrap None)."""
    customer = getattr(request, "customer", None)
    return customer if customer else None


def customer_locale(request) -> str:
    lang = (get_language() or "ru").lower()
    return lang if lang in ("ru", "en", "zh-hans") else "ru"


def visible_attachments(case: SupportCase):
    """Files the customer may download: their own and those on replies, never those on internal notes."""
    return case.attachments.filter(by_customer=True) | case.attachments.filter(message__kind=CaseMessage.KIND_REPLY)


class ShopMixin:
    def dispatch(self, request, *args, **kwargs):
        if not plugin_active(request.organizer):
            raise Http404()
        return super().dispatch(request, *args, **kwargs)


class ContactView(ShopMixin, FormView):
    """/<organizer>/support/: a new case from anyone, optionally about one of their orders."""

    template_name = "ticketing_helpdesk/customer/contact.html"
    form_class = ContactForm

    @cached_property
    def order(self) -> Order | None:
        code, secret = self.request.GET.get("order", ""), self.request.GET.get("secret", "")
        order = Order.objects.filter(event__organizer=self.request.organizer, code=code.upper()).first() \
            if code else None
        if order is None:
            return None
        customer = current_customer(self.request)
        if (secret and hmac.compare_digest(order.tagged_secret("ticketing_helpdesk"), secret)) or \
                (customer is not None and order.customer_id == customer.pk):
            return order
        return None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        customer = current_customer(self.request)
        kwargs["customer"] = customer
        kwargs["order"] = self.order
        if customer is not None:
            kwargs["orders"] = list(Order.objects.filter(customer=customer).select_related("event").order_by(
                "-datetime")[:50])
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["order"] = self.order
        return ctx

    def form_valid(self, form):
        data = form.cleaned_data
        thanks = eventreverse(self.request.organizer, f"plugins:{APP}:contact") + "?sent=1"
        if data.get("website"):
            return HttpResponseRedirect(thanks)  # a robot: answered like a person, nothing stored
        customer = current_customer(self.request)
        order, unproven_code = self.order, ""
        if order is None and data.get("order"):
            code = data["order"].strip().upper()
            # An order is linked only when the sender proves it is theirs: their account (the list they pick
            # from) or the order's secret link (self.order). A code typed with the order's e-mail address
            # proves nothing: both are on every ticket. Staff see the code, marked as not verified.
            order = Order.objects.filter(event__organizer=self.request.organizer, code=code,
                                         customer=customer).first() if customer is not None else None
            unproven_code = "" if order is not None else code
        try:
            case = self.open_case(data, customer, order, unproven_code)
        except RateLimited:
            form.add_error(None, _("You have sent several requests in a short time. Please wait an hour or call "
                                   "us."))
            return self.form_invalid(form)
        except CaseError as e:
            form.add_error(None, str(e))
            return self.form_invalid(form)
        if customer is not None and case.customer_id == customer.pk:
            messages.success(self.request, _("Thank you! Your request {case} has been received. We will answer by "
                                             "e-mail.").format(case=case.reference))
            return HttpResponseRedirect(eventreverse(self.request.organizer, f"plugins:{APP}:customer.case",
                                                     kwargs={"number": case.number}))
        # Everybody else learns the case's link from the e-mail sent to the address they typed, not here.
        return HttpResponseRedirect(thanks)

    def open_case(self, data: dict, customer, order: Order | None, unproven_code: str) -> SupportCase:
        """
        Store the case, unless the sender's address or e-mail has reached the rate limit. Counting and storing
        happen under the case counter's lock, so parallel requests cannot all pass the count first.
        """
        origin = origin_hash(self.request)
        with transaction.atomic():
            lock_case_counter(self.request.organizer)
            if rate_limited(self.request.organizer, origin, data["email"]):
                raise RateLimited()
            case = open_case(
                self.request.organizer, subject=data["subject"], body=data["body"],
                channel=SupportCase.CHANNEL_WEB, category=data["category"], customer=customer,
                name=data["name"], email=data["email"], phone=data["phone"], locale=customer_locale(self.request),
                order=order, consent=True, origin_hash=origin, link_by_email=False,
                data={"unproven_order_code": unproven_code} if unproven_code else None,
            )
            if data.get("attachment"):
                files.store(case, data["attachment"], by_customer=True, message=case.messages.first())
            if customer is None or case.customer_id != customer.pk:
                acknowledge(case)  # recorded now, e-mailed once the case is stored
        return case


class CaseConversationMixin:
    """The conversation of one case and the customer's reply form (account page or guest link)."""

    template_name = "ticketing_helpdesk/customer/case_guest.html"

    def get_case(self) -> SupportCase:
        raise NotImplementedError

    def attachment_url(self, att: CaseAttachment) -> str:
        raise NotImplementedError

    def case_url(self) -> str:
        return self.request.path

    @cached_property
    def case(self) -> SupportCase:
        return self.get_case()

    def conversation(self):
        visible = {a.pk for a in visible_attachments(self.case)}
        rows = []
        for m in self.case.messages.filter(kind__in=CaseMessage.PUBLIC_KINDS).select_related("author"):
            rows.append({"message": m, "attachments": [
                {"name": a.filename, "size": a.size, "url": self.attachment_url(a)}
                for a in m.attachments.all() if a.pk in visible]})
        return rows

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update({"case": self.case, "conversation": self.conversation(),
                    "can_reply": self.case.status != SupportCase.STATUS_CLOSED})
        ctx.setdefault("form", CustomerReplyForm())
        return ctx

    def post(self, request, *args, **kwargs):
        form = CustomerReplyForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            with transaction.atomic():
                msg = customer_message(self.case, form.cleaned_data["body"])
                if form.cleaned_data.get("attachment"):
                    files.store(self.case, form.cleaned_data["attachment"], by_customer=True, message=msg)
        except CaseError as e:
            form.add_error(None, str(e))
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(request, _("Your message has been sent."))
        return HttpResponseRedirect(self.case_url())


class GuestCaseView(ShopMixin, CaseConversationMixin, FormView):
    """The page our e-mails link to: the case number plus a secret bound to the case."""

    form_class = CustomerReplyForm

    def get_case(self) -> SupportCase:
        case = get_object_or_404(SupportCase, organizer=self.request.organizer, number=self.kwargs["number"])
        if not token_matches(case, self.kwargs["token"]):
            raise Http404()
        return case

    def attachment_url(self, att):
        return eventreverse(self.request.organizer, f"plugins:{APP}:customer.case.guest.attachment", kwargs={
            "number": self.case.number, "token": self.kwargs["token"], "pk": att.pk})


class CustomerCaseList(ShopMixin, AccountMenuMixin, CustomerAccountBaseMixin, ListView):
    template_name = "ticketing_helpdesk/customer/cases.html"
    context_object_name = "cases"

    def get_queryset(self):
        return SupportCase.objects.filter(organizer=self.request.organizer, customer=self.request.customer)



class CustomerCaseView(ShopMixin, AccountMenuMixin, CustomerAccountBaseMixin, CaseConversationMixin, FormView):
    form_class = CustomerReplyForm
    template_name = "ticketing_helpdesk/customer/case_account.html"

    def get_case(self) -> SupportCase:
        return get_object_or_404(SupportCase, organizer=self.request.organizer, number=self.kwargs["number"],
                                 customer=self.request.customer)

    def attachment_url(self, att):
        return eventreverse(self.request.organizer, f"plugins:{APP}:customer.case.attachment", kwargs={
            "number": self.case.number, "pk": att.pk})

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["in_account"] = True
        return ctx


class GuestAttachmentDownload(ShopMixin, View):
    def get(self, request, *args, **kwargs):
        case = get_object_or_404(SupportCase, organizer=request.organizer, number=kwargs["number"])
        if not token_matches(case, kwargs["token"]):
            raise Http404()
        att = get_object_or_404(visible_attachments(case), pk=kwargs["pk"])
        return files.download_response(att)


class CustomerAttachmentDownload(ShopMixin, CustomerAccountBaseMixin, View):
    def get(self, request, *args, **kwargs):
        case = get_object_or_404(SupportCase, organizer=request.organizer, number=kwargs["number"],
                                 customer=request.customer)
        att = get_object_or_404(visible_attachments(case), pk=kwargs["pk"])
        return files.download_response(att)

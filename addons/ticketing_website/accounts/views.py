"""The storefront's account pages (profile with the mobile phone, registration with consent) and boarding QR codes."""
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from pretix.base.signals import customer_created
from pretix.multidomain.urlreverse import eventreverse
from pretix.presale.views import EventViewMixin
from pretix.presale.views.customer import RegistrationView
from pretix.presale.views.order import OrderDetailMixin

from ticketing_core.notifications.sms.phone import mask_phone

from ..privacy.consent import FIELD, VERSION_FIELD, record_consent
from ..privacy.models import Consent
from .forms import ConsentRegistrationForm, ProfilePhoneForm
from .mixins import APP, AccountPageMixin
from .phone import phone_of, set_customer_phone
from .tickets import refund_context, tickets_of


class ProfileView(AccountPageMixin, FormView):
    """The account's profile: name and e-mail (changed through pretix's confirmed flow) and the mobile phone."""

    template_name = "ticketing_website/accounts/profile.html"
    form_class = ProfilePhoneForm

    def get_initial(self):
        return {"phone": phone_of(self.request.customer)}

    @transaction.atomic
    def form_valid(self, form):
        customer = self.request.customer
        phone = form.cleaned_data["phone"]
        if phone != phone_of(customer):
            set_customer_phone(customer, phone)
            customer.log_action("ticketing_website.customer.phone_changed", data={"phone": mask_phone(phone)})
        messages.success(self.request, _("Your changes have been saved."))
        return HttpResponseRedirect(eventreverse(self.request.organizer, f"plugins:{APP}:account.profile"))


class ConsentRegistrationView(RegistrationView):
    """
    pretix's registration page (same address, same e-mail confirmation and password choice), asking for the
    consent to personal data processing and a mobile phone while this plugin is active for the organizer.
    """

    form_class = ConsentRegistrationForm

    @property
    def active(self) -> bool:
        return APP in self.request.organizer.get_plugins()

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["with_consent"] = self.active
        return kwargs

    def form_valid(self, form):
        with transaction.atomic():
            customer = form.create()
            if self.active and form.cleaned_data.get(FIELD):  # required: the form is invalid without it
                record_consent(customer.organizer, Consent.REGISTRATION, customer=customer,
                               shown_version=form.cleaned_data.get(VERSION_FIELD))
            customer_created.send(customer.organizer, customer=customer)
        messages.success(
            self.request,
            _("Your account has been created. Please follow the link in the email we sent you to activate your "
              "account and choose a password."),
        )
        return HttpResponseRedirect(self.get_success_url())


class BoardingView(EventViewMixin, OrderDetailMixin, TemplateView):
    """One ticket's QR code filling the phone's screen, for the boarding check at the pier."""

    template_name = "ticketing_website/accounts/boarding.html"

    def dispatch(self, request, *args, **kwargs):
        response = self.verify_order_access()
        if response:
            return response
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        tickets = tickets_of(self.order)
        wanted = int(self.kwargs["position"])
        ticket = next((t for t in tickets if t.position.positionid == wanted), None)
        if ticket is None:
            raise Http404(_("This ticket cannot be shown."))
        ctx.update(order=self.order, ticket=ticket, tickets=tickets, order_url=self.get_order_url(),
                   **refund_context(self.order))
        return ctx

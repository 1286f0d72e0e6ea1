"""Forms of the case pages: list filters, staff's new case, reply, note, changes, and the customer's forms."""
from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..models import SupportCase
from .attachments import MAX_SIZE

ANY = [("", pgettext_lazy("filter", "All"))]
SORTS = (
    ("-created", _("Newest first")),
    ("created", _("Oldest first")),
    ("sla", _("SLA: most urgent first")),
    ("-priority", _("Priority")),
    ("-updated", _("Last activity")),
)


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Number, subject, e-mail, phone, order")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", pgettext_lazy("case status filter", "All open")), ("all", pgettext_lazy("filter", "All"))
    ] + list(SupportCase.STATUSES))
    priority = forms.ChoiceField(label=_("Priority"), required=False, choices=ANY + list(SupportCase.PRIORITIES))
    category = forms.ChoiceField(label=_("Category"), required=False, choices=ANY + list(SupportCase.CATEGORIES))
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    sla = forms.ChoiceField(label=_("SLA"), required=False, choices=ANY + list(SupportCase.SLA_STATES))
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORTS)

    def __init__(self, *args, agents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = ANY + [("me", _("Me")), ("none", _("Nobody"))] + [
            (str(u.pk), u.fullname or u.email) for u in agents]


def _agent_field(agents, label=None):
    return forms.ChoiceField(label=label or _("Assignee"), required=False, choices=[("", _("Nobody"))] + [
        (str(u.pk), u.fullname or u.email) for u in agents])


def _language_choices():
    names = dict(settings.LANGUAGES)
    return [(code, names.get(code, code)) for code in ("ru", "en", "zh-hans")]


class StaffCaseForm(forms.Form):
    """A case recorded by staff, typically from a phone call or a visit at the pier."""

    channel = forms.ChoiceField(label=_("Channel"), choices=SupportCase.CHANNELS, initial=SupportCase.CHANNEL_PHONE)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("What the customer asked"), widget=forms.Textarea(attrs={"rows": 5}))
    category = forms.ChoiceField(label=_("Category"), choices=SupportCase.CATEGORIES,
                                 initial=SupportCase.CATEGORY_OTHER)
    priority = forms.ChoiceField(label=_("Priority"), choices=SupportCase.PRIORITIES,
                                 initial=SupportCase.PRIORITY_NORMAL)
    name = forms.CharField(label=_("Customer's name"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    locale = forms.ChoiceField(label=_("Language of the replies"), choices=(), initial="ru")
    order = forms.CharField(label=_("Order code"), max_length=16, required=False)
    customer = forms.CharField(label=_("Customer account (e-mail or ID)"), max_length=190, required=False,
                               help_text=_("The case then shows in the customer's account."))
    subevent = forms.ChoiceField(label=_("Sailing"), required=False,
                                 help_text=_("Sailings of the last 30 and the next 90 days. With an order of a "
                                             "single sailing, that sailing is taken."))
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)

    def __init__(self, *args, agents=(), subevents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = _agent_field(agents)
        self.fields["locale"].choices = _language_choices()
        self.fields["subevent"].choices = [("", "—")] + [
            (str(se.pk), f"{se.date_from.astimezone(se.event.timezone):%d.%m.%Y %H:%M} · {se.name}")
            for se in subevents]

    def clean(self):
        data = super().clean()
        if not (data.get("email") or data.get("phone") or data.get("order") or data.get("customer")):
            raise forms.ValidationError(_("Please give an e-mail address, a phone number, an order code or a "
                                          "customer account."))
        return data


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Reply to the customer"), widget=forms.Textarea(attrs={"rows": 6}))
    status = forms.ChoiceField(label=_("Then set the status to"), choices=(
        (SupportCase.STATUS_WAITING, pgettext_lazy("case status", "Waiting for customer")),
        (SupportCase.STATUS_OPEN, pgettext_lazy("case status", "Open")),
        (SupportCase.STATUS_RESOLVED, pgettext_lazy("case status", "Resolved")),
    ), initial=SupportCase.STATUS_WAITING)
    attachment = forms.FileField(label=_("Attachment"), required=False,
                                 help_text=format_lazy(_("PDF, image or text file, at most {mb} MB."),
                                                       mb=MAX_SIZE // (1024 * 1024)))


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Only staff see notes; they are never sent to the customer."))
    attachment = forms.FileField(label=_("Attachment"), required=False)


class ChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=SupportCase.STATUSES)
    priority = forms.ChoiceField(label=_("Priority"), choices=SupportCase.PRIORITIES)
    category = forms.ChoiceField(label=_("Category"), choices=SupportCase.CATEGORIES)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)

    def __init__(self, *args, agents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = _agent_field(agents)


class ContactForm(forms.Form):
    """The shop's contact form. ``website`` is a honeypot: people never see it, robots fill it in."""

    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Phone (optional)"), max_length=32, required=False)
    category = forms.ChoiceField(label=_("Topic"), choices=SupportCase.CATEGORIES, initial=SupportCase.CATEGORY_OTHER)
    order = forms.CharField(label=_("Order code (optional)"), max_length=16, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)
    attachment = forms.FileField(label=_("Attachment (optional)"), required=False,
                                 help_text=format_lazy(_("PDF, image or text file, at most {mb} MB."),
                                                       mb=MAX_SIZE // (1024 * 1024)))
    consent = forms.BooleanField(label=_("I agree that my personal data (name, e-mail, phone and my message) are "
                                         "processed to answer my request."), required=True)
    website = forms.CharField(required=False, label=_("Leave this field empty"),
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def __init__(self, *args, customer=None, order=None, orders=(), **kwargs):
        super().__init__(*args, **kwargs)
        if customer is not None:
            self.fields["name"].initial = customer.name
            self.fields["email"].initial = customer.email
        if orders:
            # a logged-in customer picks one of their own orders instead of typing its code
            self.fields["order"] = forms.ChoiceField(label=_("Order (optional)"), required=False, choices=[
                ("", "—")] + [(o.code, f"{o.code} · {o.event.name} · {o.datetime:%d.%m.%Y}") for o in orders])
        if order is not None:
            self.fields["order"].initial = order.code
            self.fields["email"].initial = self.fields["email"].initial or order.email


class CustomerReplyForm(forms.Form):
    body = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000)
    attachment = forms.FileField(label=_("Attachment (optional)"), required=False)

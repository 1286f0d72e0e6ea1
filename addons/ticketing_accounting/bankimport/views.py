"""
The back office's bank import: upload a statement, see what each payment document became, assign an open one to
an order or ignore it. Every view checks the organizer permission; objects are looked up within the organizer.
"""
from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from pretix.base.models import Order
from pretix.control.permissions import OrganizerPermissionRequiredMixin

from ..permissions import BANK_IMPORT
from . import services
from .models import BankPayment, StatementImport
from .parser import StatementError

MAX_UPLOAD = 5 * 1024 * 1024  # a month of a busy account is a few hundred kilobytes


class UploadForm(forms.Form):
    statement = forms.FileField(label=_("Bank statement (1CClientBankExchange, .txt)"))

    def clean_statement(self):
        f = self.cleaned_data["statement"]
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than {size} MB.").format(size=MAX_UPLOAD // 2**20))
        return f


class AssignForm(forms.Form):
    order = forms.CharField(label=_("Order code"), max_length=40)

    def __init__(self, *args, organizer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organizer = organizer

    def clean_order(self):
        code = self.cleaned_data["order"].strip().upper()
        try:
            return Order.objects.get(event__organizer=self.organizer, code=code)
        except Order.DoesNotExist:
            raise forms.ValidationError(_("There is no order {code}.").format(code=code[:40])) from None


def url(organizer, name: str, **kwargs) -> str:
    return reverse(f"plugins:ticketing_accounting:{name}", kwargs={"organizer": organizer.slug, **kwargs})


class BankImportView(OrganizerPermissionRequiredMixin, View):
    permission = BANK_IMPORT
    template_name = "ticketing_accounting/bankimport/index.html"

    def context(self, form: UploadForm, error: StatementError | None = None) -> dict:
        org = self.request.organizer
        return {
            "form": form, "error": error, "statements": StatementImport.objects.filter(organizer=org)[:20],
            "open": BankPayment.objects.filter(organizer=org, state__in=BankPayment.OPEN_STATES).select_related(
                "order", "order__event")[:200],
            "assign_form": AssignForm(organizer=org), "max_mb": MAX_UPLOAD // 2**20,
        }

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, self.context(UploadForm()))

    def post(self, request, *args, **kwargs):
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, self.context(form), status=400)
        f = form.cleaned_data["statement"]
        try:
            result = services.import_statement(request.organizer, f.read(), f.name, request.user)
        except StatementError as e:
            return render(request, self.template_name, self.context(form, e), status=400)
        c = result.counts
        messages.success(request, gettext(
            "Statement imported: {matched} confirmed, {partial} partial, {over} over the amount, {unmatched} without "
            "an order, {duplicate} already imported.").format(**c))
        return HttpResponseRedirect(url(request.organizer, "bankimport.statement", pk=result.statement.pk))


class StatementView(OrganizerPermissionRequiredMixin, View):
    permission = BANK_IMPORT

    def get(self, request, *args, **kwargs):
        try:
            statement = StatementImport.objects.get(organizer=request.organizer, pk=kwargs["pk"])
        except StatementImport.DoesNotExist:
            raise Http404(_("No such statement.")) from None
        return render(request, "ticketing_accounting/bankimport/statement.html", {
            "statement": statement, "payments": statement.payments.select_related("order", "order__event"),
            "assign_form": AssignForm(organizer=request.organizer)})


class PaymentActionView(OrganizerPermissionRequiredMixin, View):
    """POST only: ``assign`` (with an order code) or ``ignore`` an open payment document."""

    permission = BANK_IMPORT
    http_method_names = ["post"]
    action = "assign"

    def post(self, request, *args, **kwargs):
        try:
            bp = BankPayment.objects.get(organizer=request.organizer, pk=kwargs["pk"])
        except BankPayment.DoesNotExist:
            raise Http404(_("No such payment document.")) from None
        back = request.POST.get("next") or ""
        back = back if back.startswith("/control/") and "//" not in back else url(request.organizer, "bankimport")
        try:
            if self.action == "ignore":
                services.ignore(bp, request.user)
                messages.success(request, gettext("The payment document is ignored."))
            else:
                form = AssignForm(request.POST, organizer=request.organizer)
                if not form.is_valid():
                    messages.error(request, " ".join(form.errors["order"]))
                    return HttpResponseRedirect(back)
                services.assign(bp, form.cleaned_data["order"], request.user)
                messages.success(request, gettext("The payment is booked on order {code}.").format(
                    code=form.cleaned_data["order"].code))
        except ValueError as e:
            messages.error(request, gettext(str(e)))
        return HttpResponseRedirect(back)

"""Downloads of a document (the buyer through the order's secret link, staff in the back office) and staff's
"issue again" / "issue the act" buttons on the back-office order page."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from pretix.control.permissions import EventPermissionRequiredMixin
from pretix.presale.views import EventViewMixin
from pretix.presale.views.order import OrderDetailMixin

from ..permissions import DOCUMENTS
from .models import Document
from .services import DocumentError, issue_closing_document, issue_invoice, send_document

ORDERS_READ = "event.orders:read"
ORDERS_WRITE = "event.orders:write"


def _pdf(doc: Document) -> FileResponse:
    if not doc.file:
        raise Http404(_("This document has no file."))
    response = FileResponse(doc.file.open("rb"), content_type="application/pdf", as_attachment=True,
                            filename=doc.filename())
    response["X-Robots-Tag"] = "noindex"
    return response


class BuyerDocumentDownload(EventViewMixin, OrderDetailMixin, View):
    """The buyer's copy, from the order page (the order's secret link, as pretix's own invoices)."""

    def get(self, request, *args, **kwargs):
        response = self.verify_order_access()
        if response:
            return response
        doc = get_object_or_404(Document, order=self.order, pk=kwargs["document"])
        return _pdf(doc)


class StaffDocumentDownload(EventPermissionRequiredMixin, View):
    permission = ORDERS_READ

    def get(self, request, *args, **kwargs):
        doc = get_object_or_404(Document, order__event=request.event, order__code=kwargs["code"],
                                pk=kwargs["document"])
        return _pdf(doc)


class StaffIssueDocument(EventPermissionRequiredMixin, View):
    """POST: issue a new Счёт (the old one is cancelled and keeps its number) or the closing Акт/УПД, and send it."""

    permission = ORDERS_READ

    def post(self, request, *args, **kwargs):
        # the Accountant role issues documents (its accounting permission); administrators through order changes
        if not (request.user.has_organizer_permission(request.organizer, DOCUMENTS, request=request)
                or request.user.has_event_permission(request.organizer, request.event, ORDERS_WRITE,
                                                     request=request)):
            raise PermissionDenied()
        order = get_object_or_404(request.event.orders, code=kwargs["code"])
        try:
            doc = issue_invoice(order, user=request.user) if kwargs["kind"] == "invoice" else \
                issue_closing_document(order, user=request.user)
        except DocumentError as e:
            messages.error(request, str(e))
        else:
            send_document(doc)
            messages.success(request, _("{title} № {number} has been issued and sent.").format(
                title=doc.title, number=doc.number))
        return HttpResponseRedirect(reverse("control:event.order", kwargs={
            "organizer": request.organizer.slug, "event": request.event.slug, "code": order.code}))


class GroupOrderCreate(EventPermissionRequiredMixin, View):
    """Event → Group order for an organisation: passengers per product on one sailing, on a bank invoice."""

    permission = ORDERS_WRITE
    template_name = "ticketing_accounting/b2b/group_order.html"

    def _render(self, request, form):
        from django.shortcuts import render
        return render(request, self.template_name, {"form": form, "request": request})

    def get(self, request, *args, **kwargs):
        from ..b2b.group_order import GroupOrderForm
        return self._render(request, GroupOrderForm(event=request.event))

    def post(self, request, *args, **kwargs):
        from ..b2b.group_order import GroupOrderError, GroupOrderForm, create_group_order
        form = GroupOrderForm(request.POST, event=request.event)
        if not form.is_valid():
            return self._render(request, form)
        try:
            order = create_group_order(request.event, form.cleaned_data["subevent"], form.counts(),
                                       form.requisites(), user=request.user)
        except GroupOrderError as e:
            form.add_error(None, str(e))
            return self._render(request, form)
        try:
            send_document(issue_invoice(order, user=request.user))
        except DocumentError as e:
            messages.warning(request, str(e))
        messages.success(request, _("The group order {code} has been created.").format(code=order.code))
        return HttpResponseRedirect(reverse("control:event.order", kwargs={
            "organizer": request.organizer.slug, "event": request.event.slug, "code": order.code}))

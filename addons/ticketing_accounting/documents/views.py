"""Downloads of a document (the buyer through the order's secret link, staff in the back office) and staff's
"issue again" / "issue the act" buttons on the back-office order page."""
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from pretix.control.permissions import EventPermissionRequiredMixin
from pretix.presale.views import EventViewMixin
from pretix.presale.views.order import OrderDetailMixin

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

    permission = ORDERS_WRITE

    def post(self, request, *args, **kwargs):
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

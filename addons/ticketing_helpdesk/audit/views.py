"""
The audit page: the organizer's sensitive actions from pretix's log, filtered by person, action, object and
time, with a CSV export (itself logged). Read-only by construction: the views answer GET only, and pretix
offers no way to change or delete a log entry.
"""
import json
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from pretix.base.models import Customer, LogEntry, Order, Team, User
from pretix.control.permissions import OrganizerPermissionRequiredMixin
from pretix.control.views import PaginationMixin
from pretix.control.views.organizer import OrganizerDetailViewMixin

from ticketing_core.dateranges import DateRangeForm, day_bounds
from ticketing_core.exports import csv_response

from ..permissions import AUDIT_READ
from .log import ACTIONS, audit

MAX_EXPORT = 50000

# pretix's and ticketing_core's own entries that belong in the trail next to ours.
PRETIX_ACTIONS = {
    "pretix.team.": _("Team and role changes"),
    "pretix.event.order.refund.": _("Refunds (pretix)"),
    "pretix.event.order.canceled": _("Order cancellations (pretix)"),
    "pretix.customer.": _("Customer account changes (pretix)"),
    "ticketing_core.notification.resent": _("Messages sent again (order page)"),
    "ticketing_core.sailing.canceled": _("Sailing cancellations"),
}
CASE_PREFIX = "ticketing_helpdesk.case."


def audited_q() -> Q:
    q = Q(action_type__startswith="ticketing_helpdesk.")
    for prefix in PRETIX_ACTIONS:
        q |= Q(action_type__startswith=prefix)
    return q


def action_choices() -> list[tuple[str, str]]:
    choices = [("", _("All actions"))]
    choices += [(k, v) for k, v in ACTIONS.items()]
    choices += [(CASE_PREFIX, _("Support case changes"))]
    choices += list(PRETIX_ACTIONS.items())
    return choices


class AuditFilterForm(DateRangeForm):
    range_fields = ("date_from", "date_until")

    user = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label=_("Person"),
                                  empty_label=_("Everyone"))
    action = forms.ChoiceField(required=False, label=_("Action"))
    object = forms.CharField(required=False, label=_("Object"), max_length=100,
                             widget=forms.TextInput(attrs={"placeholder": _("Order code, customer ID, team, #case")}))
    date_from = forms.DateField(required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_until = forms.DateField(required=False, label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, organizer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organizer = organizer
        self.fields["action"].choices = action_choices()
        people = LogEntry.objects.filter(organizer=organizer, user__isnull=False).values("user_id")
        self.fields["user"].queryset = User.objects.filter(
            Q(teams__organizer=organizer) | Q(pk__in=people)).distinct().order_by("email")
        self.fields["user"].label_from_instance = lambda u: f"{u.fullname} <{u.email}>" if u.fullname else u.email

    def object_q(self, text: str) -> Q:
        """Entries about the order, customer, team or case the agent typed."""
        text = text.strip()
        org = self.organizer
        q = Q(pk__in=[])
        ct = ContentType.objects.get_for_model
        orders = list(Order.objects.filter(organizer=org, code=text.upper()).values_list("pk", flat=True))
        if orders:
            q |= Q(content_type=ct(Order), object_id__in=orders)
            viewed = json.dumps({"order": text.upper()})[1:-1]  # '"order": "CODE"' inside the entry's JSON
            q |= Q(action_type="ticketing_helpdesk.order.viewed", data__contains=viewed)
        customers = list(Customer.objects.filter(organizer=org, identifier=text.upper()).values_list("pk", flat=True))
        if customers:
            q |= Q(content_type=ct(Customer), object_id__in=customers)
        teams = list(Team.objects.filter(organizer=org, name__iexact=text).values_list("pk", flat=True))
        if teams:
            q |= Q(content_type=ct(Team), object_id__in=teams)
        number = text.lstrip("#№ ")
        if number.isdigit():
            from ..models import SupportCase

            cases = list(SupportCase.objects.filter(organizer=org, number=int(number)).values_list("pk", flat=True))
            if cases:
                q |= Q(content_type=ct(SupportCase), object_id__in=cases)
        return q


class AuditList(OrganizerDetailViewMixin, OrganizerPermissionRequiredMixin, PaginationMixin, ListView):
    permission = AUDIT_READ
    template_name = "ticketing_helpdesk/audit/list.html"
    context_object_name = "entries"
    paginate_by = 50
    http_method_names = ["get", "head"]

    @cached_property
    def filter_form(self) -> AuditFilterForm:
        return AuditFilterForm(self.request.GET or None, organizer=self.request.organizer)

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.request.organizer.settings.timezone)

    def get_queryset(self):
        qs = LogEntry.objects.filter(organizer=self.request.organizer).filter(audited_q()).select_related(
            "user", "api_token", "device", "event", "content_type").order_by("-datetime", "-pk")
        form = self.filter_form
        if form.is_bound and form.is_valid():
            d = form.cleaned_data
            if d.get("user"):
                qs = qs.filter(user=d["user"])
            if d.get("action"):
                action = d["action"]
                qs = qs.filter(action_type__startswith=action) if action.endswith(".") or action in PRETIX_ACTIONS \
                    else qs.filter(action_type=action)
            if d.get("object"):
                qs = qs.filter(form.object_q(d["object"]))
            if d.get("date_from"):
                qs = qs.filter(datetime__gte=day_bounds(d["date_from"], d["date_from"], self.tz)[0])
            if d.get("date_until"):
                qs = qs.filter(datetime__lt=day_bounds(d["date_until"], d["date_until"], self.tz)[1])
        elif form.is_bound:
            qs = qs.none()
        return qs

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            return self.export()
        return super().get(request, *args, **kwargs)

    def export(self):
        entries = list(self.get_queryset()[:MAX_EXPORT])
        audit(self.request.organizer, "ticketing_helpdesk.audit.exported", request=self.request,
              data={"count": len(entries), "filters": {k: v for k, v in self.request.GET.items() if k != "format"}})
        header = [gettext("Time"), gettext("Person"), gettext("Action"), gettext("Description"), gettext("Object"),
                  gettext("Event"), gettext("IP address"), gettext("Details")]
        return csv_response((row_values(e, self.tz) for e in entries), header, "audit.csv")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filter_form"] = self.filter_form
        ctx["rows"] = [row(e) for e in ctx["entries"]]
        ctx["tz"] = self.tz
        query = self.request.GET.copy()
        query["format"] = "csv"
        query.pop("page", None)
        ctx["csv_query"] = query.urlencode()
        return ctx


def who(e: LogEntry) -> str:
    if e.user_id:
        return e.user.email
    if e.api_token_id:
        return gettext("API token {name}").format(name=e.api_token.name)
    if e.device_id:
        return gettext("Device {name}").format(name=e.device.name)
    return gettext("System")


def describe(e: LogEntry) -> str:
    try:
        return str(e.display())
    except Exception:  # noqa: BLE001 - an entry of a removed plugin still belongs in the trail
        return e.action_type


def row(e: LogEntry) -> dict:
    data = e.parsed_data if isinstance(e.parsed_data, dict) else {}
    return {"entry": e, "who": who(e), "ip": data.get("ip", ""), "text": describe(e),
            "object": f"{e.content_type.model} #{e.object_id}"}


def row_values(e: LogEntry, tz) -> list:
    r = row(e)
    details = {k: v for k, v in (e.parsed_data or {}).items() if k != "ip"} if isinstance(e.parsed_data, dict) else {}
    return [e.datetime.astimezone(tz).isoformat(), r["who"], e.action_type, r["text"], r["object"],
            e.event.slug if e.event_id else "", r["ip"], json.dumps(details, ensure_ascii=False, sort_keys=True)]

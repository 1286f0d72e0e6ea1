"""Back-office pages of the support cases: the list, a case with its timeline and actions, a new case."""
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from pretix.base.models import Customer, LogEntry, Order, SubEvent, User
from pretix.control.permissions import OrganizerPermissionRequiredMixin
from pretix.control.views import PaginationMixin
from pretix.control.views.organizer import OrganizerDetailViewMixin

from ..models import CaseAttachment, CaseMessage, SupportCase
from ..permissions import CASES_READ, CASES_SETTINGS, CASES_WRITE
from ..sla.calendar import calendar_for
from ..sla.compute import compute
from . import attachments as files
from .forms import CaseFilterForm, ChangeForm, NoteForm, ReplyForm, StaffCaseForm
from .services import CaseError, add_note, agents, change, open_case, reply

APP = "ticketing_helpdesk"
PRIORITY_RANK = Case(*[When(priority=p, then=Value(i)) for i, (p, _l) in enumerate(SupportCase.PRIORITIES)],
                     output_field=IntegerField())
STATUS_CLASS = {"new": "info", "open": "primary", "waiting": "warning", "resolved": "success", "closed": "default"}
SLA_CLASS = {"ok": "success", "at_risk": "warning", "breached": "danger", "paused": "default", "met": "success"}
PRIORITY_CLASS = {"low": "default", "normal": "info", "high": "warning", "urgent": "danger"}


def case_url(case: SupportCase) -> str:
    return reverse(f"plugins:{APP}:case", kwargs={"organizer": case.organizer.slug, "number": case.number})


def find_order(organizer, code: str) -> Order | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    return Order.objects.filter(event__organizer=organizer, code=code).select_related("event").first()


def duration_text(seconds: float | None) -> str:
    """Business time as "2 h 05 min" (negative: overdue)."""
    if seconds is None:
        return ""
    minutes = int(abs(seconds) // 60)
    text = _("{h} h {m:02d} min").format(h=minutes // 60, m=minutes % 60)
    return str(_("overdue by {time}").format(time=text)) if seconds < 0 else str(text)


class CaseMixin(OrganizerDetailViewMixin):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        perms = self.request.user
        org = self.request.organizer
        ctx["can_write"] = perms.has_organizer_permission(org, CASES_WRITE, request=self.request)
        ctx["can_settings"] = perms.has_organizer_permission(org, CASES_SETTINGS, request=self.request)
        ctx["status_class"], ctx["sla_class"], ctx["priority_class"] = STATUS_CLASS, SLA_CLASS, PRIORITY_CLASS
        return ctx

    @cached_property
    def agents(self) -> list[User]:
        return agents(self.request.organizer)


VIEW_LOG_INTERVAL = timedelta(hours=1)


def record_view(case: SupportCase, user: User) -> None:
    """
    Opening a case shows the customer's contact data, so it goes into the audit trail — once an hour per
    person and case, so that working on a case does not bury the trail in repeated entries.
    """
    recent = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(SupportCase), object_id=case.pk,
                                     action_type="ticketing_helpdesk.case.viewed", user=user,
                                     datetime__gte=now() - VIEW_LOG_INTERVAL)
    if not recent.exists():
        case.log_action("ticketing_helpdesk.case.viewed", user=user, data={"number": case.number})


def next_due(case: SupportCase, calendar, at) -> tuple:
    """The due time the agent works towards (first response, then resolution) and the business time left."""
    if not case.is_open or case.status == SupportCase.STATUS_WAITING:
        return None, ""
    due = case.first_response_due if case.first_response_at is None else case.resolution_due
    if due is None:
        return None, ""
    left = calendar.seconds_between(at, due) if due > at else -calendar.seconds_between(due, at) or -1.0
    return due, duration_text(left)


def filter_cases(qs, data: dict, user: User):
    """The list's filters and sort, shared by the page and the CSV export."""
    status = data.get("status") or ""
    if status == "":
        qs = qs.filter(status__in=SupportCase.OPEN_STATUSES)
    elif status != "all":
        qs = qs.filter(status=status)
    for field in ("priority", "category"):
        if data.get(field):
            qs = qs.filter(**{field: data[field]})
    if data.get("sla"):
        qs = qs.filter(sla_state=data["sla"])
    assignee = data.get("assignee") or ""
    if assignee == "me" and user is not None and user.is_authenticated:
        qs = qs.filter(assignee=user)
    elif assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif assignee.isdigit():
        qs = qs.filter(assignee_id=int(assignee))
    q = (data.get("q") or "").strip()
    if q:
        cond = Q(subject__icontains=q) | Q(email__iexact=q) | Q(phone__icontains=q) | Q(name__icontains=q) | \
            Q(order__code__iexact=q)
        if q.lstrip("#").isdigit():
            cond |= Q(number=int(q.lstrip("#")))
        qs = qs.filter(cond)
    sort = data.get("sort") or "-created"
    if sort == "sla":
        # breached first, then about to breach, then by the nearest due time; paused and finished last
        rank = Case(When(sla_state=SupportCase.SLA_BREACHED, then=Value(0)),
                    When(sla_state=SupportCase.SLA_AT_RISK, then=Value(1)),
                    When(sla_state=SupportCase.SLA_OK, then=Value(2)),
                    When(sla_state=SupportCase.SLA_PAUSED, then=Value(3)), default=Value(4),
                    output_field=IntegerField())
        qs = qs.annotate(sla_rank=rank).order_by("sla_rank", "first_response_due", "resolution_due", "pk")
    elif sort == "-priority":
        qs = qs.annotate(priority_rank=PRIORITY_RANK).order_by("-priority_rank", "-created")
    elif sort in ("created", "-created", "-updated"):
        qs = qs.order_by(sort, "-pk")
    return qs


class CaseList(CaseMixin, OrganizerPermissionRequiredMixin, PaginationMixin, ListView):
    permission = CASES_READ
    template_name = "ticketing_helpdesk/cases/list.html"
    context_object_name = "cases"

    @cached_property
    def filter_form(self) -> CaseFilterForm:
        return CaseFilterForm(self.request.GET or None, agents=self.agents)

    def get_queryset(self):
        qs = SupportCase.objects.filter(organizer=self.request.organizer).select_related(
            "assignee", "customer", "order")
        data = self.filter_form.cleaned_data if self.filter_form.is_valid() else {}
        return filter_cases(qs, data, self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filter_form"] = self.filter_form
        calendar, at = calendar_for(self.request.organizer), now()
        for case in ctx["cases"]:
            case.due, case.remaining = next_due(case, calendar, at)
        return ctx


class CaseAdd(CaseMixin, OrganizerPermissionRequiredMixin, FormView):
    permission = CASES_WRITE
    template_name = "ticketing_helpdesk/cases/add.html"
    form_class = StaffCaseForm

    @cached_property
    def subevents(self) -> list[SubEvent]:
        at = now()
        return list(SubEvent.objects.filter(
            event__organizer=self.request.organizer, date_from__gte=at - timedelta(days=30),
            date_from__lte=at + timedelta(days=90)).select_related("event").order_by("date_from")[:500])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["agents"] = self.agents
        kwargs["subevents"] = self.subevents
        if self.request.GET.get("order"):
            kwargs["initial"] = {"order": self.request.GET["order"]}
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        order = None
        if data["order"]:
            order = find_order(self.request.organizer, data["order"])
            if order is None:
                form.add_error("order", _("There is no order with this code."))
                return self.form_invalid(form)
        customer = None
        if data["customer"]:
            ident = data["customer"].strip()
            customer = Customer.objects.filter(organizer=self.request.organizer).filter(
                Q(identifier=ident.upper()) | Q(email__iexact=ident)).first()
            if customer is None:
                form.add_error("customer", _("There is no customer account with this e-mail address or ID."))
                return self.form_invalid(form)
        subevent = next((se for se in self.subevents if str(se.pk) == data["subevent"]), None)
        assignee = User.objects.filter(pk=data["assignee"]).first() if data["assignee"] else None
        try:
            case = open_case(
                self.request.organizer, subject=data["subject"], body=data["body"], channel=data["channel"],
                category=data["category"], priority=data["priority"], name=data["name"], email=data["email"],
                phone=data["phone"], locale=data["locale"], order=order, user=self.request.user, assignee=assignee,
                customer=customer, subevent=subevent,
            )
        except CaseError as e:
            messages.error(self.request, str(e))
            return self.form_invalid(form)
        messages.success(self.request, _("The case {case} has been created.").format(case=case.reference))
        return HttpResponseRedirect(case_url(case))


class CaseDetail(CaseMixin, OrganizerPermissionRequiredMixin, TemplateView):
    """One case: contact and links, SLA, the timeline, and (with permission) reply, note and changes."""

    permission = CASES_READ
    template_name = "ticketing_helpdesk/cases/detail.html"

    @cached_property
    def case(self) -> SupportCase:
        return get_object_or_404(SupportCase.objects.select_related("customer", "order", "order__event", "position",
                                                                    "subevent", "assignee"),
                                 organizer=self.request.organizer, number=self.kwargs["number"])

    def forms(self, data=None, files_=None, action=None):
        case = self.case
        return {
            "reply_form": ReplyForm(data if action == "reply" else None, files_ if action == "reply" else None,
                                    prefix="reply"),
            "note_form": NoteForm(data if action == "note" else None, files_ if action == "note" else None,
                                  prefix="note"),
            "change_form": ChangeForm(data if action == "change" else None, prefix="change", agents=self.agents,
                                      initial={"status": case.status, "priority": case.priority,
                                               "category": case.category,
                                               "assignee": str(case.assignee_id or "")}),
        }

    def get(self, request, *args, **kwargs):
        record_view(self.case, request.user)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        case = self.case
        timeline = list(case.messages.select_related("author").prefetch_related("attachments"))
        sla = compute(case, messages=timeline)
        ctx.update({
            "case": case, "timeline": timeline, "sla": sla,
            "first_remaining": duration_text(sla.first_response.remaining_seconds),
            "resolution_remaining": duration_text(sla.resolution.remaining_seconds),
            "attachments": case.attachments.all(),
            "language_name": dict(settings.LANGUAGES).get(case.locale, case.locale),
            "labels": {"status": dict(SupportCase.STATUSES), "priority": dict(SupportCase.PRIORITIES),
                       "category": dict(SupportCase.CATEGORIES)},
        })
        for key, form in self.forms().items():
            ctx.setdefault(key, form)
        return ctx

    def post(self, request, *args, **kwargs):
        if not request.user.has_organizer_permission(request.organizer, CASES_WRITE, request=request):
            raise Http404(_("You do not have permission to change support cases."))
        action = request.POST.get("action")
        forms = self.forms(request.POST, request.FILES, action)
        form = forms.get(f"{action}_form")
        if form is None:
            return HttpResponseRedirect(case_url(self.case))
        if not form.is_valid():
            messages.error(request, _("Please check the form."))
            return self.render_to_response(self.get_context_data(**forms))
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if action == "reply":
                    msg = reply(self.case, request.user, data["body"], status=data["status"])
                    if data.get("attachment"):
                        files.store(self.case, data["attachment"], user=request.user, message=msg)
                    messages.success(request, _("Your reply has been sent to the customer."))
                elif action == "note":
                    msg = add_note(self.case, request.user, data["body"])
                    if data.get("attachment"):
                        files.store(self.case, data["attachment"], user=request.user, message=msg)
                    messages.success(request, _("The note has been added."))
                else:
                    assignee = User.objects.filter(pk=data["assignee"]).first() if data["assignee"] else None
                    change(self.case, request.user, status=data["status"], priority=data["priority"],
                           category=data["category"], assignee=assignee)
                    messages.success(request, _("The case has been updated."))
        except CaseError as e:
            messages.error(request, str(e))
            return self.render_to_response(self.get_context_data(**forms))
        return HttpResponseRedirect(case_url(self.case))


class AttachmentDownload(OrganizerPermissionRequiredMixin, View):
    """Staff with permission to see cases download a case's file (logged)."""

    permission = CASES_READ

    def get(self, request, *args, **kwargs):
        att = get_object_or_404(CaseAttachment.objects.select_related("case", "case__organizer"),
                                case__organizer=request.organizer, case__number=kwargs["number"], pk=kwargs["pk"])
        return files.download_response(att, user=request.user)


def public_messages(case: SupportCase):
    return case.messages.filter(kind__in=CaseMessage.PUBLIC_KINDS).select_related("author").prefetch_related(
        "attachments")

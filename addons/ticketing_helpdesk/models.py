"""
Support cases: the case, its timeline (customer messages, replies, internal notes, status and assignee
changes), attachments kept outside the web root, and the SLA configuration (policies per priority and
category, the business-hours calendar and its holidays).
"""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

from pretix.base.models import LoggedModel


class SupportCase(LoggedModel):
    """
    One customer request. ``number`` is per organizer (shown as "#123"), so customers and staff can
    quote it; the customer is a pretix account and/or plain contact data (guests, phone calls).
    """

    CHANNEL_WEB, CHANNEL_EMAIL, CHANNEL_PHONE, CHANNEL_IN_PERSON = "web", "email", "phone", "in_person"
    CHANNELS = (
        (CHANNEL_WEB, _("Web form")),
        (CHANNEL_EMAIL, _("E-mail")),
        (CHANNEL_PHONE, _("Phone")),
        (CHANNEL_IN_PERSON, _("In person")),
    )
    CATEGORY_REFUND, CATEGORY_LOST_TICKET, CATEGORY_ACCESSIBILITY = "refund", "lost_ticket", "accessibility"
    CATEGORY_COMPLAINT, CATEGORY_CHARTER, CATEGORY_OTHER = "complaint", "charter", "other"
    CATEGORIES = (
        (CATEGORY_REFUND, _("Refund question")),
        (CATEGORY_LOST_TICKET, _("Lost ticket")),
        (CATEGORY_ACCESSIBILITY, _("Accessibility")),
        (CATEGORY_COMPLAINT, _("Complaint")),
        (CATEGORY_CHARTER, _("Charter enquiry")),
        (CATEGORY_OTHER, pgettext_lazy("case category", "Other")),
    )
    PRIORITY_LOW, PRIORITY_NORMAL, PRIORITY_HIGH, PRIORITY_URGENT = "low", "normal", "high", "urgent"
    PRIORITIES = (
        (PRIORITY_LOW, pgettext_lazy("case priority", "Low")),
        (PRIORITY_NORMAL, pgettext_lazy("case priority", "Normal")),
        (PRIORITY_HIGH, pgettext_lazy("case priority", "High")),
        (PRIORITY_URGENT, pgettext_lazy("case priority", "Urgent")),
    )
    STATUS_NEW, STATUS_OPEN, STATUS_WAITING = "new", "open", "waiting"
    STATUS_RESOLVED, STATUS_CLOSED = "resolved", "closed"
    STATUSES = (
        (STATUS_NEW, pgettext_lazy("case status", "New")),
        (STATUS_OPEN, pgettext_lazy("case status", "Open")),
        (STATUS_WAITING, pgettext_lazy("case status", "Waiting for customer")),
        (STATUS_RESOLVED, pgettext_lazy("case status", "Resolved")),
        (STATUS_CLOSED, pgettext_lazy("case status", "Closed")),
    )
    OPEN_STATUSES = (STATUS_NEW, STATUS_OPEN, STATUS_WAITING)

    SLA_OK, SLA_AT_RISK, SLA_BREACHED, SLA_PAUSED, SLA_MET = "ok", "at_risk", "breached", "paused", "met"
    SLA_STATES = (
        (SLA_OK, pgettext_lazy("sla", "On track")),
        (SLA_AT_RISK, pgettext_lazy("sla", "About to breach")),
        (SLA_BREACHED, pgettext_lazy("sla", "Breached")),
        (SLA_PAUSED, pgettext_lazy("sla", "Paused (waiting for customer)")),
        (SLA_MET, pgettext_lazy("sla", "Met")),
    )

    organizer = models.ForeignKey("pretixbase.Organizer", on_delete=models.CASCADE,
                                  related_name="ticketing_cases")
    number = models.PositiveIntegerField(verbose_name=_("Number"))
    subject = models.CharField(verbose_name=_("Subject"), max_length=200)
    customer = models.ForeignKey("pretixbase.Customer", verbose_name=_("Customer account"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="ticketing_cases")
    name = models.CharField(verbose_name=_("Name"), max_length=200, blank=True)
    email = models.EmailField(verbose_name=_("E-mail"), blank=True)
    phone = models.CharField(verbose_name=_("Phone"), max_length=32, blank=True)
    locale = models.CharField(verbose_name=_("Language"), max_length=16, default="ru")
    order = models.ForeignKey("pretixbase.Order", verbose_name=_("Order"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="ticketing_cases")
    position = models.ForeignKey("pretixbase.OrderPosition", verbose_name=_("Ticket"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="ticketing_cases")
    subevent = models.ForeignKey("pretixbase.SubEvent", verbose_name=_("Sailing"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="ticketing_cases")
    channel = models.CharField(verbose_name=_("Channel"), max_length=16, choices=CHANNELS, default=CHANNEL_WEB)
    category = models.CharField(verbose_name=_("Category"), max_length=16, choices=CATEGORIES,
                                default=CATEGORY_OTHER)
    priority = models.CharField(verbose_name=_("Priority"), max_length=16, choices=PRIORITIES,
                                default=PRIORITY_NORMAL)
    status = models.CharField(verbose_name=_("Status"), max_length=16, choices=STATUSES, default=STATUS_NEW,
                              db_index=True)
    assignee = models.ForeignKey("pretixbase.User", verbose_name=_("Assignee"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="ticketing_cases")
    consent = models.BooleanField(default=False)
    origin_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created = models.DateTimeField(verbose_name=_("Opened"), auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # SLA figures, recomputed on every change and by the periodic task, stored for filtering and sorting.
    first_response_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True, db_index=True)
    sla_state = models.CharField(max_length=16, choices=SLA_STATES, default=SLA_OK, db_index=True)
    sla_warned_at = models.DateTimeField(null=True, blank=True)
    sla_breached_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organizer="organizer")

    class Meta:
        ordering = ("-created", "-id")
        verbose_name = _("Support case")
        verbose_name_plural = _("Support cases")
        constraints = [
            models.UniqueConstraint(fields=("organizer", "number"), name="ticketing_case_number_unique"),
        ]
        indexes = [
            models.Index(fields=("organizer", "status", "priority"), name="ticketing_case_list_idx"),
            models.Index(fields=("organizer", "email"), name="ticketing_case_email_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def reference(self) -> str:
        return f"#{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def contact_name(self) -> str:
        if self.name:
            return self.name
        if self.customer_id:
            return self.customer.name or self.customer.email
        return self.email or self.phone


class CaseSequence(models.Model):
    """The last case number of an organizer, locked while the next one is taken."""

    organizer = models.OneToOneField("pretixbase.Organizer", on_delete=models.CASCADE, related_name="+")
    last = models.PositiveIntegerField(default=0)


class CaseMessage(models.Model):
    """
    One line of the case's timeline. Customer messages and replies are the conversation the customer
    sees; notes and events (status, assignee, priority changes) are for staff only.
    """

    KIND_CUSTOMER, KIND_REPLY, KIND_NOTE, KIND_EVENT = "customer", "reply", "note", "event"
    KINDS = (
        (KIND_CUSTOMER, _("Message from the customer")),
        (KIND_REPLY, _("Reply")),
        (KIND_NOTE, _("Internal note")),
        (KIND_EVENT, _("Change")),
    )
    PUBLIC_KINDS = (KIND_CUSTOMER, KIND_REPLY)

    case = models.ForeignKey(SupportCase, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=16, choices=KINDS)
    author = models.ForeignKey("pretixbase.User", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    body = models.TextField(blank=True)
    # For events: {"field": "status", "old": "new", "new": "open"}
    data = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ("created", "id")

    def __str__(self) -> str:
        return f"{self.case} {self.kind} {self.created:%Y-%m-%d %H:%M}"

    @property
    def is_public(self) -> bool:
        return self.kind in self.PUBLIC_KINDS


class CaseAttachment(models.Model):
    """
    A file on a case, stored under pretix's data directory (never under MEDIA, so no public URL),
    with the type found by looking at its bytes rather than what the browser claimed.
    """

    case = models.ForeignKey(SupportCase, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(CaseMessage, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="attachments")
    filename = models.CharField(verbose_name=_("File name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=200, unique=True)
    uploaded_by = models.ForeignKey("pretixbase.User", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    by_customer = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created", "id")

    def __str__(self) -> str:
        return self.filename


class SlaPolicy(models.Model):
    """
    Targets in business minutes. A row with an empty category applies to every category of its
    priority that has no row of its own.
    """

    organizer = models.ForeignKey("pretixbase.Organizer", on_delete=models.CASCADE,
                                  related_name="ticketing_sla_policies")
    priority = models.CharField(verbose_name=_("Priority"), max_length=16, choices=SupportCase.PRIORITIES)
    category = models.CharField(verbose_name=_("Category"), max_length=16, blank=True,
                                choices=SupportCase.CATEGORIES,
                                help_text=_("Leave empty for every category without its own target."))
    first_response_minutes = models.PositiveIntegerField(verbose_name=_("First response within (business minutes)"))
    resolution_minutes = models.PositiveIntegerField(verbose_name=_("Resolution within (business minutes)"))

    objects = ScopedManager(organizer="organizer")

    class Meta:
        ordering = ("priority", "category")
        constraints = [
            models.UniqueConstraint(fields=("organizer", "priority", "category"), name="ticketing_sla_unique"),
            models.CheckConstraint(condition=Q(first_response_minutes__gt=0) & Q(resolution_minutes__gt=0),
                                   name="ticketing_sla_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.priority}/{self.category or '*'}"


class BusinessHours(models.Model):
    """Working hours of one weekday (0 = Monday); a weekday without a row is a day off."""

    organizer = models.ForeignKey("pretixbase.Organizer", on_delete=models.CASCADE,
                                  related_name="ticketing_business_hours")
    weekday = models.PositiveSmallIntegerField()
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ("weekday",)
        constraints = [
            models.UniqueConstraint(fields=("organizer", "weekday"), name="ticketing_hours_unique"),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="ticketing_hours_weekday"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="ticketing_hours_order"),
        ]

    def __str__(self) -> str:
        return f"{self.weekday}: {self.start}-{self.end}"


class Holiday(models.Model):
    """A day without business hours (public holidays, the operator's own days off)."""

    organizer = models.ForeignKey("pretixbase.Organizer", on_delete=models.CASCADE,
                                  related_name="ticketing_holidays")
    date = models.DateField(verbose_name=_("Date"))
    name = models.CharField(verbose_name=pgettext_lazy("holiday", "Name"), max_length=200, blank=True)

    class Meta:
        ordering = ("date",)
        constraints = [models.UniqueConstraint(fields=("organizer", "date"), name="ticketing_holiday_unique")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"

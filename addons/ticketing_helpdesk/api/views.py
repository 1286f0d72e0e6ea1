"""
REST API of the support cases under /api/v1/organizers/<organizer>/cases/ (pretix's token or OAuth auth).
Reading needs "organizer.cases:read", every change "organizer.cases:write"; changes go through the same
services as the back office, so the workflow, the log, the e-mails and the webhooks are the same.
"""
from django.db import transaction
from django.utils.translation import gettext
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from pretix.base.models import Customer, OrderPosition, SubEvent, User

from ticketing_core.jsoninput import parser_classes

from ..cases.attachments import download_response
from ..cases.services import CaseError, add_note, can_work_on_cases, change, open_case, reply
from ..cases.views import filter_cases, find_order
from ..models import CaseMessage, SupportCase
from ..permissions import CASES_READ, CASES_WRITE
from ..sla.compute import compute


class CaseSerializer(serializers.ModelSerializer):
    order = serializers.SlugRelatedField(slug_field="code", read_only=True)
    event = serializers.SerializerMethodField()
    customer = serializers.SlugRelatedField(slug_field="identifier", read_only=True)
    assignee = serializers.SlugRelatedField(slug_field="email", read_only=True)
    position = serializers.PrimaryKeyRelatedField(read_only=True)
    subevent = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = SupportCase
        fields = ("number", "subject", "status", "priority", "category", "channel", "customer", "name", "email",
                  "phone", "locale", "event", "order", "position", "subevent", "assignee", "created", "updated",
                  "first_response_at", "resolved_at", "closed_at", "first_response_due", "resolution_due",
                  "sla_state")

    def get_event(self, case) -> str | None:
        return case.order.event.slug if case.order_id else None


class CaseMessageSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="email", read_only=True)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = CaseMessage
        fields = ("id", "kind", "author", "body", "data", "created", "attachments")

    def get_attachments(self, m) -> list[dict]:
        return [{"id": a.pk, "filename": a.filename, "content_type": a.content_type, "size": a.size}
                for a in m.attachments.all()]


class CaseCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=200)
    body = serializers.CharField()
    channel = serializers.ChoiceField(choices=SupportCase.CHANNELS, default=SupportCase.CHANNEL_EMAIL)
    category = serializers.ChoiceField(choices=SupportCase.CATEGORIES, default=SupportCase.CATEGORY_OTHER)
    priority = serializers.ChoiceField(choices=SupportCase.PRIORITIES, default=SupportCase.PRIORITY_NORMAL)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    locale = serializers.ChoiceField(choices=(("ru", "ru"), ("en", "en"), ("zh-hans", "zh-hans")), default="ru")
    order = serializers.CharField(required=False, allow_blank=True, default="")
    customer = serializers.CharField(required=False, allow_blank=True, default="")
    assignee = serializers.EmailField(required=False, allow_blank=True, default="")
    position = serializers.IntegerField(required=False, allow_null=True, default=None)
    subevent = serializers.IntegerField(required=False, allow_null=True, default=None)


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField()
    status = serializers.ChoiceField(choices=(SupportCase.STATUS_WAITING, SupportCase.STATUS_OPEN,
                                              SupportCase.STATUS_RESOLVED), default=SupportCase.STATUS_WAITING)


class NoteSerializer(serializers.Serializer):
    body = serializers.CharField()


class ChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=SupportCase.STATUSES, required=False)
    priority = serializers.ChoiceField(choices=SupportCase.PRIORITIES, required=False)
    category = serializers.ChoiceField(choices=SupportCase.CATEGORIES, required=False)
    assignee = serializers.EmailField(required=False, allow_blank=True, allow_null=True)


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """
    ``GET`` list (filters ``status`` — empty means all open, ``all`` everything —, ``priority``, ``category``,
    ``assignee`` (user id, ``none``), ``sla`` (``ok``, ``at_risk``, ``breached``, ``paused``, ``met``), ``q``,
    ``sort``), ``GET <number>/``, ``GET <number>/messages/``, ``POST`` create, ``POST <number>/reply/``,
    ``POST <number>/note/``, ``PATCH <number>/`` (status, priority, category, assignee by e-mail),
    ``GET <number>/attachments/<id>/`` (the file; ids are listed with the messages).
    """

    parser_classes = parser_classes()

    serializer_class = CaseSerializer
    permission = CASES_READ
    write_permission = CASES_WRITE
    lookup_field = "number"
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        qs = SupportCase.objects.filter(organizer=self.request.organizer).select_related(
            "order", "order__event", "customer", "assignee")
        if self.action == "list":
            params = {k: self.request.query_params.get(k, "") for k in ("status", "priority", "category",
                                                                        "assignee", "sla", "q", "sort")}
            valid = {
                "status": ("", "all", *dict(SupportCase.STATUSES)), "priority": ("", *dict(SupportCase.PRIORITIES)),
                "category": ("", *dict(SupportCase.CATEGORIES)), "sla": ("", *dict(SupportCase.SLA_STATES)),
                "sort": ("", "created", "-created", "sla", "-priority", "-updated"),
            }
            for key, allowed in valid.items():
                if params[key] not in allowed:
                    raise ValidationError({key: [f"Unknown value \"{params[key]}\"."]})
            qs = filter_cases(qs, params, self.request.user)
        return qs

    @property
    def user(self) -> User | None:
        return self.request.user if self.request.user.is_authenticated else None

    def _user_by_email(self, email: str | None) -> User | None:
        """
        An assignee among the organizer's own case workers only. Users elsewhere on the instance, and users
        of this organizer without case access, get the very same answer as unknown addresses: the API must
        not tell a token holder which e-mail addresses have an account on this server.
        """
        if not email:
            return None
        organizer = self.request.organizer
        user = User.objects.filter(email__iexact=email, is_active=True, teams__organizer=organizer).first()
        if user is None or not can_work_on_cases(user, organizer):
            raise ValidationError({"assignee": [gettext(
                "No one with this e-mail address may work on this organizer's support cases.")]})
        return user

    def _run(self, fn):
        try:
            with transaction.atomic():
                return fn()
        except CaseError as e:
            raise ValidationError({"detail": [str(e)]})

    def create(self, request, *args, **kwargs):
        s = CaseCreateSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        order = find_order(request.organizer, data["order"]) if data["order"] else None
        if data["order"] and order is None:
            raise ValidationError({"order": ["There is no order with this code."]})
        customer = None
        if data["customer"]:
            customer = Customer.objects.filter(organizer=request.organizer, identifier=data["customer"]).first()
            if customer is None:
                raise ValidationError({"customer": ["There is no customer with this identifier."]})
        assignee = self._user_by_email(data["assignee"])
        position = subevent = None
        if data["position"] is not None:
            position = OrderPosition.objects.filter(pk=data["position"], order__event__organizer=request.organizer,
                                                    **({"order": order} if order else {})).first()
            if position is None:
                raise ValidationError({"position": ["There is no such ticket (in this order)."]})
        if data["subevent"] is not None:
            subevent = SubEvent.objects.filter(pk=data["subevent"], event__organizer=request.organizer).first()
            if subevent is None:
                raise ValidationError({"subevent": ["There is no such sailing."]})
        case = self._run(lambda: open_case(
            request.organizer, subject=data["subject"], body=data["body"], channel=data["channel"],
            category=data["category"], priority=data["priority"], name=data["name"], email=data["email"],
            phone=data["phone"], locale=data["locale"], order=order, customer=customer, user=self.user,
            assignee=assignee, position=position, subevent=subevent, auth=request.auth))
        case.refresh_from_db()
        return Response(CaseSerializer(case).data, status=201)

    def partial_update(self, request, *args, **kwargs):
        case = self.get_object()
        s = ChangeSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        data = s.validated_data
        assignee = False
        if "assignee" in data:
            assignee = self._user_by_email(data["assignee"])
        self._run(lambda: change(case, self.user, status=data.get("status"), priority=data.get("priority"),
                                 category=data.get("category"), assignee=assignee, auth=request.auth))
        case.refresh_from_db()
        return Response(CaseSerializer(case).data)

    @action(detail=True, methods=["post"])
    def reply(self, request, *args, **kwargs):
        case = self.get_object()
        s = ReplySerializer(data=request.data)
        s.is_valid(raise_exception=True)
        msg = self._run(lambda: reply(case, self.user, s.validated_data["body"], status=s.validated_data["status"],
                                      auth=request.auth))
        return Response(CaseMessageSerializer(msg).data, status=201)

    @action(detail=True, methods=["post"])
    def note(self, request, *args, **kwargs):
        case = self.get_object()
        s = NoteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        msg = self._run(lambda: add_note(case, self.user, s.validated_data["body"], auth=request.auth))
        return Response(CaseMessageSerializer(msg).data, status=201)

    @action(detail=True, methods=["get"])
    def messages(self, request, *args, **kwargs):
        case = self.get_object()
        rows = case.messages.select_related("author").prefetch_related("attachments")
        return Response(CaseMessageSerializer(rows, many=True).data)

    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment>\d+)")
    def attachment(self, request, *args, **kwargs):
        """The file itself (a download, logged like in the back office)."""
        case = self.get_object()
        att = case.attachments.filter(pk=kwargs["attachment"]).first()
        if att is None:
            raise NotFound()
        return download_response(att, user=self.user)

    @action(detail=True, methods=["get"])
    def sla(self, request, *args, **kwargs):
        case = self.get_object()
        sla = compute(case)
        return Response({
            "state": sla.state, "paused": sla.paused,
            **{name: {"minutes": t.minutes, "due": t.due, "done_at": t.done_at, "met": t.met,
                      "remaining_seconds": t.remaining_seconds}
               for name, t in (("first_response", sla.first_response), ("resolution", sla.resolution))},
        })

"""REST API (pretix's API, token auth): piers, vessels and sailings of an organizer."""
from datetime import timedelta

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError

from pretix.api.serializers.i18n import I18nAwareModelSerializer
from pretix.base.models import Device, TeamAPIToken

from ..dateranges import parse_id
from ..errors import TicketingError
from ..jsoninput import parser_classes
from ..permissions import FLEET_WRITE, SAILINGS_WRITE
from .capacity import check_vessel_capacity_change, sold_places
from .models import Pier, Sailing, Vessel
from .sailings import save_sailing
from .schedule import sailings_with_times


def _filled(value, message):
    """pretix's I18nField accepts {} and {"ru": ""}, which the database stores as NULL and refuses (a 500)."""
    data = getattr(value, "data", value)
    texts = data.values() if isinstance(data, dict) else [data]
    if not any(isinstance(t, str) and t.strip() for t in texts):
        raise ValidationError(message)
    return value


class PierSerializer(I18nAwareModelSerializer):
    class Meta:
        model = Pier
        fields = ("id", "name", "address", "latitude", "longitude", "boarding_instructions", "timezone", "active")

    def validate_name(self, value):
        return _filled(value, _("Enter a name in at least one language."))

    def validate_address(self, value):
        return _filled(value, _("Enter the address in at least one language."))


class VesselSerializer(I18nAwareModelSerializer):
    class Meta:
        model = Vessel
        fields = ("id", "name", "registration_number", "vessel_type", "capacity", "seating_mode", "description",
                  "amenities", "active")

    def validate_name(self, value):
        return _filled(value, _("Enter a name in at least one language."))

    def validate_registration_number(self, value):
        qs = Vessel.objects.filter(organizer=self.context["organizer"], registration_number__iexact=value)
        if self.instance:
            qs = qs.exclude(pk=self.instance.pk)
        if qs.exists():
            raise ValidationError("Another vessel already has this registration number.")
        return value

    def validate_capacity(self, value):
        if self.instance and value < self.instance.capacity:
            try:
                check_vessel_capacity_change(self.instance, value)
            except TicketingError as e:
                raise ValidationError(str(e))
        return value


class _FleetViewSet(viewsets.ModelViewSet):
    """Everyone with access to the organizer may read; writing needs the fleet permission."""

    parser_classes = parser_classes()

    permission = None
    write_permission = FLEET_WRITE
    log_prefix = ""

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "organizer": self.request.organizer}

    def _log(self, obj, action, data):
        obj.log_action(f"{self.log_prefix}.{action}", user=self.request.user, auth=self.request.auth,
                       data={**data, "name": str(obj.name)})

    @transaction.atomic
    def perform_create(self, serializer):
        obj = serializer.save(organizer=self.request.organizer)
        self._log(obj, "added", self.request.data)

    @transaction.atomic
    def perform_update(self, serializer):
        obj = serializer.save()
        self._log(obj, "changed", self.request.data)

    @transaction.atomic
    def perform_destroy(self, instance):
        try:
            self._log(instance, "deleted", {})
            instance.delete()
        except ProtectedError:
            raise ValidationError("This object is used by sailings and cannot be deleted; archive it instead "
                                  "(set active to false).")


class PierViewSet(_FleetViewSet):
    serializer_class = PierSerializer
    queryset = Pier.objects.none()
    log_prefix = "ticketing_core.pier"

    def get_queryset(self):
        return Pier.objects.filter(organizer=self.request.organizer)


class VesselViewSet(_FleetViewSet):
    serializer_class = VesselSerializer
    queryset = Vessel.objects.none()
    log_prefix = "ticketing_core.vessel"

    def get_queryset(self):
        return Vessel.objects.filter(organizer=self.request.organizer)


class SailingSerializer(serializers.ModelSerializer):
    event = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    event_slug = serializers.CharField(write_only=True, required=False)
    duration_minutes = serializers.IntegerField(min_value=1)
    capacity = serializers.IntegerField(read_only=True)
    sold = serializers.SerializerMethodField()
    available = serializers.SerializerMethodField()
    starts_at = serializers.DateTimeField(read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    canceled = serializers.BooleanField(source="is_canceled", read_only=True)

    class Meta:
        model = Sailing
        fields = ("id", "event", "event_slug", "subevent", "vessel", "departure_pier", "arrival_pier",
                  "duration_minutes", "sellable_capacity", "capacity", "sold", "available", "starts_at", "ends_at",
                  "canceled", "cancel_reason")
        read_only_fields = ("cancel_reason",)
        extra_kwargs = {"arrival_pier": {"required": False}, "subevent": {"required": False}}

    def get_sold(self, obj) -> int:
        if not hasattr(obj, "_sold"):
            obj._sold = sold_places(obj)
        return obj._sold

    def get_available(self, obj) -> int:
        return max(obj.capacity - self.get_sold(obj), 0)


class SailingViewSet(viewsets.ModelViewSet):
    """Sailings across all events; writing needs pretix's permission to edit the event's dates."""

    parser_classes = parser_classes()

    serializer_class = SailingSerializer
    queryset = Sailing.objects.none()
    permission = None
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def get_queryset(self):
        qs = sailings_with_times(Sailing.objects.filter(event__organizer=self.request.organizer)).select_related(
            "event", "vessel", "subevent").order_by("starts_at")
        if self.request.query_params.get("event"):
            qs = qs.filter(event__slug=self.request.query_params["event"][:50])
        for param, field in (("vessel", "vessel_id"), ("subevent", "subevent_id")):
            if self.request.query_params.get(param):
                try:
                    qs = qs.filter(**{field: parse_id(self.request.query_params[param])})
                except ValueError as e:
                    raise ValidationError({param: [str(e)]}) from None
        return qs

    def _save(self, serializer, instance=None):
        data = serializer.validated_data
        if instance is None:
            event = self.request.organizer.events.filter(slug=data.get("event_slug")).first()
            if event is None:
                raise ValidationError({"event_slug": ["Unknown event."]})
            subevent = data.get("subevent")
        else:
            event, subevent = instance.event, instance.subevent
        holder = self.request.auth if isinstance(self.request.auth, (Device, TeamAPIToken)) else self.request.user
        if not holder.has_event_permission(self.request.organizer, event, SAILINGS_WRITE, request=self.request):
            raise PermissionDenied("You do not have permission to change the dates of this event.")
        if event.has_subevents and (subevent is None or subevent.event_id != event.pk):
            raise ValidationError({"subevent": ["Choose a date of this event series."]})
        for key in ("vessel", "departure_pier", "arrival_pier"):
            obj = data.get(key, getattr(instance, key, None))
            if obj is not None and obj.organizer_id != self.request.organizer.pk:
                raise ValidationError({key: ["Unknown object."]})
        try:
            sailing = save_sailing(
                event, subevent if event.has_subevents else None,
                vessel=data.get("vessel", getattr(instance, "vessel", None)),
                departure_pier=data.get("departure_pier", getattr(instance, "departure_pier", None)),
                arrival_pier=data.get("arrival_pier") or getattr(instance, "arrival_pier", None)
                or data.get("departure_pier"),
                duration=timedelta(minutes=data["duration_minutes"]) if "duration_minutes" in data
                else instance.duration,
                sellable_capacity=data.get("sellable_capacity", getattr(instance, "sellable_capacity", None)),
                user=self.request.user if self.request.user.is_authenticated else None,
            )
        except TicketingError as e:
            raise ValidationError({"detail": [str(e)]})
        serializer.instance = sailings_with_times(Sailing.objects.filter(pk=sailing.pk)).get()

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

"""
A group order for an organisation, created by staff in the back office (a school books by phone): passengers per
product on one sailing, placed pending on a bank invoice, within the sailing's capacity.

pretix 2026.8 has no order creation in its back office (only the REST API), so this is a small form of ours. The
capacity guard is core's: the sailing's managed quota is locked (``lock_objects``, as pretix's checkout does) and
every quota of the products must have the places, counted by pretix's own ``Quota.availability``.
"""
from datetime import timedelta
from decimal import Decimal

from django import forms
from django.db import transaction
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pretix.base.models import Event, Order, OrderPayment, OrderPosition, SubEvent
from pretix.base.services.locking import lock_objects

from ..requisites import validators as v
from .services import PROVIDER, apply_payment_term, record_buyer


class GroupOrderError(Exception):
    """The group cannot be booked; the message is translated and says why."""


class GroupOrderForm(forms.Form):
    subevent = forms.ModelChoiceField(label=gettext_lazy("Sailing"), queryset=SubEvent.objects.none())
    name = forms.CharField(label=gettext_lazy("Organisation or sole proprietor"), max_length=255)
    inn = forms.CharField(label="ИНН", max_length=14, validators=[v.validate_inn])
    kpp = forms.CharField(label="КПП", max_length=11, required=False)
    legal_address = forms.CharField(label=gettext_lazy("Legal address"), max_length=500)
    documents_email = forms.EmailField(label=gettext_lazy("E-mail for documents"))
    contact_person = forms.CharField(label=gettext_lazy("Contact person"), max_length=255, required=False)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["subevent"].queryset = event.subevents.filter(active=True, date_from__gt=now()).order_by(
            "date_from")
        self.items = list(event.items.filter(active=True, admission=True).order_by("position", "pk"))
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.IntegerField(
                label=str(item.name), min_value=0, max_value=500, required=False, initial=0,
                help_text=gettext_lazy("passengers"))

    def clean(self):
        data = super().clean()
        inn, kpp = v.digits_only(data.get("inn")), v.digits_only(data.get("kpp")).upper()
        if inn and len(inn) == 10 and not kpp:
            self.add_error("kpp", _("КПП: an organisation (10-digit ИНН) has a КПП; enter it."))
        elif inn and len(inn) == 12 and kpp:
            self.add_error("kpp", _("КПП: a sole proprietor (12-digit ИНН) has no КПП; leave it empty."))
        elif kpp:
            try:
                data["kpp"] = v.validate_kpp(kpp)
            except forms.ValidationError as e:
                self.add_error("kpp", e)
        if not any(data.get(f"item_{i.pk}") for i in self.items):
            raise forms.ValidationError(_("Enter the number of passengers for at least one product."))
        return data

    def counts(self) -> list[tuple]:
        return [(i, self.cleaned_data.get(f"item_{i.pk}") or 0) for i in self.items
                if self.cleaned_data.get(f"item_{i.pk}")]

    def requisites(self) -> dict:
        d = self.cleaned_data
        return {"name": d["name"].strip(), "inn": v.digits_only(d["inn"]), "kpp": d.get("kpp") or "",
                "legal_address": d["legal_address"].strip(), "documents_email": d["documents_email"],
                "contact_person": (d.get("contact_person") or "").strip()}


def create_group_order(event: Event, subevent: SubEvent, counts: list[tuple], requisites: dict, user=None) -> Order:
    """Place the group's order pending on a bank invoice, if every quota of its products has the places."""
    with transaction.atomic():
        quotas = {q.pk: q for item, _n in counts for q in item.quotas.filter(subevent=subevent)}
        if not quotas:
            raise GroupOrderError(_("These products are not on sale for this sailing."))
        lock_objects([q for q in quotas.values() if q.size is not None], shared_lock_objects=[event])
        for quota in quotas.values():
            wanted = sum(n for item, n in counts if quota.items.filter(pk=item.pk).exists())
            _state, free = quota.availability(count_waitinglist=False)
            if free is not None and free < wanted:
                raise GroupOrderError(_("Only {free} places are left on this sailing ({quota}); the group needs "
                                        "{wanted}.").format(free=free, quota=quota.name, wanted=wanted))
        total = sum((item.default_price * n for item, n in counts), Decimal("0.00"))
        order = Order.objects.create(
            event=event, email=requisites["documents_email"], status=Order.STATUS_PENDING, locale="ru", total=total,
            expires=now() + timedelta(days=5), sales_channel=event.organizer.sales_channels.get(identifier="web"))
        for item, n in counts:
            for _i in range(n):
                p = OrderPosition(order=order, item=item, subevent=subevent, price=item.default_price)
                p._calculate_tax()
                p.save()
        order.create_transactions()
        order.payments.create(provider=PROVIDER, amount=total, state=OrderPayment.PAYMENT_STATE_CREATED)
        record_buyer(order, requisites)
        apply_payment_term(order)
        order.log_action("ticketing_accounting.group_order.created", user=user,
                         data={"subevent": subevent.pk, "passengers": sum(n for _i, n in counts)})
    return order

"""
Forms of the notification pages: the event's message texts and switches, the organizer's SMS gateway and the
customer's own choices. The texts are pretix settings (``ticketing_notify_<kind>_<part>``, see
``notifications/kinds.py``), edited like pretix's own e-mail texts; sample values fill the placeholders for
the preview and for the SMS length check.
"""
from datetime import timedelta
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.timezone import now
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from i18nfield.forms import I18nFormField, I18nTextarea, I18nTextInput
from i18nfield.strings import LazyI18nString

from pretix.base.forms import I18nMarkdownTextarea, SecretKeySettingsField, SettingsForm
from pretix.base.forms.validators import PlaceholderValidator
from pretix.base.i18n import language
from pretix.base.models import Event, Order
from pretix.base.templatetags.money import money_filter
from pretix.multidomain.urlreverse import build_absolute_uri

from .checkout import MobilePhoneField
from .kinds import EMAIL, KINDS, SMS, Kind, is_enabled, setting_key
from .models import ContactPreference
from .service import facts_of, order_context, render
from .sms.segments import MAX_SEGMENTS, Segments, count_segments

REMINDER_HOURS = "ticketing_notify_reminder_hours"
MAX_REMINDER_HOURS = 168
# (part, label, widget) of every text a kind may have; a kind has the parts whose default text it defines.
PARTS = (
    ("subject", _("E-mail subject"), I18nTextInput, {}),
    ("body", _("E-mail text"), I18nMarkdownTextarea, {"rows": "9"}),
    ("sms", _("SMS text"), I18nTextarea, {"rows": "3", "data-sms-counter": "1"}),
)
SAMPLE_CODE = "A1B2C"


def parts_of(kind: Kind) -> list[str]:
    return [part for part, *_rest in PARTS if getattr(kind, part)]


def language_name(locale: str) -> str:
    return str(dict(settings.LANGUAGES).get(locale, locale))


def _next_departure(event: Event):
    """(start, pier) of the event's next sailing, for realistic sample values; else tomorrow at 19:30."""
    from ..fleet.models import Sailing

    sailings = Sailing.objects.filter(event=event, canceled_at__isnull=True).select_related(
        "subevent", "departure_pier")
    upcoming = [(s.subevent.date_from if s.subevent_id else event.date_from, s) for s in sailings]
    upcoming.sort(key=lambda pair: (pair[0] < now(), pair[0]))
    if upcoming:
        return upcoming[0][0], upcoming[0][1].departure_pier
    tomorrow = (now() + timedelta(days=1)).astimezone(event.timezone)
    return tomorrow.replace(hour=19, minute=30, second=0, microsecond=0), None


def sample_context(event: Event, locale: str) -> dict:
    """A value for every placeholder of every kind, in ``locale``, as long as real values usually are."""
    start, pier = _next_departure(event)
    with language(locale, event.settings.region):
        facts = facts_of(start, pier, event)
        amount = money_filter(Decimal("3000.00"), event.currency)
        return {
            "code": SAMPLE_CODE,
            "event": str(event.name),
            "organizer": str(event.organizer.name),
            # the real address of an order of this event: a 16-character secret like pretix's own
            "url": build_absolute_uri(event, "presale:event.order", kwargs={
                "order": SAMPLE_CODE, "secret": "k3x9p2m7q4w8z5t1"}),  # nosec B105  # a sample link in a preview
            "total": amount,
            "amount": amount,
            "date": facts["date"],
            "pier": facts["pier"] or gettext("Palace Embankment pier"),
            "boarding": facts["boarding"] or gettext("Boarding starts 15 minutes before departure."),
            "method": gettext("Bank card"),
            "receipt": gettext("The fiscal receipt (54-FZ) is sent to you by the payment service."),
            "hours": "24",
            "reason": gettext("storm warning"),
            "case": "#1042",
            "subject": gettext("Lost property on board"),
            "reply": gettext("We have found your scarf; you can collect it at the ticket office of the pier."),
        }


def preview_context(event: Event, locale: str, order: Order | None) -> dict:
    """The values of ``order`` (the sample values for what an order does not have), else the sample values."""
    ctx = sample_context(event, locale)
    if order is not None:
        with language(locale, event.settings.region):
            ctx.update(order_context(order))
    return ctx


def segments_text(seg: Segments) -> str:
    """ "2 SMS, 98 characters, UCS-2" """
    return ngettext("{segments} SMS, {characters} character, {encoding}",
                    "{segments} SMS, {characters} characters, {encoding}", seg.characters).format(
        segments=seg.segments, characters=seg.characters, encoding=seg.encoding)


class DraftEvent:
    """
    The event as ``service.render`` sees it, with the texts being edited instead of the stored ones, so the
    preview and the length check render exactly like a sent message. ``None`` stands for "the default text".
    """

    def __init__(self, event: Event, texts: dict):
        self.event = event
        self.settings = _DraftSettings(event.settings, texts)

    def __getattr__(self, name):
        return getattr(self.event, name)


class _DraftSettings:
    def __init__(self, stored, texts: dict):
        self.stored, self.texts = stored, texts

    def get(self, key, *args, **kwargs):
        if key in self.texts:
            return self.texts[key]
        return self.stored.get(key, *args, **kwargs)


def _normalized(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


class NotificationSettingsForm(SettingsForm):
    """
    Per kind: a switch per channel and the texts (subject, e-mail text, SMS) in the event's languages, the
    default text shown when nothing is stored; the reminder lead times. A text equal to the default is not
    stored, so improvements of the defaults reach every event that did not change them.
    """

    ticketing_notify_reminder_hours = forms.CharField(
        label=_("Reminders before departure (hours)"), max_length=60,
        help_text=_("Whole hours before departure, separated by commas, each from 1 to 168; e.g. 24,2 sends a "
                    "reminder a day before and another two hours before."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locales = list(self.obj.settings.get("locales") or ["ru"])
        self.drafts: dict[str, LazyI18nString | None] = {}
        for kind in KINDS.values():
            for channel in kind.channels:
                if channel == EMAIL and kind.pretix_email:
                    continue  # pretix sends this e-mail itself; its switch is pretix's
                name = setting_key(kind.key, f"enabled_{channel}")
                self.fields[name] = forms.BooleanField(
                    label=_("Send by e-mail") if channel == EMAIL else _("Send by SMS"), required=False)
                # no registered default, so freeze() gives the stored string ("False" would tick the box)
                self.initial[name] = is_enabled(self.obj.settings, kind, channel)
            for part, label, widget, attrs in PARTS:
                if not getattr(kind, part):
                    continue
                name = setting_key(kind.key, part)
                field = I18nFormField(label=label, required=False, widget=widget,
                                      widget_kwargs={"attrs": dict(attrs)})
                field.widget.enabled_locales = self.locales
                field.kind, field.part = kind, part
                self.fields[name] = field
                stored = self.obj.settings.get(name, as_type=LazyI18nString)
                self.initial[name] = stored if stored else LazyI18nString(dict(getattr(kind, part)))

    def kind_fields(self, kind: Kind) -> dict:
        """The bound fields of one kind, for the template: switches and texts."""
        switches = [self[n] for n in (setting_key(kind.key, f"enabled_{c}") for c in kind.channels) if n in self.fields]
        texts = [self[setting_key(kind.key, part)] for part in parts_of(kind)]
        return {"switches": switches, "texts": texts}

    def clean_ticketing_notify_reminder_hours(self):
        raw = self.cleaned_data.get(REMINDER_HOURS) or ""
        hours = set()
        for item in raw.replace(";", ",").split(","):
            item = item.strip()
            if not item:
                continue
            if not item.isdigit() or not 1 <= int(item) <= MAX_REMINDER_HOURS:
                raise forms.ValidationError(
                    _("\"{value}\" is not a whole number of hours from 1 to {max}.").format(
                        value=item, max=MAX_REMINDER_HOURS))
            hours.add(int(item))
        if not hours:
            raise forms.ValidationError(_("Enter at least one lead time, e.g. 24,2. To send no reminders, "
                                          "switch the reminder off below."))
        return ",".join(str(h) for h in sorted(hours, reverse=True))

    def _text_value(self, name: str, kind: Kind, part: str, value) -> LazyI18nString | None:
        """The text to store: every language filled (a default where left empty); None when all are defaults."""
        default = getattr(kind, part)
        posted = value.data if isinstance(value, LazyI18nString) and isinstance(value.data, dict) else {}
        if isinstance(value, LazyI18nString) and isinstance(value.data, str):
            posted = {self.locales[0]: value.data}
        data = {}
        for locale in sorted(set(default) | set(self.locales)):
            text = _normalized(posted.get(locale)) if locale in self.locales else ""
            data[locale] = text or default.get(locale) or ""
        if all(_normalized(data[loc]) == _normalized(default.get(loc)) for loc in data):
            return None
        return LazyI18nString(data)

    def clean(self):
        data = super().clean()
        for name, field in self.fields.items():
            if not isinstance(field, I18nFormField) or name in self.errors:
                continue
            kind, part = field.kind, field.part
            value = self._text_value(name, kind, part, data.get(name))
            data[name] = value
            self.drafts[name] = value
            if value is None:
                continue
            try:
                PlaceholderValidator(["{%s}" % p for p in kind.placeholders])(value)
            except forms.ValidationError as e:
                self.add_error(name, forms.ValidationError(
                    [*e.messages, gettext("Placeholders of this message: {placeholders}").format(
                        placeholders=", ".join("{%s}" % p for p in kind.placeholders))]))
                continue
            if part == "sms":
                self._check_sms_length(name, kind, value)
        return data

    def _check_sms_length(self, name: str, kind: Kind, value: LazyI18nString) -> None:
        """Refuse an SMS text (as changed by staff) that takes more than two SMS with sample values."""
        draft = DraftEvent(self.obj, {name: value})
        for locale in self.locales:
            if _normalized(value.data.get(locale)) == _normalized(kind.sms.get(locale)):
                continue
            _subject, _body, text = render(draft, kind, locale, sample_context(self.obj, locale))
            seg = count_segments(text)
            if seg.segments > MAX_SEGMENTS:
                self.add_error(name, gettext(
                    "The SMS text in {language} takes {segments} SMS with sample values ({characters} characters, "
                    "{encoding}); at most {max} SMS are allowed. Please shorten it."
                ).format(language=language_name(locale), segments=seg.segments, characters=seg.characters,
                         encoding=seg.encoding, max=MAX_SEGMENTS))


class SmsSettingsForm(SettingsForm):
    """The organizer's SMS gateway account (read by ``notifications/sms/factory.py``)."""

    ticketing_sms_provider = forms.ChoiceField(
        label=_("Provider"), choices=(("smsru", "SMS.ru"),), initial="smsru", required=True)
    ticketing_sms_api_id = SecretKeySettingsField(
        label=_("API key (api_id)"), required=False, max_length=100,
        help_text=_("From your SMS.ru account, section API. It is never shown again; leave the field as it is "
                    "to keep the saved key."))
    ticketing_sms_sender = forms.CharField(
        label=_("Sender name"), required=False, max_length=11,
        validators=[RegexValidator(r"^[A-Za-z0-9 .\-]*$", _("Use Latin letters, digits, spaces, dots and "
                                                               "hyphens only."))],
        help_text=_("The name customers see as the sender, as approved by SMS.ru (up to 11 Latin characters). "
                    "Empty: the account's default sender."))
    def api_id(self) -> str:
        """The key to use: the one typed, else the saved one (the field shows a mask)."""
        self._unmask_secret_fields()
        return str(self.cleaned_data.get("ticketing_sms_api_id") or "")


class ContactPreferenceForm(forms.ModelForm):
    """The customer's own choices in their account: mobile phone, SMS (opt-in) and reminders (opt-out)."""

    phone = MobilePhoneField(
        label=_("Mobile phone"), required=False, max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "placeholder": "+7 916 123-45-67"}),
        help_text=_("For SMS about your orders. Russian numbers can be written as you like, e.g. 8 916 123-45-67."))

    class Meta:
        model = ContactPreference
        fields = ("phone", "sms", "reminders")
        help_texts = {
            "sms": _("Order confirmation, reminders before departure and cancellation notices by SMS. "
                     "E-mails about your orders are always sent."),
            "reminders": _("An e-mail (and an SMS, if you want SMS) before your boat leaves."),
        }

    def clean(self):
        data = super().clean()
        if data.get("sms") and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Enter the mobile phone number the SMS should go to."))
        return data


__all__ = ["NotificationSettingsForm", "SmsSettingsForm", "ContactPreferenceForm", "sample_context",
           "preview_context", "DraftEvent", "segments_text", "EMAIL", "SMS"]

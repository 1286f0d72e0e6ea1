"""
Rentals were part of ticketing_core; now they are a plugin of their own, which pretix runs only where it is
switched on (``Organizer.plugins`` and, as a hybrid plugin, also ``Event.plugins``). So that nothing changes
for an existing operator, it is switched on for every organizer that uses ticketing_core (the fleet's
timeline lives there) and for every event of such an organizer that sells charters (a charter offer, or the
product kind "rental"). New organizers and events get it from pretix.cfg's defaults.
"""
from django.db import migrations

PLUGIN = "ticketing_rentals"
CORE = "ticketing_core"


def _plugins(value) -> list[str]:
    return [p for p in (value or "").split(",") if p]


def _switch_on(queryset) -> None:
    for obj in queryset:
        plugins = _plugins(obj.plugins)
        if CORE in plugins and PLUGIN not in plugins:
            obj.plugins = ",".join(plugins + [PLUGIN])
            obj.save(update_fields=["plugins"])


def enable(apps, schema_editor):
    db = schema_editor.connection.alias
    offers = apps.get_model("ticketing_rentals", "RentalOffer").objects.using(db)
    kinds = apps.get_model("ticketing_core", "EventKind").objects.using(db)
    charter_events = set(offers.values_list("event_id", flat=True))
    charter_events |= set(kinds.filter(kind="rental").values_list("event_id", flat=True))
    _switch_on(apps.get_model("pretixbase", "Organizer").objects.using(db).all())
    _switch_on(apps.get_model("pretixbase", "Event").objects.using(db).filter(pk__in=charter_events))


def disable(apps, schema_editor):
    db = schema_editor.connection.alias
    for model in (apps.get_model("pretixbase", "Organizer"), apps.get_model("pretixbase", "Event")):
        for obj in model.objects.using(db).filter(plugins__contains=PLUGIN):
            obj.plugins = ",".join(p for p in _plugins(obj.plugins) if p != PLUGIN)
            obj.save(update_fields=["plugins"])


class Migration(migrations.Migration):

    dependencies = [
        ('ticketing_core', '0005_rentals_moved_to_ticketing_rentals'),
        ('ticketing_rentals', '0001_take_over_from_core'),
    ]

    operations = [
        migrations.RunPython(enable, disable),
    ]

"""
Rentals leave ticketing_core for their own addon without moving a row: the tables keep their names
(``ticketing_core_rentaloffer``, ``…_rentalvessel``, ``…_rentalrate``, ``…_vesseloccupancy``, with their
constraints, indexes and the exclusion constraint of ticketing_core's 0004), and this migration only tells
Django that the models now belong to ``ticketing_rentals``. ticketing_core's 0005 (which depends on this one)
then drops them from core's state, again without touching the database.

The content types of the four models follow (same rows, new app label), so log entries, permissions and any
other generic reference keep pointing at them. Reversible: backwards, the state moves back and so do the
content types.
"""
import django.db.models.deletion
import pretix.base.models.base
from django.db import migrations, models

MODELS = ("rentaloffer", "rentalvessel", "rentalrate", "vesseloccupancy")


def _move_content_types(apps, db: str, source: str, target: str) -> None:
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(db)
    for model in MODELS:
        if content_types.filter(app_label=target, model=model).exists():
            continue  # already there (a database that never had the old rows, or a repeated run)
        content_types.filter(app_label=source, model=model).update(app_label=target)


def content_types_forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor.connection.alias, "ticketing_core", "ticketing_rentals")


def content_types_backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor.connection.alias, "ticketing_rentals", "ticketing_core")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('pretixbase', '0311_fix_unshredded_invoices'),
        ('ticketing_core', '0004_rentals'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='RentalOffer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                        ('min_duration_minutes', models.PositiveIntegerField(default=60)),
                        ('max_duration_minutes', models.PositiveIntegerField(default=480)),
                        ('step_minutes', models.PositiveIntegerField(default=30)),
                        ('opening_hours', models.JSONField(default=dict)),
                        ('notice_minutes', models.PositiveIntegerField(default=180)),
                        ('event', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='ticketing_rental_offer', to='pretixbase.event')),
                        ('item', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='pretixbase.item')),
                        ('pier', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='rental_offers', to='ticketing_core.pier')),
                    ],
                    options={
                        'verbose_name': 'Rental offer',
                        'verbose_name_plural': 'Rental offers',
                        'db_table': 'ticketing_core_rentaloffer',
                        'ordering': ('id',),
                    },
                    bases=(models.Model, pretix.base.models.base.LoggingMixin),
                ),
                migrations.CreateModel(
                    name='RentalRate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                        ('weekdays', models.JSONField(default=list)),
                        ('start_time', models.TimeField()),
                        ('end_time', models.TimeField()),
                        ('hourly_price', models.DecimalField(decimal_places=2, max_digits=10)),
                        ('offer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rates', to='ticketing_rentals.rentaloffer')),
                        ('vessel', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='ticketing_core.vessel')),
                    ],
                    options={
                        'db_table': 'ticketing_core_rentalrate',
                        'ordering': ('id',),
                    },
                ),
                migrations.CreateModel(
                    name='RentalVessel',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                        ('max_guests', models.PositiveIntegerField()),
                        ('offer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='offer_vessels', to='ticketing_rentals.rentaloffer')),
                        ('vessel', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='ticketing_core.vessel')),
                    ],
                    options={
                        'db_table': 'ticketing_core_rentalvessel',
                        'ordering': ('id',),
                    },
                ),
                migrations.AddField(
                    model_name='rentaloffer',
                    name='vessels',
                    field=models.ManyToManyField(related_name='rental_offers', through='ticketing_rentals.RentalVessel', to='ticketing_core.vessel'),
                ),
                migrations.CreateModel(
                    name='VesselOccupancy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                        ('kind', models.CharField(max_length=16)),
                        ('starts_at', models.DateTimeField()),
                        ('ends_at', models.DateTimeField()),
                        ('blocked_until', models.DateTimeField()),
                        ('token', models.CharField(db_index=True, max_length=190)),
                        ('guests', models.PositiveIntegerField(null=True)),
                        ('expires', models.DateTimeField(blank=True, null=True)),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('released_at', models.DateTimeField(blank=True, null=True)),
                        ('cart_position', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='ticketing_occupancies', to='pretixbase.cartposition')),
                        ('offer', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='occupancies', to='ticketing_rentals.rentaloffer')),
                        ('order_position', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='ticketing_occupancies', to='pretixbase.orderposition')),
                        ('sailing', models.OneToOneField(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='occupancy', to='ticketing_core.sailing')),
                        ('vessel', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='occupancies', to='ticketing_core.vessel')),
                    ],
                    options={
                        'db_table': 'ticketing_core_vesseloccupancy',
                        'ordering': ('starts_at', 'id'),
                    },
                ),
                migrations.AddConstraint(
                    model_name='rentalvessel',
                    constraint=models.UniqueConstraint(fields=('offer', 'vessel'), name='ticketing_rentalvessel_unique'),
                ),
                migrations.AddConstraint(
                    model_name='rentalvessel',
                    constraint=models.CheckConstraint(condition=models.Q(('max_guests__gte', 1)), name='ticketing_rentalvessel_guests_positive'),
                ),
                migrations.AddConstraint(
                    model_name='rentaloffer',
                    constraint=models.CheckConstraint(condition=models.Q(('min_duration_minutes__lte', models.F('max_duration_minutes'))), name='ticketing_rentaloffer_min_le_max'),
                ),
                migrations.AddIndex(
                    model_name='vesseloccupancy',
                    index=models.Index(fields=['vessel', 'starts_at'], name='ticketing_occ_vessel_start'),
                ),
                migrations.AddConstraint(
                    model_name='vesseloccupancy',
                    constraint=models.CheckConstraint(condition=models.Q(('starts_at__lt', models.F('ends_at'))), name='ticketing_occ_positive_period'),
                ),
                migrations.AddConstraint(
                    model_name='vesseloccupancy',
                    constraint=models.CheckConstraint(condition=models.Q(('blocked_until__gte', models.F('ends_at'))), name='ticketing_occ_buffer_after'),
                ),
                migrations.AddConstraint(
                    model_name='vesseloccupancy',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'sailing'), _negated=True), ('sailing__isnull', False), _connector='OR'), name='ticketing_occ_sailing_linked'),
                ),
                migrations.AddConstraint(
                    model_name='vesseloccupancy',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'hold'), _negated=True), ('expires__isnull', False), _connector='OR'), name='ticketing_occ_hold_expires'),
                ),
            ],
        ),
        migrations.RunPython(content_types_forwards, content_types_backwards),
    ]

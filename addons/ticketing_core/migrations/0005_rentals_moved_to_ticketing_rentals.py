"""
The rental models now belong to ticketing_rentals (its migration 0001 took them over, tables and rows
untouched): they leave ticketing_core's migration state only. Nothing happens in the database, either way.
"""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('ticketing_core', '0004_rentals'),
        ('ticketing_rentals', '0001_take_over_from_core'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(model_name='rentaloffer', name='vessels'),
                migrations.DeleteModel(name='VesselOccupancy'),
                migrations.DeleteModel(name='RentalRate'),
                migrations.DeleteModel(name='RentalVessel'),
                migrations.DeleteModel(name='RentalOffer'),
            ],
        ),
    ]

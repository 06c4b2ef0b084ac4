from django.db import migrations


class Migration(migrations.Migration):
    """The measurement link now lives in kpis.MeasurementCheckIn; kpis 0003 copied it there."""

    dependencies = [
        ('checkins', '0003_reminder_sending'),
        ('kpis', '0003_key_result_and_check_in_links'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='checkin',
            name='measurement',
        ),
    ]

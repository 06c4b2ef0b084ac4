from django.db import migrations


class Migration(migrations.Migration):
    """The KPI link now lives in kpis.KeyResultLink; kpis 0003 copied every link there."""

    dependencies = [
        ('objectives', '0002_initial'),
        ('kpis', '0003_key_result_and_check_in_links'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='keyresult',
            name='kpi',
        ),
    ]

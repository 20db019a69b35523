"""The outbox's lease: the worker that claimed a delivery and when, so a delivery is
sent outside any transaction and a worker killed mid-batch leaves at most the one in
flight to be sent again (issue 21)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0005_outbox'),
    ]

    operations = [
        migrations.AddField(
            model_name='delivery',
            name='claimed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='delivery',
            name='claimed_by',
            field=models.CharField(blank=True, default='', max_length=100),
        ),
    ]

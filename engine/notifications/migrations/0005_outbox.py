"""The webhook deliveries become the outbox of every channel (e-mail, webhooks, plugin
channels); a person's channel choices; the e-mail stamp on the notification goes (the
outbox row says whether and when it was mailed)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models.functions import Cast


def webhook_targets(apps, schema_editor):
    Delivery = apps.get_model("notifications", "Delivery")
    # On the migrating connection (the owner's, when JIXIAO_DATABASE_OWNER_URL is set).
    Delivery.objects.using(schema_editor.connection.alias).filter(channel="webhook").update(
        target=Cast("webhook_id", models.CharField(max_length=20))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_webhooks"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="webhookdelivery", name="delivery_once"),
        migrations.RemoveIndex(model_name="webhookdelivery", name="delivery_due"),
        migrations.RenameModel(old_name="WebhookDelivery", new_name="Delivery"),
        migrations.AddField(
            model_name="delivery",
            name="channel",
            field=models.CharField(default="webhook", max_length=40),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="delivery",
            name="target",
            field=models.CharField(blank=True, default="", max_length=20),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="webhook",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="deliveries",
                to="notifications.webhook",
            ),
        ),
        migrations.AlterField(
            model_name="delivery",
            name="state",
            field=models.CharField(
                choices=[
                    ("pending", "waiting to be delivered"),
                    ("delivered", "delivered"),
                    ("skipped", "not for this channel"),
                    ("failed", "given up"),
                ],
                default="pending",
                max_length=10,
            ),
        ),
        migrations.RunPython(webhook_targets, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.UniqueConstraint(
                fields=("notification", "channel", "target"), name="delivery_once_per_channel"
            ),
        ),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
        ),
        migrations.RemoveField(model_name="notification", name="emailed_at"),
        migrations.CreateModel(
            name="ChannelChoice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("off", models.JSONField(blank=True, default=list)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="channel_choice",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
    ]

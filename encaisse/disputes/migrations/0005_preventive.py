"""Preventive and corrective actions against root causes, with their history."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_department_default_owner"),
        ("disputes", "0004_abuse"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PreventiveAction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("corrective", "Corrective"), ("preventive", "Preventive")],
                        default="preventive",
                        max_length=16,
                        verbose_name="kind",
                    ),
                ),
                ("description", models.TextField(verbose_name="description")),
                ("due_on", models.DateField(verbose_name="due date")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("in_progress", "In progress"),
                            ("done", "Done"),
                            ("cancelled", "Cancelled"),
                        ],
                        default="open",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                ("done_on", models.DateField(blank=True, null=True, verbose_name="done on")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="preventive_actions",
                        to="accounts.department",
                        verbose_name="department",
                    ),
                ),
                (
                    "dispute",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="preventive_actions",
                        to="disputes.dispute",
                        verbose_name="source dispute",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="preventive_actions",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="owner",
                    ),
                ),
                (
                    "root_cause",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="preventive_actions",
                        to="disputes.rootcause",
                        verbose_name="root cause",
                    ),
                ),
            ],
            options={
                "verbose_name": "preventive action",
                "verbose_name_plural": "preventive actions",
                "ordering": ["due_on", "id"],
            },
        ),
        migrations.CreateModel(
            name="PreventiveActionEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "type",
                    models.CharField(
                        choices=[
                            ("created", "Action recorded"),
                            ("updated", "Action changed"),
                            ("status", "Status changed"),
                        ],
                        max_length=16,
                        verbose_name="type",
                    ),
                ),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="at")),
                (
                    "from_status",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("open", "Open"),
                            ("in_progress", "In progress"),
                            ("done", "Done"),
                            ("cancelled", "Cancelled"),
                        ],
                        max_length=16,
                    ),
                ),
                (
                    "to_status",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("open", "Open"),
                            ("in_progress", "In progress"),
                            ("done", "Done"),
                            ("cancelled", "Cancelled"),
                        ],
                        max_length=16,
                    ),
                ),
                ("data", models.JSONField(blank=True, default=dict)),
                ("comment", models.TextField(blank=True, verbose_name="comment")),
                (
                    "action",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="disputes.preventiveaction",
                    ),
                ),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "preventive action event",
                "verbose_name_plural": "preventive action events",
                "ordering": ["at", "id"],
            },
        ),
        migrations.AddIndex(
            model_name="preventiveaction",
            index=models.Index(
                condition=models.Q(("status__in", ["open", "in_progress"])),
                fields=["due_on", "id"],
                name="preventive_pending_due_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="preventiveaction",
            index=models.Index(fields=["root_cause", "status"], name="preventive_cause_idx"),
        ),
        migrations.AddConstraint(
            model_name="preventiveaction",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("done_on__isnull", False), ("status", "done")),
                    models.Q(
                        models.Q(("status", "done"), _negated=True), ("done_on__isnull", True)
                    ),
                    _connector="OR",
                ),
                name="preventive_done_on_iff_done",
            ),
        ),
    ]

"""Drop the foreign-key indexes that a unique constraint already leads with: the membership's
office (``membership_unique``) and the idempotency record's agent
(``idempotency_key_per_agent``). See invoices' migration 0012."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from invoicing_project.migration_indexes import drop_indexes

INDEXES = {
    "offices_officemembership_office_id_a7aeb9be": ("offices_officemembership", "office_id", ""),
    "offices_idempotencyrecord_agent_id_c50e2dcd": ("offices_idempotencyrecord", "agent_id", ""),
}


class Migration(migrations.Migration):
    dependencies = [("offices", "0002_idempotency")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[drop_indexes(INDEXES)],
            state_operations=[
                migrations.AlterField(
                    model_name="idempotencyrecord",
                    name="agent",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="officemembership",
                    name="office",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to="offices.agencyoffice",
                    ),
                ),
            ],
        )
    ]

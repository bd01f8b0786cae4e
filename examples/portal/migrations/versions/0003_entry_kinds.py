"""Each row of the event table says what it records: an event, or an attestation of a rule.

Rows written before name an attestation's rule in its event (``attest:<rule id>``); they are
rewritten as permitflow reads such an entry of a version 2 snapshot.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_SPELLED = "attest:"


def upgrade() -> None:
    with op.batch_alter_table("events") as table:
        table.add_column(
            sa.Column("kind", sa.String(16), nullable=False, server_default="event")
        )
        table.add_column(sa.Column("rule_id", sa.String(64), nullable=True))
    events = sa.table("events", sa.column("event"), sa.column("kind"), sa.column("rule_id"))
    op.execute(
        events.update()
        .where(events.c.event.startswith(_SPELLED, autoescape=True))
        .values(
            kind="attestation",
            rule_id=sa.func.substr(events.c.event, len(_SPELLED) + 1),
            event="attest",
        )
    )


def downgrade() -> None:
    events = sa.table("events", sa.column("event"), sa.column("kind"), sa.column("rule_id"))
    op.execute(
        events.update()
        .where(events.c.kind == "attestation")
        .values(event=sa.literal(_SPELLED) + events.c.rule_id)
    )
    with op.batch_alter_table("events") as table:
        table.drop_column("rule_id")
        table.drop_column("kind")

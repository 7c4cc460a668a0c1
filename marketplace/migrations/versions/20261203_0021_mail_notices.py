"""mail notices: members choose how the exchange e-mails them

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 16:40:00

Every notice that matters was mailed at once, so a busy institute director or Department broker got many
mails and had no say. `user.mail_notices` holds their choice: "each" (a mail per event, as before and the
default for every existing account), "daily" (one digest a day) or "none" (in the app only).
`notification.digest_pending` marks a notice that would have been mailed to someone on "daily": the next
`send-digests` lists it in their digest and clears the mark.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('mail_notices', sa.String(length=10), nullable=False, server_default='each'))
    with op.batch_alter_table('notification') as batch:
        batch.add_column(sa.Column('digest_pending', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('notification') as batch:
        batch.drop_column('digest_pending')
    with op.batch_alter_table('user') as batch:
        batch.drop_column('mail_notices')

"""e-mail confirmation: mail goes only to addresses their owner confirmed

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 11:00:00

Anyone could register with someone else's address, and the exchange would then mail that person
(alerts of saved searches, answers to inquiries). A new account gets a link by e-mail; until it is
opened, `email_confirmed_at` stays empty and no other mail is sent there. Accounts made before this
change are taken as confirmed (they were made by the operator or have received mail since).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('email_confirmed_at', sa.DateTime(timezone=True), nullable=True))
    op.execute('UPDATE "user" SET email_confirmed_at = created_at')


def downgrade() -> None:
    with op.batch_alter_table('user') as batch:
        batch.drop_column('email_confirmed_at')

"""two-step secrets encrypted at rest

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 22:30:00

`two_step.secret` held each authenticator secret as-is (base32): whoever read the database or a backup could make
login codes. The column becomes `encrypted_secret`, wide enough for a Fernet token, and every secret already there
is encrypted under the configured key (`DATA_ENCRYPTION_KEYS`, or the key derived from `SECRET_KEY`;
`marketplace.encryption`), so run it with the settings the server uses. Downgrading decrypts them again, and stops
with the accounts it cannot decrypt named (their keys are not configured) rather than leave codes that fail.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from marketplace import encryption

revision: str = '0026'
down_revision: str | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TWO_STEP = sa.table('two_step', sa.column('user_id', sa.Integer()), sa.column('encrypted_secret', sa.String()))


def upgrade() -> None:
    with op.batch_alter_table('two_step') as batch:
        batch.alter_column(
            'secret', new_column_name='encrypted_secret', type_=sa.String(length=255),
            existing_type=sa.String(length=64), existing_nullable=False,
        )
    connection = op.get_bind()
    rows = connection.execute(sa.select(TWO_STEP.c.user_id, TWO_STEP.c.encrypted_secret)).all()
    for user_id, secret in rows:
        update = TWO_STEP.update().where(TWO_STEP.c.user_id == user_id)
        connection.execute(update.values(encrypted_secret=encryption.encrypt(secret)))


def downgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(TWO_STEP.c.user_id, TWO_STEP.c.encrypted_secret)).all()
    plain, unreadable = {}, []
    for user_id, token in rows:
        try:
            plain[user_id] = encryption.decrypt(token)
        except encryption.Unreadable:
            unreadable.append(user_id)
    if unreadable:
        raise RuntimeError(
            f"no configured key decrypts the two-step secrets of the accounts {unreadable[:20]}: set "
            "DATA_ENCRYPTION_KEYS (or SECRET_KEY) as the server had them, or have an administrator reset their "
            "two-step verification first"
        )
    for user_id, secret in plain.items():
        connection.execute(TWO_STEP.update().where(TWO_STEP.c.user_id == user_id).values(encrypted_secret=secret))
    with op.batch_alter_table('two_step') as batch:
        batch.alter_column(
            'encrypted_secret', new_column_name='secret', type_=sa.String(length=64),
            existing_type=sa.String(length=255), existing_nullable=False,
        )

"""membership requests: joining an existing organization waits for approval

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 09:00:00

Registering used to make anyone a member of the organization they picked, the Department included.
Joining an existing organization is now a request (`membership`, status `pending`) that Department staff
or a manager of that organization approve (staff alone for a government body); only the approval sets
`user.organization_id`, which every permission check reads. Everyone already linked to an organization
stays its member: each gets an approved membership, decided by no one (this migration), not a manager.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.create_table(
        'membership',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('manager', sa.Boolean(), nullable=False),
        sa.Column('reason', sa.String(length=1000), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_membership_decided_by_id_user')),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                                name=op.f('fk_membership_organization_id_organization')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_membership_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_membership')),
    )
    op.create_index(op.f('ix_membership_organization_id'), 'membership', ['organization_id'], unique=False)
    op.create_index(op.f('ix_membership_status'), 'membership', ['status'], unique=False)
    op.create_index(op.f('ix_membership_user_id'), 'membership', ['user_id'], unique=False)
    op.create_index('uq_membership_pending', 'membership', ['user_id'], unique=True,
                    sqlite_where=PENDING, postgresql_where=PENDING)
    # Existing members keep their organization: their membership is approved as of their registration.
    user = sa.table('user', sa.column('id'), sa.column('organization_id'), sa.column('created_at'))
    membership = sa.table(
        'membership', sa.column('user_id'), sa.column('organization_id'), sa.column('status'),
        sa.column('manager'), sa.column('created_at'), sa.column('decided_at'),
    )
    members = sa.select(
        user.c.id, user.c.organization_id, sa.literal('approved'), sa.false(), user.c.created_at, user.c.created_at
    ).where(user.c.organization_id.is_not(None))
    op.execute(membership.insert().from_select(
        ['user_id', 'organization_id', 'status', 'manager', 'created_at', 'decided_at'], members
    ))


def downgrade() -> None:
    # Pending and refused requests are forgotten; members stay members (user.organization_id is untouched).
    op.drop_index('uq_membership_pending', table_name='membership')
    op.drop_index(op.f('ix_membership_user_id'), table_name='membership')
    op.drop_index(op.f('ix_membership_status'), table_name='membership')
    op.drop_index(op.f('ix_membership_organization_id'), table_name='membership')
    op.drop_table('membership')

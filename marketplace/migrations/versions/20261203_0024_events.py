"""events: technology fairs and matchmaking days, their exhibits and B2B meeting requests

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 19:00:00

The Department organises technology fairs (Techfest) and matchmaking days, but kept exhibitors in
spreadsheets and B2B meetings on the phone. `event` holds a fair (draft, published or cancelled; dates,
place, registration deadline; `version` guards edits); `event_exhibit` a published offer or need shown there
by its organization, once per event; `event_meeting_request` a visitor organization's request to meet an
exhibitor at a time on one of the event's days, and the answer (`marketplace.events`).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('registration_until', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_event_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_starts_on'), ['starts_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_status'), ['status'], unique=False)

    op.create_table('event_exhibit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=True),
    sa.Column('need_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('booth', sa.String(length=40), nullable=True),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['user.id'], name=op.f('fk_event_exhibit_added_by_id_user')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_exhibit_event_id_event')),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_event_exhibit_need_id_need')),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], name=op.f('fk_event_exhibit_offer_id_offer')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_event_exhibit_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_exhibit')),
    sa.UniqueConstraint('event_id', 'need_id', name='uq_event_exhibit_need'),
    sa.UniqueConstraint('event_id', 'offer_id', name='uq_event_exhibit_offer')
    )
    with op.batch_alter_table('event_exhibit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_exhibit_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_exhibit_need_id'), ['need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_exhibit_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_exhibit_organization_id'), ['organization_id'], unique=False)

    op.create_table('event_meeting_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('exhibit_id', sa.Integer(), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('requester_org_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.String(length=1000), nullable=False),
    sa.Column('slot_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('answer_note', sa.String(length=1000), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user.id'], name=op.f('fk_event_meeting_request_answered_by_id_user')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_meeting_request_event_id_event')),
    sa.ForeignKeyConstraint(['exhibit_id'], ['event_exhibit.id'], name=op.f('fk_event_meeting_request_exhibit_id_event_exhibit')),
    sa.ForeignKeyConstraint(['requester_id'], ['user.id'], name=op.f('fk_event_meeting_request_requester_id_user')),
    sa.ForeignKeyConstraint(['requester_org_id'], ['organization.id'], name=op.f('fk_event_meeting_request_requester_org_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_meeting_request'))
    )
    with op.batch_alter_table('event_meeting_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_meeting_request_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_meeting_request_exhibit_id'), ['exhibit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_meeting_request_requester_id'), ['requester_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_meeting_request_requester_org_id'), ['requester_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_meeting_request_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('event_meeting_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_meeting_request_status'))
        batch_op.drop_index(batch_op.f('ix_event_meeting_request_requester_org_id'))
        batch_op.drop_index(batch_op.f('ix_event_meeting_request_requester_id'))
        batch_op.drop_index(batch_op.f('ix_event_meeting_request_exhibit_id'))
        batch_op.drop_index(batch_op.f('ix_event_meeting_request_event_id'))

    op.drop_table('event_meeting_request')
    with op.batch_alter_table('event_exhibit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_exhibit_organization_id'))
        batch_op.drop_index(batch_op.f('ix_event_exhibit_offer_id'))
        batch_op.drop_index(batch_op.f('ix_event_exhibit_need_id'))
        batch_op.drop_index(batch_op.f('ix_event_exhibit_event_id'))

    op.drop_table('event_exhibit')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_status'))
        batch_op.drop_index(batch_op.f('ix_event_starts_on'))

    op.drop_table('event')

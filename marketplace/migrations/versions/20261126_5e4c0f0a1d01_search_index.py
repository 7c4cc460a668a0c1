"""search index: search_document, with SQLite FTS5 or a PostgreSQL tsvector

Revision ID: 5e4c0f0a1d01
Revises: 0002
Create Date: 2026-11-26 08:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5e4c0f0a1d01'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT_COLUMNS = ("title", "summary", "keywords", "org_name", "body")  # the FTS5 column order


def _fold(prefix: str) -> str:
    """The trigger expressions that index each text column with đ → d (unicode61 folds the other marks)."""
    return ", ".join(f"replace(replace({prefix}.{c}, 'đ', 'd'), 'Đ', 'D')" for c in TEXT_COLUMNS)


SQLITE = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, summary, keywords, org_name, body, content='search_document',"
    " content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    f"CREATE TRIGGER search_document_ai AFTER INSERT ON search_document BEGIN "
    f"INSERT INTO search_fts(rowid, {', '.join(TEXT_COLUMNS)}) VALUES (new.id, {_fold('new')}); END",
    f"CREATE TRIGGER search_document_ad AFTER DELETE ON search_document BEGIN "
    f"INSERT INTO search_fts(search_fts, rowid, {', '.join(TEXT_COLUMNS)}) VALUES ('delete', old.id, {_fold('old')}); END",
    f"CREATE TRIGGER search_document_au AFTER UPDATE ON search_document BEGIN "
    f"INSERT INTO search_fts(search_fts, rowid, {', '.join(TEXT_COLUMNS)}) VALUES ('delete', old.id, {_fold('old')}); "
    f"INSERT INTO search_fts(rowid, {', '.join(TEXT_COLUMNS)}) VALUES (new.id, {_fold('new')}); END",
]

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION hue_search (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION hue_search ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
    "ALTER TABLE search_document ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
    " setweight(to_tsvector('hue_search'::regconfig, title), 'A')"
    " || setweight(to_tsvector('hue_search'::regconfig, keywords), 'B')"
    " || setweight(to_tsvector('hue_search'::regconfig, summary), 'C')"
    " || setweight(to_tsvector('hue_search'::regconfig, org_name), 'C')"
    " || setweight(to_tsvector('hue_search'::regconfig, body), 'D')) STORED",
    "CREATE INDEX ix_search_document_tsv ON search_document USING gin (tsv)",
]


def upgrade() -> None:
    op.create_table(
        'search_document',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('entity_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=True),
        *[sa.Column(name, sa.Text(), nullable=False) for name in TEXT_COLUMNS],
        sa.Column('org_name_vi', sa.String(length=200), nullable=True),
        sa.Column('org_name_en', sa.String(length=200), nullable=True),
        sa.Column('sector_code', sa.String(length=30), nullable=True),
        sa.Column('trl', sa.Integer(), nullable=True),
        sa.Column('trl_range', sa.String(length=5), nullable=True),
        sa.Column('ip_status', sa.String(length=30), nullable=True),
        sa.Column('collaboration_types', sa.String(length=300), nullable=False),
        sa.Column('org_kind', sa.String(length=30), nullable=True),
        sa.Column('ward', sa.String(length=80), nullable=True),
        sa.Column('published_ts', sa.BigInteger(), nullable=True),
        sa.Column('confirmed_ts', sa.BigInteger(), nullable=True),
        # Documents go with their organization; this also lets TRUNCATE … CASCADE empty the table.
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], ondelete='CASCADE',
                                name='fk_search_document_organization_id_organization'),
        sa.PrimaryKeyConstraint('id', name='pk_search_document'),
        sa.UniqueConstraint('kind', 'entity_id', name='uq_search_document_kind_entity'),
    )
    op.create_index('ix_search_document_published_ts', 'search_document', ['published_ts'])
    op.create_index('ix_search_document_organization_id', 'search_document', ['organization_id'])
    # Covers the per-match lookups of ranking, visibility and facet counts, so they skip the wide text rows.
    op.create_index('ix_search_document_facets', 'search_document',
                    ['id', 'status', 'kind', 'organization_id', 'published_ts', 'confirmed_ts', 'sector_code',
                     'trl_range', 'ip_status', 'org_kind', 'ward', 'collaboration_types'])
    for statement in SQLITE if op.get_bind().dialect.name == "sqlite" else POSTGRES:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("search_document_ai", "search_document_ad", "search_document_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table('search_document')
    if op.get_bind().dialect.name != "sqlite":
        # The unaccent extension stays: other features of the database may use it.
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS hue_search")

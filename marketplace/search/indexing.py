"""The one path from a change to the search index.

Session hooks note every offer, need, organization, user and expertise profile a unit of work
changes, and every listing whose files it adds, approves or removes (their titles are searched); just
before it commits, their documents are rewritten in `search_document` in the same transaction (so the
database backends are never behind), and, when Meilisearch is configured, a
`SearchOutbox` row is added per document. After the commit the outbox is pushed to Meilisearch;
if it is unreachable the rows wait, and are pushed when it answers again: nothing is lost.
"""

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, delete, event, insert, inspect, or_
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from marketplace.models import ExpertiseProfile, ListingAttachment, Need, Offer, Organization, SearchOutbox, User
from marketplace.search import documents
from marketplace.search.documents import KINDS, Key, search_document

log = logging.getLogger("marketplace.search")
PENDING = "search_pending"
PUSH = "search_push"
# Attributes that appear in documents; other changes (a log-in time, a password) need no re-indexing.
WATCHED: dict[type, set[str]] = {
    User: {"full_name", "organization_id", "role", "is_active"},
    Organization: {"name_vi", "name_en", "kind", "parent_id", "ward", "description_vi", "description_en"},
    ListingAttachment: {"title", "audience", "approved"},
}


def engine_of(session: Session) -> Engine:
    bind = session.get_bind()
    return bind.engine if isinstance(bind, Connection) else bind  # type: ignore[return-value]


def key_of(obj: object) -> Key | None:
    """The document a changed record appears in."""
    if isinstance(obj, Offer) and obj.id:
        return ("offer", obj.id)
    if isinstance(obj, Need) and obj.id:
        return ("need", obj.id)
    if isinstance(obj, Organization) and obj.id:
        return ("organization", obj.id)
    if isinstance(obj, User) and obj.id:
        return ("expert", obj.id)
    if isinstance(obj, ExpertiseProfile) and obj.user_id:
        return ("expert", obj.user_id)
    if isinstance(obj, ListingAttachment) and obj.listing_id and obj.listing_kind in ("offer", "need"):
        return (obj.listing_kind, obj.listing_id)  # its listing's document holds the titles of its public files
    return None


def _relevant(session: Session, obj: object) -> bool:
    watched = WATCHED.get(type(obj))
    if watched is None or obj in session.new or obj in session.deleted:
        return True
    state: Any = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in watched)


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, _context: object) -> None:
    keys: set[Key] = session.info.setdefault(PENDING, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        key = key_of(obj)
        if key and _relevant(session, obj):
            keys.add(key)


@event.listens_for(Session, "before_commit")
def _write_documents(session: Session) -> None:
    session.flush()  # the last changes reach `_note_changes`
    keys = session.info.pop(PENDING, None)
    if keys and has_index(session):
        write(session, keys)


@event.listens_for(Session, "after_commit")
def _push_documents(session: Session) -> None:
    if session.info.pop(PUSH, False):
        from marketplace.search.service import service_for

        service_for(engine_of(session)).push_pending()


@event.listens_for(Session, "after_rollback")
def _forget_changes(session: Session) -> None:
    session.info.pop(PENDING, None)
    session.info.pop(PUSH, None)


_indexed_engines: set[int] = set()


def has_index(session: Session) -> bool:
    """True once the search tables exist (a database not yet migrated has none)."""
    engine = engine_of(session)
    if id(engine) not in _indexed_engines:
        if not inspect(session.connection()).has_table("search_document"):
            return False
        _indexed_engines.add(id(engine))
    return True


def write(session: Session, keys: Iterable[Key]) -> int:
    """Rewrite the documents of `keys` (and of what shows a changed organization's name); returns how many."""
    wanted = set(keys)
    for organization_id in [i for k, i in wanted if k == "organization"]:
        wanted |= documents.related_to_organization(session, organization_id)  # type: ignore[arg-type]
    written = 0
    for kind in KINDS:
        ids = [i for k, i in wanted if k == kind]
        for start in range(0, len(ids), 500):
            written += replace_documents(session, kind, ids[start : start + 500])
    from marketplace.search.service import service_for

    if service_for(engine_of(session)).meili and wanted:
        session.execute(insert(SearchOutbox.__table__), [{"entity": k, "entity_id": i} for k, i in sorted(wanted)])  # type: ignore[attr-defined]
        session.info[PUSH] = True
    return written


def replace_documents(session: Session, kind: str, ids: list[int]) -> int:
    """Delete the documents of these records and insert their current ones (none for a deleted record)."""
    if not ids:
        return 0
    built = documents.build(session, kind, ids)  # type: ignore[arg-type]
    doc = search_document.c
    session.execute(delete(search_document).where(and_(doc.kind == kind, doc.entity_id.in_(ids))))
    if built:
        session.execute(insert(search_document), list(built.values()))
    return len(built)


def index_after_commit(session: Session, entity: str, entity_id: int) -> None:
    """Write one record's search document now, in its own small commit.

    ORM changes are indexed by themselves within their own commit; call this only after changes the
    ORM cannot see, such as bulk `update()` statements. `entity` is offer, need, organization or expert.
    """
    if entity not in KINDS:
        raise ValueError(f"unknown search entity {entity!r}")
    session.info.setdefault(PENDING, set()).add((entity, entity_id))
    session.commit()


def stale_keys(session: Session) -> list[Key]:
    """Documents whose record no longer has a document to give (for a full re-index)."""
    doc = search_document.c
    rows = session.execute(search_document.select().with_only_columns(doc.kind, doc.entity_id)).all()
    current = {kind: set(documents.all_ids(session, kind)) for kind in KINDS}  # type: ignore[arg-type]
    return [(kind, entity_id) for kind, entity_id in rows if entity_id not in current.get(kind, set())]


def remove(session: Session, keys: list[Key]) -> None:
    doc = search_document.c
    if keys:
        session.execute(delete(search_document).where(or_(*[and_(doc.kind == k, doc.entity_id == i) for k, i in keys])))

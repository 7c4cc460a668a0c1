"""Rebuilding the whole index from the database (`python -m marketplace reindex`), with progress."""

import argparse
import json
import sys
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

from sqlalchemy import func, select, text, update
from sqlmodel import Session

from marketplace.cli import command
from marketplace.models._base import utcnow
from marketplace.search import documents
from marketplace.search.documents import KINDS, search_document
from marketplace.search.indexing import engine_of, remove, replace_documents, stale_keys
from marketplace.search.meili import BATCH, SearchUnavailable, outbox
from marketplace.search.service import SearchService, service_for
from marketplace.search.sqlite_fts import REFILL, indexing_set_aside

Progress = Callable[[int, str], Any]  # (total, description) -> an object with update(n) and close()


class _Silent:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def rebuild(
    session: Session, progress: Progress = lambda total, desc: _Silent(), meilisearch: bool = True
) -> dict[str, int]:
    """Rewrite every document from the records, refill the text index, and resend all to Meilisearch."""
    counts: dict[str, int] = {}
    sqlite = session.get_bind().dialect.name == "sqlite"
    with indexing_set_aside(session) if sqlite else nullcontext():
        for kind in KINDS:
            ids = documents.all_ids(session, kind)  # type: ignore[arg-type]
            bar = progress(len(ids), kind)
            counts[kind] = 0
            for start in range(0, len(ids), BATCH):
                counts[kind] += replace_documents(session, kind, ids[start : start + BATCH])
                bar.update(len(ids[start : start + BATCH]))
            bar.close()
        remove(session, stale_keys(session))
        for statement in REFILL if sqlite else []:
            session.execute(text(statement))
    session.commit()
    service = service_for(engine_of(session))
    if meilisearch and service.meili is not None:
        counts["meilisearch"] = _resend(session, service, progress)
    return counts


def _resend(session: Session, service: SearchService, progress: Progress) -> int:
    """Replace Meilisearch's documents with the database's; outbox rows up to now are then done."""
    meili = service.meili
    assert meili is not None
    last_change = session.execute(select(func.max(outbox.c.id))).scalar_one() or 0
    meili.prepared = False
    meili.prepare(wait_ms=60_000)
    meili.clear()
    total = session.execute(select(func.count()).select_from(search_document)).scalar_one()
    bar = progress(total, "meilisearch")
    sent, after_id, task = 0, 0, None
    while rows := [
        dict(r)
        for r in session.execute(
            select(*search_document.c)
            .where(search_document.c.id > after_id)
            .order_by(search_document.c.id)
            .limit(BATCH)
        ).mappings()
    ]:
        task = meili.put(rows, [])
        after_id, sent = rows[-1]["id"], sent + len(rows)
        bar.update(len(rows))
    bar.close()
    if task is not None:
        meili.call(lambda: meili.client.wait_for_task(task, timeout_in_ms=300_000))
    session.execute(
        update(outbox).where(outbox.c.id <= last_change, outbox.c.done_at.is_(None)).values(done_at=utcnow())
    )
    session.commit()
    return sent


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pending",
        action="store_true",
        help="only send the changes waiting for Meilisearch (after it was unreachable)",
    )
    parser.add_argument("--database-only", action="store_true", help="rebuild the database index, leave Meilisearch")


@command(
    "reindex",
    "rebuild the search index (database, and Meilisearch when MEILI_URL is set) with a progress bar",
    _arguments,
)
def reindex_command(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from marketplace.db import session_scope

    with session_scope() as session:
        service = service_for(engine_of(session))
        if args.pending:
            print(json.dumps({"sent_to_meilisearch": service.push_pending()}))
            return 0 if service.available() else 1
        try:
            counts = rebuild(
                session,
                lambda total, desc: tqdm(total=total, desc=desc, unit="doc"),
                meilisearch=not args.database_only,
            )
        except SearchUnavailable as exc:
            print(f"the database index was rebuilt, but Meilisearch did not answer: {exc}", file=sys.stderr)
            return 1
    print(json.dumps({"documents": counts}, ensure_ascii=False))
    return 0

"""Searches members follow: new offers and needs that match reach them as a notice and an e-mail.

A member on the search page follows what they searched for ("tinh dầu tràm", sector Medicinal plants).
The `send-alerts` command (run daily by the operator's scheduler) looks, for each search due, for the
listings published since it last looked, through the same search the page uses (so with or without
accents, on whichever backend serves), and tells the member about those found, daily or weekly.

Each listing is looked at once: a run covers the listings published from `seen_until` up to a little
before its start (INDEX_LAG, so that a listing published while the run begins, and not yet in a
search index that follows the database after the commit, is left for the next run).
"""

import argparse
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from marketplace import mail, notifications, search
from marketplace.cli import command
from marketplace.config import get_settings
from marketplace.errors import Invalid, NotFound
from marketplace.i18n import N_, Msg, gettext
from marketplace.models import SavedSearch, User
from marketplace.models._base import aware, ident, utcnow
from marketplace.search import labels
from marketplace.search.documents import LISTING_KINDS
from marketplace.search.query import MAX_PAGE
from marketplace.search.results import Hit
from marketplace.validation import choice

FREQUENCIES = ("daily", "weekly", "paused")
FREQUENCY_LABELS = {"daily": N_("Daily"), "weekly": N_("Weekly"), "paused": N_("Paused")}
INTERVALS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
SLACK = timedelta(hours=2)  # a run that comes back a little early (a scheduler's jitter) still finds it due
INDEX_LAG = timedelta(minutes=5)
MAX_PER_USER = 20
MAX_LOOKED_AT = 100  # new listings looked at in one run, at most ("more than 100")
IN_MAIL = 10  # listings named in an e-mail; the link shows them all
PATH = "/saved-searches"

NEW_LISTINGS = N_("New offers or needs match your saved search %(search)s: %(count)s.")
NEW_SUBJECT = N_("New on the exchange for %(search)s")
NEW_BODY = N_(
    "These offers and needs were published on the exchange since we last looked, and match your saved "
    "search %(search)s:\n\n%(listings)s\n\nTo stop these e-mails for this search: %(stop)s\n"
    "To change how often we write: %(manage)s"
)


def params_of(query: search.SearchQuery) -> str:
    """The search page's URL parameters of `query` without its sort and page: what a saved search keeps."""
    return urlencode(labels.query_params(query, sort="relevance", page=1))


def query_of(saved: SavedSearch, **changes: Any) -> search.SearchQuery:
    """The search `saved` stands for (its sort and page from `changes`)."""
    query, _ = search.read_query(parse_qs(saved.params))
    return search.SearchQuery(**{"text": query.text, "filters": query.filters} | changes)


def describe(saved: SavedSearch) -> str:
    """The saved search in words, in the reader's language: “tinh dầu tràm” · Medicinal plants."""
    query = query_of(saved)
    parts = [f"“{query.text}”"] if query.text else []
    for name, values in query.filters.items():
        parts.append(", ".join(labels.facet_label(name, v) for v in values))
    return " · ".join(parts)


def search_url(saved: SavedSearch, sort: str = "relevance") -> str:
    """The search page's address (a path) for `saved`."""
    return labels.search_url("/search", query_of(saved, sort=sort))


def frequency_label(frequency: str) -> str:
    return gettext(FREQUENCY_LABELS[frequency])


def frequency_options() -> list[tuple[str, str]]:
    return [(value, frequency_label(value)) for value in FREQUENCIES]


def can_follow(query: search.SearchQuery) -> bool:
    """Whether following `query` can bring news: it has words or filters, and may find offers or needs."""
    kinds = query.filters.get("kind", LISTING_KINDS)
    return bool(query.text or query.filters) and any(k in LISTING_KINDS for k in kinds)


# -- following -----------------------------------------------------------------------------------


def saved_of(session: Session, user: User) -> list[SavedSearch]:
    """The searches `user` follows, the latest first."""
    query = select(SavedSearch).where(SavedSearch.user_id == user.id).order_by(col(SavedSearch.id).desc())
    return list(session.exec(query).all())


def following(session: Session, user: User | None, query: search.SearchQuery) -> SavedSearch | None:
    """The saved search of `user` for `query` (same words and filters), if they follow it."""
    if user is None or (not query.text and not query.filters):
        return None
    found = select(SavedSearch).where(SavedSearch.user_id == user.id, SavedSearch.params == params_of(query))
    return session.exec(found).first()


def follow(session: Session, user: User, query: search.SearchQuery) -> tuple[SavedSearch, bool]:
    """Follow `query` (a search read by `search.read_query`); returns the saved search and whether it is new."""
    if user.email_confirmed_at is None:
        problem = Msg("Please confirm your e-mail address first: news of saved searches comes by e-mail.")
        raise Invalid({"q": problem}, problem)
    if not can_follow(query):
        problem = Msg("Type some words or choose filters that find offers or needs before following a search.")
        raise Invalid({"q": problem}, problem)
    existing = following(session, user, query)
    if existing is not None:
        return existing, False
    count = session.exec(select(func.count()).select_from(SavedSearch).where(SavedSearch.user_id == user.id)).one()
    if count >= MAX_PER_USER:
        problem = Msg("You follow %(max)d searches already: stop following one first.", max=MAX_PER_USER)
        raise Invalid({"q": problem}, problem)
    now = utcnow()
    saved = SavedSearch(user_id=ident(user), params=params_of(query), created_at=now, checked_at=now, seen_until=now)
    session.add(saved)
    try:
        session.commit()
    except IntegrityError:  # the same search followed twice at once (a double click): one is kept
        session.rollback()
        existing = following(session, user, query)
        if existing is None:
            raise
        return existing, False
    return saved, True


def own(session: Session, user: User, saved_id: int) -> SavedSearch:
    """One of `user`'s saved searches (another member's is not found, as one that does not exist)."""
    saved = session.get(SavedSearch, saved_id)
    if saved is None or saved.user_id != user.id:
        raise NotFound(Msg("This saved search does not exist or is no longer followed."))
    return saved


def set_frequency(session: Session, user: User, saved_id: int, data: dict[str, Any]) -> SavedSearch:
    """How often `user` hears of new listings for this search: daily, weekly, or not for now."""
    saved = own(session, user, saved_id)
    errors: dict[str, Msg] = {}
    frequency = choice(errors, data, "frequency", FREQUENCIES)
    if errors or frequency is None:
        raise Invalid(errors)
    if saved.frequency == "paused" and frequency != "paused":
        saved.seen_until = utcnow()  # resumed: what was published meanwhile is not sent in one go
    saved.frequency = frequency
    session.add(saved)
    session.commit()
    return saved


def unfollow(session: Session, user: User, saved_id: int) -> str:
    """Stop following a search; returns its description (for the message)."""
    return _stop(session, own(session, user, saved_id))


def stop_token(saved: SavedSearch) -> str:
    """The key of the link in each alert that stops that search without logging in (it can do nothing else)."""
    return _signer().dumps([saved.id, saved.user_id, saved.params])


def by_stop_token(session: Session, token: str) -> SavedSearch:
    """The saved search a stop link names; NotFound when the link is not ours or the search is gone."""
    try:
        saved_id, user_id, params = _signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        saved_id, user_id, params = None, None, None
    saved = session.get(SavedSearch, saved_id) if isinstance(saved_id, int) else None
    if saved is None or (saved.user_id, saved.params) != (user_id, params):  # gone, or its number used again
        raise NotFound(Msg("This link no longer works: the search is not followed any more."))
    return saved


def stop_by_token(session: Session, token: str) -> str:
    """Stop following the search of a stop link; returns its description."""
    return _stop(session, by_stop_token(session, token))


def _stop(session: Session, saved: SavedSearch) -> str:
    described = describe(saved)
    session.delete(saved)
    session.commit()
    return described


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(get_settings().SECRET_KEY, salt="saved-search-stop")


# -- alerts --------------------------------------------------------------------------------------


@dataclass
class AlertReport:
    """What one run of `send_alerts` did."""

    checked: int = 0
    alerted: int = 0
    listings: int = 0


def due(saved: SavedSearch, now: datetime) -> bool:
    interval = INTERVALS.get(saved.frequency)
    return interval is not None and aware(saved.checked_at) + interval - SLACK <= now


@dataclass(frozen=True)
class Followed:
    """A search members follow, for the Department: how many follow it, and what it finds published now."""

    saved: SavedSearch  # one of them: they share their words and filters
    members: int
    offers: int
    needs: int


def most_followed(session: Session, limit: int = 10) -> list[Followed]:
    """The searches most members follow (what they are looking for), with the offers and needs they find now:
    many members and few offers is a demand the exchange does not meet yet."""
    members = func.count(func.distinct(SavedSearch.user_id))
    top = session.exec(
        select(SavedSearch.params, members, func.min(SavedSearch.id))
        .group_by(SavedSearch.params)
        .order_by(members.desc(), SavedSearch.params)
        .limit(limit)
    ).all()
    found = []
    for _params, count, first_id in top:
        saved = session.get(SavedSearch, first_id)
        assert saved is not None
        query = query_of(saved)
        filters = {k: v for k, v in query.filters.items() if k != "kind"}
        page = search.find(session, search.SearchQuery(_in_full(query.text), filters, per_page=1), None)
        kinds = {v.value: v.count for v in page.facets.get("kind", [])}
        found.append(Followed(saved, int(count), kinds.get("offer", 0), kinds.get("need", 0)))
    return found


def _in_full(text: str) -> str:
    """A followed search's words, typed in full: the last one is no prefix still being typed ("sen" brings no "SenseHub")."""
    return text.rstrip() + " " if text else ""


def new_listings(session: Session, saved: SavedSearch, until: datetime) -> tuple[list[Hit], bool]:
    """Offers and needs that match `saved`, published after its `seen_until` and up to `until`, newest
    first, as the public finds them (its member's own organization's left out); and whether there were
    more than MAX_LOOKED_AT."""
    query = query_of(saved)
    kinds = tuple(k for k in query.filters.get("kind", LISTING_KINDS) if k in LISTING_KINDS)
    if not kinds:
        return [], False
    since = aware(saved.seen_until)
    user = session.get(User, saved.user_id)
    own_org = user.organization_id if user else None
    found: list[Hit] = []
    page = 1
    while True:
        newest = search.SearchQuery(_in_full(query.text), {**query.filters, "kind": kinds}, sort="newest", page=page)
        hits = search.find(session, newest, None).hits
        for hit in hits:
            if hit.published_at is None or hit.published_at <= since:
                return found, False
            if hit.published_at <= until and hit.organization_id != own_org:
                found.append(hit)
                if len(found) > MAX_LOOKED_AT:
                    return found[:MAX_LOOKED_AT], True
        if len(hits) < newest.per_page or page >= MAX_PAGE:
            return found, False
        page += 1


def send_alerts(session: Session, now: datetime | None = None) -> AlertReport:
    """Tell each member whose saved search is due about the listings published since it last looked."""
    now = now or utcnow()
    until = now - INDEX_LAG
    report = AlertReport()
    for saved in session.exec(select(SavedSearch).order_by(col(SavedSearch.id))).all():
        if not due(saved, now):
            continue
        report.checked += 1
        hits, more = new_listings(session, saved, until)
        if hits:
            user = session.get(User, saved.user_id)
            if user is not None and user.is_active:
                _tell(session, user, saved, hits, more)
                report.alerted += 1
                report.listings += len(hits)
            saved.last_alert_at, saved.last_alert_count = now, len(hits)
        saved.checked_at, saved.seen_until = now, max(aware(saved.seen_until), until)
        session.add(saved)
        session.commit()  # one search at a time: a crash part-way never tells anyone twice
    return report


def _tell(session: Session, user: User, saved: SavedSearch, hits: list[Hit], more: bool) -> None:
    """The notice and the e-mail, in `user`'s language."""
    with mail.in_language(user.language):
        described = describe(saved)
        count = f"{len(hits)}+" if more else str(len(hits))
        lines = [_line(hit, user.language) for hit in hits[:IN_MAIL]]
        if len(hits) > IN_MAIL:
            lines.append(gettext("… and %(num)s more.", num=f"{len(hits) - IN_MAIL}{'+' if more else ''}"))
        mail_params = {
            "listings": "\n".join(lines),
            "stop": mail.absolute_url(f"{PATH}/stop/{stop_token(saved)}"),
            "manage": mail.absolute_url(PATH),
        }
    notifications.tell(
        session,
        user,
        notice=NEW_LISTINGS,
        link=search_url(saved, sort="newest"),
        mail_subject=NEW_SUBJECT,
        mail_body=NEW_BODY,
        mail_params=mail_params,
        search=described,
        count=count,
    )


def _line(hit: Hit, language: str | None) -> str:
    """One listing in the e-mail: its kind, title, organization and address."""
    path = f"/{hit.kind}s/{hit.entity_id}"
    org = hit.org_name(language or "vi")
    title = hit.title.striptags()
    head = f"• [{labels.kind_badge(hit.kind)}] {title}" + (f" — {org}" if org else "")
    return f"{head}\n  {mail.absolute_url(path)}"


@command(
    "send-alerts",
    "tell members about new offers and needs matching the searches they follow (run it daily)",
)
def send_alerts_command(args: argparse.Namespace) -> int:
    from marketplace.db import session_scope

    with session_scope() as session:
        report = send_alerts(session)
    print(json.dumps({"checked": report.checked, "alerted": report.alerted, "listings": report.listings}))
    return 0

"""Published listings as other sites read them: sitemap rows, Atom feeds, the text of link previews.

Only published offers and needs ever appear (the rule of the open data: never drafts, listings waiting
for review, rejected, archived or expired ones); every organization is public. The XML is built with
ElementTree, which escapes every text and attribute; characters XML cannot carry are dropped first.
"""

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, union_all
from sqlmodel import Session, col, select

from marketplace import listings
from marketplace.models import AuditLog, ListingStatus, Need, Offer, Organization
from marketplace.models._base import aware

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SITEMAP_MAX_URLS = 50_000  # sitemaps.org's limit for one file; more go into files listed by a sitemap index
FEED_SIZE = 50
PREVIEW_CHARS = 200
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def excerpt(text: object, limit: int = PREVIEW_CHARS) -> str:
    """`text` on one line, cut after a whole word to at most `limit` characters (… marks the cut)."""
    flat = " ".join(_NOT_IN_XML.sub(" ", str(text or "")).split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut[limit // 2 :]:  # a word boundary not too far back; else cut inside a very long word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + "…"


def preview_of(listing: Offer | Need) -> str:
    """The short plain text that describes a listing in a link preview or a feed: its summary, else its
    description (offers), or its problem, else its desired outcome (needs)."""
    if isinstance(listing, Offer):
        return excerpt(listing.summary or listing.description)
    return excerpt(listing.problem or listing.desired_outcome)


def w3c(moment: datetime) -> str:
    """A moment in the W3C / RFC 3339 form that sitemaps and Atom use: 2026-11-25T08:05:00+00:00."""
    return aware(moment).astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Changed:
    """A public record and when its page last changed."""

    kind: str  # "offer", "need" or "organization"
    id: int
    at: datetime


def public_records(session: Session) -> list[Changed]:
    """Every published offer and need and every organization, with when each last changed: one query per
    kind, whatever their number."""
    found: list[Changed] = []
    for kind, model in listings.MODELS.items():
        query = select(col(model.id), col(model.updated_at)).where(model.status == ListingStatus.PUBLISHED)
        rows = session.exec(query.order_by(col(model.id))).all()
        found += [Changed(kind, record_id, aware(at)) for record_id, at in rows if record_id is not None]
    return found + _organizations(session)


def _organizations(session: Session) -> list[Changed]:
    """Organizations, each changed when it was created, when its profile was last edited or verified (the
    audit log: the record keeps no edit time), or when one of its published listings last changed."""
    latest: list[Any] = [
        select(col(model.organization_id).label("org"), func.max(model.updated_at).label("at"))
        .where(model.status == ListingStatus.PUBLISHED)
        .group_by(col(model.organization_id))
        for model in (Offer, Need)
    ]
    latest.append(
        select(col(AuditLog.entity_id).label("org"), func.max(AuditLog.at).label("at"))
        .where(AuditLog.entity == "organization")
        .group_by(col(AuditLog.entity_id))
    )
    times = union_all(*latest).subquery()
    newest = select(times.c.org, func.max(times.c.at).label("at")).group_by(times.c.org).subquery()
    query = (
        select(Organization.id, Organization.created_at, newest.c.at)
        .outerjoin(newest, newest.c.org == Organization.id)
        .order_by(col(Organization.id))
    )
    rows = session.exec(query).all()
    return [
        Changed("organization", org_id, max(aware(created), aware(at or created)))
        for org_id, created, at in rows
        if org_id is not None
    ]


def newest_published(session: Session, kind: str) -> list[tuple[Offer | Need, Organization | None]]:
    """The `FEED_SIZE` most recently published listings of one kind, newest first, with their organizations."""
    found: list[Offer | Need] = []
    if kind == "offer":
        found += listings.latest_published(session, Offer, limit=FEED_SIZE)
    else:
        found += listings.latest_published(session, Need, limit=FEED_SIZE)
    organizations = listings.organizations_by_id(session, {x.organization_id for x in found})
    return [(x, organizations.get(x.organization_id)) for x in found]


def sitemap(urls: Iterable[tuple[str, datetime | None]]) -> bytes:
    """A sitemaps.org `urlset` of (absolute URL, last change or None)."""
    return _document(_listing_of("urlset", "url", urls))


def sitemap_index(parts: Iterable[tuple[str, datetime | None]]) -> bytes:
    """A sitemaps.org `sitemapindex` of (absolute URL of a sitemap file, its newest change or None)."""
    return _document(_listing_of("sitemapindex", "sitemap", parts))


def _listing_of(root_tag: str, item_tag: str, rows: Iterable[tuple[str, datetime | None]]) -> ET.Element:
    root = ET.Element(root_tag, xmlns=SITEMAP_NS)
    for url, changed in rows:
        item = ET.SubElement(root, item_tag)
        ET.SubElement(item, "loc").text = _clean(url)
        if changed is not None:
            ET.SubElement(item, "lastmod").text = w3c(changed)
    return root


@dataclass(frozen=True)
class Entry:
    """One listing in an Atom feed, its texts already in the reader's language where they have one."""

    title: str
    url: str
    published: datetime
    summary: str
    language: str  # the title's: the listing's own, or its owner's translation's
    author: str
    author_url: str | None
    category: str
    category_label: str
    summary_language: str | None = None  # when not the title's (a translated title, the summary untranslated)


@dataclass(frozen=True)
class Feed:
    """An Atom feed: its title, own address, the page it follows, the reader's language, the entries."""

    title: str
    subtitle: str
    url: str
    page_url: str
    language: str
    entries: Sequence[Entry]


def atom(feed: Feed, now: datetime) -> bytes:
    """The feed as an Atom 1.0 document; it changed when its newest entry was published (`now` if empty)."""
    root = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: feed.language})
    _text(root, "title", feed.title)
    _text(root, "subtitle", feed.subtitle)
    ET.SubElement(root, "link", rel="self", type="application/atom+xml", href=_clean(feed.url))
    ET.SubElement(root, "link", rel="alternate", type="text/html", href=_clean(feed.page_url))
    _text(root, "id", feed.url)  # the feed's own permanent address identifies it
    _text(root, "updated", w3c(max((e.published for e in feed.entries), key=aware, default=now)))
    for entry in feed.entries:
        _entry(root, entry)
    return _document(root)


def _entry(root: ET.Element, entry: Entry) -> None:
    item = ET.SubElement(root, "entry")
    _text(item, "title", entry.title, lang=entry.language)
    ET.SubElement(item, "link", rel="alternate", type="text/html", href=_clean(entry.url))
    _text(item, "id", entry.url)  # the listing's permanent page: never reused, as Atom ids must not be
    _text(item, "published", w3c(entry.published))
    _text(item, "updated", w3c(entry.published))
    author = ET.SubElement(item, "author")
    _text(author, "name", entry.author)
    if entry.author_url:
        _text(author, "uri", entry.author_url)
    ET.SubElement(item, "category", term=_clean(entry.category), label=_clean(entry.category_label))
    if entry.summary:
        _text(item, "summary", entry.summary, lang=entry.summary_language or entry.language)


def _text(parent: ET.Element, tag: str, text: str, *, lang: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag, {XML_LANG: lang} if lang else {})
    element.text = _clean(text)
    return element


def _clean(text: Any) -> str:
    """Text XML 1.0 can carry: control characters (other than tab and line breaks) dropped."""
    return _NOT_IN_XML.sub("", str(text))


def _document(root: ET.Element) -> bytes:
    ET.indent(root)  # one element a line, for the people who read these files too
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)

"""Load the demo data of `seed_data/` (idempotent: records are keyed by `key` or e-mail)."""

import hashlib
import json
import zlib
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import insert
from sqlmodel import Session, col, select

from marketplace import attachments, collaboration_documents, meetings, saved_searches, stories
from marketplace.event_seed import load_events
from marketplace.i18n import TIMEZONE, local_time
from marketplace.models import (
    AuditLog,
    Collaboration,
    CollaborationDocument,
    CollaborationMeeting,
    CollaborationNote,
    CollaborationStory,
    ExpertiseProfile,
    Inquiry,
    InquiryMessage,
    ListingAttachment,
    ListingEvent,
    ListingViews,
    Membership,
    Need,
    Offer,
    Organization,
    SavedListing,
    SavedSearch,
    Sector,
    StageChange,
    StoryStatus,
    User,
)
from marketplace.models._base import aware, ident, utcnow
from marketplace.search import read_query
from marketplace.security import hash_password

OFFER_FIELDS = (
    "language",
    "title",
    "translated_title",
    "translated_summary",
    "summary",
    "description",
    "applications",
    "advantages",
    "sector",
    "keywords",
    "trl",
    "trl_justification",
    "ip_status",
    "ip_reference",
    "collaboration_types",
    "terms",
    "status",
    "rejection_reason",
)
NEED_FIELDS = (
    "language",
    "title",
    "translated_title",
    "translated_summary",
    "problem",
    "desired_outcome",
    "constraints",
    "sector",
    "keywords",
    "min_trl",
    "collaboration_types",
    "budget_min_vnd",
    "budget_max_vnd",
    "status",
    "rejection_reason",
    "commissioned",
    "funding_note",
)
BIO_FIELDS = ("species", "latin_name", "plant_part", "active_compounds", "standard", "ocop")


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def read_all(folder: Path) -> list[dict[str, Any]]:
    """Every record of every JSON list file in `folder`, in file-name order."""
    return [row for path in sorted(folder.glob("*.json")) for row in read_json(path)]


def seed(session: Session, seed_dir: Path, now: datetime | None = None) -> dict[str, int]:
    """Add what is missing from the demo data; returns how many records of each kind were added."""
    now = now or utcnow()
    added = {"sectors": load_sectors(session, seed_dir)}
    added["organizations"] = _load_organizations(session, read_json(seed_dir / "organizations.json"))
    password_hashes: dict[str, str] = {}
    added["users"] = _load_users(session, read_json(seed_dir / "users.json"), password_hashes)
    orgs = {o.key: o for o in session.exec(select(Organization)).all() if o.key}
    users = {u.email: u for u in session.exec(select(User)).all()}
    added["offers"] = _load_listings(session, Offer, read_all(seed_dir / "offers"), orgs, users, now)
    added["needs"] = _load_listings(session, Need, read_all(seed_dir / "needs"), orgs, users, now)
    added["saved_listings"] = _add_saved_listings(session, read_json(seed_dir / "users.json"), users, now)
    inquiries = seed_dir / "inquiries.json"
    added["inquiries"] = _load_inquiries(session, read_json(inquiries), users, now) if inquiries.exists() else 0
    added["inquiry_messages"] = (
        _load_inquiry_messages(session, read_json(inquiries), users, now) if inquiries.exists() else 0
    )
    collaborations = seed_dir / "collaborations.json"
    added["collaborations"] = (
        _load_collaborations(session, read_json(collaborations), orgs, users, now) if collaborations.exists() else 0
    )
    added["listing_views"] = _load_views(session, now)
    if collaborations.exists():
        rows = read_json(collaborations)
        added["collaboration_documents"] = _load_collaboration_documents(session, rows, users, seed_dir, now)
        added["collaboration_meetings"] = _load_collaboration_meetings(session, rows, users, now)
        added["collaboration_stories"] = _load_collaboration_stories(session, rows, users, now)
    files = seed_dir / "attachments.json"
    added["attachments"] = (
        _load_attachments(session, read_json(files), seed_dir / "attachments") if files.exists() else 0
    )
    fairs = seed_dir / "events.json"
    added["events"] = load_events(session, read_json(fairs), users) if fairs.exists() else 0
    session.commit()
    return added


def _load_attachments(session: Session, rows: list[dict[str, Any]], folder: Path) -> int:
    """Files of demo listings (made by seed_data/attachments/make_files.py), checked as an upload is, shown
    as approved; those whose listing already holds a file of that name are left."""
    added = 0
    for row in rows:
        model = Offer if row["listing"].startswith("off-") else Need
        listing = cast(Offer | Need | None, session.exec(select(model).where(model.key == row["listing"])).first())
        if listing is None:
            continue
        held = set(f.filename for f in attachments.files_of(session, listing))
        checked = attachments.check_file((folder / row["file"]).read_bytes(), row["file"])
        if checked.filename in held:
            continue
        session.add(
            ListingAttachment(
                listing_kind="offer" if model is Offer else "need",
                listing_id=ident(listing),
                title=row["title"],
                filename=checked.filename,
                media_type=checked.media_type,
                size=len(checked.content),
                sha256=hashlib.sha256(checked.content).hexdigest(),
                audience=row["audience"],
                approved=True,
                uploaded_by_id=listing.owner_id,
                content=checked.content,
                thumbnail=checked.preview,
            )
        )
        added += 1
    session.flush()
    return added


def _load_collaboration_documents(
    session: Session, rows: list[dict[str, Any]], users: dict[str, User], seed_dir: Path, now: datetime
) -> int:
    """Documents kept with demo collaborations (files of seed_data/attachments), checked as an upload is; a
    collaboration that already holds a file of that name keeps it."""
    added = 0
    for row in rows:
        collab = session.exec(select(Collaboration).where(Collaboration.key == row["key"])).first()
        if collab is None or not row.get("documents"):
            continue
        held = set(session.exec(select(CollaborationDocument.filename).where(
            CollaborationDocument.collaboration_id == collab.id)).all())  # fmt: skip
        for doc in row["documents"]:
            checked = attachments.check_file((seed_dir / "attachments" / doc["file"]).read_bytes(), doc["file"])
            if checked.filename in held:
                continue
            uploader = users.get(doc.get("by") or "")
            document = CollaborationDocument(
                collaboration_id=ident(collab), kind=doc["kind"], title=doc["title"], filename=checked.filename,
                media_type=checked.media_type, size=len(checked.content),
                sha256=hashlib.sha256(checked.content).hexdigest(), uploaded_by_id=uploader.id if uploader else None,
                created_at=now - timedelta(days=doc["days_ago"]), content=checked.content, thumbnail=checked.preview,
            )  # fmt: skip
            session.add(document)
            session.flush()
            # The entry collaboration_documents.add records (the deal's timeline and audit log read it), dated
            # when the document was added: audit.record would date it now, days after the demo's document.
            session.add(
                AuditLog(
                    actor_id=document.uploaded_by_id, at=document.created_at, action=collaboration_documents.ADDED,
                    entity="collaboration", entity_id=collab.id,
                    detail={"document": document.id, "kind": document.kind, "title": document.title,
                            "file": document.filename},
                )
            )  # fmt: skip
            added += 1
    session.flush()
    return added


def _load_collaboration_meetings(
    session: Session, rows: list[dict[str, Any]], users: dict[str, User], now: datetime
) -> int:
    """Meetings of demo collaborations, at a whole hour in Huế time some days from now (before now: held, with
    the outcome); a collaboration that already holds a meeting with that agenda keeps it."""
    added = 0
    for row in rows:
        collab = session.exec(select(Collaboration).where(Collaboration.key == row["key"])).first()
        if collab is None or not row.get("meetings"):
            continue
        held = set(session.exec(select(CollaborationMeeting.agenda).where(
            CollaborationMeeting.collaboration_id == collab.id)).all())  # fmt: skip
        for item in row["meetings"]:
            if item["agenda"] in held:
                continue
            day = local_time(now).date() + timedelta(days=item["days_from_now"])
            starts = datetime.combine(day, time(item["hour"]), TIMEZONE).astimezone(UTC)
            organizer = users.get(item.get("by") or "")
            created = min(now, starts) - timedelta(days=3)
            meeting = CollaborationMeeting(
                collaboration_id=ident(collab), starts_at=starts, duration_minutes=item["duration_minutes"],
                place=item.get("place"), online_link=item.get("online_link"), agenda=item["agenda"],
                status=item["status"], outcome=item.get("outcome"), created_by_id=organizer.id if organizer else None,
                created_at=created, updated_at=created, version=2 if item["status"] == "held" else 1,
            )  # fmt: skip
            session.add(meeting)
            session.flush()
            # The entries meetings.schedule and mark_held record (the deal's timeline reads them), dated as they
            # happened rather than now.
            steps = [(meetings.SCHEDULED, created)] + ([(meetings.HELD, starts + timedelta(hours=3))]
                                                      if item["status"] == "held" else [])  # fmt: skip
            for action, at in steps:
                session.add(
                    AuditLog(actor_id=meeting.created_by_id, at=at, action=action, entity="collaboration",
                             entity_id=collab.id, detail={"meeting": meeting.id, "starts_at": starts.isoformat(),
                                                          "status": meeting.status})
                )  # fmt: skip
            added += 1
    session.flush()
    return added


def _load_collaboration_stories(
    session: Session, rows: list[dict[str, Any]], users: dict[str, User], now: datetime
) -> int:
    """Published success stories of demo collaborations, with both parties' consent given the day before they
    were published; a collaboration that already has a story keeps it."""
    added = 0
    for row in rows:
        collab = session.exec(select(Collaboration).where(Collaboration.key == row["key"])).first()
        item = row.get("story")
        if collab is None or not item or stories.story_of(session, collab) is not None:
            continue
        published = now - timedelta(days=item["published_days_ago"])
        consented, written = published - timedelta(days=1), published - timedelta(days=2)
        writer, provider, seeker = (users.get(item.get(k) or "") for k in ("by", "provider_consent_by",
                                                                           "seeker_consent_by"))  # fmt: skip
        for party, person in (("provider", provider), ("seeker", seeker)):
            if person is None or stories.party_of(session, person, collab) != party:  # consent is a manager's word
                raise ValueError(f"{row['key']}: the {party}'s consent must come from a manager of that organization")
        story = CollaborationStory(
            collaboration_id=ident(collab), headline=item["headline"], text=item["text"], show_value=item["show_value"],
            written_by_id=writer.id if writer else None, provider_consent_by_id=provider.id if provider else None,
            provider_consent_at=consented, seeker_consent_by_id=seeker.id if seeker else None,
            seeker_consent_at=consented, status=StoryStatus.PUBLISHED.value, published_at=published,
            created_at=written, updated_at=published, version=4,
        )  # fmt: skip
        session.add(story)
        session.flush()
        # The entries the stories use cases record (the audit log), dated as they happened rather than now.
        steps = [(stories.WRITTEN, written, writer), (stories.ASKED, written, writer),
                 (stories.CONSENTED, consented, provider), (stories.CONSENTED, consented, seeker),
                 (stories.PUBLISHED, published, seeker)]  # fmt: skip
        for action, at, actor in steps:
            session.add(AuditLog(actor_id=actor.id if actor else None, at=at, action=action, entity="collaboration",
                                 entity_id=collab.id, detail={"story": story.id, "status": story.status}))  # fmt: skip
        added += 1
    session.flush()
    return added


VIEW_DAYS = 60


def _load_views(session: Session, now: datetime) -> int:
    """Sample views of the published demo listings over the last VIEW_DAYS days, so that owners and the
    dashboard show some (made up, like everything in the demo; the same on every installation); rows of
    (listing, day) with at least one view. Nothing when views are there already."""
    if session.exec(select(ListingViews.id).limit(1)).first() is not None:
        return 0
    rows = []
    for kind, model in (("offer", Offer), ("need", Need)):
        published = select(model.id, model.key, model.published_at).where(
            model.status == "published", col(model.key).is_not(None)
        )
        for listing_id, key, published_at in session.exec(published.order_by(col(model.id))).all():
            popularity = 0.3 + 6 * (zlib.crc32(str(key).encode()) % 1000) / 1000  # views a day, on average
            for days in range(VIEW_DAYS):
                moment = now - timedelta(days=days)
                views = int(2 * popularity * (zlib.crc32(f"{key}:{days}".encode()) % 1000) / 1000)
                if views and moment >= aware(published_at or now):
                    day = moment.astimezone(TIMEZONE).date()
                    rows.append({"listing_kind": kind, "listing_id": listing_id, "day": day, "views": views})
    if rows:
        session.execute(insert(ListingViews), rows)
    return len(rows)


def load_sectors(session: Session, seed_dir: Path) -> int:
    """Insert the fixed sector taxonomy where missing."""
    existing = set(session.exec(select(Sector.code)).all())
    added = 0
    for position, row in enumerate(read_json(seed_dir / "sectors.json")):
        if row["code"] not in existing:
            session.add(Sector(code=row["code"], name_vi=row["name_vi"], name_en=row["name_en"], position=position))
            added += 1
    session.flush()
    return added


def _load_organizations(session: Session, rows: list[dict[str, Any]]) -> int:
    existing = {o.key: o for o in session.exec(select(Organization)).all() if o.key}
    added = 0
    for row in rows:
        if row["key"] in existing:
            continue
        org = Organization(
            key=row["key"],
            name_vi=row["name_vi"],
            name_en=row.get("name_en") or "",
            kind=row["kind"],
            ward=row.get("ward") or "",
            website=row.get("website"),
            description_vi=row.get("description_vi") or "",
            description_en=row.get("description_en") or "",
            verified=bool(row.get("verified")),
            is_demo=True,
        )
        session.add(org)
        existing[row["key"]] = org
        added += 1
    session.flush()
    for row in rows:  # parents once every organization has an id
        if row.get("parent"):
            existing[row["key"]].parent_id = existing[row["parent"]].id
    session.flush()
    return added


def _load_users(session: Session, rows: list[dict[str, Any]], hashes: dict[str, str]) -> int:
    existing = set(session.exec(select(User.email)).all())
    orgs = {o.key: o.id for o in session.exec(select(Organization)).all() if o.key}
    added = 0
    for row in rows:
        if row["email"] in existing:
            continue
        if row["password"] not in hashes:  # hashing is slow on purpose: once per distinct password
            hashes[row["password"]] = hash_password(row["password"])
        user = User(
            email=row["email"],
            full_name=row["full_name"],
            role=row["role"],
            organization_id=orgs.get(row.get("organization") or ""),
            language=row.get("language") or "vi",
            password_hash=hashes[row["password"]],
            phone=row.get("phone"),
            email_confirmed_at=utcnow(),
        )
        session.add(user)
        session.flush()
        _add_membership(session, user, row, orgs)
        if row.get("expertise"):
            ex = row["expertise"]
            session.add(
                ExpertiseProfile(
                    user_id=ident(user),
                    keywords=ex.get("keywords", []),
                    publications=ex.get("publications", []),
                    projects=ex.get("projects", []),
                    summary=ex.get("summary", ""),
                )
            )
        _add_saved_searches(session, user, row)
        added += 1
    session.flush()
    return added


def _add_saved_searches(session: Session, user: User, row: dict[str, Any]) -> None:
    """The searches the person follows (`saved_searches`: the search page's URL parameters of each)."""
    for params in row.get("saved_searches") or []:
        query, _ = read_query(params)
        session.add(SavedSearch(user_id=ident(user), params=saved_searches.params_of(query)))


def _add_saved_listings(session: Session, rows: list[dict[str, Any]], users: dict[str, User], now: datetime) -> int:
    """The offers and needs people keep on their list with a note (`saved_listings`), those not kept yet."""
    ids: dict[tuple[str, str | None], int] = {}
    for kind, model in (("offer", Offer), ("need", Need)):
        ids |= {(kind, key): listing_id for key, listing_id in session.exec(select(model.key, model.id)) if listing_id}
    kept = set(session.exec(select(SavedListing.user_id, SavedListing.listing_kind, SavedListing.listing_id)).all())
    added = 0
    for row in rows:
        user = users.get(row["email"])
        for saved in (row.get("saved_listings") or []) if user else []:
            kind, listing_id = saved["kind"], ids[(saved["kind"], saved["key"])]
            if (ident(user), kind, listing_id) in kept:
                continue
            session.add(SavedListing(user_id=ident(user), listing_kind=kind, listing_id=listing_id, note=saved["note"],
                                     created_at=now - timedelta(days=saved["days_ago"])))  # fmt: skip
            added += 1
    session.flush()
    return added


def _add_membership(session: Session, user: User, row: dict[str, Any], orgs: dict[str, int | None]) -> None:
    """A member's approved membership (a manager's when `manager`), or a request waiting to join `requests`."""
    if user.organization_id is not None:
        session.add(Membership(user_id=ident(user), organization_id=user.organization_id, status="approved",
                               manager=bool(row.get("manager")), decided_at=user.created_at))  # fmt: skip
    elif orgs.get(row.get("requests") or ""):
        session.add(Membership(user_id=ident(user), organization_id=orgs[row["requests"]] or 0))


def _days_ago(now: datetime, days: int | None) -> datetime | None:
    return None if days is None else now - timedelta(days=days)


def _load_listings(
    session: Session,
    model: type[Offer] | type[Need],
    rows: list[dict[str, Any]],
    orgs: dict[str, Organization],
    users: dict[str, User],
    now: datetime,
) -> int:
    existing = set(session.exec(select(model.key)).all())
    fields = OFFER_FIELDS if model is Offer else NEED_FIELDS
    added = 0
    for row in rows:
        if row["key"] in existing:
            continue
        org = orgs[row["org"]]
        values: dict[str, Any] = {("sector_code" if f == "sector" else f): row.get(f) for f in fields if f in row}
        if model is Offer:
            values |= {f: (row.get("bio") or {}).get(f) for f in BIO_FIELDS}
        else:
            values |= _need_extras(row, now)
        listing = model(key=row["key"], organization_id=ident(org), owner_id=_owner(row, org, users), **values)
        published = _days_ago(now, row.get("published_days_ago"))
        listing.published_at = published
        listing.confirmed_at = _days_ago(now, row.get("confirmed_days_ago")) or published
        listing.created_at = listing.updated_at = (published or now) - timedelta(days=3)
        if listing.status != "draft":
            listing.submitted_at = (published or now) - timedelta(days=2)
        session.add(listing)
        session.flush()
        _record_history(session, model, listing)
        added += 1
    return added


def _need_extras(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    task = row.get("st_task") or {}
    deadline = row.get("deadline_in_days")
    return {
        "deadline": (now.date() + timedelta(days=deadline)) if deadline is not None else None,
        "st_task_code": task.get("code"),
        "st_task_level": task.get("level"),
        "commissioned": bool(row.get("commissioned")),
    }


def _owner(row: dict[str, Any], org: Organization, users: dict[str, User]) -> int | None:
    if row.get("owner") in users:
        return users[row["owner"]].id
    members = [
        u for u in users.values() if u.organization_id == org.id and u.role in ("researcher", "enterprise", "staff")
    ]
    return members[0].id if members else None


def _record_history(session: Session, model: type[Offer] | type[Need], listing: Offer | Need) -> None:
    kind = "offer" if model is Offer else "need"
    steps: list[tuple[str, str | None, str, datetime | None]] = [("created", None, "draft", listing.created_at)]
    if listing.status != "draft":
        steps.append(("submit", "draft", "submitted", listing.submitted_at))
    if listing.status in ("published", "archived", "expired"):
        steps.append(("publish", "submitted", "published", listing.published_at))
    if listing.status in ("rejected", "archived", "expired"):
        steps.append((listing.status, steps[-1][2], listing.status, listing.updated_at))
    for action, before, after, at in steps:
        session.add(
            ListingEvent(
                listing_kind=kind,
                listing_id=ident(listing),
                actor_id=listing.owner_id,
                action=action,
                from_status=before,
                to_status=after,
                at=at or utcnow(),
                note=listing.rejection_reason if action == "rejected" else None,
            )
        )


def _load_inquiries(session: Session, rows: list[dict[str, Any]], users: dict[str, User], now: datetime) -> int:
    """Expressions of interest, answered or waiting; an accepted one opens its collaboration at "contacted"."""
    from marketplace.collaborations import open_collaboration

    listings: dict[tuple[str, str], Offer | Need] = {("offer", o.key): o for o in session.exec(select(Offer)) if o.key}
    listings |= {("need", n.key): n for n in session.exec(select(Need)) if n.key}
    added = 0
    for row in rows:
        listing, sender = listings[(row["kind"], row["listing"])], users[row["sender"]]
        exists = session.exec(select(Inquiry.id).where(Inquiry.listing_kind == row["kind"], Inquiry.listing_id == listing.id,
                                                       Inquiry.sender_id == sender.id)).first()  # fmt: skip
        if exists is not None:
            continue
        answered = _days_ago(now, row.get("answered_days_ago"))
        answerer = session.get(User, listing.owner_id) if listing.owner_id else None
        inquiry = Inquiry(listing_kind=row["kind"], listing_id=ident(listing), sender_id=ident(sender),
                          sender_org_id=sender.organization_id, recipient_org_id=listing.organization_id,
                          message=row["message"], status=row["status"], decline_reason=row.get("decline_reason"),
                          decline_note=row.get("decline_note"), created_at=now - timedelta(days=row["days_ago"]),
                          answered_at=answered, answered_by_id=answerer.id if answerer and answered else None)  # fmt: skip
        session.add(inquiry)
        session.flush()
        if row["status"] == "accepted" and sender.organization_id is not None:
            offer_side = row["kind"] == "offer"
            provider, seeker = (listing.organization_id, sender.organization_id)[:: 1 if offer_side else -1]
            collab = open_collaboration(session, provider_org_id=provider, seeker_org_id=seeker, title=listing.title,
                                        stage="contacted", actor_id=answerer.id if answerer else None,
                                        offer_id=listing.id if offer_side else None,
                                        need_id=None if offer_side else listing.id, inquiry_id=inquiry.id,
                                        sector_code=listing.sector_code)  # fmt: skip
            collab.created_at = collab.stage_entered_at = collab.updated_at = answered or now
            for change in session.exec(select(StageChange).where(StageChange.collaboration_id == collab.id)):
                change.at = answered or now
        added += 1
    session.flush()
    return added


def _load_inquiry_messages(session: Session, rows: list[dict[str, Any]], users: dict[str, User], now: datetime) -> int:
    """The questions and answers of demo inquiries (a "thread" in inquiries.json); an inquiry whose thread
    holds messages already is left as it is. Staff write as the Department (no organization)."""
    listings: dict[tuple[str, str], Offer | Need] = {("offer", o.key): o for o in session.exec(select(Offer)) if o.key}
    listings |= {("need", n.key): n for n in session.exec(select(Need)) if n.key}
    added = 0
    for row in rows:
        if not row.get("thread"):
            continue
        listing, sender = listings[(row["kind"], row["listing"])], users[row["sender"]]
        inquiry = session.exec(select(Inquiry).where(Inquiry.listing_kind == row["kind"], Inquiry.listing_id == listing.id,
                                                     Inquiry.sender_id == sender.id)).first()  # fmt: skip
        if (
            inquiry is None
            or session.exec(select(InquiryMessage.id).where(InquiryMessage.inquiry_id == inquiry.id)).first()
        ):
            continue
        for message in row["thread"]:
            author = users[message["by"]]
            org = (
                author.organization_id
                if author.organization_id in (inquiry.sender_org_id, inquiry.recipient_org_id)
                else None
            )
            session.add(InquiryMessage(inquiry_id=ident(inquiry), author_id=ident(author), author_org_id=org,
                                       body=message["body"], created_at=now - timedelta(days=message["days_ago"])))  # fmt: skip
            added += 1
    session.flush()
    return added


def _load_collaborations(
    session: Session, rows: list[dict[str, Any]], orgs: dict[str, Organization], users: dict[str, User], now: datetime
) -> int:
    existing = set(session.exec(select(Collaboration.key)).all())
    offers = {o.key: o for o in session.exec(select(Offer)).all()}
    needs = {n.key: n for n in session.exec(select(Need)).all()}
    added = 0
    for row in rows:
        if row["key"] in existing:
            continue
        offer, need = offers.get(row.get("offer")), needs.get(row.get("need"))
        history = row.get("history") or [{"to_stage": row["stage"], "days_ago": 0, "by": row.get("broker")}]
        task = row.get("st_task") or {}
        due = row.get("next_action_due_in_days")
        collab = Collaboration(
            key=row["key"],
            title=row["title"],
            provider_org_id=ident(orgs[row["provider_org"]]),
            seeker_org_id=ident(orgs[row["seeker_org"]]),
            offer_id=offer.id if offer else None,
            need_id=need.id if need else None,
            broker_id=users[row["broker"]].id if row.get("broker") in users else None,
            sector_code=source.sector_code if (source := offer or need) is not None else None,
            stage=row["stage"],
            contract_type=row.get("contract_type"),
            contract_value_vnd=row.get("contract_value_vnd"),
            next_action=row.get("next_action"),
            next_action_due=(now.date() + timedelta(days=due)) if due is not None else None,
            closed_reason=row.get("closed_reason"),
            st_task_code=task.get("code"),
            st_task_level=task.get("level"),
            created_at=now - timedelta(days=history[0]["days_ago"]),
            stage_entered_at=now - timedelta(days=history[-1]["days_ago"]),
            updated_at=now - timedelta(days=history[-1]["days_ago"]),
        )
        signed = next((h for h in history if h["to_stage"] == "agreement_signed"), None)
        collab.signed_at = now - timedelta(days=signed["days_ago"]) if signed else None
        session.add(collab)
        session.flush()
        before = None
        for step in history:
            actor = users.get(step.get("by") or "")
            session.add(
                StageChange(
                    collaboration_id=ident(collab),
                    actor_id=actor.id if actor else None,
                    at=now - timedelta(days=step["days_ago"]),
                    from_stage=before,
                    to_stage=step["to_stage"],
                    note=step.get("note"),
                )
            )
            before = step["to_stage"]
        for note in row.get("notes") or []:
            author = users.get(note.get("by") or "")
            session.add(
                CollaborationNote(
                    collaboration_id=ident(collab),
                    author_id=author.id if author else None,
                    at=now - timedelta(days=note["days_ago"]),
                    text=note["text"],
                )
            )
        added += 1
    return added

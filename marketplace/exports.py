"""CSV and XLSX reports: listings, collaborations with their history, and the indicators of a period."""

import argparse
import csv
import io
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlmodel import Session, col, select

from marketplace import indicators, labels
from marketplace.cli import command
from marketplace.i18n import LOCALES, current_locale, format_datetime, gettext, local_time
from marketplace.indicators import Period, Scope
from marketplace.inquiries import org_name
from marketplace.models import Collaboration, Need, Offer, Organization, StageChange, User

WHAT = ("listings", "collaborations", "indicators")
FORMATS = ("csv", "xlsx")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
VND_FORMAT = '#,##0 "₫"'
DATE_FORMAT = "dd/mm/yyyy"


class Money(int):
    """An amount of đồng: written as a plain number in CSV, with the VND format in XLSX."""


@dataclass
class Sheet:
    """One table of a report."""

    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def build(session: Session, *, what: str, fmt: str, period: Period, scope: Scope, today: date) -> bytes:
    """The report `what` as CSV or XLSX bytes."""
    sheets = BUILDERS[what](session, period, scope, today)
    return to_xlsx(sheets) if fmt == "xlsx" else to_csv(sheets)


def to_csv(sheets: Sequence[Sheet]) -> bytes:
    """The first sheet as UTF-8 CSV with a byte-order mark, so Excel shows Vietnamese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    sheet = sheets[0]
    writer.writerow(sheet.headers)
    for row in sheet.rows:
        writer.writerow([_plain(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return local_time(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """A workbook with one worksheet per sheet: bold frozen headers, VND and date formats."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        ws.append(sheet.headers)
        for cell in ws[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="4B2A6B")
        for row in sheet.rows:
            ws.append([_cell(v) for v in row])
            for cell, value in zip(ws[ws.max_row], row, strict=True):
                if isinstance(value, Money):
                    cell.number_format = VND_FORMAT
                elif isinstance(value, date):
                    cell.number_format = DATE_FORMAT
        ws.freeze_panes = "A2"
        for i, header in enumerate(sheet.headers, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(max(len(header) + 4, 12), 48)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return local_time(value).replace(tzinfo=None)  # Excel has no time zones: Huế time
    if isinstance(value, Money):
        return int(value)
    return value


def _names(session: Session, model: Any, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {row.id: row for row in session.exec(select(model).where(col(model.id).in_(ids))).all()}


def listings_sheets(session: Session, period: Period, scope: Scope, today: date) -> list[Sheet]:
    """Offers and needs published in the period, in one table."""
    headers = [gettext("Kind"), gettext("Number"), gettext("Title"), gettext("Organization"), gettext("Sector"),
               gettext("Status"), gettext("Published on"), gettext("TRL"), gettext("Minimum budget (VND)"),
               gettext("Maximum budget (VND)"), gettext("Commissioned"), gettext("Keywords")]  # fmt: skip
    found: list[Offer | Need] = [*_published(session, Offer, period, scope), *_published(session, Need, period, scope)]
    orgs = _names(session, Organization, {x.organization_id for x in found})
    language = current_locale.get()
    sheet = Sheet(gettext("Listings"), headers)
    for x in found:
        is_offer = isinstance(x, Offer)
        sheet.rows.append([
            labels.label("listing_kind", "offer" if is_offer else "need"), x.id, x.title,
            org_name(orgs.get(x.organization_id), language), labels.sector_name(x.sector_code),
            labels.label("listing_status", x.status), x.published_at, x.trl if isinstance(x, Offer) else x.min_trl,
            _money(None if isinstance(x, Offer) else x.budget_min_vnd),
            _money(None if isinstance(x, Offer) else x.budget_max_vnd),
            gettext("Yes") if isinstance(x, Need) and x.commissioned else gettext("No"), ", ".join(x.keywords),
        ])  # fmt: skip
    return [sheet]


def _published(session: Session, model: Any, period: Period, scope: Scope) -> list[Any]:
    """Listings of one kind published in the period, within the scope."""
    query = select(model).where(col(model.published_at) >= period.since, col(model.published_at) < period.until)
    if scope.sector:
        query = query.where(model.sector_code == scope.sector)
    if scope.organization:
        query = query.where(model.organization_id == scope.organization)
    return list(session.exec(query.order_by(col(model.published_at))).all())


def _money(value: int | None) -> Money | None:
    return Money(value) if value is not None else None


def collaborations_sheets(session: Session, period: Period, scope: Scope, today: date) -> list[Sheet]:
    """Collaborations in the pipeline during the period, and every stage change of theirs."""
    found = indicators.pipeline_in(session, period, scope)
    orgs = _names(session, Organization, {c.provider_org_id for c, _h in found} | {c.seeker_org_id for c, _h in found})
    users = _names(session, User, {c.broker_id for c, _h in found if c.broker_id}
                   | {s.actor_id for _c, h in found for s in h if s.actor_id})  # fmt: skip
    main = Sheet(gettext("Collaborations"), _collab_headers())
    history = Sheet(gettext("History"), [gettext("Number"), gettext("Collaboration"), gettext("Time"),
                                         gettext("From stage"), gettext("To stage"), gettext("By"), gettext("Note")])  # fmt: skip
    for c, changes in found:
        lines = [_history_line(s, users) for s in changes]
        main.rows.append(_collab_row(c, orgs, users) + ["\n".join(lines)])
        for s in changes:
            who = users[s.actor_id].full_name if s.actor_id in users else ""
            history.rows.append([c.id, c.title, s.at, labels.label("stage", s.from_stage), labels.label("stage", s.to_stage),
                                 who, s.note or ""])  # fmt: skip
    return [main, history]


def _collab_headers() -> list[str]:
    return [gettext("Number"), gettext("Title"), gettext("Provider"), gettext("Seeker"), gettext("Sector"),
            gettext("Stage"), gettext("In stage since"), gettext("Broker"), gettext("Next action"), gettext("Due date"),
            gettext("Contract type"), gettext("Contract value (VND)"), gettext("Signed on"),
            gettext("Reason for closing"), gettext("S&T task code"), gettext("S&T task level"), gettext("History")]  # fmt: skip


def _collab_row(c: Collaboration, orgs: dict[int, Any], users: dict[int, Any]) -> list[Any]:
    language = current_locale.get()
    return [
        c.id, c.title, org_name(orgs.get(c.provider_org_id), language),
        org_name(orgs.get(c.seeker_org_id), language), labels.sector_name(c.sector_code),
        labels.label("stage", c.stage), c.stage_entered_at, users[c.broker_id].full_name if c.broker_id in users else "",
        c.next_action or "", c.next_action_due, labels.label("collaboration_type", c.contract_type),
        _money(c.contract_value_vnd), c.signed_at, c.closed_reason or "", c.st_task_code or "",
        labels.label("task_level", c.st_task_level),
    ]  # fmt: skip


def _history_line(change: StageChange, users: dict[int, Any]) -> str:
    who = users[change.actor_id].full_name if change.actor_id in users else ""
    step = f"{labels.label('stage', change.from_stage)} → " if change.from_stage else ""
    note = f": {change.note}" if change.note else ""
    return f"{format_datetime(change.at)} {step}{labels.label('stage', change.to_stage)} ({who}){note}"


def indicators_sheets(session: Session, period: Period, scope: Scope, today: date) -> list[Sheet]:
    """The period's indicators as (group, indicator, value) rows, then the tables behind the charts."""
    f = indicators.compute(session, period, scope, today)
    main = Sheet(gettext("Indicators"), [gettext("Group"), gettext("Indicator"), gettext("Value")])
    for group, rows in _indicator_groups(f):
        main.rows += [[group, name, value] for name, value in rows]
    sectors = Sheet(gettext("Supply and demand"), [gettext("Sector"), gettext("Technology offers public now"),
                    gettext("Technology needs public now"), gettext("Needs without a proposal")])  # fmt: skip
    sectors.rows = [[labels.sector_name(c), o, n, u] for c, o, n, u in f.gaps]
    months = Sheet(gettext("By month"), [gettext("Month"), gettext("Offers"), gettext("Needs")])
    months.rows = [[m, o, n] for m, o, n in f.by_month]
    return [main, sectors, months]


def _indicator_groups(f: indicators.Indicators) -> list[tuple[str, list[tuple[str, Any]]]]:
    period = f"{f.period.start.strftime('%d/%m/%Y')} – {f.period.end.strftime('%d/%m/%Y')}"
    rate = round(f.acceptance_rate * 100, 1) if f.acceptance_rate is not None else ""
    reply = round(f.median_reply_hours, 1) if f.median_reply_hours is not None else ""
    return [
        (gettext("Period"), [(gettext("Period"), period)]),
        (gettext("Listings"), [(gettext("Offers published in the period"), f.offers_published),
                               (gettext("Needs published in the period"), f.needs_published)]),
        (gettext("Matching"), [(gettext("Match proposals made"), f.proposals), (gettext("Inquiries sent"), f.inquiries),
                               (gettext("Acceptance rate (%)"), rate),
                               (gettext("Median time to first reply (hours)"), reply),
                               (gettext("Meetings held"), f.meetings_held)]),
        (gettext("Contracts"), [(gettext("Agreements signed"), f.agreements_signed),
                                (gettext("Total contract value (VND)"), Money(f.contract_value_vnd)),
                                (gettext("Commercialized"), f.commercialized)]),
        (gettext("Collaborations by stage"), [(labels.label("stage", s), n) for s, n in f.by_stage]),
        (gettext("Conversion funnel"), [(labels.label("stage", s), n) for s, n in f.funnel]),
        (gettext("Brokers' workload (active)"), [(name, active) for name, active, *_rest in f.brokers]),
    ]  # fmt: skip


BUILDERS: dict[str, Callable[[Session, Period, Scope, date], list[Sheet]]] = {
    "listings": listings_sheets,
    "collaborations": collaborations_sheets,
    "indicators": indicators_sheets,
}


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--what", required=True, choices=WHAT)
    parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
    parser.add_argument("--out", required=True, help="file to write; '-' for standard output (CSV only)")
    parser.add_argument("--from", dest="start", help="first day of the period, YYYY-MM-DD (default: a year ago)")
    parser.add_argument("--to", dest="end", help="last day of the period, YYYY-MM-DD (default: today)")
    parser.add_argument("--sector", help="sector code, e.g. medicinal")
    parser.add_argument("--organization", help="organization id")
    parser.add_argument("--lang", choices=LOCALES, default="vi",
                        help="language of headers, labels and organization names (default: vi)")  # fmt: skip


@command("export", "write listings, collaborations or indicators of a period as CSV or XLSX", _export_arguments)
def export_command(args: argparse.Namespace) -> int:
    from marketplace.db import session_scope
    from marketplace.i18n import TIMEZONE

    today = datetime.now(TIMEZONE).date()
    params = {
        "from": args.start or "",
        "to": args.end or "",
        "sector": args.sector or "",
        "organization": args.organization or "",
    }
    language = current_locale.set(args.lang)
    try:
        with session_scope() as session:
            period, errors = indicators.parse_period(params, today)
            scope, scope_errors = indicators.parse_scope(session, params)
            for name, message in (errors | scope_errors).items():
                print(f"--{name}: {message}", file=sys.stderr)
            if errors or scope_errors:
                return 2
            content = build(session, what=args.what, fmt=args.fmt, period=period, scope=scope, today=today)
    finally:
        current_locale.reset(language)
    if args.out == "-":
        sys.stdout.buffer.write(content)
    else:
        with open(args.out, "wb") as handle:
            handle.write(content)
        print(f"{args.what} {period.start}–{period.end} written to {args.out} ({len(content):,} bytes)")
    return 0

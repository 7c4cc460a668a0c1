"""The Department's indicators dashboard and its downloads (staff only)."""

from datetime import date, datetime
from typing import Any

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal
from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlmodel import Session

from marketplace import charts, exports, indicators, labels, listing_views, saved_searches
from marketplace.errors import Invalid
from marketplace.i18n import TIMEZONE, Msg, babel_locale, current_locale, format_vnd, gettext
from marketplace.indicators import Indicators
from marketplace.validation import Errors
from marketplace.web.deps import SessionDep, StaffUser
from marketplace.web.templating import render

router = APIRouter(include_in_schema=False)


def _today() -> date:
    return datetime.now(TIMEZONE).date()


def _parse(session: Session, params: Any) -> tuple[indicators.Period, indicators.Scope, Errors]:
    period, period_errors = indicators.parse_period(params, _today())
    scope, scope_errors = indicators.parse_scope(session, params)
    return period, scope, period_errors | scope_errors


@router.get("/dashboard", name="dashboard")
def dashboard(request: Request, session: SessionDep, user: StaffUser) -> Response:
    period, scope, errors = _parse(session, request.query_params)
    figures = indicators.compute(session, period, scope, _today())
    form = {"from": period.start.isoformat(), "to": period.end.isoformat()} | {
        k: v for k, v in request.query_params.items() if k in ("from", "to", "sector", "organization")
    }
    query = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    query |= {k: str(v) for k, v in (("sector", scope.sector), ("organization", scope.organization)) if v}
    context = {
        "figures": figures, "charts": dashboard_charts(figures), "tables": dashboard_tables(figures),
        "gap_lists": gap_lists(figures), "value_short": vnd_short(figures.contract_value_vnd), "errors": errors, "form": form, "query": query,
        "presets": presets(_today()), "sectors": labels.sector_options(),
        "organizations": indicators.organization_choices(session, current_locale.get()),
        "exports": [(w, f) for w in exports.WHAT for f in exports.FORMATS],
        "followed": saved_searches.most_followed(session), "describe": saved_searches.describe,
        "search_link": saved_searches.search_url,
        "most_viewed": listing_views.most_viewed(session, period.start, period.end),
    }  # fmt: skip
    return render(request, "dashboard.html", context, status_code=422 if errors else 200)


def presets(today: date) -> list[tuple[str, dict[str, str]]]:
    """Common reporting periods as (label, query)."""
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return [
        (gettext("Last 12 months"), {}),
        (gettext("This year"), {"from": date(today.year, 1, 1).isoformat(), "to": today.isoformat()}),
        (gettext("This quarter"), {"from": quarter_start.isoformat(), "to": today.isoformat()}),
        (gettext("Last year"), {"from": date(today.year - 1, 1, 1).isoformat(), "to": date(today.year - 1, 12, 31).isoformat()}),
    ]  # fmt: skip


def month_label(month: str) -> str:
    """`2026-11` as 11/2026 (Vietnamese) or Nov 2026 (English)."""
    pattern = "MM/yyyy" if current_locale.get() == "vi" else "MMM yyyy"
    return babel_format_date(date.fromisoformat(f"{month}-01"), pattern, locale=babel_locale())


def dashboard_charts(f: Indicators) -> dict[str, charts.Chart]:
    """The dashboard's charts, labelled in the reader's language."""
    offers, needs = gettext("Offers"), gettext("Needs")
    gaps = sorted(f.gaps, key=lambda g: g[2] - g[1], reverse=True)
    return {
        "stages": charts.bars([(labels.label("stage", s), [n]) for s, n in f.by_stage], [gettext("Collaborations")]),
        "funnel": charts.funnel(
            [(f"{labels.label('stage', s)} · {f.funnel_rate(n):.0%}", n) for s, n in f.funnel]
        ),
        "sectors": charts.bars([(labels.sector_name(c), [o, n]) for c, o, n in f.by_sector], [offers, needs]),
        "months": charts.columns([(month_label(m), [o, n]) for m, o, n in f.by_month], [offers, needs]),
        "gaps": charts.diverging([(labels.sector_name(c), n, o) for c, o, n, _u in gaps if o or n], [needs, offers]),
        "brokers": charts.bars([(name, [active, overdue]) for name, active, overdue, _s, _m in f.brokers],
                               [gettext("Active"), gettext("Overdue")]),
    }  # fmt: skip


def dashboard_tables(f: Indicators) -> dict[str, list[list[Any]]]:
    """The numbers behind each chart, as table rows with readable first cells."""
    return {
        "stages": [[labels.label("stage", s), n] for s, n in f.by_stage],
        "funnel": [[labels.label("stage", s), n, f"{f.funnel_rate(n):.0%}"] for s, n in f.funnel],
        "sectors": [[labels.sector_name(c), o, n] for c, o, n in f.by_sector],
        "months": [[month_label(m), o, n] for m, o, n in f.by_month],
        "gaps": [[labels.sector_name(c), o, n, u] for c, o, n, u in f.gaps],
        "brokers": [list(row) for row in f.brokers],
    }


def gap_lists(f: Indicators, top: int = 4) -> tuple[list[tuple[str, int, int, int]], list[tuple[str, int, int, int]]]:
    """Sectors with more needs than offers, most needs per offer first, and those with more offers than
    needs (a sector where both are even is a gap on neither side)."""
    demand = sorted((g for g in f.gaps if g[2] > g[1]), key=lambda g: (-(g[2] / max(g[1], 1)), -g[3], g[0]))
    supply = sorted((g for g in f.gaps if g[1] > g[2]), key=lambda g: (-(g[1] / max(g[2], 1)), g[0]))
    return demand[:top], supply[:top]


def vnd_short(amount: int) -> str:
    """A large amount in words readers scan: 12,9 tỷ ₫ / VND 12.9 bn; smaller ones in full."""
    if amount < 1_000_000_000:
        return format_vnd(amount)
    billions = format_decimal(round(amount / 1_000_000_000, 2), locale=babel_locale())
    return gettext("%(n)s billion VND", n=billions)


@router.get("/dashboard/export", name="dashboard_export")
def dashboard_export(request: Request, session: SessionDep, user: StaffUser) -> Response:
    params = request.query_params
    what, fmt = params.get("what", "indicators"), params.get("format", "xlsx")
    period, scope, errors = _parse(session, params)
    if what not in exports.WHAT:
        errors["what"] = Msg("Please choose one of the options offered.")
    if fmt not in exports.FORMATS:
        errors["format"] = Msg("Please choose one of the options offered.")
    if errors:
        raise Invalid(errors, Msg("This export could not be made: please check the period and filters."))
    content = exports.build(session, what=what, fmt=fmt, period=period, scope=scope, today=_today())
    filename = f"hue-{what}-{period.start.isoformat()}-{period.end.isoformat()}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(content, media_type=exports.MEDIA_TYPES[fmt], headers=headers)

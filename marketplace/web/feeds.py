"""What search engines and other sites read: /robots.txt, /sitemap.xml, Atom feeds of newly published listings."""

from collections.abc import Callable
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from sqlmodel import Session
from starlette.datastructures import URL

from marketplace import labels, listing_translations, stories, syndication
from marketplace.errors import NotFound
from marketplace.i18n import DEFAULT_LOCALE, N_, current_locale, gettext
from marketplace.inquiries import org_name
from marketplace.models import Need, Offer, Organization
from marketplace.models._base import utcnow
from marketplace.search.labels import DETAIL_ROUTES
from marketplace.web.deps import RecordId, SessionDep
from marketplace.web.templating import public_url

router = APIRouter(include_in_schema=False)
XML = "application/xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"

# Pages for one signed-in person or for staff, and forms: nothing for a search engine. Rules are prefixes
# ("/login" also covers /login?next=…). Search result pages stay open: a rule for "/search?" alone is read as
# "/search" by simpler parsers (Python's among them), which would close the search page the sitemap lists.
# The JSON API (/api/) is left out too: it carries the same records as the pages, for the city's platforms,
# which call it directly; crawlers should index the pages. /docs and /open-data, which describe it, stay open.
PRIVATE_PATHS = (
    "/me", "/saved-searches", "/account", "/memberships", "/users", "/review", "/pipeline", "/dashboard", "/audit",
    "/glossary", "/inquiries", "/collaborations", "/proposals", "/commissioned/", "/login", "/register",
    "/password/", "/lang/", "/offers/new", "/needs/new", "/offers/*/edit", "/needs/*/edit",
    "/organizations/*/edit", "/api/",
)  # fmt: skip
STATIC_PAGES = ("home", "search_page", "offer_list", "need_list", "organization_list", "expert_list", "open_data_page",
                "results_page")  # fmt: skip
FEED_TITLES = {
    "offer": N_("Technology offers newly published on the Hue Innovation Exchange"),
    "need": N_("Technology needs newly published on the Hue Innovation Exchange"),
}
FEED_SUBTITLES = {  # the lists' own introductions
    "offer": N_(
        "Research results and technologies from Huế's institutes, universities and companies, checked by the Department."
    ),
    "need": N_("What Huế's companies, cooperatives and the Department are looking for."),
}


@router.get("/robots.txt", name="robots_txt")
def robots_txt(request: Request) -> Response:
    # Everything else is allowed; no "Allow: /" line, which crawlers that take the first matching rule would obey
    # before every Disallow.
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in PRIVATE_PATHS), ""]
    lines.append(f"Sitemap: {public_url(request, 'sitemap')}")
    return PlainTextResponse("\n".join(lines) + "\n")


@router.get("/sitemap.xml", name="sitemap")
def sitemap(request: Request, session: SessionDep) -> Response:
    """Every public page in one sitemap, or, beyond the 50,000 URLs one file may hold, an index of several."""
    urls = _sitemap_urls(request, session)
    size = syndication.SITEMAP_MAX_URLS
    if len(urls) <= size:
        return Response(syndication.sitemap(urls), media_type=XML)
    parts = [urls[start : start + size] for start in range(0, len(urls), size)]
    index = [
        (public_url(request, "sitemap_part", number=n), max((at for _url, at in part if at), default=None))
        for n, part in enumerate(parts, start=1)
    ]
    return Response(syndication.sitemap_index(index), media_type=XML)


@router.get("/sitemap-{number}.xml", name="sitemap_part")
def sitemap_part(request: Request, session: SessionDep, number: RecordId) -> Response:
    """The `number`th file of 50,000 URLs that the sitemap index lists."""
    size = syndication.SITEMAP_MAX_URLS
    urls = _sitemap_urls(request, session)
    part = urls[(number - 1) * size : number * size]
    if len(urls) <= size or not part:
        raise NotFound()  # a sitemap small enough for one file has no parts
    return Response(syndication.sitemap(part), media_type=XML)


def _sitemap_urls(request: Request, session: Session) -> list[tuple[str, datetime | None]]:
    """(address, last change) of the public pages: the lists, then every published listing, organization and
    success story."""
    urls: list[tuple[str, datetime | None]] = [(public_url(request, name), None) for name in STATIC_PAGES]
    makers = {kind: _address_maker(request, kind) for kind in ("offer", "need", "organization")}
    urls += [(makers[record.kind](record.id), record.at) for record in syndication.public_records(session)]
    story = public_url(request, "result_detail", story_id="{id}")
    urls += [(story.replace("{id}", str(story_id)), at) for story_id, at in stories.published_changes(session)]
    return urls


def _address_maker(request: Request, kind: str) -> Callable[[int], str]:
    """A function from a record's id to its page's address: the route is looked up once, not for each of
    thousands of records (a lookup walks every route, some 50 µs)."""
    name, param = DETAIL_ROUTES[kind]
    template = public_url(request, name, **{param: "{id}"})
    return lambda record_id: template.replace("{id}", str(record_id))


@router.get("/offers.atom", name="offer_feed")
def offer_feed(request: Request, session: SessionDep) -> Response:
    return _feed(request, session, "offer")


@router.get("/needs.atom", name="need_feed")
def need_feed(request: Request, session: SessionDep) -> Response:
    return _feed(request, session, "need")


def _feed(request: Request, session: Session, kind: str) -> Response:
    """The newest published listings of one kind as Atom, titles and names in the reader's language."""
    language = current_locale.get()
    newest = syndication.newest_published(session, kind)
    address = URL(public_url(request, f"{kind}_feed"))
    feed = syndication.Feed(
        title=gettext(FEED_TITLES[kind]),
        subtitle=gettext(FEED_SUBTITLES[kind]),
        url=str(address if language == DEFAULT_LOCALE else address.include_query_params(lang=language)),
        page_url=public_url(request, f"{kind}_list"),
        language=language,
        entries=[_entry(request, listing, organization, language) for listing, organization in newest],
    )
    return Response(syndication.atom(feed, utcnow()), media_type=ATOM, headers={"Vary": "Cookie"})


def _entry(
    request: Request, listing: Offer | Need, organization: Organization | None, language: str
) -> syndication.Entry:
    """The listing as an entry of the feed in `language`: in its owner's translation when that is the language."""
    kind = "offer" if isinstance(listing, Offer) else "need"
    name, param = DETAIL_ROUTES[kind]
    translation = listing_translations.for_reader(listing, language)
    summary = translation.summary if translation else None  # else the original's, in its own language
    return syndication.Entry(
        title=translation.title if translation else listing.title,
        url=public_url(request, name, **{param: listing.id}),
        published=listing.published_at or listing.updated_at,
        summary=syndication.excerpt(summary) if summary else syndication.preview_of(listing),
        language=translation.language if translation else listing.language,
        summary_language=translation.language if translation and summary else listing.language,
        author=org_name(organization, language),
        author_url=public_url(request, "organization_detail", organization_id=listing.organization_id),
        category=listing.sector_code,
        category_label=labels.sector_name(listing.sector_code),
    )

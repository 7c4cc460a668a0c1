"""Success stories: their section on a collaboration's page (write, ask for consent, consent, refuse, withdraw;
htmx in place or plain forms), the public results pages and their Atom feed (`marketplace.stories` says who may
do what)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.datastructures import URL

from marketplace import collaborations, labels, stories, syndication
from marketplace.errors import Conflict, Invalid
from marketplace.i18n import DEFAULT_LOCALE, N_, Msg, current_locale, gettext
from marketplace.inquiries import org_name
from marketplace.models import Collaboration, Organization, User
from marketplace.models._base import utcnow
from marketplace.web import pipeline
from marketplace.web.deps import Csrf, CurrentUser, FormData, RecordId, SessionDep
from marketplace.web.templating import is_htmx, public_url, render

router = APIRouter(include_in_schema=False)
SECTION = "_partials/_story.html"
ATOM = "application/atom+xml; charset=utf-8"
FEED_TITLE = N_("Results of the Hue Innovation Exchange: research that reached the market")
FEED_SUBTITLE = N_("Collaborations between Huế's researchers and companies, told with both parties' consent.")
STALE = Msg("The story changed while you were reading it; nothing was recorded. Read it again below.")


def section_context(session: Session, user: User, collab: Collaboration, **state: Any) -> dict[str, Any]:
    """What the story section shows: the story, who consented, and what this reader may do with it."""
    story = stories.story_of(session, collab)
    names = {}
    if story is not None:
        ids = {i for i in (story.provider_consent_by_id, story.seeker_consent_by_id) if i}
        names = {i: person.full_name for i in ids if (person := session.get(User, i)) is not None}
    asking = user.is_staff and (story is None or story.status != stories.S.PUBLISHED)  # consent still to come
    context: dict[str, Any] = {
        "collab": collab, "story": story, "story_form": stories.form_values(story), "story_errors": {},
        "story_may_write": stories.may_write(user, collab), "story_party": stories.party_of(session, user, collab),
        "story_consenters": names, "story_status_labels": stories.STATUS_LABELS, "story_flash": None,
        "story_message": None, "story_conflict": False, "is_staff": user.is_staff,
        "provider": session.get(Organization, collab.provider_org_id),
        "seeker": session.get(Organization, collab.seeker_org_id),
        "story_unmanaged": stories.parties_without_manager(session, collab) if asking else [],
    }  # fmt: skip
    return context | state


def _answer(request: Request, session: Session, user: User, collab: Collaboration, *, status: int = 200,
            **state: Any) -> Response:  # fmt: skip
    """The section alone for htmx, else the whole page."""
    context = section_context(session, user, collab, **state)
    if is_htmx(request):
        return render(request, SECTION, context, status_code=status)
    del context["collab"]
    return pipeline.detail_page(request, session, user, collab, status=status, **context)


def _done(request: Request, session: Session, user: User, collab: Collaboration, flash: Msg) -> Response:
    if is_htmx(request):
        return render(request, SECTION, section_context(session, user, collab, story_flash=str(flash)))
    request.session["story_flash"] = str(flash)
    url = request.url_for("collaboration_detail", collab_id=collab.id)
    return RedirectResponse(f"{url.path}#story", status_code=303)


@router.post("/collaborations/{collab_id}/story", name="story_save", dependencies=[Csrf])
def save(request: Request, session: SessionDep, user: CurrentUser, collab_id: RecordId, form: FormData) -> Response:
    collab = collaborations.get_visible(session, collab_id, user)
    try:
        stories.save(session, collab, actor=user, data=form)
    except Invalid as exc:
        return _answer(request, session, user, collab, status=422, story_form=form, story_errors=exc.errors,
                       story_message=exc.message)  # fmt: skip
    except Conflict as exc:
        session.rollback()
        story = stories.story_of(session, collab)
        return _answer(request, session, user, collab, status=409, story_message=exc.message, story_conflict=True,
                       story_form=form | {"version": story.version if story else 1})  # fmt: skip
    return _done(request, session, user, collab, Msg("The success story has been saved."))


def _step(request: Request, session: Session, user: User, collab_id: int, step: str, form: dict[str, Any]) -> Response:
    collab = collaborations.get_visible(session, collab_id, user)
    story = stories.get_of(session, collab, user)
    use_case, flash = {
        "ask": (stories.ask_consent, Msg("Both organizations' managers have been asked for their consent.")),
        "consent": (stories.consent, Msg("Thank you: your organization's consent has been recorded.")),
        "refuse": (stories.refuse, Msg("Your refusal has been recorded; the story will not be published.")),
        "withdraw": (stories.withdraw, Msg("The success story has been withdrawn from the public pages.")),
    }[step]
    try:
        use_case(session, story, actor=user, data=form)
    except Invalid as exc:
        return _answer(request, session, user, collab, status=422, story_message=exc.message,
                       story_errors=exc.errors)  # fmt: skip
    except Conflict as exc:  # a stale form, or a step the story's state makes pointless (the reason is given)
        session.rollback()
        message = STALE if exc.message == Conflict.default else exc.message
        return _answer(request, session, user, collab, status=409, story_message=message, story_conflict=True)
    return _done(request, session, user, collab, flash)


@router.post("/collaborations/{collab_id}/story/ask", name="story_ask", dependencies=[Csrf])
def ask(request: Request, session: SessionDep, user: CurrentUser, collab_id: RecordId, form: FormData) -> Response:
    return _step(request, session, user, collab_id, "ask", form)


@router.post("/collaborations/{collab_id}/story/consent", name="story_consent", dependencies=[Csrf])
def consent(request: Request, session: SessionDep, user: CurrentUser, collab_id: RecordId, form: FormData) -> Response:
    return _step(request, session, user, collab_id, "consent", form)


@router.post("/collaborations/{collab_id}/story/refuse", name="story_refuse", dependencies=[Csrf])
def refuse(request: Request, session: SessionDep, user: CurrentUser, collab_id: RecordId, form: FormData) -> Response:
    return _step(request, session, user, collab_id, "refuse", form)


@router.post("/collaborations/{collab_id}/story/withdraw", name="story_withdraw", dependencies=[Csrf])
def withdraw(request: Request, session: SessionDep, user: CurrentUser, collab_id: RecordId, form: FormData) -> Response:
    return _step(request, session, user, collab_id, "withdraw", form)


# The public pages.


@router.get("/results", name="results_page")
def results_page(request: Request, session: SessionDep, sector: str | None = None, page: str = "1") -> Response:
    """Published stories, newest first; filter by sector; paginated."""
    chosen = stories.check_sector(sector)
    shown, paging, total = stories.published_page(session, sector=chosen, page=int(page) if page.isdigit() else 1)
    context = {"shown": shown, "paging": paging, "total": total, "sector": chosen or "",
               "sectors": labels.sector_options()}  # fmt: skip
    return render(request, "results.html", context, block="results" if is_htmx(request) else None)


@router.get("/results.atom", name="results_feed")
def results_feed(request: Request, session: SessionDep) -> Response:
    """The newest published stories as Atom, organization names in the reader's language."""
    language = current_locale.get()
    address = URL(public_url(request, "results_feed"))
    entries = [
        syndication.Entry(
            title=s.story.headline, url=public_url(request, "result_detail", story_id=s.story.id),
            published=s.story.published_at or s.story.updated_at, summary=syndication.excerpt(s.story.text),
            language=DEFAULT_LOCALE, author=" – ".join(org_name(o, language) for o in (s.provider, s.seeker) if o),
            author_url=None, category=s.collaboration.sector_code or "",
            category_label=labels.sector_name(s.collaboration.sector_code),
        )
        for s in stories.published(session, limit=syndication.FEED_SIZE)
    ]  # fmt: skip
    feed = syndication.Feed(
        title=gettext(FEED_TITLE), subtitle=gettext(FEED_SUBTITLE), page_url=public_url(request, "results_page"),
        url=str(address if language == DEFAULT_LOCALE else address.include_query_params(lang=language)),
        language=language, entries=entries,
    )  # fmt: skip
    return Response(syndication.atom(feed, utcnow()), media_type=ATOM, headers={"Vary": "Cookie"})


@router.get("/results/{story_id}", name="result_detail")
def result_detail(request: Request, session: SessionDep, story_id: RecordId) -> Response:
    """One published story (404 for a draft, one waiting for consent or withdrawn)."""
    shown = stories.get_published(session, story_id)
    return render(request, "result.html", {"s": shown})

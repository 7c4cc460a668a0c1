"""The Department's glossary page: staff see, filter, add and take out the Vietnamese–English terms that
search and partner proposals use, download them as CSV, and recalculate every partner proposal with them."""

from fastapi import APIRouter, BackgroundTasks, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from marketplace import exports, glossary, recalculation, validation
from marketplace.db import paginate
from marketplace.errors import Conflict, Invalid
from marketplace.i18n import Msg, ngettext
from marketplace.models._base import ident
from marketplace.validation import one_line
from marketplace.web.deps import Csrf, FormData, PageNumber, SessionDep, StaffUser
from marketplace.web.templating import render

router = APIRouter()
PER_PAGE = 100  # terms a page: an imported file may hold thousands


@router.get("/glossary", name="glossary_page")
def glossary_page(
    request: Request, session: SessionDep, user: StaffUser, q: str = "", page: PageNumber = 1
) -> Response:
    if request.headers.get("hx-target") == "recalculation":  # the card polling its own progress
        context = {"recalculation": recalculation.overview(session)}
        return render(request, "glossary.html", context, block="recalculation")
    return _page(request, session, q=q, page=page)


def _page(
    request: Request,
    session: SessionDep,
    *,
    q: str = "",
    page: int = 1,
    form: dict[str, str] | None = None,
    errors: dict[str, Msg] | None = None,
    status_code: int = 422,
    import_errors: dict[str, Msg] | None = None,
) -> Response:
    """The list (filtered by `q`, with or without accents), the form to add a term and what was said."""
    seed_dir = request.app.state.settings.SEED_DIR
    shown = glossary.terms(session, seed_dir, q)
    window = paginate(len(shown), page, PER_PAGE)
    q = one_line(q)
    block = "results" if request.headers.get("hx-target") == "results" else None  # the pager, through htmx
    context = {
        "terms": shown[window.offset : window.offset + PER_PAGE],
        "matched": len(shown),
        "total": glossary.size(session, seed_dir) if q else len(shown),
        "page": window.number,
        "pages": window.pages,
        "query": {"q": q} if q else {},
        "q": q,
        "form": form or {},
        "errors": errors or {},
        "flash": request.session.pop("flash", None),
        "recalculation": recalculation.overview(session) if block is None else None,
        "import_errors": import_errors or {},
    }
    status = status_code if errors or import_errors else 200
    return render(request, "glossary.html", context, block=block, status_code=status)


@router.post("/glossary", name="glossary_add", dependencies=[Csrf])
def glossary_add(request: Request, session: SessionDep, user: StaffUser, form: FormData) -> Response:
    try:
        term = glossary.add(session, user, form, request.app.state.settings.SEED_DIR)
    except Invalid as exc:
        return _page(request, session, form=form, errors=exc.errors)
    request.session["flash"] = str(Msg("Added: “%(vi)s = %(en)s”.", vi=term.vi, en=term.en))
    return RedirectResponse(request.url_for("glossary_page").path, status_code=303)


@router.post("/glossary/remove", name="glossary_remove", dependencies=[Csrf])
def glossary_remove(request: Request, session: SessionDep, user: StaffUser, form: FormData) -> Response:
    try:
        term = glossary.remove(session, user, form, request.app.state.settings.SEED_DIR)
    except Invalid as exc:
        page = validation.integer({}, form, "page", low=1, high=100_000, required=False) or 1  # where it was
        return _page(request, session, q=form.get("q", ""), page=page, errors=exc.errors)
    request.session["flash"] = str(Msg("Taken out: “%(vi)s = %(en)s”.", vi=term.vi, en=term.en))
    query = {key: form[key] for key in ("q", "page") if form.get(key)}  # back where the term was
    return RedirectResponse(str(request.url_for("glossary_page").include_query_params(**query)), status_code=303)


@router.post("/glossary/import", name="glossary_import", dependencies=[Csrf])
def glossary_import(request: Request, session: SessionDep, user: StaffUser, file: UploadFile | None = None) -> Response:
    """Add the terms of an uploaded CSV file (the download's format); every wrong line is named, nothing added."""
    content = file.file.read(glossary.MAX_IMPORT_BYTES + 1) if file is not None else b""
    try:
        done = glossary.import_csv(session, user, content, request.app.state.settings.SEED_DIR)
    except Invalid as exc:
        return _page(request, session, import_errors=exc.errors)
    told = [ngettext("Imported %(num)d term.", "Imported %(num)d terms.", done.added)]
    if done.already:
        told.append(
            ngettext("%(num)d was in the glossary already.", "%(num)d were in the glossary already.", done.already)
        )
    request.session["flash"] = " ".join(told)
    return RedirectResponse(request.url_for("glossary_page").path, status_code=303)


@router.post("/glossary/recalculate", name="glossary_recalculate", dependencies=[Csrf])
def glossary_recalculate(
    request: Request, session: SessionDep, user: StaffUser, background: BackgroundTasks
) -> Response:
    """Start recalculating every partner proposal; the work runs after the answer, in this process."""
    try:
        started = recalculation.start(session, user)
    except Conflict as exc:
        return _page(request, session, errors={"recalculate": exc.message}, status_code=exc.status_code)
    background.add_task(recalculation.run, ident(started), engine=request.app.state.engine)
    request.session["flash"] = str(
        Msg("Recalculation started. You can keep working meanwhile; this page shows how far it has got.")
    )
    return RedirectResponse(request.url_for("glossary_page").path, status_code=303)


@router.get("/glossary.csv", name="glossary_export")
def glossary_export(request: Request, session: SessionDep, user: StaffUser) -> Response:
    """The glossary in the shipped file's format (`vi,en`), to keep or share."""
    found = glossary.terms(session, request.app.state.settings.SEED_DIR)
    sheet = exports.Sheet("glossary", ["vi", "en"], [[t.vi, t.en] for t in found])
    disposition = {"Content-Disposition": 'attachment; filename="hue-glossary.csv"'}
    return Response(exports.to_csv([sheet]), media_type=exports.MEDIA_TYPES["csv"], headers=disposition)

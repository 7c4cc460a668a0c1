"""Operator command line: `python -m marketplace COMMAND` (see `--help`)."""

import argparse
import getpass
import json
import sys
from collections.abc import Callable

from marketplace.config import get_settings

Command = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, tuple[Command, Callable[[argparse.ArgumentParser], None], str]] = {}


def command(name: str, help: str, arguments: Callable[[argparse.ArgumentParser], None] = lambda p: None):
    """Register a sub-command; modules of other areas add theirs the same way."""

    def register(func: Command) -> Command:
        COMMANDS[name] = (func, arguments, help)
        return func

    return register


@command("migrate", "apply database migrations (Alembic) up to the newest; install the sector taxonomy")
def migrate_command(args: argparse.Namespace) -> int:
    """The schema, and the reference data every installation needs, demo data or not: the sectors a
    listing must name (without them, a fresh installation could publish nothing)."""
    from marketplace import migrate
    from marketplace.db import get_engine, session_scope
    from marketplace.seed import load_sectors

    migrate.upgrade(get_engine())
    with session_scope() as session:
        added = load_sectors(session, get_settings().SEED_DIR)
        session.commit()
    print(f"migrations applied; sectors added: {added}")
    return 0


def _seed_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--if-empty", action="store_true", help="only when the database holds no organization yet")


@command("seed", "load the demo data of seed_data/ (adds only what is missing)", _seed_arguments)
def seed_command(args: argparse.Namespace) -> int:
    from sqlmodel import func, select

    from marketplace import recalculation
    from marketplace.db import session_scope
    from marketplace.models import Organization
    from marketplace.models._base import ident
    from marketplace.seed import seed

    opened = None
    with session_scope() as session:
        if args.if_empty and session.exec(select(func.count()).select_from(Organization)).one():
            print("database already holds data; demo data not loaded")
            return 0
        added = seed(session, get_settings().SEED_DIR)
        if added["offers"] or added["needs"]:  # the demo shows partner proposals from the start
            opened = ident(recalculation.start_from_command_line(session))
    if opened is not None:
        recalculation.run(opened)  # recorded, as /glossary shows the last recalculation
    print(json.dumps({"added": added}, ensure_ascii=False))
    return 0


@command("match", "recompute every match proposal in batch (safe while the site serves)")
def match_command(args: argparse.Namespace) -> int:
    """The same recalculation staff start on /glossary, recorded the same way, so the page shows it."""
    from tqdm import tqdm

    from marketplace import recalculation
    from marketplace.db import session_scope
    from marketplace.errors import Conflict
    from marketplace.models._base import ident

    with session_scope() as session:
        try:
            opened = recalculation.start_from_command_line(session)
        except Conflict as exc:
            print(str(exc.message), file=sys.stderr)
            return 1
    done = recalculation.run(ident(opened), progress=lambda items: tqdm(items, desc="listings", unit="listing"))
    report: dict[str, object] = {key: getattr(done, key) for key in ("added", "updated", "removed", "unchanged")}
    report |= {"listings": done.listings_done} | ({"error": done.error} if done.error else {})
    print(json.dumps(report, ensure_ascii=False))
    return 1 if done.error else 0


def _user_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--email", required=True)
    parser.add_argument("--name", required=True, help="full name")
    parser.add_argument("--role", required=True, choices=["staff", "admin", "researcher", "enterprise"])
    parser.add_argument("--organization", help="organization key, e.g. dost")
    parser.add_argument("--password", help="omit to be asked (recommended: keeps it out of shell history)")


@command("create-user", "create an account of any role (the only way to make staff and admin)", _user_arguments)
def create_user_command(args: argparse.Namespace) -> int:
    from marketplace.accounts import create_user
    from marketplace.db import session_scope
    from marketplace.errors import Invalid

    password = args.password or getpass.getpass("Password: ")
    with session_scope() as session:
        try:
            user = create_user(
                session,
                email=args.email,
                password=password,
                full_name=args.name,
                role=args.role,
                organization_key=args.organization,
            )
        except Invalid as exc:
            for field, message in exc.errors.items():
                print(f"{field}: {message}", file=sys.stderr)
            return 2
    print(f"created {user.role} {user.email} (id {user.id})")
    return 0


@command("stats", "print counts as JSON: organizations, users by role, listings by status, collaborations by stage")
def stats_command(args: argparse.Namespace) -> int:
    from marketplace.db import session_scope
    from marketplace.stats import counts

    with session_scope() as session:
        print(json.dumps(counts(session), ensure_ascii=False, indent=2))
    return 0


def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--reload", action="store_true")


@command("serve", "serve the web application with uvicorn", _serve_arguments)
def serve_command(args: argparse.Namespace) -> int:
    import uvicorn

    uvicorn.run(
        "marketplace.main:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        reload=args.reload,
        proxy_headers=True,
        log_level=get_settings().LOG_LEVEL.lower(),
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    import marketplace.commands  # noqa: F401  (commands of the other areas)

    parser = argparse.ArgumentParser(
        prog="python -m marketplace", description="Hue Innovation Exchange operator commands"
    )
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name, (_func, arguments, help_text) in COMMANDS.items():
        arguments(subparsers.add_parser(name, help=help_text, description=help_text))
    args = parser.parse_args(argv)
    return COMMANDS[args.command][0](args)

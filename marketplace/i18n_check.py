"""Finds user-facing messages that the Vietnamese catalog does not translate.

`python -m marketplace.i18n_check` lists them and exits 1 when there are any;
`--write FILE.po` appends the missing ones to that catalog file with an empty translation to fill in.
"""

import argparse
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from marketplace.config import ROOT
from marketplace.i18n import LOCALE_DIR, catalog

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "Msg": None}
METHODS = [("**.py", "python"), ("**.html", "jinja2")]
OPTIONS = {"**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true", "trimmed": "false"}}


def _visible_directory(dirpath: str | Path) -> bool:
    """Search every folder but hidden and cache ones (Babel's default also skips `_partials`)."""
    name = Path(dirpath).name
    return not name.startswith(".") and name != "__pycache__"


def used_messages() -> dict[str, str]:
    """Every message id used in the code and templates, with one place it is used."""
    found: dict[str, str] = {}
    for folder in (ROOT / "marketplace", ROOT / "templates"):
        for filename, lineno, message, _comments, _context in extract_from_dir(
            folder,
            method_map=METHODS,
            options_map=OPTIONS,
            keywords=KEYWORDS,
            strip_comment_tags=True,
            directory_filter=_visible_directory,
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                found.setdefault(msgid, f"{folder.name}/{filename}:{lineno}")
    return found


def missing(locale: str = "vi") -> dict[str, str]:
    """Messages used but not translated in `locale`."""
    translated = catalog(locale)
    return {msgid: where for msgid, where in used_messages().items() if msgid not in translated}


def append_to(path: Path, messages: dict[str, str]) -> None:
    """Add `messages` to the catalog file at `path` with empty translations."""
    if path.exists():
        with path.open("rb") as handle:
            cat = read_po(handle, locale="vi")
    else:
        cat = Catalog(locale="vi", project="Hue Innovation Exchange")
    for msgid, where in messages.items():
        if msgid not in cat:
            cat.add(msgid, "", locations=[(where.rsplit(":", 1)[0], int(where.rsplit(":", 1)[1]))])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, cat, width=100, sort_output=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--write", type=Path, help="append missing messages to this .po file under locales/vi/LC_MESSAGES"
    )
    args = parser.parse_args()
    todo = missing()
    for msgid, where in sorted(todo.items(), key=lambda item: item[1]):
        print(f"{where}: {msgid}")
    if args.write and todo:
        append_to(args.write if args.write.is_absolute() else LOCALE_DIR / "vi" / "LC_MESSAGES" / args.write, todo)
        print(f"{len(todo)} messages added to {args.write}; fill in their msgstr")
    print(f"{len(todo)} untranslated messages")
    return 1 if todo else 0


if __name__ == "__main__":
    sys.exit(main())

"""Fill a Vietnamese catalog file from a Python dict of translations (a translator's helper).

`python -m marketplace.i18n_fill core.po translations.py` reads `T = {msgid: msgstr}` from the
second file and writes the translations of the messages the code uses into the first; it only
adds or completes entries.
"""

import runpy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from marketplace.i18n import LOCALE_DIR
from marketplace.i18n_check import used_messages


def fill(po_name: str, translations: dict[str, str]) -> int:
    """Add every used message found in `translations` to the catalog file; returns how many."""
    path = LOCALE_DIR / "vi" / "LC_MESSAGES" / po_name
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale="vi")
    else:
        catalog = Catalog(locale="vi", project="Hue Innovation Exchange")
    used = used_messages()
    count = 0
    for msgid, msgstr in translations.items():
        if msgid in used and not (msgid in catalog and catalog[msgid].string):
            where = used[msgid].rsplit(":", 1)
            catalog.add(msgid, msgstr, locations=[(where[0], int(where[1]))])
            count += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)
    return count


if __name__ == "__main__":
    print(fill(sys.argv[1], runpy.run_path(str(Path(sys.argv[2])))["T"]), "messages added")

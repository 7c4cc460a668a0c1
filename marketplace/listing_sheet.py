"""The spreadsheet of a listing import: its columns, the template to fill in, and reading a filled one back.

A sheet's first row names its columns in Vietnamese and its second their stable keys (the form's field names);
a filled sheet may keep or drop the key row, and a column is recognized by its key, its Vietnamese or English
name, or a common synonym, with or without accents. Values of the fixed vocabularies (sector, TRL, IP status,
collaboration types, language) may be written as codes or as labels, accents optional (`matching.text.fold`).
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import filetype
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from marketplace import labels, listing_forms
from marketplace.errors import Invalid
from marketplace.i18n import N_, Msg, catalog, gettext
from marketplace.listing_forms import Kind
from marketplace.mail import in_language
from matching.text import fold, normalize

MAX_BYTES = 2_000_000
MAX_ROWS = 500
MAX_UNPACKED_BYTES = 60_000_000  # a 2 MB workbook that unpacks to more is a zip bomb, not a list of results
HEADER_SEARCH_ROWS = 10  # a title line ("DANH MỤC KẾT QUẢ NGHIÊN CỨU") may sit above the header
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and every password-protected Office file
COLUMNS: dict[Kind, tuple[str, ...]] = {
    "offer": ("title", "sector_code", "trl", "summary", "description", "applications", "advantages",
              "trl_justification", "ip_status", "ip_reference", "collaboration_types", "keywords", "terms",
              "language", "translated_title", "translated_summary", "species", "latin_name", "plant_part",
              "active_compounds", "standard", "ocop"),
    "need": ("title", "sector_code", "problem", "desired_outcome", "constraints", "min_trl", "budget_min_vnd",
             "budget_max_vnd", "deadline", "collaboration_types", "keywords", "language", "translated_title",
             "translated_summary"),
}  # fmt: skip
REQUIRED: dict[Kind, tuple[str, ...]] = {"offer": ("title", "sector_code", "trl"), "need": ("title", "sector_code")}
SYNONYMS = {  # how institutes' own lists name these columns (folded)
    "title": ("ten", "ten ket qua", "ten ket qua nghien cuu", "ten cong nghe", "ten san pham", "ten nhu cau"),
    "sector_code": ("nganh", "linh vuc nghien cuu", "sector"),
    "trl": ("trl", "muc do san sang"),
    "min_trl": ("trl toi thieu",),
    "ip_status": ("tinh trang so huu tri tue", "so huu tri tue", "shtt"),
    "keywords": ("tu khoa",),
    "description": ("mo ta chi tiet", "noi dung"),
}
HELP = {
    "title": N_("Required. One line, 5 to 200 characters. A title your organization already uses is skipped."),
    "sector_code": N_("Required. One sector, by its code or its name (see the list below)."),
    "trl": N_("Required. A whole number from 1 to 9 (“6”, “TRL 6”)."),
    "min_trl": N_("A whole number from 1 to 9."),
    "ip_status": N_("One status, by its code or its name (see the list below)."),
    "collaboration_types": N_("One or more, separated by commas or semicolons, by code or name (see the list below)."),
    "keywords": N_("Separated by commas or semicolons; at most 15."),
    "language": N_("vi or en (Vietnamese if empty)."),
    "translated_title": N_("Optional: the title in the other language (English for a Vietnamese listing)."),
    "translated_summary": N_("Optional, with a translated title: the summary in the other language."),
    "budget_min_vnd": N_("Whole đồng, digits only (150000000 or 150.000.000)."),
    "budget_max_vnd": N_("Whole đồng, digits only (150000000 or 150.000.000)."),
    "deadline": N_("A date in the future, such as 31/12/2027."),
}
LANGUAGE_NAMES = {"vi": ("tieng viet", "vietnamese"), "en": ("tieng anh", "english")}


@dataclass
class Sheet:
    """What a filled sheet holds: each data row's form values by key, the columns read, those left aside."""

    columns: dict[str, int]  # key -> column index (0-based)
    rows: list[tuple[int, dict[str, Any], dict[str, Msg]]] = field(default_factory=list)  # line, values, problems
    ignored: list[str] = field(default_factory=list)  # headers of columns no key matches

    def cell(self, key: str, line: int) -> str:
        """The cell reference of a key's column on a line ("C7"), or "" when the sheet has no such column."""
        return f"{get_column_letter(self.columns[key] + 1)}{line}" if key in self.columns else ""


def _key(text: object) -> str:
    """Text as compared: folded, lower case, punctuation and "*" as single spaces."""
    return " ".join(re.sub(r"[\W_]+", " ", fold(normalize(str(text or "")))).split())


def _vi(msgid: str) -> str:
    found = catalog("vi").get(msgid)
    return found if isinstance(found, str) else msgid


def vocabulary(key: str) -> list[tuple[str, str, str]]:
    """(code, Vietnamese label, English label) of the values a column allows; empty for free text."""
    if key == "sector_code":
        with in_language("vi"):
            vi = dict(labels.sector_options())
        with in_language("en"):
            return [(code, vi[code], name) for code, name in labels.sector_options()]
    if key in ("trl", "min_trl"):
        return [(str(n), _vi(text), text) for n, text in enumerate(listing_forms.TRL_LEVELS, start=1)]
    named = {"ip_status": "ip_status", "collaboration_types": "collaboration_type"}.get(key)
    if named:
        return [(code, _vi(text), text) for code, text in labels.LABELS[named].items()]
    if key == "language":
        return [("vi", "Tiếng Việt", "Vietnamese"), ("en", "Tiếng Anh", "English")]
    return []


def _header_names(key: str) -> set[str]:
    label = listing_forms.FIELD_LABELS[key]
    return {_key(key), _key(label), _key(_vi(label)), *SYNONYMS.get(key, ())}


# ---- the template


def template(kind: Kind, fmt: str) -> bytes:
    """The empty sheet to fill in (XLSX with an explanation sheet, or UTF-8 CSV with a byte-order mark)."""
    keys = COLUMNS[kind]
    headers = [_vi(listing_forms.FIELD_LABELS[k]) + (" *" if k in REQUIRED[kind] else "") for k in keys]
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows([headers, list(keys)])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _vi(labels.LABELS["listing_kind"][kind])
    sheet.append(headers)
    sheet.append(list(keys))
    for cell in sheet[1]:
        cell.font, cell.fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="4B2A6B")
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="777777")
    for i, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(max(len(header) + 4, 16), 40)
    sheet.freeze_panes = "A3"
    _explanations(book, kind)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _explanations(book: Workbook, kind: Kind) -> None:
    """The second sheet: each column, what it takes, and every allowed value with its Vietnamese label."""
    sheet = book.create_sheet(gettext("How to fill in"))
    sheet.append([gettext("Column"), gettext("Key"), gettext("What to write")])
    for key in COLUMNS[kind]:
        what = gettext(HELP[key]) if key in HELP else gettext("Free text.")
        sheet.append([_vi(listing_forms.FIELD_LABELS[key]), key, what])
    sheet.append([])
    sheet.append([gettext("Allowed values"), gettext("Code"), gettext("Vietnamese label"), gettext("English label")])
    for key in COLUMNS[kind]:
        if key != "min_trl":
            for code, vi, en in vocabulary(key):
                sheet.append([_vi(listing_forms.FIELD_LABELS[key]), code, vi, en])
    for row in (sheet[1], sheet[len(COLUMNS[kind]) + 3]):
        for cell in row:
            cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (34, 22, 60, 50), strict=True):
        sheet.column_dimensions[letter].width = width


# ---- reading a filled sheet


def read(kind: Kind, content: bytes) -> Sheet:
    """The rows of an uploaded XLSX or CSV file, each mapped to form values; Invalid({"file": …}) for a file that
    cannot be read as one (empty, too large, of another type, protected, corrupt, without the template's header)."""
    grid = _grid(content)
    columns, ignored, start = _header(kind, grid)
    sheet = Sheet(columns, ignored=ignored)
    for offset, raw in enumerate(grid[start:], start=start + 1):
        cells = {key: _text(raw[i]) if i < len(raw) else "" for key, i in columns.items()}
        if not any(cells.values()) or _is_key_row(cells):
            continue
        if len(sheet.rows) == MAX_ROWS:
            raise Invalid({"file": Msg("A file may hold up to %(max)d listings; split it.", max=MAX_ROWS)})
        values, problems = _values(cells)
        sheet.rows.append((offset, values, problems))
    if not sheet.rows:
        raise Invalid({"file": Msg("The file holds no listing below its header row.")})
    return sheet


def _grid(content: bytes) -> list[list[Any]]:
    if not content.strip():
        raise Invalid({"file": Msg("Please choose a file: the one you sent is empty.")})
    if len(content) > MAX_BYTES:
        raise Invalid({"file": Msg("The file is larger than 2 MB; split it.")})
    if content.startswith(OLE2):
        raise Invalid({"file": Msg("This workbook is protected by a password, or saved in the old Excel 97–2003 format (.xls). Please remove the password and save it as an Excel workbook (.xlsx).")})  # fmt: skip
    media_type = filetype.guess_mime(content)
    if media_type in (XLSX, "application/zip"):
        return _xlsx_grid(content)
    if media_type is not None:
        raise Invalid({"file": Msg("This file is neither an Excel workbook (.xlsx) nor a CSV file.")})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid({"file": Msg("The file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (Comma delimited)”, or send the .xlsx workbook.")}) from None  # fmt: skip
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)]
    except csv.Error:
        raise Invalid({"file": Msg("The file cannot be read as CSV.")}) from None


def _xlsx_grid(content: bytes) -> list[list[Any]]:
    """The first worksheet's cells (values Excel last computed; a formula never computed reads as empty)."""
    corrupt = Invalid({"file": Msg("The workbook cannot be read: it may be damaged. Open it in Excel, save it again and send it once more.")})  # fmt: skip
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise corrupt
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Invalid:
        raise
    except Exception:  # openpyxl raises many kinds (KeyError, zipfile.BadZipFile, XML errors) on a bad file
        raise corrupt from None
    try:
        sheet = book.worksheets[0]
        limit = MAX_ROWS + HEADER_SEARCH_ROWS + 50  # a longer sheet is refused below without reading it all
        return [list(row) for _, row in zip(range(limit), sheet.iter_rows(values_only=True), strict=False)]
    except Exception:
        raise corrupt from None
    finally:
        book.close()


def _header(kind: Kind, grid: list[list[Any]]) -> tuple[dict[str, int], list[str], int]:
    """The columns found in the first row, among the first few, that names the required ones."""
    names = {name: key for key in COLUMNS[kind] for name in _header_names(key)}
    for number, raw in enumerate(grid[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        ignored = []
        for i, cell in enumerate(raw):
            key = names.get(_key(cell))
            if key and key not in columns:
                columns[key] = i
            elif _text(cell):
                ignored.append(_text(cell))
        if all(key in columns for key in REQUIRED[kind]):
            return columns, ignored, number + 1
    wanted = ", ".join(_vi(listing_forms.FIELD_LABELS[key]) for key in REQUIRED[kind])
    raise Invalid({"file": Msg("The header row was not found: it must name at least the columns %(columns)s, as in the template. Is this the template for the right kind of listing?", columns=wanted)})  # fmt: skip


def _is_key_row(cells: dict[str, str]) -> bool:
    return all(value == key for key, value in cells.items())


def _text(value: Any) -> str:
    """A cell as the form would have received it: whole numbers without ".0", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    return str(value).strip()


def _values(cells: dict[str, str]) -> tuple[dict[str, Any], dict[str, Msg]]:
    """Form values of one row: vocabularies' labels turned into codes, dates into ISO; problems of those that are not."""
    values: dict[str, Any] = dict(cells)
    problems: dict[str, Msg] = {}
    for key, raw in cells.items():
        if not raw:
            continue
        if key in ("trl", "min_trl"):
            found = re.fullmatch(r"(?:trl\s*)?(\d+)(?:\D.*)?", _key(raw))
            values[key] = found.group(1) if found else raw
        elif key == "collaboration_types":
            written = [(part, _choice(key, part)) for part in re.split(r"[,;\n]", raw) if part.strip()]
            values[key] = [code for _, code in written if code]
            wrong = [part for part, code in written if code is None]
            if wrong:
                problems[key] = _unknown(wrong[0])
        elif key in ("sector_code", "ip_status", "language"):
            code = _choice(key, raw)
            values[key] = code or ""
            if code is None:
                problems[key] = _unknown(raw)
        elif key == "deadline":
            found = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", raw)
            values[key] = f"{found[3]}-{int(found[2]):02d}-{int(found[1]):02d}" if found else raw
    return values, problems


def _choice(key: str, raw: str) -> str | None:
    """The code a written value stands for: a code or label, whole, or the start or a part of one label only."""
    wanted = _key(raw)
    if not wanted:
        return None
    options = [
        (code, {_key(code), _key(vi), _key(en), *LANGUAGE_NAMES.get(code, ())}) for code, vi, en in vocabulary(key)
    ]
    for test in (
        lambda name: name == wanted,
        lambda name: name.startswith(wanted + " "),
        lambda name: f" {wanted} " in f" {name} ",
    ):
        found = {code for code, names in options if any(test(name) for name in names)}
        if len(found) == 1:
            return found.pop()
    return None


def _unknown(raw: str) -> Msg:
    return Msg("“%(value)s” is not one of the allowed values; the template's “How to fill in” sheet lists them.", value=raw.strip())  # fmt: skip

"""Reading the parcel lists that define the areas: Bilag 1 of the orders on area boundaries.

BEK nr. 1365 af 29/11/2018 (and the orders after it) defines each boligområde as a set of
cadastral parcels and lists them in Bilag 1 with the headers ``Område | Kommune |
Landsejerlavskode | Matrikelnummer``. Two layouts are read, as CSV or Excel:

- *one row per area and ejerlav*, the parcels of that ejerlav comma-separated in the
  Matrikelnummer cell (``Blågården | København | 2000173 | 6307, 234, 6003``), the way the
  order prints them;
- *one row per parcel* (``Blågården | København | 2000173 | 6307``).

An area whose parcels lie in several ejerlav has one row per ejerlav. A row whose Område is
blank continues the area of the row above, as merged cells of a printed table do: its Kommune
must be blank or the same, and a blank Landsejerlavskode continues the ejerlav above. Nothing
else is filled in: a cell holding several ejerlav codes is refused, because which parcel
belongs to which ejerlav cannot be told from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from geo.errors import InputRejected, Problem
from geo.naming import ascii_fold, municipality_code
from geo.tabular import read_table, require_columns

# Accepted headers (read_table lowercases them); the first of each is the order's own.
LIST_COLUMNS: dict[str, tuple[str, ...]] = {
    "area": ("område", "omraade", "boligområde", "boligomraade"),
    "municipality": ("kommune", "kommunenavn", "kommunekode"),
    "ejerlav": ("landsejerlavskode", "ejerlavskode", "ejerlavkode"),
    "parcels": ("matrikelnummer", "matrikelnumre", "matrikelnr.", "matrikelnr", "matr.nr."),
}
# A matrikelnummer: a number and up to four letters ("6307", "14gf", "172b", "1æ").
_PARCEL = re.compile(r"^[0-9]+[a-zæøå]{0,4}$")
_EXCEL_DECIMAL = re.compile(r"^[0-9]+\.[0-9]+$")

LAYOUT_PER_AREA = "one row per area and ejerlav, parcels comma-separated"
LAYOUT_PER_PARCEL = "one row per parcel"


@dataclass(frozen=True)
class ListedParcel:
    """One parcel of the list: the area it belongs to (as the list names it) and its key."""

    row: int  # 1-based data row (header excluded) that lists it
    area: str
    municipality_code: str
    ejerlav: int
    parcel: str  # normalised: lowercase, no spaces


@dataclass
class ParcelList:
    """A parsed Bilag 1 table."""

    path: Path
    parcels: list[ListedParcel]
    layout: str
    notes: list[str] = field(default_factory=list)

    def areas(self) -> dict[tuple[str, str], list[ListedParcel]]:
        """The listed parcels grouped by (area name, municipality code), in list order."""
        out: dict[tuple[str, str], list[ListedParcel]] = {}
        for p in self.parcels:
            out.setdefault((p.area, p.municipality_code), []).append(p)
        return out


def normalise_parcel(value: str) -> str:
    """A matrikelnummer as compared: lowercase without spaces (``"14 GF"`` → ``"14gf"``)."""
    return re.sub(r"\s+", "", value).lower()


def _municipality_lookup(names: dict[str, str]) -> dict[str, str]:
    """Folded municipality name (with or without "Kommune") → code."""
    lookup: dict[str, str] = {}
    for code, name in names.items():
        if not isinstance(name, str) or not name:
            continue
        folded = ascii_fold(name).strip()
        lookup[folded] = code
        lookup[re.sub(r"\s+kommune$", "", folded)] = code
    return lookup


def _municipality(value: str, lookup: dict[str, str]) -> str | None:
    text = value.strip()
    if text.isdigit() or text.endswith(".0"):
        try:
            return municipality_code(text)
        except ValueError:
            return None
    folded = re.sub(r"\s+kommune$", "", ascii_fold(text).strip())
    return lookup.get(folded)


def _ejerlav(value: str) -> int | None:
    text = value.replace(" ", "")
    if text.endswith(".0"):  # a whole number handed over by a spreadsheet
        text = text[:-2]
    return int(text) if text.isdigit() and 0 < int(text) < 100_000_000 else None


def _parcels(value: str, row: int, column: str, problems: list[Problem]) -> list[str]:
    if _EXCEL_DECIMAL.match(value.strip()):
        problems.append(
            Problem(
                "looks like a decimal number, not a parcel list: a spreadsheet may have read "
                "parcels such as '6307,234' as the number 6307.234",
                row=row,
                column=column,
                value=value,
                expected="the column formatted as text, parcels separated by commas",
            )
        )
        return []
    out = []
    for token in value.split(","):
        parcel = normalise_parcel(token)
        if not _PARCEL.match(parcel):
            problems.append(
                Problem(
                    f"{token.strip()!r} is not a matrikelnummer",
                    row=row,
                    column=column,
                    value=value,
                    expected="matrikelnumre such as 6307 or 14gf, separated by commas",
                )
            )
            continue
        out.append(parcel)
    return out


def read_parcel_list(path: str | Path, municipality_names: dict[str, str]) -> ParcelList:
    """Read a Bilag 1 table (CSV or Excel) in either layout.

    Parameters
    ----------
    path
        The list: columns Område, Kommune, Landsejerlavskode and Matrikelnummer.
    municipality_names
        Municipality code → name, to read the Kommune column (a name as the order prints
        it, with or without "Kommune", or a code).

    Returns
    -------
    ParcelList
        Every listed parcel with the row that lists it; a parcel listed twice for the same
        area is kept once (and noted).

    Raises
    ------
    InputRejected
        Naming row, column and value: a missing column, a blank or unknown Kommune, an
        ejerlav code that is not a number or several codes in one cell, a token that is not
        a matrikelnummer, a continuation row without a row above, a parcel listed for two
        areas, or no parcels at all.
    """
    path = Path(path)
    source = str(path)
    table = read_table(path)
    columns = require_columns(table, source, LIST_COLUMNS)
    lookup = _municipality_lookup(municipality_names)
    problems: list[Problem] = []
    listed: list[ListedParcel] = []
    owner: dict[tuple[int, str], ListedParcel] = {}
    notes: list[str] = []
    area, code, ejerlav = "", "", 0
    several = False
    for i, record in enumerate(table.to_dict("records"), start=1):
        cells = {key: str(record[col]).strip() for key, col in columns.items()}
        if not any(cells.values()):
            continue
        if cells["area"]:
            area, code, ejerlav = cells["area"], "", 0
            if not cells["municipality"]:
                problems.append(
                    Problem(
                        "the Kommune cell is blank",
                        row=i,
                        column=columns["municipality"],
                        expected="the municipality's name or code",
                    )
                )
                continue
        elif not area:
            problems.append(
                Problem(
                    "the Område cell is blank and there is no area above to continue",
                    row=i,
                    column=columns["area"],
                    expected="the area's name",
                )
            )
            continue
        if cells["municipality"]:
            found = _municipality(cells["municipality"], lookup)
            if found is None:
                problems.append(
                    Problem(
                        "unknown municipality",
                        row=i,
                        column=columns["municipality"],
                        value=cells["municipality"],
                        expected="a Danish municipality's name (e.g. København) or code (101–999)",
                    )
                )
                continue
            if not cells["area"] and code and found != code:
                problems.append(
                    Problem(
                        f"a row continuing the area {area!r} names another municipality",
                        row=i,
                        column=columns["municipality"],
                        value=cells["municipality"],
                        expected=f"blank or the municipality of {area!r}",
                    )
                )
                continue
            code = found
        if cells["ejerlav"]:
            if "," in cells["ejerlav"] or ";" in cells["ejerlav"]:
                problems.append(
                    Problem(
                        "several ejerlav codes in one cell: which parcel belongs to which "
                        "ejerlav cannot be told",
                        row=i,
                        column=columns["ejerlav"],
                        value=cells["ejerlav"],
                        expected="one row per ejerlav, each with its own parcels",
                    )
                )
                continue
            number = _ejerlav(cells["ejerlav"])
            if number is None:
                problems.append(
                    Problem(
                        "not a landsejerlavskode",
                        row=i,
                        column=columns["ejerlav"],
                        value=cells["ejerlav"],
                        expected="a whole number such as 2000173",
                    )
                )
                continue
            ejerlav = number
        elif cells["area"] or not ejerlav:
            problems.append(
                Problem(
                    "the Landsejerlavskode cell is blank",
                    row=i,
                    column=columns["ejerlav"],
                    expected="the ejerlav of the parcels in this row",
                )
            )
            continue
        if not cells["parcels"]:
            problems.append(
                Problem(
                    "the Matrikelnummer cell is blank",
                    row=i,
                    column=columns["parcels"],
                    expected="one or more matrikelnumre",
                )
            )
            continue
        parcels = _parcels(cells["parcels"], i, columns["parcels"], problems)
        several = several or len(parcels) > 1
        for parcel in parcels:
            entry = ListedParcel(i, area, code, ejerlav, parcel)
            earlier = owner.get((ejerlav, parcel))
            if earlier is None:
                owner[(ejerlav, parcel)] = entry
                listed.append(entry)
            elif (earlier.area, earlier.municipality_code) != (area, code):
                problems.append(
                    Problem(
                        f"parcel {ejerlav} {parcel} is listed for {area!r} and, in row "
                        f"{earlier.row}, for {earlier.area!r}",
                        row=i,
                        column=columns["parcels"],
                        value=cells["parcels"],
                        expected="each parcel in one area only",
                    )
                )
            else:
                notes.append(
                    f"row {i}: parcel {ejerlav} {parcel} of {area!r} is listed again "
                    f"(first in row {earlier.row}); counted once"
                )
    if not problems and not listed:
        problems.append(Problem("the list names no parcels", expected="at least one row"))
    if problems:
        raise InputRejected(source, problems)
    return ParcelList(
        path=path,
        parcels=listed,
        layout=LAYOUT_PER_AREA if several else LAYOUT_PER_PARCEL,
        notes=notes,
    )

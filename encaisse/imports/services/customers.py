"""Customers named by an import: created when new, updated with what the file says.

A file only overwrites what it states: an empty field means "the file does not say", so a name
typed in Encaisse survives a FEC that gives none. Identifiers (SIREN, SIRET, VAT, email) are
checked; a bad one is a rejected row like any other. Segments are found by code or name and
created when unknown. All of it in bulk: customers come in thousands, not millions, so the ORM's
bulk_create and bulk_update are fast enough here.
"""

from dataclasses import dataclass
from operator import attrgetter

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from encaisse.customers.models import Customer, Segment
from encaisse.customers.validators import (
    compact_identifier,
    validate_siren,
    validate_siret,
    validate_vat_number,
)

from ..records import CustomerRecord, RowError

CHUNK = 2000
NEW_TABLE = "encaisse_import_new_customer"

# field -> (max length, how to clean, validator, what a good value looks like)
TEXT_FIELDS = {
    "name": (200, str.strip, None, ""),
    "siren": (9, compact_identifier, validate_siren, "a SIREN (9 digits with a valid key)"),
    "siret": (14, compact_identifier, validate_siret, "a SIRET (14 digits with a valid key)"),
    "vat_number": (20, compact_identifier, validate_vat_number, "an EU VAT number"),
    "email": (254, str.strip, validate_email, "an email address"),
    "phone": (32, str.strip, None, ""),
    "address": (2000, str.strip, None, ""),
    "postal_code": (16, str.strip, None, ""),
    "city": (100, str.strip, None, ""),
}
UPDATED_FIELDS = [*TEXT_FIELDS, "terms_days", "segment", "updated_at"]
# What a file can state of a customer, compared with the ledger's values (read as plain rows:
# a model instance per existing customer would cost more than the comparison).
COMPARED = [*TEXT_FIELDS, "terms_days", "segment_id"]
COLUMN = {name: position for position, name in enumerate(COMPARED, start=2)}  # in _existing's rows
# The text fields other than the name, read in one call: most records state none of them.
_OTHER_TEXT = attrgetter(*list(TEXT_FIELDS)[1:])
NAME_LENGTH = TEXT_FIELDS["name"][0]


@dataclass
class CustomerCounts:
    created: int = 0
    updated: int = 0


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _wanted(record: CustomerRecord, *, file_name: str, errors: list[RowError]) -> dict:
    """The values the record states, cleaned; bad identifiers become errors and are left out."""
    if record.terms_days is None and not any(_OTHER_TEXT(record)):
        name = record.name.strip()  # most files give a name and little else
        return {"name": name[:NAME_LENGTH]} if name else {}
    wanted = {}
    for name, (max_length, clean, validator, expected) in TEXT_FIELDS.items():
        value = getattr(record, name)
        if not value:
            continue
        value = clean(value)
        if not value:
            continue
        if validator is not None:
            try:
                validator(value)
            except ValidationError:
                errors.append(
                    RowError(
                        file=file_name,
                        line=record.line,
                        column=name,
                        expected=expected,
                        found=value,
                    )
                )
                continue
        wanted[name] = value[:max_length]
    if record.terms_days is not None:
        wanted["terms_days"] = record.terms_days
    return wanted


class SegmentFinder:
    """Segments by code or name (case-insensitive); unknown ones are created on first use."""

    def __init__(self):
        self.by_key = {}
        for segment in Segment.objects.all():
            self.by_key[segment.code.lower()] = segment
            self.by_key.setdefault(segment.name.lower(), segment)

    def get(self, value: str) -> Segment:
        key = value.strip().lower()
        segment = self.by_key.get(key) or self.by_key.get(slugify(value))
        if segment is None:
            base = slugify(value)[:32] or "segment"
            code, n = base, 1
            while code in self.by_key:
                n += 1
                code = f"{base[: 32 - len(str(n)) - 1]}-{n}"
            segment = Segment.objects.create(code=code, name=value.strip()[:100])
            self.by_key[code] = segment
            self.by_key[key] = segment
        return segment


def _insert(new: list[dict], *, now) -> None:
    """Insert new customers: the columns the file gives (a code and a name, mostly) go into a
    narrow temporary table, then one ``INSERT ... SELECT`` adds the other columns' defaults,
    prepared for the database once and bound once. Model instances and bulk_create cost a tenth
    of a millisecond each, and binding every column of every row half as much again: a ledger
    of a hundred thousand customers notices both."""
    fields = [f for f in Customer._meta.concrete_fields if not f.primary_key]
    defaults = {}
    for f in fields:
        if f.attname in ("created_at", "updated_at"):
            value = now
        elif f.has_default():
            value = f.get_default()
        else:
            value = None if f.null else ""
        defaults[f.attname] = f.get_db_prep_save(value, connection)
    stated = set().union(*new)
    given = [f for f in fields if f.attname in stated]
    quote = connection.ops.quote_name
    given_columns = ", ".join(quote(f.column) for f in given)
    # Column names come from the model, values are parameters.
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {NEW_TABLE}")
        cursor.execute(
            f"CREATE TEMP TABLE {NEW_TABLE} AS SELECT {given_columns}"  # noqa: S608
            " FROM customers_customer WHERE 1 = 0"
        )
        marks = ", ".join(["%s"] * len(given))
        names = [f.attname for f in given]
        rows = [tuple([wanted.get(name, defaults[name]) for name in names]) for wanted in new]
        for chunk in _chunks(rows):
            cursor.executemany(
                f"INSERT INTO {NEW_TABLE} ({given_columns}) VALUES ({marks})",  # noqa: S608
                chunk,
            )
        selected, params = [], []
        for f in fields:
            if f in given:
                selected.append(f"n.{quote(f.column)}")
            else:
                selected.append("%s")
                params.append(defaults[f.attname])
        columns = ", ".join(quote(f.column) for f in fields)
        sql = f"INSERT INTO customers_customer ({columns}) SELECT {', '.join(selected)}"  # noqa: S608
        cursor.execute(f"{sql} FROM {NEW_TABLE} AS n ORDER BY n.code", params)
        cursor.execute(f"DROP TABLE {NEW_TABLE}")


def _existing(codes: list[str]) -> dict[str, tuple]:
    """``{code: (code, pk, *COMPARED)}`` of the customers of ``codes`` that the ledger has,
    read through a plain cursor: the ORM's values_list costs twice as much per row here."""
    opts = Customer._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(opts.get_field(name).column) for name in ("code", "id", *COMPARED))
    marks = ", ".join(["%s"] * len(codes))
    with connection.cursor() as cursor:
        # Column names come from the model, codes are parameters.
        cursor.execute(
            f"SELECT {columns} FROM {quote(opts.db_table)} WHERE {quote('code')} IN ({marks})",  # noqa: S608
            codes,
        )
        return {row[0]: row for row in cursor.fetchall()}


def customers_upsert(
    *,
    records: dict[str, CustomerRecord],
    codes,
    file_name: str,
    errors: list[RowError],
) -> CustomerCounts:
    """Create the customers of ``codes`` (and of ``records``) that do not exist yet, and update
    the existing ones with what ``records`` state. Returns how many were created and updated;
    identifiers that fail their check are appended to ``errors`` (the caller decides whether
    that refuses the import)."""
    counts = CustomerCounts()
    all_codes = sorted(set(codes) | set(records))
    if not all_codes:
        return counts
    segments = None
    now = timezone.now()
    changed, new = [], []
    for chunk in _chunks(all_codes):
        existing = _existing(chunk)
        for code in chunk:
            record = records.get(code)
            wanted = _wanted(record, file_name=file_name, errors=errors) if record else {}
            segment_name = (record.segment or "").strip() if record else ""
            if segment_name:
                segments = segments or SegmentFinder()
                wanted["segment_id"] = segments.get(segment_name).pk
            row = existing.get(code)
            if row is None:
                wanted.setdefault("name", code)
                wanted["code"] = code
                new.append(wanted)
                continue
            if any(row[COLUMN[name]] != value for name, value in wanted.items()):
                stated = dict(zip(COMPARED, row[2:], strict=True))
                stated.update(wanted)
                changed.append(Customer(pk=row[1], code=code, updated_at=now, **stated))
    if new:
        _insert(new, now=now)
    if changed:
        Customer.objects.bulk_update(changed, UPDATED_FIELDS, batch_size=500)
    counts.created, counts.updated = len(new), len(changed)
    return counts

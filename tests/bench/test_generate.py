"""The benchmark's ledgers: a FEC that follows the format's rules, and a CSV that agrees with it.

The FEC is read back here the way the issue defines open items (411 lines without lettrage,
grouped by customer and PieceRef), independently of the importer."""

import csv
import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal

import pytest

from bench.generate import CSV_COLUMNS, FEC_COLUMNS, generate, lettrage_code, parse_size
from bench.generate import ledger as ledger_of

AMOUNT = re.compile(r"^\d+,\d{2}$")


def _amount(text: str) -> Decimal:
    assert AMOUNT.match(text), text
    return Decimal(text.replace(",", "."))


@pytest.fixture(scope="module")
def ledger(tmp_path_factory):
    out = tmp_path_factory.mktemp("ledger")
    meta = generate(600, out, seed=5)
    return meta, out


def _fec_rows(meta, out):
    raw = (out / meta.fec_file).read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n") == meta.fec_lines
    text = raw.decode("cp1252")
    rows = list(csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
    return rows[0], rows[1:]


def test_it_writes_a_fec_with_the_18_columns_dates_and_decimal_commas(ledger):
    meta, out = ledger
    header, rows = _fec_rows(meta, out)
    assert header == FEC_COLUMNS
    assert "é" in (out / meta.fec_file).read_bytes().decode("cp1252")
    for row in rows:
        assert len(row) == 18, row
        for column in ("EcritureDate", "PieceDate", "ValidDate"):
            dt.datetime.strptime(row[header.index(column)], "%Y%m%d")
        _amount(row[header.index("Debit")])
        _amount(row[header.index("Credit")])
        if row[header.index("DateLet")]:
            assert row[header.index("EcritureLet")]
            dt.datetime.strptime(row[header.index("DateLet")], "%Y%m%d")
        assert row[header.index("CompteNum")][:3].isdigit()


def test_it_balances_every_entry_and_every_lettrage_group(ledger):
    meta, out = ledger
    header, rows = _fec_rows(meta, out)
    col = {name: i for i, name in enumerate(header)}
    entries = defaultdict(Decimal)
    groups = defaultdict(Decimal)
    dates = []
    for row in rows:
        net = _amount(row[col["Debit"]]) - _amount(row[col["Credit"]])
        entries[row[col["EcritureNum"]]] += net
        dates.append(row[col["EcritureDate"]])
        if row[col["EcritureLet"]]:
            assert row[col["CompteNum"]].startswith("411")
            groups[(row[col["CompAuxNum"]], row[col["EcritureLet"]])] += net
    assert all(total == 0 for total in entries.values())
    assert groups and all(total == 0 for total in groups.values())
    assert dates == sorted(dates), "entries come in date order"


def test_its_open_items_match_the_csv_and_the_meta(ledger):
    meta, out = ledger
    header, rows = _fec_rows(meta, out)
    col = {name: i for i, name in enumerate(header)}
    invoices = 0
    fec_open = defaultdict(Decimal)
    for row in rows:
        if not row[col["CompteNum"]].startswith("411"):
            continue
        debit = _amount(row[col["Debit"]])
        invoices += debit > 0
        if not row[col["EcritureLet"]]:
            key = (row[col["CompAuxNum"]], row[col["PieceRef"]])
            fec_open[key] += debit - _amount(row[col["Credit"]])
    assert invoices == meta.invoices == 600
    assert sum(fec_open.values()) == Decimal(meta.open_total)
    assert len([v for v in fec_open.values() if v]) == meta.open_items

    text = (out / meta.csv_file).read_bytes().decode("cp1252")
    reader = list(csv.reader(text.splitlines(), delimiter=";"))
    assert reader[0] == CSV_COLUMNS
    csv_open = {}
    for code, _name, number, issue, due, amount, open_amount, currency in reader[1:]:
        issue_date = dt.datetime.strptime(issue, "%d/%m/%Y").date()
        due_date = dt.datetime.strptime(due, "%d/%m/%Y").date()
        assert (due_date - issue_date).days == 30 and currency == "EUR"
        assert 0 < _amount(open_amount) <= _amount(amount)
        csv_open[(code, number)] = _amount(open_amount)
    assert csv_open == {key: value for key, value in fec_open.items() if value}

    text = (out / meta.invoices_file).read_bytes().decode("cp1252")
    every = list(csv.reader(text.splitlines(), delimiter=";"))
    assert every[0] == CSV_COLUMNS and len(every) - 1 == meta.invoices
    assert {(r[0], r[2]): _amount(r[6]) for r in every[1:] if r[6] != "0,00"} == csv_open
    invoiced = sum(_amount(r[5]) for r in every[1:])
    assert invoiced == Decimal(meta.invoiced_total)
    assert meta.partly_paid > 0
    assert 0.25 < meta.open_items / meta.invoices < 0.45


def test_it_writes_the_same_bytes_for_the_same_seed(tmp_path):
    first = generate(200, tmp_path / "a", seed=9)
    again = generate(200, tmp_path / "b", seed=9)
    generate(200, tmp_path / "c", seed=10)
    fec = first.fec_file
    assert (tmp_path / "a" / fec).read_bytes() == (tmp_path / "b" / fec).read_bytes()
    assert (tmp_path / "a" / fec).read_bytes() != (tmp_path / "c" / fec).read_bytes()
    assert again.open_total == first.open_total


def test_it_spreads_the_invoices_over_more_customers_in_a_folder_of_their_own(tmp_path):
    usual, usual_dir = ledger_of(600, tmp_path, seed=5)
    spread, spread_dir = ledger_of(600, tmp_path, seed=5, per_customer=10)
    assert (usual.customers, spread.customers) == (20, 60)
    assert (usual_dir.name, spread_dir.name) == ("ledger-600-s5", "ledger-600-s5-c10")
    with (spread_dir / spread.csv_file).open(encoding="cp1252") as fh:
        codes = {row["customer_code"] for row in csv.DictReader(fh, delimiter=";")}
    assert len(codes) > 20


def test_it_reads_sizes_and_numbers_lettrage_codes():
    assert parse_size("10k") == 10_000 and parse_size("1m") == 1_000_000
    assert parse_size("2500") == 2500
    assert [lettrage_code(n) for n in (0, 1, 26, 17575)] == ["AAA", "AAB", "ABA", "ZZZ"]
    assert lettrage_code(17576) == "AAAA"

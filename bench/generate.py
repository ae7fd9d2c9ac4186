"""Synthetic ledgers for the benchmark: a FEC and an open-items CSV of N invoices.

    python bench/generate.py 100k [--seed 1] [--out bench/data]

One fiscal year (2026, exported on the as-of date 2026-11-30) of a company selling to N/30
customers. Each invoice is a sales entry (journal VE: 411 debit with CompAuxNum, 706 and 44571
credits). About 35% of invoices are open at the as-of date, more of the recent ones than of the
old ones; one open invoice in ten is partly paid (an unlettered bank line that carries the
invoice's PieceRef). The others are paid by a bank entry (journal BQ: 512 debit, 411 credit)
lettered with the invoice (EcritureLet, DateLet). Open invoices of the previous year come first
as opening entries (journal AN, à-nouveaux) with their original PieceDate.

The FEC is tab separated, cp1252, CRLF, decimal comma, dates AAAAMMJJ, entries in date order.
open-items.csv lists the open items, invoices.csv every invoice (settled ones with an open
amount of 0), both `;` separated, decimal comma, dd/mm/yyyy, cp1252. Both are written as the
entries are generated (streaming: memory does not grow with N), and the same seed gives the same
bytes. ``meta.json`` holds the figures a reader must find: invoices, open items, open total."""

import argparse
import datetime as dt
import heapq
import json
import math
import random
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

VERSION = 2  # bump when the output changes, to invalidate cached files
AS_OF = dt.date(2026, 11, 30)
YEAR_START = dt.date(2026, 1, 1)
COMPANY_SIREN = "732829320"
INVOICES_PER_CUSTOMER = 30
OPENING_SHARE = 0.04  # previous-year invoices still open, carried as à-nouveaux
PARTIAL_SHARE = 0.10  # of open invoices
TERMS_DAYS = 30  # the company default: the FEC has no due date, the CSV says issue + 30
VAT_PERCENT = 20

# Chance that an invoice is still open, by age in days at the as-of date: nearly all of the last
# month, fewer as they age; about 35% over the year.
OPEN_BY_AGE = [(30, 0.95), (60, 0.60), (90, 0.35), (None, 0.25)]

FEC_COLUMNS = [
    "JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
    "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
    "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise",
]  # fmt: skip
CSV_COLUMNS = [
    "customer_code", "customer_name", "number", "issue_date", "due_date", "amount",
    "open_amount", "currency",
]  # fmt: skip

NAME_WORDS = "Transports Menuiserie Boulangerie Métallerie Société Garage Imprimerie".split()
NAME_OWNERS = "Dupré Lefèvre Bérénger Garçon Moreau Chevalier Noël Gauthier Lemaître".split()
LEGAL_FORMS = ["SAS", "SARL", "SA", "EURL"]


@dataclass
class Meta:
    version: int
    label: str
    seed: int
    as_of: str
    customers: int
    invoices: int
    opening_invoices: int
    open_items: int
    partly_paid: int
    open_total: str
    invoiced_total: str
    fec_lines: int
    fec_file: str
    csv_file: str
    invoices_file: str
    seconds: float


def parse_size(text: str) -> int:
    """'10k' -> 10000, '1m' -> 1000000, '2500' -> 2500."""
    s = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(s[-1:], 1)
    return int(float(s[:-1] if factor > 1 else s) * factor)


def size_label(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}m"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def money(cents: int) -> str:
    """Cents as a FEC amount: 123456 -> '1234,56' (decimal comma, no thousands separator)."""
    return f"{cents // 100},{cents % 100:02d}"


def lettrage_code(number: int) -> str:
    """0 -> 'AAA', 1 -> 'AAB', ... 17575 -> "ZZZ", 17576 -> "AAAA": per-account lettrage codes
    as accounting software writes them."""
    length = 3
    while number >= 26**length:
        number -= 26**length
        length += 1
    letters = []
    for _ in range(length):
        number, rest = divmod(number, 26)
        letters.append(chr(65 + rest))
    return "".join(reversed(letters))


def _open_chance(age: int) -> float:
    for limit, chance in OPEN_BY_AGE:
        if limit is None or age < limit:
            return chance
    raise AssertionError("the last age band has no limit")


class _Dates:
    """Date strings by ordinal, computed once: FEC AAAAMMJJ and CSV dd/mm/yyyy."""

    def __init__(self):
        self.fec: dict[int, str] = {}
        self.csv: dict[int, str] = {}

    def both(self, ordinal: int) -> tuple[str, str]:
        if ordinal not in self.fec:
            day = dt.date.fromordinal(ordinal)
            self.fec[ordinal] = day.strftime("%Y%m%d")
            self.csv[ordinal] = day.strftime("%d/%m/%Y")
        return self.fec[ordinal], self.csv[ordinal]


def _customers(rng: random.Random, count: int) -> list[tuple[str, str]]:
    customers = []
    for index in range(1, count + 1):
        name = f"{rng.choice(NAME_WORDS)} {rng.choice(NAME_OWNERS)} {rng.choice(LEGAL_FORMS)}"
        customers.append((f"C{index:06d}", f"{name} {index}"))
    return customers


def _amounts(rng: random.Random) -> tuple[int, int, int]:
    """(excluding tax, VAT, including tax) in cents, log-normal around 1,200 euros."""
    excl = max(1_000, min(int(rng.lognormvariate(math.log(120_000), 1.1)), 5_000_000))
    vat = (excl * VAT_PERCENT + 50) // 100
    return excl, vat, excl + vat


def generate(
    n_invoices: int, out_dir: Path, *, seed: int = 1, per_customer: int = INVOICES_PER_CUSTOMER
) -> Meta:
    """Write ``out_dir``/<siren>FEC20261231.txt, open-items.csv and meta.json, for
    ``n_invoices`` invoices over one customer per ``per_customer`` invoices."""
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    customers = _customers(rng, max(10, n_invoices // per_customer))
    fec_path = out_dir / f"{COMPANY_SIREN}FEC20261231.txt"
    csv_path = out_dir / "open-items.csv"
    invoices_path = out_dir / "invoices.csv"
    dates = _Dates()
    letter_next = [0] * len(customers)
    counts = {"fec_lines": 0, "open": 0, "partial": 0, "entries": 0, "opening": 0}
    totals = {"open": 0, "invoiced": 0}
    as_of_ordinal = AS_OF.toordinal()
    with (
        fec_path.open("w", encoding="cp1252", newline="") as fec,
        csv_path.open("w", encoding="cp1252", newline="") as csv_out,
        invoices_path.open("w", encoding="cp1252", newline="") as invoices_out,
    ):
        fec.write("\t".join(FEC_COLUMNS) + "\r\n")
        csv_out.write(";".join(CSV_COLUMNS) + "\r\n")
        invoices_out.write(";".join(CSV_COLUMNS) + "\r\n")
        lines: list[str] = []
        rows: list[str] = []
        all_rows: list[str] = []

        def entry_number() -> str:
            counts["entries"] += 1
            return f"{counts['entries']:08d}"

        def flush():
            fec.write("".join(lines))
            csv_out.write("".join(rows))
            invoices_out.write("".join(all_rows))
            counts["fec_lines"] += sum(chunk.count("\n") for chunk in lines)
            lines.clear()
            rows.clear()
            all_rows.clear()

        def item(cust, number, issue_ordinal, amount, open_amount):
            """A row of invoices.csv, and of open-items.csv when something is open."""
            code, name = customers[cust]
            issue_csv = dates.both(issue_ordinal)[1]
            due_csv = dates.both(issue_ordinal + TERMS_DAYS)[1]
            row = (
                f"{code};{name};{number};{issue_csv};{due_csv};{money(amount)};"
                f"{money(open_amount)};EUR\r\n"
            )
            all_rows.append(row)
            if open_amount:
                rows.append(row)
                counts["open"] += 1
                totals["open"] += open_amount

        # Opening entries (à-nouveaux): last year's open invoices, one entry each.
        opening = int(n_invoices * OPENING_SHARE)
        year_start = dates.both(YEAR_START.toordinal())[0]
        for index in range(opening):
            cust = rng.randrange(len(customers))
            code, name = customers[cust]
            issue_ordinal = YEAR_START.toordinal() - rng.randint(1, 90)
            piece_date = dates.both(issue_ordinal)[0]
            number = f"FA25-{index + 1:07d}"
            _, _, incl = _amounts(rng)
            num = entry_number()
            label = f"Report facture {number}"
            lines.append(
                f"AN\tA nouveaux\t{num}\t{year_start}\t411000\tClients\t{code}\t{name}\t{number}\t"
                f"{piece_date}\t{label}\t{money(incl)}\t0,00\t\t\t{year_start}\t\t\r\n"
                f"AN\tA nouveaux\t{num}\t{year_start}\t890000\tBilan d'ouverture\t\t\t{number}\t"
                f"{piece_date}\t{label}\t0,00\t{money(incl)}\t\t\t{year_start}\t\t\r\n"
            )
            item(cust, number, issue_ordinal, incl, incl)
            totals["invoiced"] += incl
        counts["opening"] = opening

        # The year's invoices in date order; bank entries wait in a heap until their day.
        pending: list[tuple[int, int, int, int, str, str, str]] = []
        year_count = n_invoices - opening
        first = YEAR_START.toordinal()
        days = as_of_ordinal - first + 1
        sequence = 0
        for index in range(year_count):
            issue_ordinal = first + index * days // year_count
            while pending and pending[0][0] < issue_ordinal:
                _bank_entry(heapq.heappop(pending), lines, customers, dates, entry_number)
            if len(lines) > 20_000:
                flush()
            cust = rng.randrange(len(customers))
            code, name = customers[cust]
            excl, vat, incl = _amounts(rng)
            totals["invoiced"] += incl
            number = f"FA26-{index + 1:07d}"
            issue = dates.both(issue_ordinal)[0]
            age = as_of_ordinal - issue_ordinal
            is_open = rng.random() < _open_chance(age)
            letter = let_date = ""
            if is_open:
                remaining = incl
                if rng.random() < PARTIAL_SHARE and age > 5:
                    paid = incl * rng.randint(30, 70) // 100
                    pay_ordinal = issue_ordinal + rng.randint(1, min(age, 60))
                    sequence += 1
                    heapq.heappush(pending, (pay_ordinal, sequence, cust, paid, number, "", ""))
                    remaining -= paid
                    counts["partial"] += 1
                item(cust, number, issue_ordinal, incl, remaining)
            else:
                delay = TERMS_DAYS + int(rng.triangular(-10, 60, 0))
                pay_ordinal = min(max(issue_ordinal + 1, issue_ordinal + delay), as_of_ordinal)
                item(cust, number, issue_ordinal, incl, 0)
                letter = lettrage_code(letter_next[cust])
                letter_next[cust] += 1
                let_date = dates.both(pay_ordinal)[0]
                sequence += 1
                heapq.heappush(
                    pending,
                    (pay_ordinal, sequence, cust, incl, f"RG{sequence:08d}", letter, number),
                )
            num = entry_number()
            label = f"Facture {number} {name}"
            lines.append(
                f"VE\tVentes\t{num}\t{issue}\t411000\tClients\t{code}\t{name}\t{number}\t{issue}\t"
                f"{label}\t{money(incl)}\t0,00\t{letter}\t{let_date}\t{issue}\t\t\r\n"
                f"VE\tVentes\t{num}\t{issue}\t706000\tPrestations de services\t\t\t{number}\t"
                f"{issue}\t{label}\t0,00\t{money(excl)}\t\t\t{issue}\t\t\r\n"
                f"VE\tVentes\t{num}\t{issue}\t445710\tTVA collectée\t\t\t{number}\t{issue}\t"
                f"{label}\t0,00\t{money(vat)}\t\t\t{issue}\t\t\r\n"
            )
        while pending:
            _bank_entry(heapq.heappop(pending), lines, customers, dates, entry_number)
        flush()
    meta = Meta(
        version=VERSION,
        label=size_label(n_invoices),
        seed=seed,
        as_of=AS_OF.isoformat(),
        customers=len(customers),
        invoices=n_invoices,
        opening_invoices=counts["opening"],
        open_items=counts["open"],
        partly_paid=counts["partial"],
        open_total=money(totals["open"]).replace(",", "."),
        invoiced_total=money(totals["invoiced"]).replace(",", "."),
        fec_lines=counts["fec_lines"] + 1,
        fec_file=fec_path.name,
        csv_file=csv_path.name,
        invoices_file=invoices_path.name,
        seconds=round(time.perf_counter() - started, 2),
    )
    (out_dir / "meta.json").write_text(json.dumps(asdict(meta), indent=2) + "\n")
    return meta


def _bank_entry(item, lines, customers, dates, entry_number):
    """A receipt: 512 debit, 411 credit. A partial payment carries the invoice's PieceRef and
    no lettrage; a full one its own reference, lettered with the invoice."""
    pay_ordinal, _, cust, amount, ref, letter, invoice_number = item
    code, name = customers[cust]
    day = dates.both(pay_ordinal)[0]
    let_date = day if letter else ""
    num = entry_number()
    label = f"Virement {name}"
    settles = f"Règlement {invoice_number or ref}"
    lines.append(
        f"BQ\tBanque\t{num}\t{day}\t512000\tBanque\t\t\t{ref}\t{day}\t{label}\t{money(amount)}\t"
        f"0,00\t\t\t{day}\t\t\r\n"
        f"BQ\tBanque\t{num}\t{day}\t411000\tClients\t{code}\t{name}\t{ref}\t{day}\t{settles}\t"
        f"0,00\t{money(amount)}\t{letter}\t{let_date}\t{day}\t\t\r\n"
    )


def ledger(
    size: str | int, data_dir: Path, *, seed: int = 1, per_customer: int = INVOICES_PER_CUSTOMER
) -> tuple[Meta, Path]:
    """The cached ledger of ``size`` invoices under ``data_dir``, generated when missing."""
    n = parse_size(size) if isinstance(size, str) else size
    spread = "" if per_customer == INVOICES_PER_CUSTOMER else f"-c{per_customer}"
    out_dir = data_dir / f"ledger-{size_label(n)}-s{seed}{spread}"
    meta_path = out_dir / "meta.json"
    if meta_path.exists():
        cached = json.loads(meta_path.read_text())
        if cached.get("version") == VERSION:
            return Meta(**cached), out_dir
    return generate(n, out_dir, seed=seed, per_customer=per_customer), out_dir


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", help="number of invoices: 10k, 100k, 1m or a plain number")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data")
    parser.add_argument(
        "--invoices-per-customer",
        type=int,
        default=INVOICES_PER_CUSTOMER,
        help=f"the ledger's spread: one customer per N invoices (default {INVOICES_PER_CUSTOMER})",
    )
    args = parser.parse_args(argv)
    meta, out_dir = ledger(
        args.size, args.out, seed=args.seed, per_customer=args.invoices_per_customer
    )
    print(f"{out_dir}: {meta.invoices} invoices, {meta.open_items} open, {meta.seconds} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

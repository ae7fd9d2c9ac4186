"""The FEC (Fichier des Écritures Comptables) reader: open customer items from a year's entries.

Columns are read by header name (case and accents ignored, so ``Crédit`` is ``Credit``),
in any order, with extra columns after the 18 (the 21/22-column BA/BNC variants, Dolibarr's
``DateLimitReglmt``/``NumFacture``) and the ``Montant``/``Sens`` variant. Fields are split
on the separator without any quoting (the norm has none). A line with more fields than the
header has separators inside its label: the surplus is merged back into ``EcritureLib``
(except in comma-separated files, where a surplus means decimal commas, an error).

What counts as open, per customer (``CompAuxNum``, else ``CompteNum``) on the receivable
accounts (``RECEIVABLE_PREFIXES``):

* lines without lettrage, or lettered after ``as_of``; lines posted after ``as_of`` are left
  out altogether, so the result is the ledger as it stood that day;
* lettered lines whose lettrage group (customer + ``EcritureLet``) does not net to zero
  (partial lettrage): the group's credits pay its debits oldest first, and what is left of
  the later debits (or of the later credits, when credits exceed debits) stays open.

Open lines are netted by piece (customer + ``PieceRef``; when ``PieceRef`` is blank or a
placeholder such as ``-``, the entry number stands in). A positive net is an invoice whose
amount is the piece's total debit over the whole file; a negative net is a credit note when
its credit line sits in a sales journal (one whose entries touch 7xx accounts anywhere in the
file) or its label says "avoir", else an unmatched payment.

The file is read once, streaming (``fec_lines.py``: by a second process for a large file,
which also reads the plain amounts and keeps the labels); per piece only its key and a few
machine ints in typed arrays are kept, per lettered line an integer group key and its cents,
in a temporary file; the groups' nets are summed at the end (``fec_state.py``). So a
million-invoice FEC (4 million lines) is read in under 500 MB. The labels of the pieces left
open are asked for at the end.
"""

import datetime as dt
import unicodedata
from array import array
from itertools import compress
from pathlib import Path

from django.utils.translation import gettext as _

from encaisse.core.dates import parse_date
from encaisse.imports.records import CustomerRecord, ItemKind, ParsedLedger

from .cells import ZERO_AMOUNTS, read_cents
from .errors import RowErrors
from .fec_lines import UNREAD, Layout, line_source
from .fec_state import NO_DATE, NO_JOURNAL, Groups, Pieces, allocate
from .text import describe_separator, file_error

RECEIVABLE_PREFIXES = ("411",)

# PieceRef values that are no reference at all (Odoo and Tryton write "-" when empty).
PLACEHOLDER_REFS = frozenset({"", "-", "--", "/", ".", "_", "n/a", "na", "none"})
PLACEHOLDER_LEN = max(len(ref) for ref in PLACEHOLDER_REFS)  # a longer reference is none of them
SENS_DEBIT = frozenset({"D", "+1", "+", "1", "DEBIT"})
SENS_CREDIT = frozenset({"C", "-1", "-", "CREDIT"})

REQUIRED = (
    "journalcode",
    "ecriturenum",
    "ecrituredate",
    "comptenum",
    "compauxnum",
    "pieceref",
    "piecedate",
    "ecriturelib",
    "ecriturelet",
    "datelet",
)
OPTIONAL = ("journallib", "comptelib", "compauxlib", "validdate", "montantdevise", "idevise")
# Extra columns some exports add after the 18 that carry the due date.
DUE_DATE_COLUMNS = ("datelimitreglmt", "dateecheance", "echeance", "duedate", "datecheance")
KNOWN = frozenset(REQUIRED + OPTIONAL + DUE_DATE_COLUMNS + ("debit", "credit", "montant", "sens"))


def fec_key(header: str) -> str:
    """``"Crédit "`` -> ``"credit"``; ``"Montant Devise"`` -> ``"montantdevise"``."""
    text = unicodedata.normalize("NFKD", header.replace("\ufeff", "").strip())
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return "".join(c for c in text if c.isalnum())


def looks_like_fec(cells: list[str]) -> bool:
    keys = {fec_key(c) for c in cells}
    return "comptenum" in keys and ("debit" in keys or "montant" in keys) and "pieceref" in keys


def fec_header_score(cells: list[str]) -> int:
    return sum(1 for c in cells if fec_key(c) in KNOWN)


class FecReader:
    """One FEC file. ``parsed()`` checks the header at once and returns a ParsedLedger whose
    items are produced after the single pass over the lines (they need the whole file)."""

    def __init__(
        self,
        path: Path,
        *,
        file_name: str,
        encoding: str,
        separator: str,
        skip_bad_rows: bool,
        as_of: dt.date | None,
        receivable_prefixes: tuple[str, ...] = RECEIVABLE_PREFIXES,
    ):
        self.path = path
        self.file_name = file_name
        self.encoding = encoding
        self.sep = separator
        self.as_of = as_of
        self.prefixes = tuple(receivable_prefixes)
        self.result = ParsedLedger(
            file_name=file_name, format="fec", content="open_items", items=iter(())
        )
        self.result.has_due_dates = False
        self.errors = RowErrors(self.result, skip_bad_rows=skip_bad_rows)
        self.header_line_no = 0
        self.headers: list[str] = []
        self.col: dict[str, int] = {}

    # -- header ------------------------------------------------------------------------

    def parsed(self) -> ParsedLedger:
        self._read_header()
        self.result.has_due_dates = self.due_col is not None
        self.result.use_rows(self._rows())
        return self.result

    def _read_header(self) -> None:
        with self.path.open("r", encoding=self.encoding, newline=None) as fh:
            for line_no, line in enumerate(fh, 1):
                if line.strip():
                    self.header_line_no = line_no
                    self.headers = line.rstrip("\n").split(self.sep)
                    break
        col: dict[str, int] = {}
        for i, header in enumerate(self.headers):
            col.setdefault(fec_key(header), i)
        self.col = col
        missing = [name for name in REQUIRED if name not in col]
        if "debit" in col and "credit" in col:
            self.montant_mode = False
        elif "montant" in col and "sens" in col:
            self.montant_mode = True
        else:
            missing.append("Debit/Credit")
        if missing:
            spelled = ", ".join(_FEC_SPELLING.get(m, m) for m in missing)
            raise file_error(
                self.file_name,
                _("the FEC columns %(columns)s") % {"columns": spelled},
                ", ".join(h.strip() for h in self.headers),
                line=self.header_line_no,
            )
        self.due_col = next((col[c] for c in DUE_DATE_COLUMNS if c in col), None)

    def header_name(self, key: str) -> str:
        return self.headers[self.col[key]].strip().lstrip("\ufeff")

    # -- the pass over the lines ---------------------------------------------------------

    def _rows(self):
        col = self.col
        layout = Layout(
            path=self.path,
            encoding=self.encoding,
            sep=self.sep,
            ncols=len(self.headers),
            header_line_no=self.header_line_no,
            i_compte=col["comptenum"],
            i_journal=col["journalcode"],
            i_lib=col["ecriturelib"],
            prefixes=self.prefixes,
            i_debit=None if self.montant_mode else col["debit"],
            i_credit=None if self.montant_mode else col["credit"],
        )
        source = line_source(layout)
        try:
            yield from self._read(source, layout)
        finally:
            source.close()

    def _read(self, source, layout: Layout):
        pieces, groups = self._read_lines(source, layout)
        if not self.result.rows_read:
            raise file_error(
                self.file_name,
                _("entry lines below the header"),
                _("a header line only"),
                line=self.header_line_no,
            )
        self.errors.raise_if_any()
        if not self.receivable_lines:
            raise file_error(
                self.file_name,
                _("lines on customer accounts (%(prefixes)s)")
                % {"prefixes": ", ".join(p + "..." for p in self.prefixes)},
                _("none in %(rows)d lines") % {"rows": self.result.rows_read},
            )
        pieces.index.clear()  # the pieces are known by number from here: memory for the nets
        allocate(pieces, groups)
        groups.clear()
        yield from self._open_items(pieces, source)

    def _read_lines(self, source, layout: Layout):
        col = self.col
        sep = self.sep
        ncols = len(self.headers)
        i_journal, i_num = col["journalcode"], col["ecriturenum"]
        i_edate, i_compte, i_aux = col["ecrituredate"], col["comptenum"], col["compauxnum"]
        i_comptelib, i_auxlib = col.get("comptelib"), col.get("compauxlib")
        i_piece, i_pdate, i_lib = col["pieceref"], col["piecedate"], col["ecriturelib"]
        i_let, i_datelet = col["ecriturelet"], col["datelet"]
        montant_mode = self.montant_mode
        if montant_mode:
            i_a, i_b = col["montant"], col["sens"]
            name_a, name_b = self.header_name("montant"), self.header_name("sens")
        else:
            i_a, i_b = col["debit"], col["credit"]
            name_a, name_b = self.header_name("debit"), self.header_name("credit")
        i_due = self.due_col
        h_edate, h_pdate, h_datelet = (self.headers[i] for i in (i_edate, i_pdate, i_datelet))
        min_fields = max(i for k, i in col.items() if k in REQUIRED) + 1
        prefixes = self.prefixes
        as_of = self.as_of
        customers = self.result.customers
        errors = self.errors
        pieces = Pieces()
        groups = Groups()
        g_letters = groups.letters
        g_keys, spill_lines = groups.keys, groups.spill_lines
        g_keys_append, g_pieces_append = g_keys.append, groups.pieces.append
        g_cents_append = groups.cents.append
        by_customer = pieces.index
        by_code: dict[str, tuple[CustomerRecord, dict[str, int], int]] = {}
        customer_codes = pieces.codes
        p_ref_append, p_customer_append = pieces.ref.append, pieces.customer.append
        p_date, p_debit, p_credit, p_open = pieces.date, pieces.debit, pieces.credit, pieces.open
        p_due, p_journal, p_avoir = pieces.due, pieces.journal, pieces.avoir
        p_line = pieces.line
        journal_ids = pieces.journal_ids
        p_line_append, p_date_append = p_line.append, p_date.append
        p_debit_append, p_credit_append = p_debit.append, p_credit.append
        p_open_append, p_due_append = p_open.append, p_due.append
        p_journal_append, p_avoir_append = p_journal.append, p_avoir.append
        sales_journals: set[str] = set()
        ordinals: dict[str, int] = {}  # date text -> ordinal: a few hundred distinct dates
        as_of_ordinal = as_of.toordinal() if as_of is not None else 0
        other_lines = 0  # lines handed over that are not on a customer account
        expected_amount = _("an amount such as 1234,56")
        expected_date = _("a date such as 20240131 (AAAAMMJJ)")

        def ordinal_of(text: str) -> int:
            value = ordinals[text] = parse_date(text).toordinal()
            return value

        # The fields read from a line the scan checked (split no further: 2 of 18 spared).
        read = (i_journal, i_num, i_edate, i_compte, i_aux, i_comptelib, i_auxlib, i_piece)
        read += (i_pdate, i_lib, i_let, i_datelet, i_due)
        cut = 1 + max(i for i in read if i is not None)
        for line_no, line, signed in source:
            if signed != UNREAD:
                # A whole line on a customer account whose amounts the scan read.
                f = line.split(sep, cut)
                compte = f[i_compte]
            else:
                f = line.split(sep)
                if len(f) != ncols:
                    f = self._fit(f, ncols, min_fields, i_lib, line_no)
                    if f is None:
                        continue
                compte = f[i_compte]
                if compte[:1] == "7":
                    sales_journals.add(f[i_journal])
                if not compte.startswith(prefixes):
                    other_lines += 1
                    continue

            # Read and check everything first; change the aggregates only once it is good.
            try:
                # UNREAD: the scan left the amounts to us (else it read a plain Debit/Credit).
                if signed == UNREAD and montant_mode:
                    column, expected, found = name_a, expected_amount, f[i_a]
                    cents = 0 if found in ZERO_AMOUNTS else read_cents(found)
                    column, expected = name_b, _("D or C (or +1 / -1)")
                    found = f[i_b]
                    sens = found.strip().upper()
                    if sens in SENS_DEBIT:
                        signed = cents
                    elif sens in SENS_CREDIT:
                        signed = -cents
                    else:
                        raise ValueError(found)
                elif signed == UNREAD:
                    column, expected, found = name_a, expected_amount, f[i_a]
                    signed = 0 if found in ZERO_AMOUNTS else read_cents(found)
                    column, found = name_b, f[i_b]
                    if found not in ZERO_AMOUNTS:
                        signed -= read_cents(found)
                expected = expected_date
                found = f[i_edate].strip()
                column = h_edate
                if (
                    as_of_ordinal
                    and found
                    and (ordinals.get(found) or ordinal_of(found)) > as_of_ordinal
                ):
                    continue  # posted after the as-of date: not in the ledger yet
                pdate = f[i_pdate].strip()
                if pdate:
                    column, found = h_pdate, pdate
                elif not found:
                    raise ValueError(found)
                issue = ordinals.get(found) or ordinal_of(found)
                letter = f[i_let].strip()
                if letter and as_of_ordinal:
                    found = f[i_datelet].strip()
                    column = h_datelet
                    if found and (ordinals.get(found) or ordinal_of(found)) > as_of_ordinal:
                        letter = ""  # lettered after the as-of date: open that day
                due = None
                if i_due is not None and signed > 0:
                    found = f[i_due].strip()
                    if found:
                        column = self.headers[i_due]
                        due = ordinals.get(found) or ordinal_of(found)
            except ValueError:
                errors.add(line_no, column.strip().lstrip("\ufeff"), expected, found)
                continue

            aux = f[i_aux].strip()
            if aux:
                code = aux
                name = f[i_auxlib] if i_auxlib is not None else ""
            else:
                code = compte.strip()
                name = f[i_comptelib] if i_comptelib is not None else ""
            known = by_code.get(code)  # one look-up for the customer's record, pieces and key
            if known is None:
                customer = customers[code] = CustomerRecord(
                    code=code, name=name.strip(), line=line_no
                )
                known = by_code[code] = (customer, by_customer.setdefault(code, {}), len(by_code))
                customer_codes.append(code)
            customer, refs, c = known
            if not customer.name and name.strip():
                customer.name = name.strip()
            code = customer.code

            ref = f[i_piece].strip()
            if len(ref) <= PLACEHOLDER_LEN and ref.lower() in PLACEHOLDER_REFS:
                number = f[i_num].strip()
                if number and not number.isdigit():
                    ref = number
                else:
                    ref = f"{f[i_journal].strip()}-{number or 'L' + str(line_no)}"
            piece = refs.get(ref)
            if piece is None:  # a new piece: a row in each column (a million and a half)
                piece = refs[ref] = len(p_line)
                p_ref_append(ref)
                p_customer_append(c)
                p_line_append(line_no)
                p_date_append(issue)
                p_debit_append(0)
                p_credit_append(0)
                p_open_append(0)
                p_due_append(NO_DATE)
                p_journal_append(NO_JOURNAL)
                p_avoir_append(0)
            elif issue < p_date[piece]:
                p_date[piece] = issue
            if signed > 0:
                p_debit[piece] += signed
                if due is not None and p_due[piece] == NO_DATE:
                    p_due[piece] = due
            elif signed < 0:
                p_credit[piece] -= signed
                if p_journal[piece] == NO_JOURNAL:
                    journal = journal_ids.get(f[i_journal])
                    p_journal[piece] = (
                        pieces.journal_id(f[i_journal]) if journal is None else journal
                    )
                if not p_avoir[piece]:
                    # A credit note by its label or reference ("rembt avoir" has "avoir"):
                    # four ``in`` tests cost a third of one regex search here.
                    low = f"{f[i_lib]} {ref}".lower()
                    p_avoir[piece] = (
                        "avoir" in low
                        or "refund" in low
                        or "credit note" in low
                        or "creditnote" in low
                    )
            if not letter:
                p_open[piece] += signed
                continue
            # A line of the lettrage group (customer, letter): ``Groups`` (a million times)
            x = g_letters.get(letter)
            if x is None:
                x = g_letters[letter] = len(g_letters)
            key = (x << 32) | c
            g_keys_append(key)
            g_pieces_append(piece)
            g_cents_append(signed)
            if len(g_keys) == spill_lines:
                groups.spill()
        self.result.rows_read = layout.rows
        receivable_lines = layout.kept - other_lines
        sales_journals |= layout.sales_journals
        self.receivable_lines = receivable_lines
        self.sales_journals = sales_journals
        return pieces, groups

    def _fit(self, f: list[str], ncols: int, min_fields: int, i_lib: int, line_no: int):
        """Repair a line whose field count differs from the header's, or record why not."""
        n = len(f)
        if n > ncols and self.sep != ",":
            # Separators inside the label (FEC-cleaner's "pipe in EcritureLib").
            surplus = n - ncols
            f[i_lib : i_lib + surplus + 1] = [self.sep.join(f[i_lib : i_lib + surplus + 1])]
            return f
        if min_fields <= n < ncols:
            return f + [""] * (ncols - n)  # trailing empty fields left out
        expected = _("%(count)d fields separated by %(separator)s") % {
            "count": ncols,
            "separator": describe_separator(self.sep),
        }
        found = _("%(count)d fields") % {"count": n}
        if n > ncols:
            found += " " + _("(decimal commas in a comma-separated file?)")
        self.errors.add(line_no, "", expected, found)
        return None

    # -- the open items ------------------------------------------------------------------

    def _open_items(self, pieces: Pieces, source):
        sales = self.sales_journals
        balances = pieces.open
        # Parallel lists rather than a (code, reference) tuple per item: 10 MB less at 1M.
        codes, refs, kinds, indexes = [], [], [], array("q")
        ref_of, customer_of, code_of = pieces.ref, pieces.customer, pieces.codes
        invoice, credit_note, payment = ItemKind.INVOICE, ItemKind.CREDIT_NOTE, ItemKind.PAYMENT
        # The open pieces' numbers, picked from the balances in C (a fifth of the pieces).
        for i in compress(range(len(balances)), balances):
            balance = balances[i]
            if balance > 0:
                kind = invoice
            else:
                sales_journal = pieces.journal_of(i) in sales
                kind = credit_note if sales_journal or pieces.avoir[i] else payment
            codes.append(code_of[customer_of[i]])
            refs.append(ref_of[i])
            kinds.append(kind)
            indexes.append(i)
        del ref_of[:]
        # Invoice and credit-note numbers are unique in the ledger: a reference two
        # customers share (an opening entry, a placeholder) gets the customer code appended.
        shared = _shared_refs(refs, kinds)
        lines = pieces.line
        labels = self._labels(source, [lines[i] for i in indexes])
        iso_dates: dict[int, str] = {}

        def iso(ordinal: int) -> str:
            text = iso_dates.get(ordinal)
            if text is None:
                text = iso_dates[ordinal] = dt.date.fromordinal(ordinal).isoformat()
            return text

        payment, debit, credit, dates, dues = (
            ItemKind.PAYMENT,
            pieces.debit,
            pieces.credit,
            pieces.date,
            pieces.due,
        )
        for code, ref, kind, i in zip(codes, refs, kinds, indexes, strict=True):
            number = ref
            if kind != payment and ref in shared[kind]:
                number = f"{ref}/{code}"
            balance = balances[i]
            if balance > 0:
                total, open_cents = debit[i], balance
            else:
                total, open_cents = credit[i], -balance
            line = lines[i]
            yield (
                line,
                code,
                kind,
                number,
                iso(dates[i]),
                None if dues[i] == NO_DATE else iso(dues[i]),
                total if total > open_cents else open_cents,
                open_cents,
                "EUR",
                labels.get(line, "")[:255],
                "",
            )

    def _labels(self, source, line_numbers) -> dict[int, str]:
        """The ``EcritureLib`` of the given lines (the first lines of the open pieces): from the
        pass over the lines (``fec_lines``), asked for at the end, since keeping a label per
        piece in this process would double its memory."""
        wanted = sorted(line_numbers)  # each line begins one piece at most
        return {
            line_no: "" if label in PLACEHOLDER_REFS else label
            for line_no, label in zip(wanted, source.labels(wanted), strict=True)
        }


def _shared_refs(refs, kinds) -> dict[str, set[str]]:
    """The invoice and credit-note references that more than one customer uses, by kind.

    Sets of the references already held (no tuple and no count per item): at a million
    invoices a Counter of (kind, reference) pairs cost some 14 MB more, at the import's peak."""
    seen: dict[str, set[str]] = {ItemKind.INVOICE: set(), ItemKind.CREDIT_NOTE: set()}
    shared: dict[str, set[str]] = {ItemKind.INVOICE: set(), ItemKind.CREDIT_NOTE: set()}
    for ref, kind in zip(refs, kinds, strict=True):
        if kind in seen:
            (shared[kind] if ref in seen[kind] else seen[kind]).add(ref)
    return shared


_FEC_SPELLING = {
    "journalcode": "JournalCode",
    "ecriturenum": "EcritureNum",
    "ecrituredate": "EcritureDate",
    "comptenum": "CompteNum",
    "compauxnum": "CompAuxNum",
    "pieceref": "PieceRef",
    "piecedate": "PieceDate",
    "ecriturelib": "EcritureLib",
    "ecriturelet": "EcritureLet",
    "datelet": "DateLet",
}

"""The FEC reader's pass over the file: which lines it must look at, and, for a large file,
that pass in a second process while the reader works on the lines already found.

Fewer than two lines in five of a FEC are on a customer account; the others (sales, VAT, bank)
only tell which journals are sales journals. A line with the header's number of fields
(counted in C) is split only up to its ``CompteNum`` and handed over only when that is a
receivable account; the journals of its 7xx lines are noted on the way. Any other line (short,
long, blank) is handed over as it is, for the reader to repair or report.

The reader also needs, at the end, the label (``EcritureLib``) of the first line of each piece
left open; which pieces those are is known only once every line is read, and keeping a label
per piece in the reader would double its memory. ``source.labels(line_numbers)`` gives them.

On a machine with two cores or more, a file of ``CHILD_MIN_BYTES`` or more is scanned by a
forked child process that sends the lines it keeps through a pipe, in batches: reading and
sorting four million lines then runs beside the reader's work on the customer lines (the
import's wall time, not its CPU time, goes down). The child touches nothing but the file. It
keeps the labels of the lines it sent (some 150 MB in its own memory at a million invoices) and
answers the reader's one request for labels at the end, in a blink. Without a child, the labels
are read in a second pass over the file.
"""

from array import array
from collections import deque
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from .cells import ZERO_AMOUNTS
from .forked import Forked, worth_forking

CHILD_MIN_BYTES = 32 << 20  # below (some 200,000 lines), a process costs more than it saves
BATCH_LINES = 4096
UNREAD = -(1 << 63)  # a line's cents left for the reader to read (and to report if bad)


@dataclass
class Layout:
    path: Path
    encoding: str
    sep: str
    ncols: int
    header_line_no: int
    i_compte: int
    i_journal: int
    i_lib: int
    prefixes: tuple[str, ...]
    i_debit: int | None = None  # None in the Montant/Sens variant
    i_credit: int | None = None
    rows: int = 0  # non-blank lines after the header, once the scan is over
    kept: int = 0  # lines handed to the reader, once the scan is over
    sales_journals: set[str] = field(default_factory=set)


def label_of(line: str, layout: Layout) -> str:
    """The ``EcritureLib`` of a line as the reader reads it: separators in surplus belong to
    the label; a line too short to have one has none. Stripped; placeholders left as they are."""
    sep, ncols, i_lib = layout.sep, layout.ncols, layout.i_lib
    f = line.split(sep)
    if len(f) > ncols:
        surplus = len(f) - ncols
        return sep.join(f[i_lib : i_lib + surplus + 1]).strip()
    return f[i_lib].strip() if i_lib < len(f) else ""


def scan(layout: Layout):
    """Batches ``(line numbers, lines without their end)`` of the lines the reader must look
    at, in file order."""
    sep, nseps, prefixes = layout.sep, layout.ncols - 1, layout.prefixes
    k, j = layout.i_compte, layout.i_journal
    k1 = k + 1
    tab = sep == "\t"  # only then can a line with all its separators be blank
    sevens = any(p[:1] == "7" for p in prefixes)
    sales_journals = layout.sales_journals
    blank = kept = 0
    line_no = layout.header_line_no
    numbers: list[int] = []
    texts: list[str] = []
    with layout.path.open("r", encoding=layout.encoding, newline=None) as fh:
        lines = enumerate(fh, 1)
        for _header in islice(lines, layout.header_line_no):
            pass
        for line_no, line in lines:
            if line.count(sep) == nseps:
                parts = line.split(sep, k1)
                compte = parts[k]
                if sevens and compte[:1] == "7":  # a customer prefix in 7: still a journal
                    sales_journals.add(parts[j] if j <= k else line.rstrip("\n").split(sep)[j])
                if not compte.startswith(prefixes):
                    if compte[:1] == "7":
                        if j > k:
                            parts = (line[:-1] if line[-1:] == "\n" else line).split(sep)
                        sales_journals.add(parts[j])
                    elif tab and not compte.strip() and line.isspace():
                        blank += 1
                    continue
                texts.append(line[:-1] if line[-1:] == "\n" else line)
            else:
                if line[-1:] == "\n":
                    line = line[:-1]
                if not line or line.isspace():
                    blank += 1
                    continue
                texts.append(line)
            numbers.append(line_no)
            if len(numbers) == BATCH_LINES:
                kept += BATCH_LINES
                yield numbers, texts
                numbers, texts = [], []
    if numbers:
        kept += len(numbers)
        yield numbers, texts
    layout.rows = line_no - layout.header_line_no - blank  # the lines after the header, but blank
    layout.kept = kept


def line_source(layout: Layout):
    """The lines to look at (iterate once), then their labels; ``close()`` when done."""
    if worth_forking(layout.path, CHILD_MIN_BYTES):
        return FromChild(layout)
    return InProcess(layout)


class InProcess:
    def __init__(self, layout: Layout):
        self.layout = layout

    def __iter__(self):
        for numbers, texts in scan(self.layout):
            for line_no, line in zip(numbers, texts, strict=True):
                yield line_no, line, UNREAD

    def labels(self, line_numbers: list[int]) -> list[str]:
        """The labels of these lines (ascending), read again from the file."""
        found = []
        with self.layout.path.open("r", encoding=self.layout.encoding, newline=None) as fh:
            at = 0  # lines read so far
            line = ""
            for line_no in line_numbers:
                if line_no > at:
                    # The lines in between are skipped in C, without a Python step each.
                    line = next(islice(fh, line_no - at - 1, None), "")
                    at = line_no
                found.append(label_of(line.rstrip("\n"), self.layout))
        return found

    def close(self) -> None:
        pass


class FromChild:
    def __init__(self, layout: Layout):
        self.layout = layout
        self.child = Forked(_child, layout)
        self.conn = self.child.conn

    def __iter__(self):
        layout, recv = self.layout, self.conn.recv
        while True:
            message = recv()
            if message[0] == "lines":
                yield from zip(message[1], message[2], message[3], strict=True)
            elif message[0] == "end":
                layout.rows, layout.kept, layout.sales_journals = message[1:]
                return
            else:
                raise message[1]

    def labels(self, line_numbers: list[int]) -> list[str]:
        self.conn.send(array("i", line_numbers))
        message = self.conn.recv()
        if message[0] == "error":
            raise message[1]
        return message[1]

    def close(self) -> None:
        self.child.close()


def _child(layout: Layout, conn) -> None:
    try:
        sep, ncols, i_lib = layout.sep, layout.ncols, layout.i_lib
        i_debit, i_credit = layout.i_debit, layout.i_credit
        kept_numbers = array("i")
        kept_labels: list[str] = []
        keep_label = kept_labels.append
        for numbers, texts in scan(layout):
            cents = array("q")
            add = cents.append
            for text in texts:
                f = text.split(sep)
                if len(f) != ncols:
                    keep_label(label_of(text, layout))
                    add(UNREAD)
                    continue
                keep_label(f[i_lib].strip())
                if i_debit is None:
                    add(UNREAD)
                    continue
                # Debit less credit when both are plain (1234,56 / 0,00 / empty), else UNREAD:
                # the reader reads the others itself, and words their errors.
                debit, credit = f[i_debit], f[i_credit]
                if debit in ZERO_AMOUNTS:
                    signed = 0
                else:
                    head, comma, tail = debit.partition(",")
                    if not (comma and len(tail) == 2 and head.isdecimal() and tail.isdecimal()):
                        add(UNREAD)
                        continue
                    signed = int(head + tail)
                if credit not in ZERO_AMOUNTS:
                    head, comma, tail = credit.partition(",")
                    if not (comma and len(tail) == 2 and head.isdecimal() and tail.isdecimal()):
                        add(UNREAD)
                        continue
                    signed -= int(head + tail)
                add(signed)
            conn.send(("lines", numbers, texts, cents))
            kept_numbers.extend(numbers)
        conn.send(("end", layout.rows, layout.kept, layout.sales_journals))
        # While the reader finishes its lines: the labels by line number, placed in C.
        by_line: list[str | None] = [None] * (kept_numbers[-1] + 1 if kept_numbers else 0)
        deque(map(by_line.__setitem__, kept_numbers, kept_labels), maxlen=0)
        del kept_numbers, kept_labels
        wanted = conn.recv()
        conn.send(("labels", [by_line[n] for n in wanted]))
    except EOFError:
        return  # the reader stopped early: it wants nothing more (``finally`` closes)
    except Exception as exc:  # the parent raises it where the single process would have
        conn.send(("error", exc))
    finally:
        conn.close()

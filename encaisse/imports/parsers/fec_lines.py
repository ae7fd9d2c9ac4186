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

import multiprocessing
import os
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

CHILD_MIN_BYTES = 32 << 20  # below (some 200,000 lines), a process costs more than it saves
BATCH_LINES = 4096


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
    rows: int = 0  # non-blank lines after the header, once the scan is over
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
    """``(line number, line without its end)`` of the lines the reader must look at."""
    sep, nseps, prefixes = layout.sep, layout.ncols - 1, layout.prefixes
    k, j = layout.i_compte, layout.i_journal
    tab = sep == "\t"  # only then can a line with all its separators be blank
    sales_journals = layout.sales_journals
    rows = 0
    with layout.path.open("r", encoding=layout.encoding, newline=None) as fh:
        lines = enumerate(fh, 1)
        for _header in islice(lines, layout.header_line_no):
            pass
        for line_no, line in lines:
            if line.count(sep) == nseps:
                parts = line.split(sep, k + 1)
                compte = parts[k]
                if compte.startswith(prefixes):
                    rows += 1
                    yield line_no, line[:-1] if line[-1:] == "\n" else line
                    continue
                if compte[:1] == "7":
                    if j > k:
                        parts = (line[:-1] if line[-1:] == "\n" else line).split(sep)
                    sales_journals.add(parts[j])
                elif tab and not compte.strip() and line.isspace():
                    continue
                rows += 1
                continue
            if line[-1:] == "\n":
                line = line[:-1]
            if not line or line.isspace():
                continue
            rows += 1
            yield line_no, line
    layout.rows = rows


def line_source(layout: Layout):
    """The lines to look at (iterate once), then their labels; ``close()`` when done."""
    if (
        (os.cpu_count() or 1) < 2
        or layout.path.stat().st_size < CHILD_MIN_BYTES
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return InProcess(layout)
    return FromChild(layout)


class InProcess:
    def __init__(self, layout: Layout):
        self.layout = layout

    def __iter__(self):
        return scan(self.layout)

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
        context = multiprocessing.get_context("fork")
        self.conn, theirs = context.Pipe()
        self.child = context.Process(target=_child, args=(layout, theirs), daemon=True)
        self.child.start()
        theirs.close()

    def __iter__(self):
        layout, recv = self.layout, self.conn.recv
        while True:
            message = recv()
            if message[0] == "lines":
                yield from zip(message[1], message[2], strict=True)
            elif message[0] == "end":
                layout.rows, layout.sales_journals = message[1:]
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
        self.conn.close()  # a child still sending or waiting for the request stops on it
        if self.child.is_alive():
            self.child.terminate()
        self.child.join()


def _child(layout: Layout, conn) -> None:
    try:
        sep, ncols, i_lib = layout.sep, layout.ncols, layout.i_lib
        kept_numbers = array("i")  # ascending
        kept_labels: list[str] = []
        numbers: list[int] = []
        texts: list[str] = []
        for line_no, text in scan(layout):
            numbers.append(line_no)
            texts.append(text)
            f = text.split(sep)
            kept_labels.append(f[i_lib].strip() if len(f) == ncols else label_of(text, layout))
            if len(numbers) == BATCH_LINES:
                conn.send(("lines", numbers, texts))
                kept_numbers.extend(numbers)
                numbers, texts = [], []
        if numbers:
            conn.send(("lines", numbers, texts))
            kept_numbers.extend(numbers)
        del numbers, texts
        conn.send(("end", layout.rows, layout.sales_journals))
        wanted = conn.recv()
        conn.send(("labels", [kept_labels[bisect_left(kept_numbers, n)] for n in wanted]))
    except EOFError:
        pass  # the reader stopped early: it wants nothing more
    except Exception as exc:  # the parent raises it where the single process would have
        conn.send(("error", exc))
    finally:
        conn.close()

"""The FEC reader's state while it reads: pieces and lettrage groups, in columns of machine ints.

A million-invoice FEC has one and a half million pieces (customer + PieceRef: invoices and
payments) and over half a million lettrage groups. As Python lists of objects they cost 600
bytes or more each, beyond what the import may use (500 MB at a million lines). Here a piece is
its key and an index into typed arrays (ints, dates as ordinals); its label is not kept but
asked for, from its first line, for the pieces left open (``FecReader._labels``). A lettrage
group is one integer key; its lines go to a temporary file. At the end, once the piece index is
freed, the groups' nets are summed from those lines, and the lines of the groups that do not
net to zero are read back to share their payments out (``allocate``): a net per group kept
while reading would cost 60 MB at the reader's peak.
"""

import tempfile
from array import array

NO_DATE = 0  # date ordinals start at 1
NO_JOURNAL = -1
SPILL_LINES = 1 << 16  # lettered lines kept in memory before they go to a temporary file


class Pieces:
    """Column store of pieces, filled by the reader's loop; ``index`` maps customer code, then
    PieceRef, to a piece while the lines are read; ``ref`` and ``customer`` (a number into
    ``codes``) name each piece afterwards."""

    def __init__(self):
        self.index: dict[str, dict[str, int]] = {}
        self.ref: list[str] = []  # the index's own strings: 8 bytes a piece
        self.customer = array("i")
        self.codes: list[str] = []
        self.line = array("i")  # the piece's first line: its label is asked for at the end
        self.date = array("i")  # ordinal of the earliest date
        self.debit = array("q")  # cents
        self.credit = array("q")  # cents, positive
        self.open = array("q")  # cents still open, signed
        self.due = array("i")  # ordinal, NO_DATE when the file gives none
        self.journal = array("i")  # index in ``journals`` of the first credit line's journal
        self.avoir = bytearray()  # 1 when a credit line's label names a credit note
        self.journals: list[str] = []
        self.journal_ids: dict[str, int] = {}

    def journal_id(self, journal: str) -> int:
        found = self.journal_ids.get(journal)
        if found is None:
            found = self.journal_ids[journal] = len(self.journals)
            self.journals.append(journal)
        return found

    def journal_of(self, i: int) -> str | None:
        j = self.journal[i]
        return None if j == NO_JOURNAL else self.journals[j]


class Groups:
    """Lettrage groups (customer + EcritureLet): their lines in flat arrays.

    The reader fills them in its loop: a group's key is ``(letters[letter] << 32) | customer``
    (the customer's number in the reader), and the line goes to ``keys``, ``pieces`` and
    ``cents``; once they hold ``spill_lines`` lines, ``spill()``."""

    def __init__(self):
        self.letters: dict[str, int] = {}  # EcritureLet -> small int
        self.keys = array("q")
        self.pieces = array("q")
        self.cents = array("q")
        self._spilled = 0
        self.spill_lines = SPILL_LINES  # lines held before they go to the file
        self._spill = None  # the lines of the groups go to disk: few of them will be needed

    def spill(self) -> None:
        """Move the lines held to the temporary file; the arrays stay the same objects."""
        if self._spill is None:
            self._spill = tempfile.TemporaryFile()
        for column in (self.keys, self.pieces, self.cents):
            column.tofile(self._spill)
            del column[:]
        self._spilled += 1

    def _chunks(self):
        """The (keys, pieces, cents) columns of the lettered lines, a chunk at a time, in file
        order."""
        if self._spill is not None:
            self._spill.seek(0)
            for _chunk in range(self._spilled):
                columns = []
                for _column in range(3):
                    column = array("q")
                    column.fromfile(self._spill, self.spill_lines)
                    columns.append(column)
                yield columns
        yield self.keys, self.pieces, self.cents

    def unbalanced(self) -> dict[int, list[tuple[int, int]]]:
        """(piece, cents) of the lines of each group that does not net to zero, in file order."""
        net: dict[int, int] = {}
        get = net.get
        for keys, _pieces, cents in self._chunks():
            for key, amount in zip(keys, cents, strict=True):
                net[key] = get(key, 0) + amount
        keep = {key for key, total in net.items() if total}
        del net
        found: dict[int, list[tuple[int, int]]] = {key: [] for key in keep}
        if keep:
            for keys, pieces, cents in self._chunks():
                for key, piece, amount in zip(keys, pieces, cents, strict=True):
                    if key in keep:
                        found[key].append((piece, amount))
        return found

    def clear(self) -> None:
        self.letters = {}
        self.keys, self.pieces, self.cents = array("q"), array("q"), array("q")
        if self._spill is not None:
            self._spill.close()
            self._spill, self._spilled = None, 0


def allocate(pieces: Pieces, groups: Groups) -> None:
    """Partial lettrage: in a group that does not net to zero, the credits pay the debits oldest
    first (or the debits use the credits, when credits exceed debits); what is left of each
    piece's lines stays open on that piece."""
    for lines in groups.unbalanced().values():
        by_piece: dict[int, int] = {}
        for piece, cents in lines:
            by_piece[piece] = by_piece.get(piece, 0) + cents
        net = sum(by_piece.values())
        sign = 1 if net > 0 else -1
        side = [(p, c * sign) for p, c in by_piece.items() if c * sign > 0]
        cover = sum(-c * sign for c in by_piece.values() if c * sign < 0)
        side.sort(key=lambda pc: (pieces.date[pc[0]], pieces.line[pc[0]]))
        for piece, amount in side:
            used = min(amount, cover)
            cover -= used
            if amount > used:
                pieces.open[piece] += (amount - used) * sign

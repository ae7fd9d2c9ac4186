"""Collecting bad rows: skipped and listed, or gathered and raised together.

Without ``skip_bad_rows`` a parser keeps reading after the first bad row so the user gets
every problem of the file in one go (the first ``MAX_KEPT`` of them), and ``raise_if_any``
raises them together once the file is read. With ``skip_bad_rows`` every bad row lands in
``ParsedLedger.errors`` and the row is left out."""

from encaisse.imports.records import ImportFileError, ParsedLedger, RowError

MAX_KEPT = 1000


class RowErrors:
    def __init__(self, parsed: ParsedLedger, *, skip_bad_rows: bool):
        self.parsed = parsed
        self.skip = skip_bad_rows
        self.found: list[RowError] = parsed.errors if skip_bad_rows else []
        self.count = 0

    def add(self, line: int, column: str, expected: str, found: str) -> None:
        self.count += 1
        if self.skip or len(self.found) < MAX_KEPT:
            error = RowError(
                file=self.parsed.file_name,
                line=line,
                column=column,
                expected=expected,
                found=found,
            )
            self.found.append(error)

    @property
    def failing(self) -> bool:
        """True once a row is bad and the import will be refused (nothing more is yielded)."""
        return self.count > 0 and not self.skip

    def raise_if_any(self) -> None:
        if self.failing:
            error = ImportFileError(list(self.found))
            if self.count > len(self.found):
                shown = "; ".join(str(e) for e in self.found[:5])
                error.message = f"{shown} (and {self.count - 5} more)"
                error.args = (error.message,)
            raise error

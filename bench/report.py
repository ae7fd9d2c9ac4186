"""The benchmark's tables: printed on the console and written as Markdown next to the JSON."""


def _num(value, digits=0) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def _page(record: dict, path: str) -> str:
    page = record.get("reads", {}).get("pages", {}).get(path)
    if not page:
        return "-"
    if page.get("status") != 200:
        return f"HTTP {page['status']}"
    return f"{page['best_ms']:.0f} ms ({page['queries']} q)"


def import_rows(records: list[dict]) -> list[list[str]]:
    rows = []
    for record in records:
        for name, run in record.get("imports", {}).items():
            status = "ok" if run["exit_code"] == 0 else f"FAILED ({run['exit_code']})"
            rows.append(
                [
                    record["size"],
                    record["db"],
                    name,
                    _num(run["lines"]),
                    _num(run["seconds"], 1),
                    _num(run.get("cpu_seconds"), 1),
                    _num(run.get("load"), 1),
                    _num(run["lines_per_s"]),
                    _num(run["peak_rss_mb"]),
                    status,
                ]
            )
    return rows


def read_rows(records: list[dict]) -> list[list[str]]:
    rows = []
    for record in records:
        reads = record.get("reads")
        if not reads:
            continue
        rows.append(
            [
                record["size"],
                record["db"],
                _num(reads.get("invoices_in_db")),
                _num(reads.get("aged_balance_s"), 3),
                _num(reads.get("balance_refresh_s"), 2),
                *(_page(record, path) for path, _label in READ_PAGES),
            ]
        )
    return rows


IMPORT_HEADER = [
    "size",
    "db",
    "file",
    "invoice lines",
    "wall s",
    "CPU s",
    "load",
    "lines/s",
    "peak RSS MB",
    "",
]
# Pages shown in the reads table after the aged balance and the refresh (bench/reads.py).
READ_PAGES = [
    ("/", "home"),
    ("/customers/?sort=overdue", "customers?sort=overdue"),
    ("/invoices/?status=overdue", "invoices?status=overdue"),
    ("/invoices/aged-balance/", "aged-balance page"),
    ("/invoices/?sort=-amount", "invoices?sort=-amount"),
    ("/invoices/?status=open&sort=-open_amount", "invoices?status=open&sort=-open_amount"),
]
READ_HEADER = [
    "size",
    "db",
    "invoices in db",
    "aged balance s",
    "balance refresh s",
    *(label for _path, label in READ_PAGES),
]


def text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    return "\n".join(lines)


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def markdown(result: dict) -> str:
    m = result["machine"]
    parts = [
        f"# Benchmark {result['started']}",
        "",
        f"`{result['command']}`",
        "",
        f"{m['cpus']} x {m['cpu']}, {m['memory_gb']} GB, Python {m['python']}, "
        f"Django {m['django']}, SQLite {m['sqlite']}, PostgreSQL {m['postgresql'] or '-'}",
        "",
        "## Imports",
        "",
        markdown_table(IMPORT_HEADER, import_rows(result["records"])),
        "",
        "## Reads",
        "",
        markdown_table(READ_HEADER, read_rows(result["records"])),
        "",
    ]
    return "\n".join(parts)

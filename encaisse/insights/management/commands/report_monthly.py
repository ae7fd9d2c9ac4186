"""``encaisse report monthly --month YYYY-MM [--language fr|en] --output FILE.pdf``: the monthly
management report as a PDF (key figures, DSO history and cash forecast charts, per segment and
collector)."""

from django.core.management.base import BaseCommand, CommandError

from encaisse.insights.report import monthly_report_pdf


class Command(BaseCommand):
    help = "Write the monthly receivables report as a PDF."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--language", choices=["fr", "en"], default="fr")
        parser.add_argument("--output", required=True, help="the PDF file to write")

    def handle(self, *args, month, language, output, **options):
        try:
            pdf = monthly_report_pdf(month=month, language=language)
        except ValueError:
            raise CommandError(f"--month: not a month in the form YYYY-MM: {month!r}") from None
        try:
            with open(output, "wb") as stream:
                stream.write(pdf)
        except OSError as error:
            raise CommandError(f"--output: cannot write {output}: {error.strerror}") from None
        self.stdout.write(f"{output}: {len(pdf):,} bytes")

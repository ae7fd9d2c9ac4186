from encaisse.core.dates import age_buckets

from .models import Company


def company_get() -> Company:
    """The installation's company row, created with defaults on first use."""
    company = Company.objects.order_by("pk").first()
    if company is None:
        company = Company.objects.create()
    return company


def company_age_buckets(company: Company | None = None):
    return age_buckets((company or company_get()).aging_bucket_bounds)

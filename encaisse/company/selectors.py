"""Reads over the company settings and the customer segments."""

from django.db.models import Count

from encaisse.core.dates import age_buckets
from encaisse.customers.models import Segment

from .models import Company


def company_get() -> Company:
    """The installation's company row, created with defaults on first use."""
    company = Company.objects.order_by("pk").first()
    if company is None:
        company = Company.objects.create()
    return company


def company_age_buckets(company: Company | None = None):
    return age_buckets((company or company_get()).aging_bucket_bounds)


def segment_list():
    """Every segment with the number of its customers (a segment in use cannot be deleted)."""
    return Segment.objects.annotate(customer_count=Count("customers")).order_by("name")

from .capabilities import capabilities_of


def capabilities(request):
    """Expose the user's capabilities to templates as ``can.view_ledger`` etc."""
    caps = capabilities_of(getattr(request, "user", None))
    return {"can": {cap: True for cap in caps}}

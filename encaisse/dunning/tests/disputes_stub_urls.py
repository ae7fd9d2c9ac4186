"""The project's URLs plus a stand-in for the disputes feature's "new dispute" page, to test the
worklist's hook (``dispute_prefill_url``) independently of that page."""

from django.http import HttpResponse
from django.urls import include, path

from encaisse.urls import urlpatterns as project

stub = ([path("new/", lambda request: HttpResponse("new dispute"), name="new")], "disputes")
urlpatterns = [*project, path("disputes-stub/", include(stub))]

"""The interactive API docs (``/api/v1/docs``) from the Swagger UI files django-ninja ships,
served by our static files: never from a CDN.

ninja renders its local templates only when it is in ``INSTALLED_APPS``, and otherwise falls
back to a CDN page; it is left out of the installed apps so that commands do not import it
(settings.py adds its templates and static folders), hence this page of our own."""

import json

from django.shortcuts import render
from ninja.openapi.docs import Swagger


class LocalSwagger(Swagger):
    def render_page(self, request, api, **kwargs):
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            # The page sends the CSRF token when an authentication of the API asks for one.
            "add_csrf": any(getattr(auth, "csrf", False) for auth in api.auth or []),
        }
        return render(request, self.template, context)

"""WSGI entry point: ``gunicorn waw.wsgi``.

Serving through WSGI means production unless told otherwise.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waw.settings")
os.environ.setdefault("WAW_MODE", "production")

application = get_wsgi_application()

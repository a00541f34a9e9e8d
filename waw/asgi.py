"""ASGI entry point; like WSGI, production unless told otherwise."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waw.settings")
os.environ.setdefault("WAW_MODE", "production")

application = get_asgi_application()

#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waw.settings")
    from waw.env import ConfigurationError

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(sys.argv)
    except ConfigurationError as error:
        # A misconfigured environment is the operator's to fix: one clear line, no traceback.
        sys.exit(f"Configuratiefout: {error}")


if __name__ == "__main__":
    main()

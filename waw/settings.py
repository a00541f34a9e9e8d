"""Settings for the WAW administration.

Everything that differs between machines comes from the environment through ``waw.env``.
``WAW_MODE=production`` switches on the production settings (``check --deploy`` clean);
``gunicorn waw.wsgi`` defaults to production, ``manage.py`` to development.
"""

import os
from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from waw import env

BASE_DIR = Path(__file__).resolve().parent.parent

MODE = env.text("WAW_MODE", "development").lower()
if MODE not in {"development", "production"}:
    raise env.ConfigurationError(
        f"WAW_MODE moet 'development' of 'production' zijn, niet {MODE!r}."
    )
PRODUCTION = MODE == "production"

DEBUG = False if PRODUCTION else env.flag("DEBUG", True)

SECRET_KEY = env.text("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise env.ConfigurationError(
            "SECRET_KEY ontbreekt: zet in productie een geheime sleutel van minstens 50 tekens."
        )
    SECRET_KEY = "development-only-key-never-used-in-production-0123456789"  # noqa: S105

ALLOWED_HOSTS = env.items("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise env.ConfigurationError("ALLOWED_HOSTS ontbreekt: noem de hostnaam van de applicatie.")
CSRF_TRUSTED_ORIGINS = env.items("CSRF_TRUSTED_ORIGINS")

# The client's address (audit trail, lock-out) is taken from X-Forwarded-For only as far as it
# was written by our own reverse proxies: this many of them stand in front of the app (0: the
# connection's own address, the header is ignored). See waw/addresses.py.
BEHIND_TLS_PROXY = env.flag("BEHIND_TLS_PROXY", False)
TRUSTED_PROXY_COUNT = env.integer("TRUSTED_PROXY_COUNT", 1 if BEHIND_TLS_PROXY else 0)
if TRUSTED_PROXY_COUNT < 0:
    raise env.ConfigurationError(
        f"TRUSTED_PROXY_COUNT moet 0 of meer zijn, niet {TRUSTED_PROXY_COUNT}."
    )

# Two-factor authentication (TOTP) is optional for coordinators and beheerders while developing
# and required for them in production; a user who has set it up always has to use it.
TWO_FACTOR_REQUIRED = PRODUCTION or env.flag("TWO_FACTOR_REQUIRED", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # The forms' widget templates through TEMPLATES (FORM_RENDERER), so that
    # templates/django/forms/ can give every select a Dutch empty choice.
    "django.forms",
    "django_filters",
    "django_tables2",
    # Security: audit trail and access log, login lock-out, two-factor authentication.
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Background tasks: the queue is a table of the database (issue #20).
    "django_tasks",
    "django_tasks_db",
    "waw",
    "projects",
    "participants",
    "billing",
    "monitor",
    "board",
    "audit",
]

MIDDLEWARE = [
    # First: every response carries X-Request-ID, every log line the request's id (waw/logs.py).
    "waw.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "waw.middleware.ContentSecurityPolicyMiddleware",
    "waw.middleware.RejectNullCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the first middleware that reads or writes the database (the session): a locked
    # database (SQLite, a large import running) answers the busy page, 503, not a 500.
    "waw.middleware.DatabaseBusyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the user is known (an upload needs a login), before anything reads the body.
    "waw.middleware.RequestBodyLimitMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "waw.twofactor.TwoFactorMiddleware",
    "waw.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a lock-out into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "waw.urls"
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "waw.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "waw.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.database("DATABASE_URL", BASE_DIR / "db.sqlite3")}

# The cache lives in the database: the web processes and the task workers (on one machine or
# several) share it, so figures a worker computes are the figures every reader gets. Created
# by `manage.py createcachetable` (make run, the README's deployment steps; tests do it).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "waw_cache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background tasks (imports, invoice runs, edition PDFs, the monitor's figures): queued in the
# database and run by `manage.py db_worker` (README, "Productie"), so no extra server is needed
# and workers on several machines share one queue. Tests run the work at once (tests/conftest.py).
TASKS = {
    "default": {
        "BACKEND": env.text("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Jobs (waw/jobs.py): an uploaded file waits here for its task and is removed when it ends; a
# running job whose worker has not been heard of for this long (on another machine; on the
# same machine a dead worker process is seen at once) is marked failed.
JOB_INPUT_DIR = env.text("JOB_INPUT_DIR")
JOB_HEARTBEAT_TIMEOUT_SECONDS = env.integer("JOB_HEARTBEAT_TIMEOUT_SECONDS", 120)

AUTH_USER_MODEL = "waw.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out account is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Dutch interface, Dutch formats (€ 1.234,56; 31-12-2025), Amsterdam time.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
# Grouping every number would print years as "2.025"; amounts are grouped where they are shown
# (the euro filter, intcomma), so the separator is off globally.
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["waw.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# WhiteNoise serves static files in every mode; outside production it reads them from the
# source folders on each request, so there is nothing to collect while developing.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.text("MEDIA_ROOT") or BASE_DIR / "media")
STORAGES = {
    # Issued documents go through the storage API, so any Django storage backend can replace this.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Request bodies: 1 MB for every form, and for a signed-in user's upload page (the import,
# whose own limit is 5 MB: participants.forms.ImportForm.MAX_BYTES) 5 MB and room for the form
# around the file. Larger bodies get 413 before they are read (waw.middleware). Uploads are
# held in memory only, never in a temporary file that a stalled or killed request would leave
# behind. The reverse proxy should refuse them earlier still (README, Production).
REQUEST_BODY_LIMIT = 1024 * 1024
UPLOAD_BODY_LIMIT = 5 * 1024 * 1024 + 256 * 1024
UPLOAD_URL_NAMES = {"participants:import"}
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_LIMIT
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_BODY_LIMIT
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

SESSION_COOKIE_AGE = env.integer("SESSION_COOKIE_AGE", 60 * 60 * 8)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Every request moves the expiry on, so SESSION_COOKIE_AGE is the allowed time of inactivity
# rather than the length of a working day counted from the login.
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.flag("SECURE_SSL_REDIRECT", True)
    # The load balancer probes /healthz over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if BEHIND_TLS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Login lock-out (BIO): five failed logins for one username from one address lock that
# combination for 15 minutes; thirty failures from one address, whatever the usernames, lock
# the address. Per username alone, anyone could lock out every coordinator by typing their
# names; per address alone, the Regio's staff (one office address) would lock each other out.
AXES_FAILURE_LIMIT = env.integer("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env.integer("AXES_ADDRESS_FAILURE_LIMIT", 30)
AXES_COOLOFF_TIME = timedelta(minutes=env.integer("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "waw.login_protection.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "waw.views.locked_out"
AXES_USERNAME_CALLABLE = "waw.login_protection.username_for_lockout"
AXES_VERBOSE = False
# The same address as the audit trail's (waw/addresses.py), not django-ipware's own reading.
AXES_CLIENT_IP_CALLABLE = "waw.addresses.client_address"

# Audit trail (django-auditlog): old and new values as JSON, foreign keys by their name. Which
# models are tracked is listed in audit/registry.py.
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_USE_FK_STRING_REPRESENTATION = True

# AVG retention: a participant's personal data is anonymised this many years after their last
# trajectory ended (the financial retention duty for invoices is seven years too).
RETENTION_YEARS = env.integer("RETENTION_YEARS", 7)

# The coordinator's work list: an enrolment not started after this many weeks asks for action.
WORKLIST_NOT_STARTED_WEEKS = max(1, env.integer("WORKLIST_NOT_STARTED_WEEKS", 8))

# The sender on invoices (REGIO_* variables, waw/env.py); placeholders until the Regio sets them.
INVOICE_SENDER = env.invoice_sender(production=PRODUCTION)
INVOICE_PAYMENT_TERM_DAYS = env.integer("INVOICE_PAYMENT_TERM_DAYS", 30)
# Processes that render an invoice run's PDFs at once (billing/services.py issue_run): one per
# core by default; 1 renders in the issuing process itself.
INVOICE_RENDER_PROCESSES = max(1, env.integer("INVOICE_RENDER_PROCESSES", os.cpu_count() or 1))
# The monitor's colophon: "Neem voor meer informatie over deze monitor contact op met ... via
# <address>" (seed 004). Empty: the colophon leaves that sentence out.
MONITOR_CONTACT_EMAIL = env.text(
    "MONITOR_CONTACT_EMAIL", "monitor@demo.invalid" if INVOICE_SENDER["demo"] else ""
)

# Structured logs (waw/logs.py): JSON lines on stderr with the request id and the user id,
# never personal data. LOG_FORMAT=text gives plain lines for reading on a development machine.
LOG_FORMAT = env.text("LOG_FORMAT", "json").lower()
if LOG_FORMAT not in {"json", "text"}:
    raise env.ConfigurationError(f"LOG_FORMAT moet 'json' of 'text' zijn, niet {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "waw.logs.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "waw.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": env.text("LOG_LEVEL", "INFO")},
    "loggers": {
        # WeasyPrint and fontTools are chatty at INFO; warnings and errors still show.
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        # runserver's own request lines carry the query string (names, klantnummers in a
        # search); waw.request logs every request without it instead.
        "django.server": {"handlers": [], "propagate": False},
    },
}

DJANGO_TABLES2_TEMPLATE = "waw/table.html"

# Backups (waw/backup.py, README "Productie"): where `manage.py backup` writes its sets, the
# PostgreSQL client tools of the server's major version, and the file with the passphrase that
# encrypts a set that leaves the machine (gpg, AES-256).
BACKUP_DIR = Path(env.text("BACKUP_DIR") or BASE_DIR / "backups")
BACKUP_PG_BIN = env.text(
    "PG_BIN",
    "/usr/lib/postgresql/15/bin" if Path("/usr/lib/postgresql/15/bin/pg_dump").exists() else "",
)
BACKUP_PASSPHRASE_FILE = env.text("BACKUP_PASSPHRASE_FILE")

# The health page (/systeemstatus/, waw/health.py): the archive check and the backup run daily
# from cron, so older than this is a warning; less free disk than this is a warning, less than
# half of it an error.
HEALTH_MAX_CHECK_AGE_HOURS = env.integer("HEALTH_MAX_CHECK_AGE_HOURS", 26)
HEALTH_MIN_FREE_DISK_PERCENT = env.integer("HEALTH_MIN_FREE_DISK_PERCENT", 10)

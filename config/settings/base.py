"""Settings shared by every environment.

This module is the only reader of environment variables; every variable is listed
in README.md with its default. `dev.py` supplies developer defaults, `test.py` only
speeds things up and `production.py` only hardens.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Where the zero-setup defaults keep their state (SQLite, broker, media, e-mail).
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process and the Celery worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL;",
            # Take the write lock at BEGIN so the busy timeout applies; a deferred
            # transaction that read first fails at once with "database is locked".
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "backoffice.accounts",
    "backoffice.core",
    "backoffice.procedures",
    "backoffice.signatures",
    "backoffice.dossiers",
    "backoffice.scanning",
    "backoffice.intake",
    "backoffice.documents",
    "backoffice.exchange",
    "backoffice.incoming",
    "backoffice.outgoing",
    "backoffice.reports",
    "backoffice.records",
    "backoffice.payments",
    "backoffice.demo",
    "search",
    "portal",
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "ninja",
    "taggit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "backoffice.core.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "backoffice.accounts.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "backoffice.accounts.middleware.StaffSessionExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Citizens signing in with the national identity (OIDC_* below).
    "backoffice.accounts.oidc.CitizenOIDCBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "backoffice-home"
WAGTAILADMIN_LOGIN_URL = "accounts:login"

# Citizen sign-in with the national identity (VNeID, national SSO) over OpenID
# Connect (mozilla-django-oidc); shown only when issuer and client id are set.
# The provider must register <site>/oidc/callback/ as a redirect URI.
OIDC_OP_ISSUER = env("OIDC_OP_ISSUER", default="")
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", default="VNeID")
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid profile email")
# The claim carrying the verified personal ID number (số định danh cá nhân).
OIDC_CITIZEN_ID_CLAIM = env("OIDC_CITIZEN_ID_CLAIM", default="citizen_id")
OIDC_TOKEN_USE_BASIC_AUTH = env.bool("OIDC_TOKEN_USE_BASIC_AUTH", default=True)
OIDC_USE_PKCE = env.bool("OIDC_USE_PKCE", default=True)
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"

# Staff two-factor authentication (django-otp) and login throttling (django-axes).
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Một Cửa")
OTP_BACKUP_CODE_COUNT = 10
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Lockouts key on the same client address as every throttle (TRUSTED_PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "backoffice.core.net.client_ip"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# locale_vendor/: the project's complete Vietnamese of the Wagtail admin
# (scripts/i18n/wagtail_vi.py); listed second so the project's own strings win.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {
        "BACKEND": env(
            "DEFAULT_FILE_STORAGE",
            default="django.core.files.storage.FileSystemStorage",
        ),
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage",
    },
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Một Cửa <motcua@localhost>")
# Text messages to applicants (backoffice.core.sms), chosen like EMAIL_BACKEND: the
# console backend by default (no provider is reachable; like consolemail://), the
# file backend (one file per message in SMS_FILE_PATH) or a provider's adapter.
# SMS_ASCII sends them without diacritics (160 characters a segment, not 70).
SMS_BACKEND = env("SMS_BACKEND", default="backoffice.core.sms.ConsoleSmsBackend")
SMS_FILE_PATH = Path(env("SMS_FILE_PATH", default=str(VAR_DIR / "sms")))
SMS_ASCII = env.bool("SMS_ASCII", default=True)

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# Throttle counters (dossier lookup, account e-mails) must be shared by every web
# process: a locmem cache counts per process, so production sets THROTTLE_CACHE_URL
# (default: CACHE_URL) to Redis. The client address comes from
# backoffice.core.net.client_ip: the socket address, or with TRUSTED_PROXY_COUNT = N
# proxies in front the Nth address from the right of X-Forwarded-For.
CACHES["throttle"] = env.cache_url(
    "THROTTLE_CACHE_URL", default=env("CACHE_URL", default="locmemcache://")
)
RATELIMIT_USE_CACHE = "throttle"
# Sessions are read from the cache and written through to the database when the
# cache is shared by every process (Redis); a per-process cache could serve a
# session that another process has just ended, so then they stay in the database.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.db"
    if CACHES["default"]["BACKEND"].endswith("LocMemCache")
    else "django.contrib.sessions.backends.cached_db"
)
RATELIMIT_IP_META_KEY = "backoffice.core.net.client_ip"
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Celery: the zero-setup broker is SQLAlchemy over a SQLite file, so a real worker
# runs without any server; production and CI set CELERY_BROKER_URL to Redis.
CELERY_BROKER_URL = env(
    "CELERY_BROKER_URL", default=f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Tasks queued on commit are first written to the outbox table (backoffice.core.outbox);
# beat publishes what the web process could not every OUTBOX_DRAIN_INTERVAL seconds.
OUTBOX_DRAIN_INTERVAL = env.float("OUTBOX_DRAIN_INTERVAL", default=15.0)
OUTBOX_GRACE_SECONDS = env.float("OUTBOX_GRACE_SECONDS", default=5.0)
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=7)
# Long jobs hold a lease renewed as they progress; beat re-queues jobs whose worker
# died (lease expired) up to LEASE_MAX_REQUEUES times, then marks them failed.
LEASE_REAP_INTERVAL = env.float("LEASE_REAP_INTERVAL", default=20.0)
LEASE_MAX_REQUEUES = env.int("LEASE_MAX_REQUEUES", default=3)
LEASE_SECONDS = env.float("LEASE_SECONDS", default=60.0)
# A job queued this long without starting lost its message (broker restarted).
LEASE_QUEUED_SECONDS = env.float("LEASE_QUEUED_SECONDS", default=900.0)
SCAN_LEASE_SECONDS = env.float("SCAN_LEASE_SECONDS", default=60.0)
# OCR of a long library PDF is one Tesseract run with no progress to report.
DOCUMENT_OCR_LEASE_SECONDS = env.float("DOCUMENT_OCR_LEASE_SECONDS", default=1800.0)

ELASTICSEARCH_URL = env("ELASTICSEARCH_URL", default="")
# Search (search/): Elasticsearch when ELASTICSEARCH_URL is set, otherwise the
# embedded engine (tantivy) in $VAR_DIR/search. SEARCH_INDEX_PREFIX namespaces the
# indexes (several sites on one cluster).
SEARCH_INDEX_PREFIX = env("SEARCH_INDEX_PREFIX", default="motcua-")
SEARCH_BACKENDS = {
    "default": (
        {
            "BACKEND": "search.backends.elasticsearch.ElasticsearchBackend",
            "OPTIONS": {"URL": ELASTICSEARCH_URL, "PREFIX": SEARCH_INDEX_PREFIX},
        }
        if ELASTICSEARCH_URL
        else {
            "BACKEND": "search.backends.embedded.EmbeddedBackend",
            "OPTIONS": {"PATH": VAR_DIR / "search", "PREFIX": SEARCH_INDEX_PREFIX},
        }
    )
}
# OpenSearch 2.x/3.x (e.g. a province's managed cluster) when OPENSEARCH_URL is set;
# it wins over ELASTICSEARCH_URL. Same index layout and queries as Elasticsearch.
OPENSEARCH_URL = env("OPENSEARCH_URL", default="")
if OPENSEARCH_URL:
    SEARCH_BACKENDS["default"] = {
        "BACKEND": "search.backends.opensearch.OpenSearchBackend",
        "OPTIONS": {"URL": OPENSEARCH_URL, "PREFIX": SEARCH_INDEX_PREFIX},
    }
# Ranking after the words (search/ranking.py): in the public library a replaced or
# expired document weighs SEARCH_SUPERSEDED_WEIGHT of its text score, and a recent
# one gains up to SEARCH_RECENCY_WEIGHT (halving every 5 years of age).
SEARCH_RANKING = {
    "documents": {
        "STATUS_FIELD": "legal_status",
        "STATUS_WEIGHTS": {
            "replaced": env.float("SEARCH_SUPERSEDED_WEIGHT", default=0.3),
            "expired": env.float("SEARCH_SUPERSEDED_WEIGHT", default=0.3),
        },
        "RECENCY_FIELD": "issued_date",
        "RECENCY_WEIGHT": env.float("SEARCH_RECENCY_WEIGHT", default=0.1),
    }
}

# Inter-agency exchange (edXML): the largest packet accepted, attachments included
# (base64 makes a packet about 4/3 of its files).
EXCHANGE_MAX_PACKET_BYTES = env.int(
    "EXCHANGE_MAX_PACKET_BYTES", default=64 * 1024 * 1024
)
# Sending packets to peers: HTTP timeout, tries before "failed", and the backoff
# between tries (base × 2^(try−1), capped); the beat sweeps due retries this often.
EXCHANGE_TIMEOUT_SECONDS = env.float("EXCHANGE_TIMEOUT_SECONDS", default=30.0)
EXCHANGE_MAX_ATTEMPTS = env.int("EXCHANGE_MAX_ATTEMPTS", default=10)
EXCHANGE_RETRY_BASE_SECONDS = env.float("EXCHANGE_RETRY_BASE_SECONDS", default=60.0)
EXCHANGE_RETRY_MAX_SECONDS = env.float("EXCHANGE_RETRY_MAX_SECONDS", default=6 * 3600.0)
EXCHANGE_SWEEP_SECONDS = env.float("EXCHANGE_SWEEP_SECONDS", default=60.0)

# Day of the month on which the beat re-hashes every stored original (02:30).
INTEGRITY_CHECK_DAY = env.int("INTEGRITY_CHECK_DAY", default=1)

# Public statistics (backoffice.reports): the portal's /thong-ke/ page shows the
# dossiers received in the last PUBLIC_STATISTICS_DAYS days, from a snapshot the
# beat rebuilds daily at PUBLIC_STATISTICS_HOUR:15 (local time).
PUBLIC_STATISTICS_DAYS = env.int("PUBLIC_STATISTICS_DAYS", default=365)
PUBLIC_STATISTICS_HOUR = env.int("PUBLIC_STATISTICS_HOUR", default=1)

# Archive packages (backoffice/records): Ghostscript makes the PDF/A-2b copies with
# this sRGB output profile; a PDF it cannot convert in time is kept as-is, flagged.
RECORDS_GHOSTSCRIPT = env.str("RECORDS_GHOSTSCRIPT", default="gs")
RECORDS_PDFA_ICC_PROFILE = env.str(
    "RECORDS_PDFA_ICC_PROFILE", default="/usr/share/color/icc/ghostscript/srgb.icc"
)
RECORDS_PDFA_TIMEOUT_SECONDS = env.int("RECORDS_PDFA_TIMEOUT_SECONDS", default=120)
# Ghostscript processes converting at once while a package is written.
RECORDS_PDFA_WORKERS = env.int("RECORDS_PDFA_WORKERS", default=2)
RECORDS_FREE_DOCUMENT_MAX_BYTES = env.int(
    "RECORDS_FREE_DOCUMENT_MAX_BYTES", default=50 * 1024 * 1024
)

# Fees (backoffice/payments): the payment provider, a registered name ("fake", the
# outside gateway's stand-in) or a dotted path to a PaymentProvider class; the fake
# gateway signs its results with this secret (empty: derived from SECRET_KEY).
PAYMENT_PROVIDER = env.str("PAYMENT_PROVIDER", default="fake")
PAYMENT_FAKE_SECRET = env.str("PAYMENT_FAKE_SECRET", default="")

# Procedures read with their agencies and components are cached this long (a shared
# cache drops them at once on any catalogue change; a per-process one after this).
PROCEDURE_CACHE_SECONDS = env.int("PROCEDURE_CACHE_SECONDS", default=300)
# Links a procedure's legal basis to the published library documents (a dotted
# path; empty: no links).
PROCEDURE_LEGAL_BASIS_RESOLVER = env(
    "PROCEDURE_LEGAL_BASIS_RESOLVER",
    default="portal.api.procedures.published_legal_documents",
)

# Dossiers: code pattern (DOMAIN.md [?]) and upload limits.
DOSSIER_CODE_PATTERN = env(
    "DOSSIER_CODE_PATTERN", default="{agency}-{date:%Y%m%d}-{seq:07d}"
)
UPLOAD_MAX_FILE_BYTES = env.int("UPLOAD_MAX_FILE_BYTES", default=20 * 1024 * 1024)
UPLOAD_MAX_DOSSIER_BYTES = env.int(
    "UPLOAD_MAX_DOSSIER_BYTES", default=100 * 1024 * 1024
)
UPLOAD_MAX_IMAGE_PIXELS = env.int("UPLOAD_MAX_IMAGE_PIXELS", default=60_000_000)
# A PDF with active content (JavaScript, automatic or launch actions, embedded
# files, multimedia, XFA): "refuse" it at upload, or "sanitise" — keep the original
# untouched and show staff a copy with the active entries removed.
UPLOAD_ACTIVE_CONTENT = env("UPLOAD_ACTIVE_CONTENT", default="refuse")
# Largest request body of an ordinary form, in bytes; upload routes take their
# upload limit plus 1 MiB (backoffice.core.middleware, docker/nginx.conf).
REQUEST_MAX_BODY_BYTES = env.int("REQUEST_MAX_BODY_BYTES", default=1024 * 1024)
# Staff reads of personal data (dossier pages, files, scans) are audited at most
# once per user, object and this many seconds (0: every read).
AUDIT_READ_WINDOW_SECONDS = env.int("AUDIT_READ_WINDOW_SECONDS", default=3600)
# Public status lookup (HTML form and API) per client IP; django-ratelimit syntax.
# Configurable so a load test from one address can raise it (bench/load_portal.py).
DOSSIER_LOOKUP_RATE = env("DOSSIER_LOOKUP_RATE", default="20/m")
# Account e-mails (registration, password reset, new verification link): at most
# ACCOUNT_EMAIL_RATE per address and ACCOUNT_IP_RATE per client IP; beyond, the
# same neutral answer and no e-mail.
ACCOUNT_EMAIL_RATE = env("ACCOUNT_EMAIL_RATE", default="3/h")
ACCOUNT_IP_RATE = env("ACCOUNT_IP_RATE", default="20/h")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Digital signatures (pyHanko): the agency certificate that signs receipts and forms,
# and extra trust roots in PEM files (administrators also add roots as data).
SIGNING_PKCS12_PATH = env(
    "SIGNING_PKCS12_PATH", default=str(VAR_DIR / "pki" / "agency.p12")
)
SIGNING_PKCS12_PASSWORD = env("SIGNING_PKCS12_PASSWORD", default="")
TRUST_ROOT_FILES = env.list("TRUST_ROOT_FILES", default=[])
# Per-agency signing certificates (PKCS#12 uploaded in the admin) live in this
# private folder, outside MEDIA_ROOT, never served. Their passwords stay out of the
# database: a record names one of the SIGNING_PASSWORD_* environment variables.
SIGNING_KEYS_ROOT = Path(
    env("SIGNING_KEYS_ROOT", default=str(VAR_DIR / "private" / "signing-keys"))
)
SIGNING_KEY_PASSWORDS = {
    name: value
    for name, value in env.ENVIRON.items()
    if name.startswith("SIGNING_PASSWORD_")
}
# TrueType font of the imageless signature on attachments (number-symbol and time,
# 10 pt; Decree 30/2020 asks for Times New Roman, which Debian does not ship).
SIGNING_STAMP_FONT = env(
    "SIGNING_STAMP_FONT", default="/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
)
# Revocation (CRL/OCSP): fetched from the URLs a certificate names when this is on,
# each request bounded by REVOCATION_FETCH_TIMEOUT seconds; a failed fetch is not
# retried for REVOCATION_FETCH_RETRY_SECONDS. Fetched data is cached until its
# nextUpdate; administrators also import CRL files (admin, `manage.py import_crl`).
REVOCATION_FETCH = env.bool("REVOCATION_FETCH", default=True)
REVOCATION_FETCH_TIMEOUT = env.float("REVOCATION_FETCH_TIMEOUT", default=3.0)
REVOCATION_FETCH_RETRY_SECONDS = env.int("REVOCATION_FETCH_RETRY_SECONDS", default=300)

# Incoming documents (backoffice.incoming): largest file a desk or mailbox accepts,
# largest e-mail, the key the mailbox passwords are encrypted with (empty: derived
# from SECRET_KEY), how often beat looks for mailboxes due (each mailbox has its own
# interval; nothing is polled until an administrator adds one), the IMAP timeout,
# and how often overdue documents are flagged.
INCOMING_MAX_FILE_BYTES = env.int("INCOMING_MAX_FILE_BYTES", default=20 * 1024 * 1024)
INCOMING_MAX_MAIL_BYTES = env.int("INCOMING_MAX_MAIL_BYTES", default=60 * 1024 * 1024)
INCOMING_MAILBOX_KEY = env("INCOMING_MAILBOX_KEY", default="")
INCOMING_MAILBOX_TICK = env.float("INCOMING_MAILBOX_TICK", default=60.0)
INCOMING_MAILBOX_TIMEOUT = env.float("INCOMING_MAILBOX_TIMEOUT", default=30.0)
INCOMING_OVERDUE_INTERVAL = env.float("INCOMING_OVERDUE_INTERVAL", default=3600.0)
# How often (seconds) the beat looks for overdue dossiers; each is notified once a day.
DOSSIER_OVERDUE_INTERVAL = env.float("DOSSIER_OVERDUE_INTERVAL", default=3600.0)

# Counter scanning: the folder network scanners write into (empty: off), how often
# the worker looks at it, the pipeline's resolution and OCR, and the review bar.
SCAN_HOT_FOLDER = env("SCAN_HOT_FOLDER", default="")
SCAN_HOT_FOLDER_AGENCY = env("SCAN_HOT_FOLDER_AGENCY", default="")
SCAN_HOT_FOLDER_INTERVAL = env.float("SCAN_HOT_FOLDER_INTERVAL", default=30.0)
SCAN_HOT_FOLDER_SETTLE_SECONDS = env.float(
    "SCAN_HOT_FOLDER_SETTLE_SECONDS", default=10.0
)
SCAN_DPI = env.int("SCAN_DPI", default=300)
SCAN_OCR = env.bool("SCAN_OCR", default=True)
SCAN_WORKERS = env.int("SCAN_WORKERS", default=2)
SCAN_OCR_MIN_CONFIDENCE = env.float("SCAN_OCR_MIN_CONFIDENCE", default=70.0)
SCAN_MAX_FILE_BYTES = env.int("SCAN_MAX_FILE_BYTES", default=200 * 1024 * 1024)

# Working calendar (DOMAIN.md "Time"): office periods of a working day, local time.
OFFICE_HOURS = env.list("OFFICE_HOURS", default=["07:00-11:30", "13:30-17:00"])
WORKING_WEEKDAYS = env.list("WORKING_WEEKDAYS", cast=int, default=[0, 1, 2, 3, 4])
HOLIDAYS_COUNTRY = env("HOLIDAYS_COUNTRY", default="VN")

# Demo mode prints logins and TOTP secrets; never enable it in production.
DEMO_MODE = env.bool("DEMO_MODE", default=False)

WAGTAIL_SITE_NAME = env("SITE_NAME", default="Cổng dịch vụ công Một Cửa")
WAGTAILADMIN_BASE_URL = env("BASE_URL", default="http://localhost:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "doc", "odt", "xlsx", "ods", "jpg", "png"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "database_outage": {"()": "backoffice.core.errors.DatabaseOutageFilter"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["database_outage"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        # pyHanko logs a traceback for every untrusted chain; the verdict says it.
        "pyhanko": {"level": "ERROR"},
        "pyhanko_certvalidator": {"level": "ERROR"},
    },
}

# Content-Security-Policy (django-csp): no inline or third-party script anywhere on
# the portal and back office; inline styles are allowed (templates carry small
# <style> blocks). The Wagtail and Django admins and the API docs page are left to
# their own pages' needs. File responses set their own (sandbox) policy.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/", "/api/v1/docs"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}
# Permissions-Policy (django-permissions-policy): no powerful browser feature is used.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}
# Staff sessions end after STAFF_SESSION_IDLE_SECONDS without a request and
# STAFF_SESSION_MAX_SECONDS after sign-in, whatever the activity.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=30 * 60)
STAFF_SESSION_MAX_SECONDS = env.int("STAFF_SESSION_MAX_SECONDS", default=12 * 3600)

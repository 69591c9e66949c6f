"""Settings for the fact-checking desk, read from the environment.

Development is explicit: ``DEBUG=1`` (set by ``manage.py demo`` and the tests) allows a
built-in secret key and local hosts. Without it the settings are production-safe and refuse
to start without ``SECRET_KEY``.
"""

import datetime
import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "development-only-not-secret"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The desk's apps come first so their admin templates (pagination) override Django's.
    "sources",
    "talks",
    "talks.apps.DeskAdminConfig",  # django.contrib.admin, with the desk's home page
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",  # the claims' stored search vector (harmless on SQLite)
    "simple_history",
    "axes",
    # Two-factor logins for staff (talks/two_factor.py): an authenticator app, recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",  # the tasks' queue and results in the database (TASKS below)
    "ninja",  # the read API's docs page, served from its own static files (no CDN)
]

# The security headers come from the middleware above the page cache, so a page answered from
# the cache carries them; what a cached public page does not need comes below it.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.database_faults.RetryAfterLostConnectionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.db_routing.PublicReadsMiddleware",
    "talks.public.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.middleware.RefuseNulCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the second step
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "talks.public.context_processors.publisher",
            ],
            # The readers' site keeps its template tags in its own package.
            "libraries": {"public": "talks.public.templatetags"},
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    from config.pool import check_connection

    # psycopg's pool keeps connections open between requests; it requires CONN_MAX_AGE=0.
    # It lends a connection only once it answers (``check``, config/pool.py): one PostgreSQL
    # has dropped (a restart, a failover, pg_terminate_backend) is replaced, not lent.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "pool": {
            "min_size": int(os.environ.get("DATABASE_POOL_MIN", "2")),
            "max_size": int(os.environ.get("DATABASE_POOL_MAX", "10")),
            "timeout": 10,
            "check": check_connection,
        },
        # JIT compiling pays off for long reports, not for pages: PostgreSQL starts it on a
        # cost estimate, and a list whose filter it cannot estimate then spends 100 ms
        # compiling a query that runs in 2 ms. And the database is on SSDs (as any managed
        # PostgreSQL is), where a page read out of order costs about what one in order
        # does: the default cost (4, for spinning disks) has the planner read a 50,000-row
        # table in full rather than use the search indexes.
        "options": "-c jit=off -c random_page_cost=1.1",
    }

# A read replica, when there is one, serves the public pages (config/db_routing.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **DATABASES["default"],
        **dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"]),
        "OPTIONS": DATABASES["default"].get("OPTIONS", {}),
    }
PUBLIC_READS_DATABASE = "replica" if "replica" in DATABASES else "default"
DATABASE_ROUTERS = ["config.db_routing.ReplicaRouter"]

# The cache is the app servers' only shared state: Redis when REDIS_URL names one (several
# servers share it), else memory local to the process (one server, development, tests).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "factdesk"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "5000"))},
        }
    }

# Work that outlasts a request (django.tasks): the suggestion run, admin imports, rendering
# pages again. The queue lives in the desk's own database by default (django-tasks-db, on
# SQLite or PostgreSQL: no other service); TASKS_BACKEND=rq puts it in Redis (REDIS_URL) for
# RQ workers on several machines. `manage.py worker` runs a worker for either backend, and
# its tables are on the primary whatever the router does (config/db_routing.py).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "db")
if TASKS_BACKEND == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "rq":
    if not os.environ.get("REDIS_URL"):
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL, the Redis its queue is in.")
    INSTALLED_APPS.append("django_rq")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {
        "default": {
            "URL": os.environ["REDIS_URL"],
            # The longest a task may run before RQ stops it: a full run at a million claims.
            "DEFAULT_TIMEOUT": int(os.environ.get("TASKS_TIMEOUT", "3600")),
        }
    }
else:
    raise ImproperlyConfigured(f"TASKS_BACKEND is 'db' or 'rq', not {TASKS_BACKEND!r}.")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses logins while locked out
    "django.contrib.auth.backends.ModelBackend",
]

# Password guessing on the admin login: five failures for a username from one address lock
# that pair out for 15 minutes. Behind the proxy the client address is X-Forwarded-For's.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0" if DEBUG else "1"))
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Two-factor logins (talks/two_factor.py): editors and chief editors must verify a code from
# an authenticator app (or a recovery code) after their password; contributors may. Each
# wrong code doubles the wait before the next may be tried (1, 2, 4... seconds).
OTP_TOTP_ISSUER = os.environ.get("FACTDESK_PUBLISHER_NAME", "Fact desk")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Usernames that log in with a password alone, honoured only while DEBUG is on: the demo
# (talks/management/commands/demo.py) sets it to its own logins. Empty in production.
FACTDESK_TWO_FACTOR_SKIPPED_FOR = []

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The readers' pages are in English at /claims/... and in Ukrainian at /uk/claims/...
# (config/urls.py); the admin is in English. Translations: locale/ (docs/language.md).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("uk", "Українська")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Fixture files uploaded in the admin wait here between their dry run and the confirmation.
FIXTURE_UPLOAD_DIR = Path(
    os.environ.get("FIXTURE_UPLOAD_DIR", Path(tempfile.gettempdir()) / "factdesk-fixture-uploads")
)

# History: reasons can be long ("Imported from fixtures/seed.json (sha256 ...)"), and the
# admin and the corrections log look history up per object and date.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_DATE_INDEX = "composite"
SIMPLE_HISTORY_REVERT_DISABLED = False

# The public pages: who publishes them (the ClaimReview's author). Their cache is CACHES
# above; pages are cached per edition (see talks/public/cache.py).
FACTDESK_PUBLISHER_NAME = os.environ.get("FACTDESK_PUBLISHER_NAME", "Fact desk")
FACTDESK_PUBLISHER_URL = os.environ.get("FACTDESK_PUBLISHER_URL", "")
# `X-Cache: hit` or `miss` on the public pages, for the benchmark's warm-up: off for readers,
# to whom it would tell whether someone else asked for the same page (a search, say) lately.
PAGE_CACHE_STATUS_HEADER = env_flag("PAGE_CACHE_STATUS_HEADER")
# A Varnish in front of the public pages (docs/varnish.vcl): pages name their tags to it,
# and a write bans the pages it makes stale (talks/public/edge.py). Empty: no edge cache.
VARNISH_URL = os.environ.get("VARNISH_URL", "")
# Where readers reach the public pages ("https://desk.example", several comma-separated): a
# corrected claim's page is rendered again there in the background (talks/page_cache.py),
# into the shared cache (REDIS_URL), so the next reader is served from it. Empty: the first
# reader renders it.
FACTDESK_PUBLIC_ORIGINS = [
    origin.strip().rstrip("/")
    for origin in os.environ.get("FACTDESK_PUBLIC_ORIGINS", "").split(",")
    if origin.strip()
]

# The read API (talks/api/): requests a client address may make, counted in the cache above;
# the address is X-Forwarded-For's behind the proxy, as for the admin's login throttle.
FACTDESK_API_RATE_LIMIT = os.environ.get("FACTDESK_API_RATE_LIMIT", "600/min")
NINJA_NUM_PROXIES = AXES_IPWARE_PROXY_COUNT

# Notifications to partners (talks/notifications.py): the desk's own address, which the links
# they carry start with, and the first wait before a failed delivery is retried (it doubles).
FACTDESK_SITE_URL = os.environ.get("FACTDESK_SITE_URL", "http://127.0.0.1:8000")
FACTDESK_NOTIFICATION_RETRY_SECONDS = int(
    os.environ.get("FACTDESK_NOTIFICATION_RETRY_SECONDS", "60")
)

# The archive (sources/archive.py): a copy of each cited page, fetched in the background when a
# source with a URL is saved and again by `manage.py recheck_sources`, with each quote checked
# in it. FACTDESK_ARCHIVE=0 fetches nothing (the tests' default). Pages are read up to
# FACTDESK_ARCHIVE_MAX_BYTES within FACTDESK_ARCHIVE_TIMEOUT seconds; addresses inside the
# desk's own network are refused unless FACTDESK_ARCHIVE_PRIVATE_ADDRESSES (the tests' pages).
FACTDESK_ARCHIVE = env_flag("FACTDESK_ARCHIVE", default=True)
FACTDESK_ARCHIVE_MAX_BYTES = int(os.environ.get("FACTDESK_ARCHIVE_MAX_BYTES", str(5 * 1024 * 1024)))
FACTDESK_ARCHIVE_TIMEOUT = float(os.environ.get("FACTDESK_ARCHIVE_TIMEOUT", "15"))
FACTDESK_ARCHIVE_PRIVATE_ADDRESSES = env_flag("FACTDESK_ARCHIVE_PRIVATE_ADDRESSES")

# Content Security Policy: no inline script or style anywhere, the admin included; the
# public pages need no script at all (their JSON-LD is data, not script). The one inline
# style allowed, by its hash, is simple-history's `style="border-top: 0"` on its history list;
# the desk's own history page (sources/templates/admin/sources/history.html) no longer uses it.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [
        CSP.SELF,
        CSP.UNSAFE_HASHES,
        "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",
    ],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

# Production safety; `manage.py check --deploy` is the judge.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

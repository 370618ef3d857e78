"""The one settings module: every value comes from the environment, with a zero-config default.

Out of the box the site runs on SQLite in ``$DAILYPAPERS_DATA_DIR`` (``./var``); set
``DATABASE_URL`` to move to PostgreSQL. Every setting read here is listed in ``docs/settings.md``
(a test checks that), so an operator never has to read this file.

Values are read here once, and only here. A value that cannot be read (``DEBUG=ture``,
``DAILYPAPERS_HNSW_THRESHOLD=lots``) does not raise at import: it is noted in
``SETTINGS_ERRORS`` and the default stands in, so that ``dailypapers check`` reports every bad
value at once (``core/checks.py`` turns them, and values out of range, into system check
errors), and every other entry point (``cli.py``, ``wsgi.py``) refuses to start with them.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
# What could not be read from the environment, one sentence each (see the docstring).
SETTINGS_ERRORS: list[str] = []


def envbool(name: str, default: str) -> bool:
    """Read a boolean, refusing typos: a misspelt DEBUG must not silently mean False."""
    value = os.getenv(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    SETTINGS_ERRORS.append(f"{name} must be true or false, not {value!r}")
    return default in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    value = os.getenv(name, str(default))
    try:
        return int(value)
    except ValueError:
        SETTINGS_ERRORS.append(f"{name} must be an integer, not {value!r}")
        return default


def envfloat(name: str, default: float) -> float:
    value = os.getenv(name, str(default))
    try:
        return float(value)
    except ValueError:
        SETTINGS_ERRORS.append(f"{name} must be a number, not {value!r}")
        return default


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.getenv("DAILYPAPERS_DATA_DIR", "var")).resolve()
# The search indexes of a SQLite install (docs/search.md): derived from the database, rebuildable.
SEARCH_INDEX_DIR = Path(os.getenv("DAILYPAPERS_SEARCH_INDEX_DIR", DATA_DIR / "search")).resolve()
# Vector search on SQLite: exact below the threshold, a usearch HNSW graph in SEARCH_INDEX_DIR
# from it (written by ``dailypapers embed``); "exact" or "hnsw" force one (docs/search.md).
# core/checks.py refuses any other value.
SEARCH_VECTOR_INDEX = os.getenv("DAILYPAPERS_VECTOR_INDEX", "auto").strip().lower()
SEARCH_HNSW_THRESHOLD = envint("DAILYPAPERS_HNSW_THRESHOLD", 50_000)
# How often each process looks for vectors stored by others (seconds): new papers become
# findable by meaning that much later; tests set 0 to see their own vectors at once.
SEARCH_VECTOR_REFRESH_SECONDS = envfloat("DAILYPAPERS_VECTOR_REFRESH_SECONDS", 10.0)
# The embedding model's folder (config.json with a name and a kind, then its weights); empty
# means the one shipped in the package. Changing it is a re-embed that `dailypapers embed`
# carries out while the previous model keeps serving (docs/search.md).
EMBEDDING_MODEL = os.getenv("DAILYPAPERS_EMBEDDING_MODEL", "").strip()


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in the data folder."""
    if key := os.getenv("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting at once must not write two different keys.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = envbool("DEBUG", "false")
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_NAME = os.getenv("SITE_NAME", "Daily Papers")


def _only_local_hosts(hosts: list[str]) -> bool:
    return all(host in ("127.0.0.1", "localhost", "[::1]", "::1", "testserver") for host in hosts)


# A public site (any host name that is not this machine's) sends its session and CSRF cookies
# over HTTPS only unless told otherwise; the local default serves plain http on 127.0.0.1.
SECURE_COOKIES = envbool("SECURE_COOKIES", "false" if _only_local_hosts(ALLOWED_HOSTS) else "true")
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if envbool("BEHIND_TLS_PROXY", "false"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS only, opt-in (docs/deployment.md): a redirect behind a proxy that does not say
# "https" loops, and HSTS is remembered by browsers for its whole lifetime.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "false")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "false")
# Sent with every HTML page (core/csp.py). Images may come from other https hosts: the
# organizations' avatars are upstream URLs. Empty turns the header off.
CONTENT_SECURITY_POLICY = os.getenv(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'",
).strip()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "dailypapers.core",
    "dailypapers.papers",
    "dailypapers.search",
    "dailypapers.demo",
    "dailypapers.accounts",
    "dailypapers.discussions",
    "dailypapers.collections",
    "dailypapers.digests",
    "dailypapers.library",
    "dailypapers.api",
    "dailypapers.pdfs",
    "dailypapers.repos",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "dailypapers.core.nul_bytes.RefuseNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "dailypapers.core.ratelimits.RateLimitMiddleware",
    "dailypapers.accounts.login_brake.KnownBrowserMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dailypapers.core.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "dailypapers.urls"
WSGI_APPLICATION = "dailypapers.wsgi.application"

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
                "dailypapers.core.context_processors.site",
            ],
            # {% url %} with each URL reversed once per process (core/templatetags/kept_urls.py)
            "builtins": ["dailypapers.core.templatetags.kept_urls"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{DATA_DIR / 'dailypapers.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE transactions take the write lock
    # up front, so two writers queue on the busy timeout instead of failing with "locked".
    # Our backend waits for that lock by asking every millisecond (dailypapers/core/sqlite).
    DATABASES["default"]["ENGINE"] = "dailypapers.core.sqlite"
    # Pages are read through a memory map of the file (256 MiB), shared by every connection
    # and process and counted as file-backed, beside a small private cache (8 MiB): with a
    # 64 MiB cache in each of a worker's four connections, the soak's workers grew by about
    # 120 MiB each as the caches filled (bench/soak.py: +42% against +16%), for no page
    # faster (in-process CPU per page the same within the load's noise).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA cache_size=-8192; PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
        # Seconds a write waits for the lock before failing (a 500): the import's batches
        # take a few seconds each on a busy machine.
        "timeout": envint("SQLITE_BUSY_TIMEOUT", 20),
    }
    # SQLite connections are cheap to open; a persistent one per thread is still faster.
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": os.getenv("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": os.getenv("CACHE_LOCATION", "dailypapers"),
    }
}
# Anonymous list pages are cached this many seconds (0 turns the page cache off).
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", 60)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = ["dailypapers.accounts.backends.EmailOrUsernameBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "papers:index"
LOGOUT_REDIRECT_URL = "papers:index"
# Email verification and password reset links stay valid this long (Django's reset tokens).
PASSWORD_RESET_TIMEOUT = envint("EMAIL_LINK_HOURS", 24) * 3600

# Mail (docs/settings.md): printed to standard error unless an SMTP relay is configured.
EMAIL_BACKEND = os.getenv("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "Daily Papers <noreply@localhost>")

# The community (docs/community.md).
SUBMIT_MAX_AGE_DAYS = envint("SUBMIT_MAX_AGE_DAYS", 14)
AVATAR_MAX_BYTES = envint("AVATAR_MAX_BYTES", 100_000)
# Which request header holds the client's address: REMOTE_ADDR on its own, the proxy's header
# (e.g. HTTP_X_REAL_IP) behind one, or every client would share the proxy's limits.
CLIENT_IP_HEADER = os.getenv("CLIENT_IP_HEADER", "REMOTE_ADDR")
RATE_LIMITS_ENABLED = envbool("RATE_LIMITS_ENABLED", "true")
# Where the counters live (core/ratestore.py): "auto" is the database unless CACHE_BACKEND is
# a shared cache that counts atomically (Redis, memcached). core/checks.py refuses others.
RATE_LIMIT_STORE = os.getenv("RATE_LIMIT_STORE", "auto").strip().lower()


def _rate_limits(text: str) -> dict[str, str]:
    """Defaults, per action and per user or IP, with ``RATE_LIMITS`` overrides
    (``vote.user=600/m,comment.ip=100/h``). Rates are ``N/s``, ``N/m``, ``N/h`` or ``N/d``."""
    limits = {
        "signup.ip": "5/h",
        "subscribe.ip": "20/h",
        "login.ip": "30/m",
        # Failed passwords (docs/community.md): for one account from one IP, the brute-force
        # brake that leaves its owner elsewhere alone; from one IP, for any account; and for
        # one account from anywhere, a ceiling that a browser it logged in before bypasses.
        "login_failure.account_ip": "5/15m",
        "login_failure.ip": "20/h",
        "login_failure.account": "100/h",
        # Mails to one address (sign-up, verification, subscription, reset), whoever asks.
        "mail.email": "5/h",
        "password_reset.ip": "5/h",
        "vote.user": "120/m",
        "vote.ip": "600/m",
        "submit.user": "10/h",
        "submit.ip": "30/h",
        "comment.user": "10/m",
        "comment.ip": "60/m",
        "report.user": "20/h",
        "collection.user": "120/m",
        # A reader's library (docs/for-you.md): imports, follows, "not interested", "read".
        "library_import.user": "30/h",
        "library.user": "300/m",
        # The JSON API without a token, per IP: Hugging Face's own limit.
        "api.ip": "500/5m",
        # The JSON API with a valid token, per user: higher, but not unlimited.
        "api.user": "5000/5m",
        "api_write.user": "100/h",
    }
    for item in envlist("RATE_LIMITS", text):
        key, _, rate = item.partition("=")
        if key.strip() not in limits:
            SETTINGS_ERRORS.append(f"RATE_LIMITS: unknown limit {key.strip()!r}")
            continue
        limits[key.strip()] = rate.strip()  # its form is checked by core/checks.py
    return limits


RATE_LIMITS = _rate_limits("")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", DATA_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# "For you" (docs/for-you.md): the largest reference file a reader may import.
LIBRARY_IMPORT_MAX_BYTES = envint("LIBRARY_IMPORT_MAX_BYTES", 5 * 2**20)

# Ingestion (docs/ingest.md). arXiv asks for a contact in the User-Agent and at least 3 s
# between requests across a whole deployment; the spacing is enforced through the database.
INGEST_CONTACT = os.getenv("INGEST_CONTACT", "")
ARXIV_CATEGORIES = envlist("ARXIV_CATEGORIES", "cs.AI,cs.CL,cs.CV,cs.LG")
# At least 3 (core/checks.py refuses less).
ARXIV_REQUEST_SPACING = envfloat("ARXIV_REQUEST_SPACING", 3.0)
HF_REQUEST_SPACING = envfloat("HF_REQUEST_SPACING", 1.0)
ARXIV_API_URL = os.getenv("ARXIV_API_URL", "https://export.arxiv.org/api/query")
ARXIV_OAI_URL = os.getenv("ARXIV_OAI_URL", "https://oaipmh.arxiv.org/oai")
ARXIV_RSS_URL = os.getenv("ARXIV_RSS_URL", "https://rss.arxiv.org/rss/")
HF_API_URL = os.getenv("HF_API_URL", "https://huggingface.co/api/daily_papers")
# Any arXiv paper on demand (docs/ingest.md#papers-on-demand): a visit to a valid id the site
# does not hold queues it for ``dailypapers submissions fetch``; the queue is capped so that a
# crawler walking made-up ids cannot grow it without bound.
ARXIV_ON_DEMAND = envbool("ARXIV_ON_DEMAND", "true")
ARXIV_ON_DEMAND_QUEUE_MAX = envint("ARXIV_ON_DEMAND_QUEUE_MAX", 1000)
# The daily page (docs/community.md#not-yet-submitted): a day with fewer submitted
# papers than this is filled with that day's arXiv announcements in ARXIV_CATEGORIES.
DAILY_FILL_BELOW = envint("DAILY_FILL_BELOW", 10)

# Thumbnails and full text (docs/thumbnails.md): PDFs come from arXiv at its pace, at most
# PDF_MAX_BYTES each (refused before download past it); files live in PDF_DIR, not the database.
ARXIV_PDF_URL = os.getenv("ARXIV_PDF_URL", "https://export.arxiv.org/pdf/")
PDF_DIR = Path(os.getenv("DAILYPAPERS_PDF_DIR", DATA_DIR / "pdf")).resolve()
PDF_MAX_BYTES = envint("PDF_MAX_BYTES", 50 * 2**20)
PDF_MAX_ATTEMPTS = envint("PDF_MAX_ATTEMPTS", 4)
THUMBNAIL_WIDTH = envint("THUMBNAIL_WIDTH", 320)

# GitHub stars (docs/code-links.md): asked of GITHUB_API_URL every STARS_REFRESH_HOURS per
# repository, one request per GITHUB_REQUEST_SPACING seconds; a token lifts the hourly limit.
GITHUB_API_URL = os.getenv("GITHUB_API_URL", "https://api.github.com")
GITHUB_TOKEN = os.getenv("GITHUB_TOKEN", "")
GITHUB_REQUEST_SPACING = float(os.getenv("GITHUB_REQUEST_SPACING", "1"))
STARS_REFRESH_HOURS = envint("STARS_REFRESH_HOURS", 24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
}

# Digests (docs/digests.md). Links in mails are absolute: SITE_URL is the site's public address.
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000")
DIGEST_HOUR = envint("DIGEST_HOUR", 7)  # UTC hour at which digests are due
DIGEST_TRENDING_COUNT = envint("DIGEST_TRENDING_COUNT", 5)  # weekly digests hold twice as many
DIGEST_TOPIC_COUNT = envint("DIGEST_TOPIC_COUNT", 3)
DIGEST_FOR_YOU_COUNT = envint("DIGEST_FOR_YOU_COUNT", 5)  # a signed-in reader's "For you" papers
DIGEST_MAX_BOUNCES = envint("DIGEST_MAX_BOUNCES", 3)  # permanent refusals before we stop
DIGEST_MAX_ATTEMPTS = envint("DIGEST_MAX_ATTEMPTS", 6)  # tries of one digest on 4xx/no server
DIGEST_CLAIM_SECONDS = envint("DIGEST_CLAIM_SECONDS", 300)  # a worker's lease on a subscription

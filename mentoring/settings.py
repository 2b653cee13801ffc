"""Settings for Reverse Mentoring.

Everything that differs between a laptop and production is read from the environment
here and nowhere else. With no variable set the app runs as the embedded default:
SQLite, Celery tasks executed eagerly in-process, e-mail printed to the console, DEBUG on.
See the configuration table in README.md.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}.") from exc


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

if DEBUG:
    # Development only: a fixed key so sessions survive restarts of `make demo`.
    SECRET_KEY = SECRET_KEY or "django-insecure-development-key-do-not-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    _missing = [name for name, value in (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS)) if not value]
    if _missing:
        raise ImproperlyConfigured(
            "DEBUG is off, so production settings are required: set "
            + " and ".join(_missing)
            + " in the environment (see 'Configuration' in README.md)."
        )
    # The bar of Django's own deployment check (security.W009), enforced at start-up.
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "SECRET_KEY must be at least 50 random characters when DEBUG is off, and not the development key; "
            'generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))" '
            "(see 'Configuration' in README.md)."
        )

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "mentoring.apps.MentoringAdminConfig",  # Django admin behind allauth sign-in and MFA
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",  # Bootstrap 5 CSS/JS from the pinned django-bootstrap-static package
    # The project's apps, in layers: each imports only those above it in this list.
    "mentoring.apps.MentoringConfig",
    "notifications.apps.NotificationsConfig",
    "programs.apps.ProgramsConfig",
    "matching.apps.MatchingConfig",
    "sessions.apps.SessionsConfig",
    "evaluation.apps.EvaluationConfig",
    "portal.apps.PortalConfig",
]

MIDDLEWARE = [
    "mentoring.middleware.RestoreLanguageMiddleware",  # outermost: the language goes back after the response is made
    "django.middleware.security.SecurityMiddleware",
    "mentoring.middleware.ContentSecurityPolicyMiddleware",  # django-csp; before WhiteNoise, so static files carry the policy too
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "mentoring.site.SiteFromRequestMiddleware",  # links in mails follow the host that served the request
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mentoring.middleware.UserPreferencesMiddleware",
    "mentoring.middleware.SecondFactorMiddleware",
    "mentoring.middleware.MalformedInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "mentoring.urls"
# runserver (`make run`, `make demo`) serves Django's own handler; mentoring.wsgi is the
# production entry point for gunicorn and refuses development settings.
WSGI_APPLICATION = None
ASGI_APPLICATION = "mentoring.asgi.application"

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
                "mentoring.context_processors.navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: allauth's rate limits, used TOTP codes, SSO token replay checks ----------------
# In the database by default (the table "mentoring_cache" comes from a migration): shared by
# every process, with or without Redis, and up whenever the site is, so a Redis outage neither
# fails sign-ins nor switches the limits off; it costs a few queries per sign-in POST.
# REDIS_CACHE_URL moves the cache to Redis; that cache degrades during an outage of that Redis
# (mentoring/cache.py: nothing cached, nothing counted) instead of failing requests.
REDIS_CACHE_URL = os.environ.get("REDIS_CACHE_URL", "")
CACHES: dict[str, dict[str, object]]
if REDIS_CACHE_URL:
    # Its own Redis database keeps cache.clear() away from Celery's queue.
    CACHES = {"default": {"BACKEND": "mentoring.cache.ResilientRedisCache", "LOCATION": REDIS_CACHE_URL}}
else:
    # MAX_ENTRIES: expired rate-limit entries are only deleted once the table holds more than
    # this; a low bound would let a flood of new keys push live counts out.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "mentoring_cache",
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }

# --- Redis: Celery broker ----------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A task whose worker process died goes back to the queue at once instead of waiting for
# Redis's visibility timeout; the outbox's leases make the retry safe (no double send).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# visibility_timeout: a message taken by a worker that then vanished whole is handed out again
# after 5 minutes (Redis's default is an hour); tasks here run for seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5, "max_retries": 0, "visibility_timeout": 300}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A web request must not hang on a broker outage: fail fast, the outbox row stays queued
# and the next sweep sends it.
CELERY_TASK_PUBLISH_RETRY = False
# Handing e-mail to the broker (notifications/broker.py) uses a connection of its own with
# these timeouts, so a frozen Redis costs a request about this long (the worker keeps the
# timeouts above); after a failure nothing is tried for BROKER_PUBLISH_PAUSE seconds.
BROKER_PUBLISH_TIMEOUT = 0.5
BROKER_PUBLISH_PAUSE = 30
CELERY_TIMEZONE = "UTC"

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "mentoring.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "mentoring.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "mentoring.adapters.SocialAccountAdapter"
ACCOUNT_FORMS = {"signup": "mentoring.forms.DirectorySignupForm", "reset_password_from_key": "mentoring.forms.SetPasswordFromMailForm"}
# A mailed set-password link proves the mailbox: using it signs in (still asking HR for their
# authenticator code) instead of sending people back to the sign-in form.
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
# allauth's rate limits stay at their (non-empty) defaults; they need a cache all processes
# share, which the database cache is (see CACHES).
# They count per client address. Behind a reverse proxy every request comes from the
# proxy, so one client's failed logins would lock out everyone: say how many proxies
# (trusted from the right of X-Forwarded-For) or which header carries the client address.
# Only with such a proxy in front: otherwise clients would choose their own address.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("TRUSTED_CLIENT_IP_HEADER", "").strip() or None
if ALLAUTH_TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more, got {ALLAUTH_TRUSTED_PROXY_COUNT}.")
if ALLAUTH_TRUSTED_CLIENT_IP_HEADER is not None:
    if not re.fullmatch(r"[A-Za-z0-9-]+", ALLAUTH_TRUSTED_CLIENT_IP_HEADER):
        raise ImproperlyConfigured(
            f"TRUSTED_CLIENT_IP_HEADER must be a header name such as X-Real-IP, got {ALLAUTH_TRUSTED_CLIENT_IP_HEADER!r}."
        )
    if ALLAUTH_TRUSTED_PROXY_COUNT:
        raise ImproperlyConfigured("Set TRUSTED_PROXY_COUNT or TRUSTED_CLIENT_IP_HEADER, not both.")
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Reverse Mentoring] "
# Security notices to the account's own mailbox: password changed, authenticator added or
# removed, recovery codes made — so an authenticator someone else set up does not go unseen.
ACCOUNT_EMAIL_NOTIFICATIONS = True

MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "Reverse Mentoring")

# HR coordinators must have two-factor authentication before they see any HR page.
HR_REQUIRE_MFA = env_bool("HR_REQUIRE_MFA", True)

# Self sign-up is open to people already in the directory and to these e-mail domains.
SIGNUP_EMAIL_DOMAINS = [d.lower().lstrip("@") for d in env_list("SIGNUP_EMAIL_DOMAINS")]

# Optional company single sign-on (OpenID Connect), see README.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_PROVIDERS: dict = {}
OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
if OIDC_CLIENT_ID:
    _oidc_server = os.environ.get("OIDC_SERVER_URL", "")
    if not _oidc_server:
        raise ImproperlyConfigured("OIDC_CLIENT_ID is set, so OIDC_SERVER_URL must be set too.")
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": os.environ.get("OIDC_PROVIDER_ID", "company"),
                "name": os.environ.get("OIDC_PROVIDER_NAME", "Company SSO"),
                "client_id": OIDC_CLIENT_ID,
                "secret": os.environ.get("OIDC_CLIENT_SECRET", ""),
                "settings": {"server_url": _oidc_server},
            }
        ],
    }

# --- E-mail -------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Reverse Mentoring <mentoring@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_URL = os.environ.get("EMAIL_URL", "")
EMAIL_TIMEOUT = 10
if EMAIL_URL:
    # smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465 (implicit TLS)
    _email = urlparse(EMAIL_URL)
    if _email.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured("EMAIL_URL must start with smtp:// or smtps://")
    EMAIL_BACKEND = "notifications.smtp.EmailBackend"  # Django's, telling "possibly delivered" apart
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or (465 if _email.scheme == "smtps" else 587)
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_SSL = _email.scheme == "smtps"
    EMAIL_USE_TLS = _email.scheme == "smtp" and env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))

# --- I18N ---------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_TAGS = {40: "danger"}  # Bootstrap calls the error colour "danger"

# Upper bound on an uploaded people file; a directory of 100,000 people is 10–20 MB.
PEOPLE_IMPORT_MAX_BYTES = env_int("PEOPLE_IMPORT_MAX_BYTES", 32 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = PEOPLE_IMPORT_MAX_BYTES + 1024 * 1024

# --- Security -----------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("BEHIND_TLS_PROXY", True):
        # gunicorn sits behind a TLS-terminating proxy that sets this header.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # /healthz is probed over plain HTTP by load balancers.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]


# --- Content-Security-Policy (django-csp) ------------------------------------------------
# No inline script or style anywhere: JavaScript and CSS come from our own static files,
# bars are SVG attributes. data: images are Bootstrap's CSS icons and the TOTP QR code.
# form-action also governs where a submitted form may redirect (Chromium enforces it):
# the company SSO sign-in posts to us and is redirected to the identity provider, so its
# origin is allowed; CSP_FORM_ACTION_ORIGINS adds more (an IdP whose authorization
# endpoint lives on another origin than OIDC_SERVER_URL).
def _origin(url: str, variable: str) -> str:
    parts = urlparse(url)
    if parts.scheme not in {"https", "http"} or not parts.netloc:
        raise ImproperlyConfigured(f"{variable} must hold absolute URLs such as https://sso.example.com, got {url!r}.")
    return f"{parts.scheme}://{parts.netloc}"


_form_action = ["'self'"]
if OIDC_CLIENT_ID:
    _form_action.append(_origin(_oidc_server, "OIDC_SERVER_URL"))
_form_action += [_origin(url, "CSP_FORM_ACTION_ORIGINS") for url in env_list("CSP_FORM_ACTION_ORIGINS")]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": list(dict.fromkeys(_form_action)),
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "celery.app.trace": {"level": "WARNING"}},
}

NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 5)
if NOTIFICATION_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured(
        f"NOTIFICATION_MAX_ATTEMPTS must be at least 1 (sending attempts per e-mail), got {NOTIFICATION_MAX_ATTEMPTS}."
    )
# One send of one e-mail: the task's hard time limit (the pool kills it after this many
# seconds), and the lease on its outbox row, longer than the limit plus the final write, so
# a live sender never loses its row to another worker. A dead sender's rows are taken over
# once the lease runs out; the dispatcher looks every NOTIFICATION_DISPATCH_SECONDS.
NOTIFICATION_SEND_TIME_LIMIT = 30
NOTIFICATION_LEASE_SECONDS = NOTIFICATION_SEND_TIME_LIMIT + 10
NOTIFICATION_DISPATCH_SECONDS = 20
# Rows are handed to the workers in batches that share one SMTP connection (a connection per
# mail cost most of the time). A batch takes no new row after NOTIFICATION_BATCH_SECONDS and
# hands the rest over again, well inside the task's time limit.
NOTIFICATION_BATCH_SIZE = 25
NOTIFICATION_BATCH_SECONDS = 15
# Sent and skipped outbox rows are deleted this many days after they were written (a daily job:
# notifications.services.outbox_purge). Failed and queued rows stay. Not under 30 days: reminders
# look back that far (notifications.registry.COLLECTOR_LOOKBACK) and must still find their row.
# Seconds a group-matching run may search (the run answers HR's click: keep it below the web
# server's timeout). Small cohorts finish at once with a proven optimum; larger ones stop at the
# limit with the best groups found and their proven distance from the best possible.
MATCHING_GROUP_SECONDS = env_int("MATCHING_GROUP_SECONDS", 25)
if MATCHING_GROUP_SECONDS < 1:
    raise ImproperlyConfigured(f"MATCHING_GROUP_SECONDS must be 1 or more, got {MATCHING_GROUP_SECONDS}.")
# The HR dashboard's pair facts (a reading over every meeting, log and check-in of a program)
# are reused this many seconds across pages, filters and searches; 0 reads them every time.
DASHBOARD_FACTS_SECONDS = env_int("DASHBOARD_FACTS_SECONDS", 60)
if DASHBOARD_FACTS_SECONDS < 0:
    raise ImproperlyConfigured(f"DASHBOARD_FACTS_SECONDS must be 0 or more, got {DASHBOARD_FACTS_SECONDS}.")
NOTIFICATION_RETENTION_DAYS = env_int("NOTIFICATION_RETENTION_DAYS", 180)
if NOTIFICATION_RETENTION_DAYS < 30:
    raise ImproperlyConfigured(
        f"NOTIFICATION_RETENTION_DAYS must be at least 30 (days a sent e-mail stays in the outbox), got {NOTIFICATION_RETENTION_DAYS}."
    )

SITE_NAME = "Reverse Mentoring"
# Links in e-mails follow the host that served the request (mentoring/site.py); mails written
# without one use the last site seen, else this. Empty: http://127.0.0.1:8000 (a system check
# warns in production).
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/")
if SITE_URL:
    _site = urlparse(SITE_URL)
    if _site.scheme not in {"http", "https"} or not _site.netloc or _site.path or _site.query:
        raise ImproperlyConfigured(f"SITE_URL must be the site's address such as https://mentoring.example.com, got {SITE_URL!r}.")

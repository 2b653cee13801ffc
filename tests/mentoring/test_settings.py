"""The settings module: embedded defaults, environment switches, production guards.

Settings are read once per process, so each case runs in a fresh interpreter.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG_VARS = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "REDIS_CACHE_URL",
    "EMAIL_URL",
    "HR_REQUIRE_MFA",
    "SIGNUP_EMAIL_DOMAINS",
    "OIDC_CLIENT_ID",
    "OIDC_SERVER_URL",
    "OIDC_CLIENT_SECRET",
    "SQLITE_PATH",
    "EMAIL_BACKEND",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the test suite for Playwright, never in production
    "TRUSTED_PROXY_COUNT",
    "TRUSTED_CLIENT_IP_HEADER",
    "SITE_URL",
}
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k7#Qp2vX9!mLr4Zt8@bNc6Yw1$hJd3Fs5^gKx0&eUa7*iOq2(Rz",
    "ALLOWED_HOSTS": "mentoring.example.com",
    "TRUSTED_PROXY_COUNT": "1",  # gunicorn behind one reverse proxy
    "SITE_URL": "https://mentoring.example.com",
}

PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ENGINE": settings.DATABASES["default"]["ENGINE"],
    "DB_NAME": str(settings.DATABASES["default"].get("NAME")),
    "DB_HOST": settings.DATABASES["default"].get("HOST", ""),
    "EAGER": settings.CELERY_TASK_ALWAYS_EAGER,
    "BROKER": settings.CELERY_BROKER_URL,
    "CACHE": settings.CACHES["default"]["BACKEND"],
    "EMAIL_BACKEND": settings.EMAIL_BACKEND,
    "EMAIL_HOST": getattr(settings, "EMAIL_HOST", ""),
    "EMAIL_PORT": getattr(settings, "EMAIL_PORT", 0),
    "EMAIL_USE_SSL": getattr(settings, "EMAIL_USE_SSL", False),
    "EMAIL_HOST_PASSWORD": getattr(settings, "EMAIL_HOST_PASSWORD", ""),
    "HR_REQUIRE_MFA": settings.HR_REQUIRE_MFA,
    "SIGNUP_EMAIL_DOMAINS": settings.SIGNUP_EMAIL_DOMAINS,
    "PROVIDERS": list(settings.SOCIALACCOUNT_PROVIDERS),
    "STATIC": settings.STORAGES["staticfiles"]["BACKEND"],
    "SSL_REDIRECT": getattr(settings, "SECURE_SSL_REDIRECT", False),
}))
"""


def run(args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS and not k.startswith("PYTEST")}
    clean["DJANGO_SETTINGS_MODULE"] = "mentoring.settings"
    clean.update(env)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60)


def probe(**env) -> dict:
    result = run(["-c", PROBE], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_default_is_sqlite_eager_console_debug():
    values = probe()
    assert values["DEBUG"] is True
    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["EAGER"] is True
    assert values["BROKER"] == "memory://localhost/"
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert values["CACHE"] == "django.core.cache.backends.db.DatabaseCache"  # shared by every process
    assert values["HR_REQUIRE_MFA"] is True  # on by default; only `make demo` switches it off


def test_environment_switches_to_postgres_redis_and_smtp():
    values = probe(
        DATABASE_URL="postgres://app:secret@db.internal:5432/mentoring",
        REDIS_URL="redis://cache.internal:6379/1",
        EMAIL_URL="smtps://mailer:p%40ss@smtp.example.com",
        SIGNUP_EMAIL_DOMAINS="Example.com, @corp.example",
    )
    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert (values["DB_HOST"], values["DB_NAME"]) == ("db.internal", "mentoring")
    assert values["EAGER"] is False
    assert values["BROKER"] == "redis://cache.internal:6379/1"
    assert values["CACHE"] == "django.core.cache.backends.db.DatabaseCache"  # up as long as the site is
    assert values["EMAIL_BACKEND"] == "notifications.smtp.EmailBackend"
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"], values["EMAIL_USE_SSL"]) == ("smtp.example.com", 465, True)
    assert values["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert values["SIGNUP_EMAIL_DOMAINS"] == ["example.com", "corp.example"]


def test_redis_cache_url_moves_the_cache_to_a_redis_cache_that_degrades():
    values = probe(REDIS_URL="redis://redis.internal:6379/0", REDIS_CACHE_URL="redis://redis.internal:6379/1")
    assert values["CACHE"] == "mentoring.cache.ResilientRedisCache"
    assert values["BROKER"] == "redis://redis.internal:6379/0"


def test_oidc_provider_is_configured_from_the_environment():
    assert probe()["PROVIDERS"] == []
    values = probe(OIDC_CLIENT_ID="rm", OIDC_CLIENT_SECRET="s", OIDC_SERVER_URL="https://sso.example.com/realms/corp")
    assert values["PROVIDERS"] == ["openid_connect"]
    result = run(["-c", PROBE], OIDC_CLIENT_ID="rm")
    assert result.returncode != 0 and "OIDC_SERVER_URL" in result.stderr


def test_production_refuses_to_start_without_secret_key_and_hosts():
    result = run(["manage.py", "check"], DEBUG="0")
    assert result.returncode != 0
    assert "set SECRET_KEY and ALLOWED_HOSTS" in result.stderr
    result = run(["manage.py", "check"], DEBUG="0", SECRET_KEY=PRODUCTION["SECRET_KEY"])
    assert result.returncode != 0
    assert "set ALLOWED_HOSTS" in result.stderr


def test_bad_boolean_is_refused_with_the_variable_name():
    result = run(["manage.py", "check"], DEBUG="maybe")
    assert result.returncode != 0 and "DEBUG must be a boolean" in result.stderr


def test_documented_production_environment_passes_check_deploy():
    values = probe(**PRODUCTION)
    assert values["DEBUG"] is False
    assert values["STATIC"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["SSL_REDIRECT"] is True
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_site_url_warns_at_start_up():
    without = {k: v for k, v in PRODUCTION.items() if k != "SITE_URL"}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **without)
    assert result.returncode != 0
    assert "mentoring.W001" in result.stderr + result.stdout and "SITE_URL is not set" in result.stderr + result.stdout
    assert "mentoring.W001" not in run(["manage.py", "check"]).stderr  # development needs none


@pytest.mark.parametrize("module", ["mentoring.wsgi", "mentoring.asgi"])
def test_production_servers_warn_at_start_up_without_site_url(module):
    load = f"import {module}; print('loaded', callable({module}.application))"
    without = {k: v for k, v in PRODUCTION.items() if k != "SITE_URL"}
    result = run(["-c", load], **without)
    assert "loaded True" in result.stdout and "SITE_URL is not set" in result.stderr
    result = run(["-c", load], **PRODUCTION)
    assert "loaded True" in result.stdout and "SITE_URL" not in result.stderr


@pytest.mark.parametrize("url", ["mentoring.example.com", "https://mentoring.example.com/app", "ftp://x.example.com"])
def test_a_malformed_site_url_is_refused_at_start_up(url):
    result = run(["-c", PROBE], SITE_URL=url)
    assert result.returncode != 0 and "SITE_URL must be the site's address" in result.stderr


CLIENT_IP_PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps([settings.ALLAUTH_TRUSTED_PROXY_COUNT, settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER]))
"""


def test_client_address_behind_a_proxy_comes_from_the_environment():
    def client_ip(**env):
        result = run(["-c", CLIENT_IP_PROBE], **env)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    assert client_ip() == [0, None]  # no proxy trusted: X-Forwarded-For is ignored
    assert client_ip(TRUSTED_PROXY_COUNT="1") == [1, None]
    assert client_ip(TRUSTED_CLIENT_IP_HEADER="X-Real-IP") == [0, "X-Real-IP"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TRUSTED_PROXY_COUNT": "one"}, "TRUSTED_PROXY_COUNT must be a whole number"),
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT must be 0 or more"),
        ({"TRUSTED_CLIENT_IP_HEADER": "X-Real-IP: 1.2.3.4"}, "TRUSTED_CLIENT_IP_HEADER must be a header name"),
        ({"TRUSTED_PROXY_COUNT": "1", "TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}, "not both"),
    ],
)
def test_bad_client_address_settings_are_refused_at_start_up(env, message):
    result = run(["manage.py", "check"], **env)
    assert result.returncode != 0 and message in result.stderr


@pytest.mark.parametrize("module", ["mentoring.wsgi", "mentoring.asgi"])
def test_server_entry_points_refuse_debug_and_the_development_key(module):
    load = f"import {module}; print('loaded', callable({module}.application))"
    result = run(["-c", load])  # a deployment that set nothing: DEBUG on, development key
    assert result.returncode != 0 and "loaded" not in result.stdout
    assert "ImproperlyConfigured" in result.stderr
    assert "DEBUG is on" in result.stderr and "development SECRET_KEY" in result.stderr
    assert "'Configuration' in README.md" in result.stderr

    result = run(["-c", load], SECRET_KEY=PRODUCTION["SECRET_KEY"], ALLOWED_HOSTS="mentoring.example.com")  # forgot DEBUG=0
    assert result.returncode != 0 and "DEBUG is on" in result.stderr and "loaded" not in result.stdout

    result = run(["-c", load], **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "loaded True" in result.stdout


def test_runserver_still_serves_the_embedded_default():
    # `make run` and `make demo` use runserver, which loads settings.WSGI_APPLICATION.
    serve = (
        "import django; django.setup();"
        "from django.core.servers.basehttp import get_internal_wsgi_application;"
        "print('served', callable(get_internal_wsgi_application()))"
    )
    result = run(["-c", serve])
    assert result.returncode == 0, result.stderr
    assert "served True" in result.stdout


@pytest.mark.parametrize(
    "secret_key",
    [
        "too-short-to-be-a-real-secret",
        "django-insecure-development-key-do-not-use-in-production",  # the public development key
        "django-insecure-" + "q8#Lm2vZ9!xR4tW7@bN1cY6hJ3dF5sK0gP",
        "ab" * 30,  # long, but hardly random
    ],
)
def test_production_refuses_a_weak_secret_key(secret_key):
    result = run(["manage.py", "check"], **{**PRODUCTION, "SECRET_KEY": secret_key})
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 random characters" in result.stderr

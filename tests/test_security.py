"""Production safety: the deploy checks, the secret key, and the admin login throttle."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

PRODUCTION_ENV = {
    "PATH": os.environ["PATH"],
    "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-1234567890",
    "ALLOWED_HOSTS": "desk.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_checks_without_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_admin_login_is_locked_after_repeated_wrong_passwords(client, django_user_model):
    django_user_model.objects.create_superuser("chief", "chief@example.org", "right-password")
    login_url = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login_url, {"username": "chief", "password": "guess"})
        assert response.status_code == 200  # the form again, with its error
    response = client.post(login_url, {"username": "chief", "password": "guess"})
    assert response.status_code == 429  # the last allowed failure locks the account out

    response = client.post(login_url, {"username": "chief", "password": "right-password"})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_right_password_before_the_limit_still_logs_in(client, django_user_model):
    django_user_model.objects.create_superuser("chief", "chief@example.org", "right-password")
    login_url = reverse("admin:login")
    client.post(login_url, {"username": "chief", "password": "guess"})

    response = client.post(login_url, {"username": "chief", "password": "right-password"})

    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_app_servers_share_the_redis_cache_when_configured():
    """What one server caches, another sees: no state is local to a server but the cache."""
    env = {
        **PRODUCTION_ENV,
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "CACHE_KEY_PREFIX": f"factdesk-test-{os.getpid()}",
    }
    write = "from django.core.cache import cache; cache.set('page', 'cached by server one', 60)"
    read = "from django.core.cache import cache; print(cache.get('page')); cache.delete('page')"

    assert manage("shell", "-c", write, env=env).returncode == 0
    second_server = manage("shell", "-c", read, env=env)

    assert second_server.stdout.strip().endswith("cached by server one"), second_server.stderr


def test_the_demo_refuses_to_run_without_debug():
    """The demo's logins have a published password: never on a production database."""
    result = manage("demo", "--no-serve", env=PRODUCTION_ENV)

    assert result.returncode != 0
    assert "runs only in development: set DEBUG=1" in result.stderr

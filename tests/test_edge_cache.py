"""Through a real Varnish (Debian's varnishd) with the VCL the docs ship: pages are kept at
the edge, a correction shows at the next request, and nothing unpublished is served from it.

Without ``/usr/sbin/varnishd`` these tests are skipped, saying why, except where
``FACTDESK_REQUIRE_VARNISH=1`` (CI sets it): there they fail.
"""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from .conftest import make_claim

VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
VCL = Path(settings.BASE_DIR) / "docs" / "varnish.vcl"

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the bans follow commits
    pytest.mark.skipif(
        not os.path.exists(VARNISHD) and os.environ.get("FACTDESK_REQUIRE_VARNISH") != "1",
        reason=f"{VARNISHD} is missing: apt-get install varnish",
    ),
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def varnish(live_server, settings):
    """varnishd in front of the live server, with docs/varnish.vcl pointed at it."""
    backend_port = live_server.url.rsplit(":", 1)[1]
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="fd-varnish-") as work:
        vcl = Path(work) / "desk.vcl"
        vcl.write_text(VCL.read_text().replace('.port = "8000"', f'.port = "{backend_port}"'))
        os.chmod(work, 0o755)
        process = subprocess.Popen(
            [VARNISHD, "-F", "-f", str(vcl), "-a", f"127.0.0.1:{port}", "-n", f"{work}/n"]
            + ["-s", "malloc,32m", "-p", "ban_lurker_sleep=0.01"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            process.kill()
            pytest.fail(f"varnishd did not start: {process.stdout.read().decode()}")
        settings.VARNISH_URL = url
        settings.ALLOWED_HOSTS = ["*"]
        try:
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


def fetch(url):
    """(status, body, whether Varnish answered from its cache)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            body, headers, status = response.read().decode(), response.headers, response.status
    except urllib.error.HTTPError as error:
        body, headers, status = error.read().decode(), error.headers, error.code
    assert "Cache-Tag" not in headers  # tags are for the bans, not for readers
    return status, body, len(re.findall(r"\d+", headers.get("X-Varnish", ""))) == 2


def test_a_correction_and_a_retraction_show_through_varnish_at_the_next_request(varnish):
    claim = make_claim(text="As first published.", status="published", verdict="false")
    other = make_claim(text="Another claim.", status="published", verdict="false")
    page, other_page = (
        f"{varnish}{claim.get_absolute_url()}",
        f"{varnish}{other.get_absolute_url()}",
    )
    fetch(page), fetch(other_page)
    assert fetch(page)[2] and fetch(other_page)[2], "Varnish keeps both pages"

    claim.text, claim._change_reason = "As corrected.", "The wording was wrong."
    claim.save()
    status, body, from_edge = fetch(page)
    assert (status, "As corrected." in body, from_edge) == (200, True, False)
    assert fetch(other_page)[2], "the other page stays at the edge"

    claim.status, claim._change_reason = "retracted", "Retracted."
    claim.save()
    assert fetch(page)[0] == 404


def test_an_unpublished_claim_is_never_served_from_varnish(varnish):
    for status in ["draft", "in_review", "retracted"]:
        claim = make_claim(text=f"A {status} claim.", status=status)
        for _ in range(2):
            code, body, _ = fetch(f"{varnish}{claim.get_absolute_url()}")
            assert code == 404 and claim.text not in body, status
    status, body, _ = fetch(f"{varnish}/claims/")
    assert status == 200 and "draft claim" not in body

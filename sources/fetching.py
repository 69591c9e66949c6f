"""Fetching a cited page as a polite crawler does, and reading its text.

The desk names itself in its User-Agent, asks the site's robots.txt first, reads at most
``FACTDESK_ARCHIVE_MAX_BYTES`` within ``FACTDESK_ARCHIVE_TIMEOUT`` seconds, follows a few
redirects, takes web pages and plain text only, and by default fetches nothing on a private
or loopback address (a URL typed into a source must not reach the desk's own network).
Every failure comes back as a ``Fetched`` saying why, never as an exception.
"""

import html.parser
import ipaddress
import re
import socket
import time
import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

ROBOTS_MAX_BYTES = 512 * 1024
MAX_REDIRECTS = 5
HTML_TYPES = {"text/html", "application/xhtml+xml"}
TEXT_TYPES = {"text/plain"}


def user_agent():
    return f"factdesk-archive/1.0 (+{settings.FACTDESK_SITE_URL}; keeps copies of cited pages)"


@dataclass
class Fetched:
    """What fetching a page gave: its readable text, or why there is none."""

    status: str  # "captured", "refused" (robots.txt), "failed"
    url: str
    error: str = ""
    http_status: int | None = None
    content_type: str = ""
    size: int | None = None
    text: str = ""


class FetchFailed(Exception):
    def __init__(self, message, http_status=None):
        super().__init__(message)
        self.http_status = http_status


def fetch(url):
    """The page at ``url`` as a ``Fetched``, having asked its robots.txt."""
    try:
        _check_address(url)
        if not _robots_allow(url):
            return Fetched("refused", url, "The site's robots.txt asks crawlers not to fetch it.")
        body, response = _get(url, settings.FACTDESK_ARCHIVE_MAX_BYTES)
    except FetchFailed as failed:
        return Fetched("failed", url, str(failed), http_status=failed.http_status)
    content_type = response.headers.get_content_type() if response.headers["Content-Type"] else ""
    kind = content_type or ("text/html" if body.lstrip()[:1] == b"<" else "")
    status = response.status
    if kind not in HTML_TYPES | TEXT_TYPES:
        return Fetched(
            "failed",
            url,
            f"Not a web page or plain text ({content_type or 'no content type'}): "
            "the desk keeps copies of web pages only; archive it by hand.",
            status,
            content_type,
            len(body),
        )
    decoded = body.decode(_charset(response.headers, body), errors="replace")
    text = readable_text(decoded) if kind in HTML_TYPES else plain_text(decoded)
    if not text:
        return Fetched(
            "failed", url, "The page holds no readable text.", status, content_type, len(body)
        )
    return Fetched("captured", url, "", status, content_type, len(body), text)


# --- Where the desk may go -------------------------------------------------------------------


def _check_address(url):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchFailed("Only http and https addresses are fetched.")
    if settings.FACTDESK_ARCHIVE_PRIVATE_ADDRESSES:
        return
    try:
        addresses = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchFailed(f"The site's name does not resolve ({parts.hostname}).") from error
    for *_, address in addresses:
        ip = ipaddress.ip_address(address[0])
        if not ip.is_global:
            raise FetchFailed(
                f"{parts.hostname} is a private or local address ({ip}): the desk does not "
                "fetch inside its own network."
            )


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a few redirects, each checked like the first address."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(self, request, fp, code, message, headers, new_url):
        _check_address(urljoin(request.full_url, new_url))
        return super().redirect_request(request, fp, code, message, headers, new_url)


_opener = urllib.request.build_opener(_CheckedRedirects)


def _get(url, limit):
    """The body (at most ``limit`` bytes) and the response, or ``FetchFailed``."""
    timeout = settings.FACTDESK_ARCHIVE_TIMEOUT
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": user_agent(),
            "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
        },
    )
    deadline = time.monotonic() + timeout
    try:
        with _opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > limit:
                raise FetchFailed(_too_large(limit), response.status)
            chunks, size = [], 0
            while chunk := response.read(64 * 1024):
                size += len(chunk)
                if size > limit:
                    raise FetchFailed(_too_large(limit), response.status)
                if time.monotonic() > deadline:
                    raise FetchFailed(_too_slow(timeout), response.status)
                chunks.append(chunk)
            return b"".join(chunks), response
    except FetchFailed:
        raise
    except urllib.error.HTTPError as error:
        raise FetchFailed(f"The site answered {error.code} {error.reason}.", error.code) from None
    except TimeoutError:
        raise FetchFailed(_too_slow(timeout)) from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            raise FetchFailed(_too_slow(timeout)) from None
        raise FetchFailed(f"The site could not be reached: {reason}.") from None
    except (OSError, ValueError) as error:  # a connection reset, a malformed answer
        raise FetchFailed(f"The site could not be read: {error}.") from None


def _too_large(limit):
    return f"Larger than the {limit // 1024:,} KB the desk keeps of a page."


def _too_slow(timeout):
    return f"The site did not answer within {timeout:g} seconds."


def _robots_allow(url):
    """Whether the site's robots.txt lets the desk fetch ``url``.

    As RFC 9309 says: no robots.txt (a 4xx) allows everything; one that cannot be read (a
    5xx, no answer) allows nothing, so the fetch fails until it can be.
    """
    parts = urlsplit(url)
    robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
    try:
        body, response = _get(robots_url, ROBOTS_MAX_BYTES)
    except FetchFailed as failed:
        if failed.http_status is not None and 400 <= failed.http_status < 500:
            return True
        raise FetchFailed(f"The site's robots.txt could not be read: {failed}") from None
    rules = urllib.robotparser.RobotFileParser(robots_url)
    rules.parse(body.decode(_charset(response.headers, body), errors="replace").splitlines())
    return rules.can_fetch(user_agent(), url)


# --- Reading the text ------------------------------------------------------------------------

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


def _charset(headers, body):
    names = [headers.get_content_charset()]
    if match := META_CHARSET.search(body[:4096]):
        names.append(match.group(1).decode("ascii"))
    for name in [*names, "utf-8"]:
        if name:
            try:
                "".encode(name)
            except LookupError:
                continue
            return name
    return "utf-8"


# Elements whose content is no part of what a page says.
UNREAD = {
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "canvas",
    "iframe",
    "object",
    "select",
    "nav",
    "head",
}
# Elements that start a new line of text.
BLOCKS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "title",
    "tr",
    "ul",
}
VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "source", "wbr"}


class _TextReader(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self.line, self.unread, self.title = [], [], [], []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self._end_line()
        if tag in VOID:
            return
        if tag == "title" or self.unread or tag in UNREAD or "hidden" in dict(attrs):
            self.unread.append(tag)

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCKS:
            self._end_line()

    def handle_endtag(self, tag):
        if tag in self.unread:
            while self.unread and self.unread.pop() != tag:
                pass
        if tag in BLOCKS:
            self._end_line()

    def handle_data(self, data):
        if self.unread:
            if self.unread == ["head", "title"] or self.unread == ["title"]:
                self.title.append(data)
            return
        self.line.append(data)

    def _end_line(self):
        line = " ".join("".join(self.line).split())
        if line:
            self.lines.append(line)
        self.line = []

    def text(self):
        self._end_line()
        title = " ".join("".join(self.title).split())
        lines = self.lines
        if title and (not lines or lines[0] != title):
            lines = [title, *lines]
        return "\n".join(lines)


def readable_text(page):
    """What an HTML page says, one paragraph (or heading, list item, cell) a line, its title
    first; scripts, styles, menus and hidden elements left out."""
    reader = _TextReader()
    reader.feed(page)
    reader.close()
    return reader.text()


def plain_text(text):
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)

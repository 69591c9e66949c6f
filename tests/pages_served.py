"""Web pages served on 127.0.0.1 by the tests, for the archive to fetch: never the internet.

``served_pages`` is a fixture: set ``pages.routes[path] = Page(...)`` and fetch
``pages.url(path)``; each request is logged with its User-Agent.
"""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Page:
    body: bytes | str = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    delay: float = 0  # seconds before answering
    headers: dict = field(default_factory=dict)


class Site:
    def __init__(self):
        self.routes, self.requests = {}, []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.requests.append((self.path, self.headers.get("User-Agent", "")))
                page = site.routes.get(self.path, Page(b"Not found", 404, "text/plain"))
                if page.delay:
                    time.sleep(page.delay)
                body = page.body.encode() if isinstance(page.body, str) else page.body
                try:
                    self.send_response(page.status)
                    if page.content_type:
                        self.send_header("Content-Type", page.content_type)
                    for name, value in page.headers.items():
                        if value is not None:  # None: the header left out
                            self.send_header(name, value)
                    if "Content-Length" not in page.headers:
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the desk stopped reading (too large, too slow)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path):
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def fetched(self, path):
        return [agent for requested, agent in self.requests if requested == path]


@pytest.fixture
def served_pages(settings):
    """A site on 127.0.0.1 and the archive turned on, allowed to fetch from it."""
    settings.FACTDESK_ARCHIVE = True
    settings.FACTDESK_ARCHIVE_PRIVATE_ADDRESSES = True
    settings.FACTDESK_ARCHIVE_TIMEOUT = 2
    site = Site()
    site.thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()


def article(*paragraphs, title="Talks in Geneva"):
    """An HTML page with a menu and a script around its paragraphs, as news sites have."""
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        f"<!doctype html><html><head><title>{title}</title>"
        "<script>var tracking = 'not text';</script><style>p{color:red}</style></head>"
        "<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{title}</h1>{body}</article></body></html>"
    )

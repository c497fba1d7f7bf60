"""The rush's recorder (benchmarks/rush.py): percentiles per endpoint, and every error counted
against its endpoint, so the table cannot hide a failed request."""

import asyncio
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from benchmarks.rush import Person, Recorder


def test_percentiles_per_endpoint_in_milliseconds():
    recorder = Recorder()
    for ms in range(1, 101):
        recorder.ok("task list", ms / 1000)
    row = recorder.table()["task list"]
    assert row["count"] == 100 and row["errors"] == 0
    # the value at the nearest rank: of 1…100 ms, the 51st (the upper middle), the 95th and the 99th
    assert (row["p50"], row["p95"], row["p99"]) == (51.0, 95.0, 99.0)
    assert row["max"] == 100.0


def test_an_error_is_counted_timed_and_kept_as_a_sample():
    recorder = Recorder()
    recorder.ok("submit", 0.2)
    recorder.error("submit", 1.5, "HTTP 500 ")
    row = recorder.table()["submit"]
    assert (row["count"], row["errors"], row["max"]) == (2, 1, 1500.0)
    assert list(recorder.samples.values()) == ["submit: HTTP 500 "]


def test_a_person_keeps_the_portal_s_cookies_follows_no_redirect_and_counts_an_unexpected_answer():
    """The rush's browser against a real HTTP server on loopback: the portal's Secure cookies are kept
    by hand and sent back (aiohttp would keep them from plain HTTP), a deleted one is forgotten, a
    redirect is returned to the journey rather than followed, and a status it did not expect is an error."""
    seen = []

    class Portal(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append((self.path, self.headers.get("Cookie", ""), self.headers.get("X-Forwarded-Proto")))
            if self.path == "/login/":
                self.send_response(302)
                self.send_header("Location", "https://127.0.0.1/me/")
                self.send_header("Set-Cookie", "sessionid=abc; Secure; HttpOnly; Path=/")
                self.send_header("Set-Cookie", "csrftoken=t1; Secure; Path=/")
            elif self.path == "/me/":
                self.send_response(200)
                self.send_header("Set-Cookie", 'csrftoken=""; Max-Age=0; Path=/')
            else:
                self.send_response(404)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Portal)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    recorder = Recorder()

    async def journey():
        person = Person(f"http://127.0.0.1:{server.server_address[1]}", recorder)
        try:
            login = await person.request("login: start", "GET", "/login/", expect=(302,))
            landing = await person.request("my page", "GET", login.headers["location"])
            missing = await person.request("task list", "GET", "/nowhere/")
            return login, landing, missing, dict(person.cookies)
        finally:
            await person.close()

    played = {}
    # on a thread of its own: a browser test before this one may have left an event loop running here
    player = threading.Thread(target=lambda: played.update(result=asyncio.run(journey())))
    try:
        player.start()
        player.join(timeout=30)
    finally:
        server.shutdown()
    login, landing, missing, cookies = played["result"]
    assert login.status_code == 302 and landing.text == "ok" and missing is None
    assert seen[0] == ("/login/", "", "https")
    assert seen[1] == ("/me/", "sessionid=abc; csrftoken=t1", "https")  # the https link was taken to the portal
    assert cookies == {"sessionid": "abc"}  # the deleted csrftoken is forgotten
    assert recorder.errors == {"task list": 1} and "HTTP 404" in next(iter(recorder.samples.values()))

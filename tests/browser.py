"""A headless Chromium driven over the DevTools protocol on a pipe: enough to test a page.

Why a pipe (`--remote-debugging-pipe`): no port to pick or race for, no websocket library,
no third-party driver; the protocol is JSON messages ended by a NUL byte on file descriptors
3 (to the browser) and 4 (from it). Every wait is bounded, so a broken browser fails a test
instead of hanging it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--mute-audio",
    "--hide-scrollbars",
)
NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
TIMEOUT = 60.0


def find() -> str | None:
    """The browser to use: $CHROMIUM if set, else the first of the usual names on PATH."""
    chosen = os.environ.get("CHROMIUM")
    if chosen:
        return chosen
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


class BrowserError(RuntimeError):
    pass


@dataclass
class Visit:
    """What happened while one page loaded and after."""

    url: str
    session: str
    events: list[dict[str, Any]] = field(default_factory=list)

    def named(self, *methods: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("method") in methods]

    def console_errors(self) -> list[str]:
        """Console messages, uncaught exceptions and browser log errors (a CSP block is one)."""
        found = [
            json.dumps(e["params"].get("args", [])) for e in self.named("Runtime.consoleAPICalled")
        ]
        found += [
            e["params"]["exceptionDetails"].get("text", "exception")
            for e in self.named("Runtime.exceptionThrown")
        ]
        found += [
            e["params"]["entry"].get("text", "")
            for e in self.named("Log.entryAdded")
            if e["params"]["entry"].get("level") in ("error", "warning")
        ]
        return found

    def requests(self) -> list[str]:
        """Every URL the page asked for, other than the page itself."""
        return [
            e["params"]["request"]["url"]
            for e in self.named("Network.requestWillBeSent")
            if e["params"]["request"]["url"] != self.url
        ]

    def dialogs(self) -> list[str]:
        return [e["params"].get("message", "") for e in self.named("Page.javascriptDialogOpening")]


class Browser:
    """One headless browser process; `visit` opens a page in a fresh tab."""

    def __init__(self, executable: str) -> None:
        self._profile = tempfile.mkdtemp(prefix="promisecheck-chromium-")
        to_browser_read, self._write = os.pipe()
        self._read, from_browser_write = os.pipe()

        def plumb() -> None:  # in the child: the two pipe ends become fds 3 and 4
            reading, writing = os.dup(to_browser_read), os.dup(from_browser_write)
            os.dup2(reading, 3)
            os.dup2(writing, 4)

        self._process = subprocess.Popen(
            [
                executable,
                *FLAGS,
                f"--user-data-dir={self._profile}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=None if os.environ.get("PROMISECHECK_BROWSER_LOG") else subprocess.DEVNULL,
            preexec_fn=plumb,  # the tests start it before any thread of their own
            close_fds=False,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next = 0
        self._events: list[dict[str, Any]] = []

    def close(self) -> None:
        with contextlib.suppress(BrowserError, OSError):
            self.call("Browser.close")
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._write)
        os.close(self._read)
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("no answer from the browser in time")
            ready, _, _ = select.select([self._read], [], [], left)
            if ready:
                chunk = os.read(self._read, 1 << 20)
                if not chunk:
                    raise BrowserError("the browser closed the pipe")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send one command and wait for its answer; events that arrive meanwhile are kept."""
        self._next += 1
        number = self._next
        message: dict[str, Any] = {"id": number, "method": method, "params": params}
        if session is not None:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            answer = self._message(deadline)
            if answer.get("id") == number:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result
            self._events.append(answer)

    def _wait_for(self, method: str, session: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not any(
            e.get("method") == method and e.get("sessionId") == session for e in self._events
        ):
            self._events.append(self._message(deadline))

    def visit(self, page: Path, *, width: int = 1100, height: int = 900) -> Visit:
        """Open a file in a new tab, with the console, network and dialogs recorded, and wait
        until it has loaded."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        url = page.resolve().as_uri()
        self._events.clear()
        self.call("Page.navigate", session, url=url)
        self._wait_for("Page.loadEventFired", session)
        self.call("Runtime.evaluate", session, expression="1")  # let late messages arrive
        visit = Visit(url=url, session=session)
        visit.events = [e for e in self._events if e.get("sessionId") == session]
        return visit

    def evaluate(self, visit: Visit, expression: str) -> Any:
        """A JavaScript expression's value (run by the test, not by the page, which has none)."""
        answer = self.call(
            "Runtime.evaluate", visit.session, expression=expression, returnByValue=True
        )
        if "exceptionDetails" in answer:
            raise BrowserError(f"{expression}: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def pdf(self, visit: Visit) -> bytes:
        """The page printed as the print stylesheet asks (A4), backgrounds included."""
        answer = self.call(
            "Page.printToPDF", visit.session, preferCSSPageSize=True, printBackground=True
        )
        return base64.b64decode(answer["data"])

    def screenshot(self, visit: Visit, *, width: int = 1100, height: int | None = None) -> bytes:
        """A PNG of the page's top `height` pixels, or of the whole page, however long."""
        if height is None:
            height = int(self.evaluate(visit, "document.documentElement.scrollHeight"))
        self.call(
            "Emulation.setDeviceMetricsOverride",
            visit.session,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        answer = self.call("Page.captureScreenshot", visit.session, format="png")
        return base64.b64decode(answer["data"])

    def print_media(self, visit: Visit) -> None:
        self.call("Emulation.setEmulatedMedia", visit.session, media="print")


def pdf_pages(document: bytes) -> int:
    """Pages in a PDF as Chromium writes it (each page object says `/Type /Page`)."""
    import re

    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", document))

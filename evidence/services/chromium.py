"""Headless Chromium driven over the DevTools protocol on a pipe, with no network of its own.

One browser process per page (nothing carries over from one page to the next; its profile and
its TMPDIR are a temporary folder of its own, removed after it), started with
``--remote-debugging-pipe`` (commands on fd 3, answers on fd 4, NUL-terminated JSON). Every
request the page makes is paused by the Fetch domain and answered by ``answer`` (stored bytes)
or failed; as a second wall the browser's proxy is a closed port on 127.0.0.1 with no bypass,
so a request that escaped interception (a WebSocket, say) has nowhere to go.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
BASH = shutil.which("bash") or "/bin/bash"  # dash cannot redirect descriptors above 9
MAX_HEIGHT = 16384  # CSS pixels: a full-page PNG is cut below this
WIDTH, HEIGHT = 1280, 900
SOCKET_TAIL = len("/t/org.chromium.Chromium.XXXXXX/SingletonSocket")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--disable-extensions", "--disable-breakpad", "--mute-audio",
    "--hide-scrollbars", "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp", "--lang=zh-CN",
    f"--window-size={WIDTH},{HEIGHT}", "--remote-debugging-pipe",
)

# url -> (status, headers, body) of a stored response, or None: the request is failed
Answer = Callable[[str], tuple[int, dict[str, str], bytes] | None]


class RenderError(Exception):
    """A page could not be rendered (the reason is the message)."""


@dataclass
class Rendered:
    """A full-page PNG (and PDF print) of one page, and what the page asked for."""

    png: bytes
    pdf: bytes | None
    browser: str
    width: int
    height: int
    served: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


def chromium_path() -> Path | None:
    """The Chromium binary, or None when it is not installed."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return Path(found) if found else (CHROMIUM if CHROMIUM.exists() else None)


class _Pipe:
    """The DevTools protocol over a browser's pipe: commands, answers and paused requests."""

    def __init__(self, proc: subprocess.Popen[bytes], write_fd: int, read_fd: int,
                 deadline: float) -> None:
        self.proc, self.write_fd, self.read_fd, self.deadline = proc, write_fd, read_fd, deadline
        self.buffer, self.next_id = b"", 0
        self.events: list[dict[str, Any]] = []
        self.on_event: Callable[[dict[str, Any]], None] = self.events.append

    def send(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> int:
        """Send a command; return its id."""
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self.write_fd, data):]
        return self.next_id

    def call(self, method: str, params: dict[str, Any] | None = None,
             session: str | None = None) -> dict[str, Any]:
        """Send a command and wait for its result (events meanwhile go to ``on_event``)."""
        wanted = self.send(method, params, session)
        while True:
            message = self.receive()
            if message.get("id") == wanted:
                if "error" in message:
                    raise RenderError(f"{method}: {message['error'].get('message')}")
                return dict(message.get("result", {}))
            if "method" in message:
                self.on_event(message)

    def receive(self) -> dict[str, Any]:
        """The next message, waiting until the deadline."""
        while b"\0" not in self.buffer:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise RenderError("timeout")
            ready, _, _ = select.select([self.read_fd], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(self.read_fd, 1 << 20)
                if not chunk:
                    raise RenderError(f"browser exited ({self.proc.poll()})")
                self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return dict(json.loads(raw))

    def wait_for(self, method: str, until: float) -> bool:
        """Handle events until ``method`` arrives (True) or ``until`` passes (False)."""
        if any(e.get("method") == method for e in self.events):
            return True
        saved, self.deadline = self.deadline, min(self.deadline, until)
        try:
            while True:
                message = self.receive()
                if "method" in message:
                    self.on_event(message)
                    if message["method"] == method:
                        return True
        except RenderError:
            if time.monotonic() < saved and self.proc.poll() is None:
                return False
            raise
        finally:
            self.deadline = saved


class _Session:
    """One page of one browser: navigation answered from ``answer`` only."""

    def __init__(self, pipe: _Pipe, session: str, answer: Answer) -> None:
        self.pipe, self.session, self.answer = pipe, session, answer
        self.served: list[str] = []
        self.blocked: list[str] = []
        pipe.on_event = self.event

    def event(self, message: dict[str, Any]) -> None:
        """Answer a paused request from the store, or fail it; remember other events."""
        if message.get("method") != "Fetch.requestPaused":
            self.pipe.events.append(message)
            return
        params = message["params"]
        url = params["request"]["url"]
        stored = self.answer(url) if url.startswith(("http://", "https://")) else None
        if stored is None:
            self.blocked.append(url)
            self.pipe.send("Fetch.failRequest", {"requestId": params["requestId"],
                                                 "errorReason": "BlockedByClient"}, self.session)
            return
        status, headers, body = stored
        self.served.append(url)
        self.pipe.send("Fetch.fulfillRequest", {
            "requestId": params["requestId"], "responseCode": status,
            "responseHeaders": [{"name": k, "value": v} for k, v in headers.items()],
            "body": base64.b64encode(body).decode("ascii")}, self.session)

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """A command on this page."""
        return self.pipe.call(method, params, self.session)


def _launch(binary: Path, scratch: str) -> tuple[subprocess.Popen[bytes], int, int]:
    """Start Chromium with a DevTools pipe, its profile and temporary files in ``scratch``;
    return the process, our write and read ends."""
    to_browser_r, to_browser_w = os.pipe()
    from_browser_r, from_browser_w = os.pipe()
    to_browser_r, from_browser_w = _above_4(to_browser_r), _above_4(from_browser_w)
    # the browser reads commands on fd 3 and answers on fd 4: bash wires them (no preexec_fn,
    # which is unsafe in a process with threads)
    wire = (f'exec "$0" "$@" 3<&{to_browser_r} 4>&{from_browser_w} '
            f"{to_browser_r}<&- {from_browser_w}>&-")
    proc = subprocess.Popen(
        [BASH, "-c", wire, str(binary), *FLAGS, f"--user-data-dir={_profile(scratch)}",
         "about:blank"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        pass_fds=(to_browser_r, from_browser_w), start_new_session=True,
        env=_browser_env(scratch))
    os.close(to_browser_r)
    os.close(from_browser_w)
    return proc, to_browser_w, from_browser_r


def _scratch() -> str:
    """A new folder for one browser, in the temporary folder, or in /tmp when that path is too
    long for the browser's singleton socket (a Unix socket path has at most 107 bytes)."""
    scratch = tempfile.mkdtemp(prefix="evidence-render-")
    if len(scratch) + SOCKET_TAIL > 107 and os.path.isdir("/tmp"):
        os.rmdir(scratch)
        scratch = tempfile.mkdtemp(prefix="evidence-render-", dir="/tmp")
    return scratch


def _profile(scratch: str) -> str:
    """The browser's profile folder inside its scratch folder."""
    return os.path.join(scratch, "profile")


def _browser_env(scratch: str) -> dict[str, str]:
    """Our environment with TMPDIR inside ``scratch``: the browser's own temporary folders (its
    singleton socket's org.chromium.Chromium.*, left behind when it is killed) go with it."""
    tmp = os.path.join(scratch, "t")
    os.makedirs(tmp, exist_ok=True)
    return {**os.environ, "TMPDIR": tmp}


def _above_4(fd: int) -> int:
    """The same pipe end on a descriptor above 10 (so that wiring 3 and 4 clobbers nothing)."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


def _stop(proc: subprocess.Popen[bytes], fds: tuple[int, int], scratch: str) -> None:
    for fd in fds:
        os.close(fd)
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, 9)
    proc.wait(timeout=10)
    shutil.rmtree(scratch, ignore_errors=True)


def render(url: str, answer: Answer, timeout: float = 30.0, settle: float = 1.0,
           pdf: bool = True, binary: Path | None = None) -> Rendered:
    """Render ``url`` with every request answered by ``answer``; raise RenderError on failure."""
    binary = binary or chromium_path()
    if binary is None:
        raise RenderError("chromium is not installed")
    scratch = _scratch()  # profile and TMPDIR, removed after
    try:
        proc, write_fd, read_fd = _launch(binary, scratch)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    try:
        pipe = _Pipe(proc, write_fd, read_fd, time.monotonic() + timeout)
        return _render_page(pipe, url, answer, settle, pdf)
    finally:
        _stop(proc, (write_fd, read_fd), scratch)


def _attach(pipe: _Pipe) -> str:
    """Attach to the browser's first page; return the session id."""
    targets = pipe.call("Target.getTargets")["targetInfos"]
    page = next((t for t in targets if t.get("type") == "page"), None)
    target = page["targetId"] if page else pipe.call("Target.createTarget",
                                                     {"url": "about:blank"})["targetId"]
    return str(pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})
               ["sessionId"])


def _render_page(pipe: _Pipe, url: str, answer: Answer, settle: float, pdf: bool) -> Rendered:
    browser = str(pipe.call("Browser.getVersion").get("product", "chromium"))
    page = _Session(pipe, _attach(pipe), answer)
    page.call("Fetch.enable", {"patterns": [{"urlPattern": "*"}]})
    page.call("Page.enable")
    navigated = page.call("Page.navigate", {"url": url})
    if navigated.get("errorText"):
        hint = " (not a page the browser shows: a download)" \
            if navigated["errorText"] == "net::ERR_ABORTED" else ""
        raise RenderError(f"navigation failed: {navigated['errorText']}{hint}")
    if not pipe.wait_for("Page.loadEventFired", pipe.deadline):
        raise RenderError("timeout")
    pipe.wait_for("Never.arrives", time.monotonic() + settle)  # let scripts and layout settle
    width, height = _page_size(page)
    shot = page.call("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
    printed = page.call("Page.printToPDF", {"printBackground": True})["data"] if pdf else None
    return Rendered(base64.b64decode(shot["data"]),
                    base64.b64decode(printed) if printed else None, browser, width, height,
                    page.served, page.blocked)


def _page_size(page: _Session) -> tuple[int, int]:
    """The page's full CSS size (at least the window, at most MAX_HEIGHT tall)."""
    metrics = page.call("Page.getLayoutMetrics")
    size = metrics.get("cssContentSize") or metrics.get("contentSize") or {}
    width = max(WIDTH, int(size.get("width", WIDTH)))
    height = min(MAX_HEIGHT, max(HEIGHT, int(size.get("height", HEIGHT))))
    return width, height

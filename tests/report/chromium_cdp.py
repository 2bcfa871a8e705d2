"""A minimal headless-Chromium driver over the DevTools protocol on a pipe (no extra package).

Chromium started with --remote-debugging-pipe reads commands from fd 3 and writes replies and
events to fd 4, each a JSON message ended by a NUL byte. `load_page` opens one file, waits for
its load event, runs a check script, takes a full-page PNG and returns what the page logged.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-pipe", "--hide-scrollbars", "--force-color-profile=srgb")
WIDTH = 1280
TIMEOUT_S = 60.0


def chromium_path() -> str | None:
    """Debian's /usr/bin/chromium, or whatever `chromium` is on PATH."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Chromium:
    """One browser process with a fresh profile; use as a context manager."""

    def __init__(self, binary: str, log=subprocess.DEVNULL):
        self._profile = tempfile.mkdtemp(prefix="fpxint-chromium-")
        cmd_r, self._cmd_w = os.pipe()
        self._res_r, res_w = os.pipe()

        def wire_pipes():  # in the child: fd 3 = commands in, fd 4 = replies out
            high_r = fcntl.fcntl(cmd_r, fcntl.F_DUPFD, 10)  # the pipes may sit on 3 or 4
            high_w = fcntl.fcntl(res_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self._proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self._profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
            close_fds=False, preexec_fn=wire_pipes)
        os.close(cmd_r)
        os.close(res_w)
        self._next_id = 0
        self._replies: dict[int, dict] = {}
        self._events: queue.Queue = queue.Queue()
        self._cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        buf = b""
        with os.fdopen(self._res_r, "rb", buffering=0) as f:
            while chunk := f.read(1 << 16):
                buf += chunk
                *messages, buf = buf.split(b"\0")
                for raw in messages:
                    msg = json.loads(raw)
                    if "id" in msg:
                        with self._cond:
                            self._replies[msg["id"]] = msg
                            self._cond.notify_all()
                    else:
                        self._events.put(msg)

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next_id += 1
        msg = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._cmd_w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT_S
        with self._cond:
            while self._next_id not in self._replies:
                left = deadline - time.monotonic()
                if left <= 0 or self._proc.poll() is not None:
                    raise RuntimeError(f"chromium: no reply to {method}")
                self._cond.wait(min(left, 0.5))
            reply = self._replies.pop(self._next_id)
        if "error" in reply:
            raise RuntimeError(f"chromium: {method}: {reply['error']}")
        return reply["result"]

    def wait_event(self, method: str, session: str, seen: list) -> dict:
        """Wait for `method` in `session`; every event received meanwhile goes into `seen`."""
        deadline = time.monotonic() + TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                ev = self._events.get(timeout=0.5)
            except queue.Empty:
                continue
            seen.append(ev)
            if ev.get("method") == method and ev.get("sessionId") == session:
                return ev
        raise RuntimeError(f"chromium: no {method} within {TIMEOUT_S:.0f} s")

    def drain(self, seen: list) -> None:
        while True:
            try:
                seen.append(self._events.get_nowait())
            except queue.Empty:
                return

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            self.send("Browser.close")
        except RuntimeError:
            pass
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        os.close(self._cmd_w)
        shutil.rmtree(self._profile, ignore_errors=True)


def problems_in(events: list) -> list[str]:
    """Console errors/warnings, uncaught exceptions and error log entries of a page."""
    out = []
    for ev in events:
        m, p = ev.get("method"), ev.get("params", {})
        if m == "Runtime.exceptionThrown":
            out.append("exception: " + p["exceptionDetails"].get("text", "")
                       + " " + str(p["exceptionDetails"].get("exception", {}).get("description")))
        elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "warning", "assert"):
            out.append(f"console.{p['type']}: "
                       + " ".join(str(a.get("value", a.get("description"))) for a in p["args"]))
        elif m == "Log.entryAdded" and p["entry"].get("level") in ("error", "warning"):
            out.append(f"log {p['entry']['level']}: {p['entry'].get('text')}")
    return out


def load_page(browser: Chromium, path: Path, check_js: str, screenshot: Path) -> dict:
    """Open `path`, save a full-page PNG, then evaluate `check_js` (an expression that gives
    JSON text) and return its value with the problems the page logged."""
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget",
                           {"targetId": target, "flatten": True})["sessionId"]
    seen: list = []
    for domain in ("Page", "Runtime", "Log"):
        browser.send(f"{domain}.enable", session=session)
    browser.send("Emulation.setDeviceMetricsOverride", {
        "width": WIDTH, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session)
    browser.send("Page.navigate", {"url": path.resolve().as_uri()}, session)
    browser.wait_event("Page.loadEventFired", session, seen)
    metrics = browser.send("Page.getLayoutMetrics", session=session)
    height = int(metrics["cssContentSize"]["height"])
    shot = browser.send("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": WIDTH, "height": height, "scale": 1}}, session)
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    screenshot.write_bytes(base64.b64decode(shot["data"]))
    # the check runs after the screenshot: it may click (e.g. sort a table)
    result = browser.send("Runtime.evaluate", {"expression": check_js, "returnByValue": True,
                                               "awaitPromise": True}, session)
    if "exceptionDetails" in result:
        raise RuntimeError(f"check script failed: {result['exceptionDetails']}")
    time.sleep(0.2)  # late console messages
    browser.drain(seen)
    browser.send("Target.closeTarget", {"targetId": target})
    mine = [e for e in seen if e.get("sessionId") == session]
    return {"check": json.loads(result["result"]["value"]), "problems": problems_in(mine)}

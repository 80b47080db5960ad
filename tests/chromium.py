"""A minimal headless-Chromium driver for the report's browser tests (DevTools protocol).

Only what the tests need: open a page at a viewport size, evaluate JavaScript, click, collect
console errors and every URL the page requested, take a screenshot. Chromium talks to us on
127.0.0.1 only; nothing is downloaded.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import time
import urllib.request
from pathlib import Path

import websocket


class Chromium:
    """One headless Chromium process and one page (tab) driven over its DevTools socket."""

    def __init__(self, binary: str, profile: Path):
        self.log = profile / "chromium.log"  # a file, not a pipe: a full pipe would block it
        with self.log.open("w") as log:
            self.proc = subprocess.Popen(
                [
                    binary,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--hide-scrollbars",
                    "--remote-debugging-address=127.0.0.1",
                    "--remote-debugging-port=0",
                    f"--user-data-dir={profile}",
                    "about:blank",
                ],
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        port = self._port()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            page = next(t for t in json.load(r) if t["type"] == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self._id = 0
        self.events: list[dict] = []
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")

    def _port(self) -> int:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            text = self.log.read_text(encoding="utf-8", errors="replace")
            found = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", text)
            if found:
                return int(found.group(1))
            time.sleep(0.1)
        raise RuntimeError("chromium did not open its DevTools port within 60 s")

    def call(self, method: str, **params) -> dict:
        """Send one DevTools command and return its result (events are kept in ``events``)."""
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self._id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def eval(self, expression: str):
        """Evaluate JavaScript in the page (promises awaited) and return its JSON value."""
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:60]}...: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url: str, width: int, height: int, *, settle: float = 20.0) -> None:
        """Load ``url`` at a viewport of ``width`` x ``height`` and wait until charts drew."""
        mobile = width < 600
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )
        self.events.clear()
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + settle
        while time.monotonic() < deadline:
            ready = self.eval(
                "document.readyState === 'complete' && "
                "[...document.querySelectorAll('.plotly-graph-div')]"
                ".every(d => d.querySelector('.main-svg')) && "
                "[...document.querySelectorAll('table[id^=itables]')]"
                ".every(t => t.classList.contains('dataTable'))"
            )
            if ready:
                break
            time.sleep(0.25)
        time.sleep(0.5)  # let late layout (fonts, resize handlers) finish

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads since the last :meth:`open`."""
        self.call("Runtime.evaluate", expression="0")  # flush pending events
        out = []
        for e in self.events:
            method, p = e.get("method"), e.get("params", {})
            if method == "Runtime.exceptionThrown":
                out.append(json.dumps(p["exceptionDetails"])[:300])
            elif method == "Runtime.consoleAPICalled" and p.get("type") == "error":
                out.append(" ".join(str(a.get("value", a.get("description"))) for a in p["args"]))
            elif method == "Log.entryAdded" and p["entry"]["level"] == "error":
                out.append(p["entry"]["text"])
        return out

    def requested(self) -> list[str]:
        """Every URL the page requested since the last :meth:`open`."""
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e.get("method") == "Network.requestWillBeSent"
        ]

    def screenshot(self, path: Path, *, full: bool = False) -> Path:
        """Save what the viewport shows (``full``: the whole page) as a PNG."""
        params: dict = {"format": "png"}
        if full:
            width, height = self.eval("[innerWidth, document.documentElement.scrollHeight]")
            params |= {
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            }
        data = self.call("Page.captureScreenshot", **params)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        """Close the socket and end the browser process."""
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            self.proc.wait(timeout=30)

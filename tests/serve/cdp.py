"""A small client of the Chrome DevTools Protocol: headless Chromium driven from Python over
one WebSocket (Debian's python3-websocket), no npm. Used by the jindu serve end-to-end test.

    with Browser() as b:
        page = b.new_page()
        page.navigate(url)
        page.eval("document.title")
"""
import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time

import websocket  # python3-websocket


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class CDPError(Exception):
    pass


class Browser:
    """Headless Chromium with a temporary profile; commands and events over one socket
    (sessions flattened: each page's commands carry its sessionId)."""

    def __init__(self, width=1400, height=1000, timeout=30):
        self.timeout = timeout
        self.width, self.height = width, height
        self.profile = tempfile.mkdtemp(prefix="jindu-e2e-chromium-")
        args = [find_chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                "--disable-sync", "--disable-dev-shm-usage", "--remote-debugging-port=0",
                "--user-data-dir=" + self.profile, "--window-size=%d,%d" % (width, height), "about:blank"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        ws_url = None
        deadline = time.time() + timeout
        while time.time() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            m = re.search(r"DevTools listening on (ws://\S+)", line)
            if m:
                ws_url = m.group(1)
                break
        if not ws_url:
            self.close()
            raise CDPError("chromium did not start")
        # keep reading its messages, so that it never blocks on a full pipe
        threading.Thread(target=self._drain, daemon=True).start()
        self.ws = websocket.create_connection(ws_url, timeout=timeout, suppress_origin=True)
        self.next_id = 0
        self.events = []

    def _drain(self):
        for _ in self.proc.stderr:
            pass

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        deadline = time.time() + self.timeout
        while time.time() < deadline:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise CDPError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)
        raise CDPError("%s: no answer" % method)

    def wait_event(self, method, session=None, predicate=None, timeout=None):
        """The first event `method` (already received or still to come) for which
        predicate(params) holds; removed from the queue."""
        deadline = time.time() + (timeout or self.timeout)
        while True:
            for i, e in enumerate(self.events):
                if e["method"] == method and (session is None or e.get("sessionId") == session) and \
                        (predicate is None or predicate(e.get("params", {}))):
                    return self.events.pop(i)["params"]
            left = deadline - time.time()
            if left <= 0:
                raise CDPError("no %s event" % method)
            self.ws.settimeout(left)
            try:
                self.events.append(json.loads(self.ws.recv()))
            finally:
                self.ws.settimeout(self.timeout)

    def new_page(self):
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        return Page(self, session)

    def allow_downloads(self, folder):
        self.send("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": folder, "eventsEnabled": True})

    def close(self):
        try:
            if getattr(self, "ws", None):
                self.ws.close()
        finally:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Page:
    def __init__(self, browser, session):
        self.b, self.session = browser, session
        self.send("Page.enable")
        self.send("Runtime.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": browser.width, "height": browser.height, "deviceScaleFactor": 1, "mobile": False})

    def send(self, method, params=None):
        return self.b.send(method, params, self.session)

    def navigate(self, url):
        self.b.events = [e for e in self.b.events if e["method"] != "Page.loadEventFired"]
        self.send("Page.navigate", {"url": url})
        self.b.wait_event("Page.loadEventFired", self.session)

    def eval(self, expression, await_promise=True):
        r = self.send("Runtime.evaluate", {"expression": expression, "awaitPromise": await_promise,
                                           "returnByValue": True})
        if "exceptionDetails" in r:
            raise CDPError("%s: %s" % (expression, r["exceptionDetails"]))
        return r["result"].get("value")

    def wait_for(self, expression, timeout=None, what=None):
        """Polls until `expression` is truthy; returns its value."""
        deadline = time.time() + (timeout or self.b.timeout)
        while time.time() < deadline:
            v = self.eval(expression)
            if v:
                return v
            time.sleep(0.05)
        raise CDPError("timed out waiting for %s" % (what or expression))

    def set_files(self, selector, paths):
        doc = self.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = self.send("DOM.querySelector", {"nodeId": doc, "selector": selector})["nodeId"]
        self.send("DOM.setFileInputFiles", {"nodeId": node, "files": [os.path.abspath(p) for p in paths]})

    def screenshot(self, path, full_page=True, clip=None):
        params = {"format": "png"}
        if clip:
            params["clip"] = dict(clip, scale=1)
            params["captureBeyondViewport"] = True
        elif full_page:
            metrics = self.send("Page.getLayoutMetrics")
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            params["clip"] = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
            params["captureBeyondViewport"] = True
        data = self.send("Page.captureScreenshot", params)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

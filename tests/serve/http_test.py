#!/usr/bin/env python3
"""HTTP-level tests of `jindu serve`: every endpoint's status codes, headers and answers, the
token, the Host check, CSRF and CORS, the limits, uploads (good, bad, hostile), builds and
their events, documents, and traversal attempts. Standard library only.

    tests/serve/http_test.py --jindu build/jindu [-v] [--sanitized]

It serves a copy of the sample project (samples/xiqing-2023) in a temporary folder. Exit
status 0 when every test passed. Registered with CTest as `serve_http`.
"""
import argparse
import http.client
import io
import json
import os
import queue
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(ROOT, "samples", "xiqing-2023")
# the sample's outputs: 任务清单, two quarterly sheets, the 通报, 53 unit and 9 leader sheets
OUTPUTS = 66
XLSX = os.path.join(ROOT, "tests", "fixtures", "xlsx")
JINDU = None


class Server:
    """`jindu serve DIR --no-open` on a free port; the address it prints."""

    def __init__(self, project, *extra):
        self.proc = subprocess.Popen([JINDU, "serve", project, "--no-open", *extra], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/\?t=([0-9a-f]+)", line)
        if not m:
            self.proc.kill()
            raise RuntimeError("jindu serve printed %r; stderr: %s" % (line, self.proc.stderr.read()))
        self.url, self.port, self.token = m.group(0), int(m.group(1)), m.group(2)
        self.host = "127.0.0.1:%d" % self.port

    def stop(self):
        self.proc.terminate()
        out, err = self.proc.communicate(timeout=30)
        return self.proc.returncode, out, err


S = None       # the server under test
PROJECT = None
SANITIZED = False


def request(method, path, token="query", headers=None, body=None, host=None, timeout=60):
    """(status, headers, body). token: "query" (?t=), "cookie", "both", a wrong value, or
    None; a POST gets the X-Jindu-Token header unless headers name it (None drops it)."""
    headers = dict(headers or {})
    if token in ("query", "both"):
        path += ("&" if "?" in path else "?") + "t=" + S.token
    if token in ("cookie", "both"):
        headers.setdefault("Cookie", "jindu-%d=%s" % (S.port, S.token))
    if method == "POST" and "X-Jindu-Token" not in headers:
        headers["X-Jindu-Token"] = S.token
    # as a browser sends it: anything beyond ASCII percent-encoded
    path = urllib.parse.quote(path, safe="/?&=%:@!$'()*+,;[]~")
    conn = http.client.HTTPConnection("127.0.0.1", S.port, timeout=timeout)
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    conn.putheader("Host", host or S.host)
    for k, v in headers.items():
        if v is not None:
            conn.putheader(k, v)
    if body is not None:
        conn.putheader("Content-Length", str(len(body)))
    conn.endheaders(body)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    return r.status, r.headers, data


def raw(text, timeout=10):
    """Sends raw bytes; returns what the server answered before closing or `timeout`."""
    s = socket.create_connection(("127.0.0.1", S.port), timeout=timeout)
    s.sendall(text if isinstance(text, bytes) else text.encode())
    out = b""
    try:
        while b"\r\n\r\n" not in out or not out.split(b"\r\n\r\n", 1)[1]:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except socket.timeout:
        pass
    s.close()
    return out


def status_of(answer):
    m = re.match(rb"HTTP/1\.[01] (\d+)", answer)
    return int(m.group(1)) if m else None


def multipart(files, boundary="jindu-test-boundary"):
    """A multipart/form-data body of (filename, bytes)."""
    out = io.BytesIO()
    for name, data in files:
        out.write(("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                   "Content-Type: application/octet-stream\r\n\r\n" % (boundary, name)).encode())
        out.write(data)
        out.write(b"\r\n")
    out.write(("--%s--\r\n" % boundary).encode())
    return out.getvalue(), "multipart/form-data; boundary=" + boundary


def upload(files, period="2023Q2", **kw):
    body, ctype = multipart(files)
    status, headers, data = request("POST", "/api/forms?period=" + period, headers={"Content-Type": ctype}, body=body,
                                    **kw)
    return status, (json.loads(data) if data else None)


def blank_form(unit, period="2023Q2"):
    """The CSV form `jindu forms` writes for `unit` (rows: title, header, one per task)."""
    out = tempfile.mkdtemp()
    subprocess.run([JINDU, "forms", "--period", period, "--data", os.path.join(PROJECT, "tasks.tsv"), "-o", out],
                   check=True, capture_output=True)
    with open(os.path.join(out, unit + ".csv"), encoding="utf-8-sig", newline="") as f:
        text = f.read()
    shutil.rmtree(out)
    return text


def filled(unit, state="序时推进", done="按计划推进。", period="2023Q2"):
    """The unit's form with every task row filled in (state, 完成情况, 填报人, 填报日期)."""
    lines = blank_form(unit, period).rstrip("\r\n").split("\r\n")
    out = lines[:2]
    for line in lines[2:]:
        assert line.endswith(",,,,,,"), line
        out.append(line[:-6] + ",%s,%s,,,张三,2023-06-25" % (state, done))
    return ("\ufeff" + "\r\n".join(out) + "\r\n").encode("utf-8")


def sse(path="/api/events"):
    """Opens the event stream; a queue of (event, data) and the connection."""
    conn = http.client.HTTPConnection("127.0.0.1", S.port, timeout=120)
    conn.request("GET", path + "?t=" + S.token, headers={"Host": S.host})
    r = conn.getresponse()
    q = queue.Queue()

    def read():
        event = None
        try:
            for raw_line in r:
                line = raw_line.decode("utf-8").rstrip("\n")
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    q.put((event, json.loads(line[6:])))
                elif line.startswith("retry: "):
                    q.put(("retry", line[7:]))
        except Exception:
            pass
    threading.Thread(target=read, daemon=True).start()
    return r, q, conn


def next_event(q, name, timeout=60, predicate=None):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            event, data = q.get(timeout=max(0.1, deadline - time.time()))
        except queue.Empty:
            break
        if event == name and (predicate is None or predicate(data)):
            return data
    raise AssertionError("no %s event within %d s" % (name, timeout))


SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
                               "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

GET_ENDPOINTS = ["/", "/app.js", "/app.css", "/api/state", "/api/docs", "/api/docs.zip", "/api/build",
                 "/api/blank-forms.zip?period=2023Q3", "/api/docs/0123456789abcdef.pdf",
                 "/api/docs/0123456789abcdef/1.png", "/api/events"]
POST_ENDPOINTS = ["/api/forms?period=2023Q2", "/api/build"]


class A_Security(unittest.TestCase):
    """Who may talk to the server."""

    def assert_security_headers(self, headers):
        for k, v in SECURITY_HEADERS.items():
            self.assertEqual(headers.get(k), v, k)
        self.assertIsNone(headers.get("Access-Control-Allow-Origin"))

    def test_01_every_endpoint_needs_the_token(self):
        for path in GET_ENDPOINTS:
            status, headers, body = request("GET", path, token=None)
            self.assertEqual(status, 403, path)
            self.assert_security_headers(headers)
            self.assertIn("需要令牌", json.loads(body)["error"])
        for path in POST_ENDPOINTS:
            status, _, _ = request("POST", path, token=None, body=b"")
            self.assertEqual(status, 403, path)

    def test_02_a_wrong_token_is_refused(self):
        wrong = "0" * 32
        for token in (wrong, S.token[:-1], S.token + "0", S.token.upper(), ""):
            status, _, _ = request("GET", "/api/state?t=" + token, token=None)
            self.assertEqual(status, 403, token)
            status, _, _ = request("GET", "/api/state", token=None,
                                   headers={"Cookie": "jindu-%d=%s" % (S.port, token)})
            self.assertEqual(status, 403, token)
        # the token in a cookie of another name (another port's server) is not this one's
        status, _, _ = request("GET", "/api/state", token=None, headers={"Cookie": "jindu-1=%s" % S.token})
        self.assertEqual(status, 403)

    def test_03_the_printed_address_sets_the_cookie(self):
        status, headers, _ = request("GET", "/", token="query")
        self.assertEqual(status, 303)
        self.assertEqual(headers["Location"], "http://%s/" % S.host)
        self.assertEqual(headers["Set-Cookie"], "jindu-%d=%s; Path=/; HttpOnly; SameSite=Strict" % (S.port, S.token))
        self.assert_security_headers(headers)
        status, headers, body = request("GET", "/", token="cookie")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "text/html; charset=utf-8")
        self.assertIn(('<meta name="jindu-token" content="%s">' % S.token).encode(), body)
        self.assertNotIn(b"{{TOKEN}}", body)
        self.assert_security_headers(headers)
        for path, ctype in (("/app.js", "text/javascript; charset=utf-8"), ("/app.css", "text/css; charset=utf-8")):
            status, headers, body = request("GET", path, token="cookie")
            self.assertEqual((status, headers["Content-Type"]), (200, ctype))
            self.assertGreater(len(body), 1000)
            self.assert_security_headers(headers)

    def test_04_the_host_must_be_this_server(self):
        for host in ("evil.example:%d" % S.port, "evil.example", "127.0.0.1:%d" % (S.port + 1), "127.0.0.2:%d" % S.port,
                     "localhost.evil.example:%d" % S.port, "0.0.0.0:%d" % S.port, "%s@evil.example" % S.host):
            status, headers, body = request("GET", "/api/state", token="both", host=host)
            self.assertEqual(status, 421, host)
            self.assert_security_headers(headers)
        for host in ("localhost:%d" % S.port, "LOCALHOST:%d" % S.port, "[::1]:%d" % S.port, S.host):
            status, _, _ = request("GET", "/api/build", token="both", host=host)
            self.assertEqual(status, 200, host)
        # no Host at all (HTTP/1.0)
        answer = raw("GET /api/build?t=%s HTTP/1.0\r\n\r\n" % S.token)
        self.assertIn(status_of(answer), (400, 421))

    def test_05_no_cors(self):
        status, headers, _ = request("OPTIONS", "/api/forms", token="both",
                                     headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST",
                                              "Access-Control-Request-Headers": "x-jindu-token"})
        self.assertEqual(status, 405)
        self.assertEqual(headers["Allow"], "GET, HEAD, POST")
        self.assert_security_headers(headers)
        status, headers, _ = request("GET", "/api/state", token="both", headers={"Origin": "http://evil.example"})
        self.assertEqual(status, 200)
        self.assert_security_headers(headers)

    def test_06_a_post_needs_the_token_header_and_this_origin(self):
        for path in POST_ENDPOINTS:
            # the cookie alone (what a page elsewhere could make the browser send) is not enough
            status, _, body = request("POST", path, token="cookie", headers={"X-Jindu-Token": None}, body=b"")
            self.assertEqual(status, 403, path)
            self.assertIn("POST", json.loads(body)["error"])
            status, _, _ = request("POST", path, token="cookie", headers={"X-Jindu-Token": "0" * 32}, body=b"")
            self.assertEqual(status, 403, path)
            status, _, _ = request("POST", path, token="cookie", headers={"Origin": "http://evil.example"}, body=b"")
            self.assertEqual(status, 403, path)
            status, _, _ = request("POST", path, token="cookie", headers={"Origin": "null"}, body=b"")
            self.assertEqual(status, 403, path)

    def test_07_methods(self):
        for method in ("PUT", "DELETE", "PATCH", "TRACE"):
            status, headers, _ = request(method, "/api/state", token="both", body=b"")
            self.assertEqual(status, 405, method)
            self.assertEqual(headers["Allow"], "GET, HEAD, POST")
        # libsoup itself refuses CONNECT to a path
        self.assertEqual(request("CONNECT", "/api/state", token="both", body=b"")[0], 400)
        for path in ("/", "/api/state", "/api/docs", "/app.js"):
            status, headers, _ = request("POST", path, token="both", body=b"")
            self.assertEqual(status, 405, path)
            self.assertEqual(headers["Allow"], "GET, HEAD")
        status, headers, _ = request("GET", "/api/forms", token="both")
        self.assertEqual((status, headers["Allow"]), (405, "POST"))
        status, headers, body = request("HEAD", "/api/state", token="both")
        self.assertEqual((status, body), (200, b""))
        status, _, _ = request("GET", "/nothing-here", token="both")
        self.assertEqual(status, 404)

    def test_08_limits(self):
        # a body over the limit is refused from its headers: asked with "Expect:
        # 100-continue", the answer comes at once and no byte of the 40 MB is sent
        head = ("POST /api/forms?period=2023Q2&t=%s HTTP/1.1\r\nHost: %s\r\nX-Jindu-Token: %s\r\n"
                "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: %d\r\n" % (S.token, S.host, S.token, 64 << 20))
        t = time.time()
        answer = raw(head + "Expect: 100-continue\r\n\r\n")
        self.assertEqual(status_of(answer), 413)
        self.assertLess(time.time() - t, 5)
        self.assertIn("请求太大：最多 32 MB".encode(), answer)
        self.assertIn(b"Connection: close", answer)
        # sent anyway, the body is read and thrown away as it comes: the server's memory does
        # not grow by the 64 MB
        def peak():
            with open("/proc/%d/status" % S.proc.pid) as f:
                return int(re.search(r"VmHWM:\s+(\d+) kB", f.read()).group(1)) * 1024
        before = peak()
        sock = socket.create_connection(("127.0.0.1", S.port), timeout=60)
        sock.sendall((head + "\r\n").encode())
        chunk = b"x" * (1 << 20)
        try:
            for _ in range(64):
                sock.sendall(chunk)
        except OSError:
            pass  # the server may close as soon as it has answered
        answer = b""
        while True:
            got = sock.recv(65536)
            if not got:
                break
            answer += got
        sock.close()
        self.assertEqual(status_of(answer), 413)
        if not SANITIZED:  # AddressSanitizer keeps freed memory in quarantine
            self.assertLess(peak() - before, 16 << 20)
        # a body of unknown length
        answer = raw("POST /api/forms?period=2023Q2&t=%s HTTP/1.1\r\nHost: %s\r\nX-Jindu-Token: %s\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" % (S.token, S.host, S.token))
        self.assertEqual(status_of(answer), 411)
        # a GET with a body
        status, _, _ = request("GET", "/api/state", token="both", body=b"0123456789")
        self.assertEqual(status, 400)
        # a form over 4 MB is refused, and nothing is written
        status, r = upload([("big.csv", b"x" * (5 << 20))], token="both")
        self.assertEqual(status, 200)
        self.assertFalse(r["files"][0]["ok"])
        self.assertIn("文件太大", r["files"][0]["errors"][0]["message"])
        # more than 100 forms in one upload
        status, r = upload([("f%d.csv" % i, b"a") for i in range(101)], token="both")
        self.assertEqual(status, 413)
        self.assertEqual(r["error"], "一次最多上传 100 份表")
        self.assertFalse(os.path.exists(os.path.join(PROJECT, "progress", "2023Q2")))


class B_Overview(unittest.TestCase):
    def test_01_state_of_a_period(self):
        status, headers, body = request("GET", "/api/state?period=2023Q2", token="cookie")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "application/json; charset=utf-8")
        s = json.loads(body)
        self.assertEqual(s["title"], "西青区政府工作报告2023年重点工作任务清单")
        self.assertEqual((s["period"], s["period_name"], s["tasks"]), ("2023Q2", "2023年第二季度", 123))
        # as docs/data-format.md counts the sample: 123 tasks — 已完成 15, 序时推进 79, 滞后 18, 未启动 1, 未报送 10
        self.assertEqual(s["task_counts"], {"已完成": 15, "序时推进": 79, "滞后": 18, "未启动": 1, "未报送": 10})
        self.assertEqual(s["unit_counts"], {"已报送": 50, "部分报送": 0, "未报送": 3, "有错误": 0})
        missing = {u["name"]: u["missing"] for u in s["units"] if u["status"] == "未报送"}
        self.assertEqual(missing, {"赛达办": 1, "城管委": 8, "网格中心": 1})
        self.assertEqual([p["id"] for p in s["periods"]], ["2023Q1", "2023Q2", "2023Q3"])
        self.assertTrue(s["periods"][2]["next"])
        self.assertEqual((s["next_period"], s["forms_folder"]), ("2023Q3", "progress"))
        leaders = {l["name"]: l for l in s["leaders"]}
        self.assertEqual(leaders["梁军"]["tasks"], 40)
        self.assertEqual(sum(l["states"]["未报送"] for l in s["leaders"]), 14)
        self.assertEqual(s["problems"], [])
        self.assertFalse(s["build"]["running"])

    def test_02_the_default_period_and_others(self):
        s = json.loads(request("GET", "/api/state", token="cookie")[2])
        self.assertEqual(s["period"], "2023Q2")  # [params] period=
        s = json.loads(request("GET", "/api/state?period=2023年第一季度", token="cookie")[2])
        self.assertEqual(s["period"], "2023Q1")
        self.assertEqual(s["task_counts"], {"已完成": 5, "序时推进": 86, "滞后": 21, "未启动": 11, "未报送": 0})
        status, _, body = request("GET", "/api/state?period=2023Q7", token="cookie")
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["error"], "报告期无法识别")


class C_Forms(unittest.TestCase):
    def test_01_a_good_form_is_saved_under_the_units_name(self):
        form = filled("赛达办")
        status, r = upload([("随便起的名字.csv", form)], token="cookie")
        self.assertEqual(status, 200)
        f = r["files"][0]
        self.assertEqual((f["ok"], f["saved"], f["unit"], f["reports"]), (True, True, "赛达办", 1))
        self.assertEqual(f["path"], "progress/2023Q2/赛达办.csv")
        self.assertNotIn("previous", f)
        with open(os.path.join(PROJECT, "progress", "2023Q2", "赛达办.csv"), "rb") as saved:
            self.assertEqual(saved.read(), form)
        s = json.loads(request("GET", "/api/state?period=2023Q2", token="cookie")[2])
        unit = next(u for u in s["units"] if u["name"] == "赛达办")
        self.assertEqual((unit["status"], unit["reported"], unit["files"]), ("已报送", 1, ["progress/2023Q2/赛达办.csv"]))
        self.assertEqual(s["task_counts"]["未报送"], 9)
        # the same form again changes nothing
        status, r = upload([("again.csv", form)], token="cookie")
        self.assertEqual((r["files"][0]["ok"], r["files"][0]["saved"], r["files"][0].get("unchanged")), (True, False, True))

    def test_02_a_correction_keeps_the_previous_form(self):
        first = open(os.path.join(PROJECT, "progress", "2023Q2", "赛达办.csv"), "rb").read()
        status, r = upload([("赛达办.csv", filled("赛达办", "已完成", "全部完成。"))], token="cookie")
        f = r["files"][0]
        self.assertTrue(f["saved"])
        self.assertRegex(f["previous"], r"^progress/\.jindu-previous/2023Q2/赛达办\.\d{8}-\d{6}\.csv$")
        with open(os.path.join(PROJECT, f["previous"]), "rb") as kept:
            self.assertEqual(kept.read(), first)
        self.assertEqual(sorted(os.listdir(os.path.join(PROJECT, "progress", "2023Q2"))), ["赛达办.csv"])
        s = json.loads(request("GET", "/api/state?period=2023Q2", token="cookie")[2])
        unit = next(u for u in s["units"] if u["name"] == "赛达办")
        self.assertEqual(unit["states"]["已完成"], 1)

    def test_03_a_bad_cell_is_shown_at_the_cell(self):
        form = filled("网格中心", "进行中", "平台已上线试运行。")
        status, r = upload([("网格中心.csv", form)], token="cookie")
        f = r["files"][0]
        self.assertEqual((f["ok"], f["saved"]), (False, False))
        self.assertEqual(len(f["errors"]), 1)
        e = f["errors"][0]
        self.assertEqual((e["cell"], e["row"], e["field"], e["text"]), ("F3", 2, 5, "进行中"))
        self.assertEqual(e["message"], "进展状态 '进行中' is not a state: use 已完成, 序时推进, 滞后 or 未启动")
        self.assertEqual(f["rows"][1]["cells"][5], "进展状态")
        self.assertEqual(f["rows"][2]["cells"][5], "进行中")
        self.assertFalse(os.path.exists(os.path.join(PROJECT, "progress", "2023Q2", "网格中心.csv")))

    def test_04_refused_with_the_reason(self):
        cases = [
            # a unit that reported in 2023Q2.csv already: the merge finds the duplicates
            (filled("商务局"), "duplicate report", None),
            # another period than the one chosen
            (filled("城管委", period="2023Q1"), "这份表是2023年第一季度的，页面上选的报告期是2023年第二季度", "D3"),
            # a unit the list does not have
            (filled("赛达办").replace("赛达办".encode(), "赛达区".encode()), "「赛达区」不是任务清单中的责任单位，是不是「赛达办」？", "C3"),
            # a task the list does not have
            (filled("网格中心").replace(b"\r\n115,", b"\r\n999,"), "task 999 is not in the task list", "A3"),
            # a unit not responsible for the task
            (filled("网格中心").replace("网格中心,2023".encode(), "残联,2023".encode()), "残联 is not responsible for task 115", "C3"),
            # nothing filled in
            (blank_form("城管委").encode("utf-8"), "表中没有填报任何任务的进展", None),
            # not a form at all
            (open(os.path.join(PROJECT, "tasks.tsv"), "rb").read(), "这不是进度表（是任务清单）", None),
            (b"\x00\x01binary", "binary file", None),
            (b"PK\x03\x04 not really a zip", None, None),
        ]
        for data, message, cell in cases:
            status, r = upload([("form.csv", data)], token="cookie")
            self.assertEqual(status, 200)
            f = r["files"][0]
            self.assertFalse(f["ok"], message)
            self.assertFalse(f["saved"])
            if message:
                self.assertTrue(any(message in e["message"] for e in f["errors"]), (message, f["errors"]))
            if cell:
                self.assertEqual(f["errors"][0]["cell"], cell, message)
        self.assertEqual(sorted(os.listdir(os.path.join(PROJECT, "progress", "2023Q2"))), ["赛达办.csv"])

    def test_05_one_form_per_unit_in_one_upload(self):
        status, r = upload([("a.csv", filled("城管委")), ("b.csv", filled("城管委", "滞后"))], token="cookie")
        self.assertEqual([f["saved"] for f in r["files"]], [True, False])
        self.assertIn("这次上传中已有「城管委」的表", r["files"][1]["errors"][0]["message"])
        self.assertEqual(r["saved"], 1)

    def test_06_workbooks(self):
        # a form whose locked cell was edited: the error at its cell, B5, with the cell's text
        with open(os.path.join(XLSX, "form-edited.xlsx"), "rb") as f:
            status, r = upload([("form-edited.xlsx", f.read())], token="cookie")
        f = r["files"][0]
        self.assertFalse(f["ok"])
        e = f["errors"][0]
        self.assertEqual(e["cell"], "B5")
        self.assertTrue(e["message"].startswith("目标任务 is a locked column of the form jindu wrote"))
        self.assertEqual(f["rows"][e["row"]]["n"], 5)
        self.assertEqual(f["rows"][e["row"]]["cells"][1], e["text"])
        # zip bombs are refused by the reader's budget, quickly
        for bomb in ("bomb.xlsx", "bomb-lying.xlsx"):
            t = time.time()
            with open(os.path.join(XLSX, bomb), "rb") as f:
                status, r = upload([(bomb, f.read())], token="cookie")
            self.assertLess(time.time() - t, 10)
            self.assertFalse(r["files"][0]["ok"])
            self.assertIn("zip bomb", r["files"][0]["errors"][0]["message"])

    def test_07_the_browsers_file_name_is_never_a_path(self):
        names = ["../../jindu.ini", "/etc/passwd", "..\\..\\x.csv", "%2e%2e%2fjindu.ini", ".hidden.csv", "CON.csv",
                 "a/b/c.csv", "\u202egnp.csv"]
        before = open(os.path.join(PROJECT, "jindu.ini"), "rb").read()
        for i, name in enumerate(names):
            status, r = upload([(name, filled("网格中心", done="第%d次。" % i))], token="cookie")
            f = r["files"][0]
            self.assertTrue(f["saved"] or f.get("unchanged"), name)
            self.assertEqual(f["path"], "progress/2023Q2/网格中心.csv")
            self.assertNotIn("/", f["name"])
            self.assertNotIn("\\", f["name"])
            self.assertFalse(f["name"].startswith("."))
        self.assertEqual(open(os.path.join(PROJECT, "jindu.ini"), "rb").read(), before)
        self.assertEqual(sorted(os.listdir(os.path.join(PROJECT, "progress", "2023Q2"))),
                         ["城管委.csv", "网格中心.csv", "赛达办.csv"])
        # every earlier version kept
        self.assertEqual(len(os.listdir(os.path.join(PROJECT, "progress", ".jindu-previous", "2023Q2"))), 1 + len(names) - 1)

    def test_08_bad_uploads(self):
        status, _, body = request("POST", "/api/forms?period=2023Q2", token="cookie", body=b"just text",
                                  headers={"Content-Type": "text/plain"})
        self.assertEqual((status, json.loads(body)["error"]), (400, "上传的内容不是 multipart/form-data"))
        status, r = upload([("a.csv", filled("城管委"))], period="garbage", token="cookie")
        self.assertEqual((status, r["error"]), (400, "请先在页面上选择报告期"))
        body, ctype = multipart([])
        status, _, data = request("POST", "/api/forms?period=2023Q2", token="cookie", body=body,
                                  headers={"Content-Type": ctype})
        self.assertEqual(status, 400)

    def test_09_concurrent_uploads_stay_consistent(self):
        # eight uploads at once, each a new version of one unit's form: every answer says
        # saved, the folder holds one form of the unit, the previous versions are all kept
        # whole, and nothing half-written is ever read
        prev = os.path.join(PROJECT, "progress", ".jindu-previous", "2023Q2")
        before = len(os.listdir(prev))
        results = []

        def send(i):
            results.append(upload([("c%d.csv" % i, filled("城管委", done="并发第%d次。" % i))], token="cookie")[1])
        threads = [threading.Thread(target=send, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(sorted(f["saved"] for r in results for f in r["files"]), [True] * 8)
        self.assertEqual(len(os.listdir(prev)), before + 8)
        for name in os.listdir(prev):
            with open(os.path.join(prev, name), "rb") as f:
                self.assertTrue(f.read().endswith(b"\r\n"), name)
        s = json.loads(request("GET", "/api/state?period=2023Q2", token="cookie")[2])
        self.assertEqual(s["problems"], [])
        self.assertEqual(s["unit_counts"], {"已报送": 53, "部分报送": 0, "未报送": 0, "有错误": 0})


class D_Build(unittest.TestCase):
    def test_01_no_documents_yet(self):
        status, _, body = request("GET", "/api/docs", token="cookie")
        self.assertEqual((status, json.loads(body)), (200, {"docs": []}))
        status, _, body = request("GET", "/api/docs.zip", token="cookie")
        self.assertEqual((status, json.loads(body)["error"]), (404, "还没有生成任何文档"))

    def test_02_a_build_with_its_events(self):
        r, q, conn = sse()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.headers["Content-Type"], "text/event-stream; charset=utf-8")
        self.assertEqual(next_event(q, "retry"), "2000")
        status, _, body = request("POST", "/api/build", token="cookie", body=b"")
        self.assertEqual((status, json.loads(body)), (202, {"started": True}))
        # one build at a time
        status, _, body = request("POST", "/api/build", token="cookie", body=b"")
        self.assertEqual((status, json.loads(body)["error"]), (409, "正在生成文档，请等这一次完成"))
        self.assertEqual(next_event(q, "build")["event"], "started")
        progress = []
        while True:
            e = next_event(q, "build", timeout=300)
            if e["event"] == "done":
                break
            progress.append(e)
        result = e["result"]
        self.assertTrue(result["ok"], result["messages"])
        self.assertEqual(len(result["built"]), OUTPUTS)
        self.assertEqual((result["unchanged"], result["failed"]), ([], []))
        self.assertEqual([p["done"] for p in progress], list(range(1, OUTPUTS + 1)))
        self.assertEqual({p["path"] for p in progress}, set(result["built"]))
        next_event(q, "docs")
        conn.close()
        b = json.loads(request("GET", "/api/build", token="cookie")[2])
        self.assertFalse(b["running"])
        self.assertEqual(len(b["last"]["built"]), OUTPUTS)
        # again: nothing changed
        r, q, conn = sse()
        request("POST", "/api/build", token="cookie", body=b"")
        e = next_event(q, "build", predicate=lambda d: d["event"] == "done")
        self.assertEqual((len(e["result"]["built"]), len(e["result"]["unchanged"])), (0, OUTPUTS))
        conn.close()

    def test_03_the_documents(self):
        status, _, body = request("GET", "/api/docs", token="cookie")
        docs = json.loads(body)["docs"]
        self.assertEqual(len(docs), OUTPUTS)
        by_path = {d["path"]: d for d in docs}
        self.assertEqual(sorted({d["group"] for d in docs}), ["", "单位", "督查表", "通报", "领导"])
        for path in ("任务清单.pdf", "督查表/2023年第二季度督查表.pdf", "单位/赛达办.pdf"):
            d = by_path[path]
            self.assertRegex(d["id"], r"^[0-9a-f]{16}$")
            pdf = os.path.join(PROJECT, "out", path)
            info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
            self.assertEqual(d["pages"], int(re.search(r"Pages:\s+(\d+)", info).group(1)), path)
            self.assertEqual(d["size"], os.path.getsize(pdf))
            status, headers, data = request("GET", "/api/docs/%s.pdf" % d["id"], token="cookie")
            self.assertEqual(status, 200)
            self.assertEqual(headers["Content-Type"], "application/pdf")
            name = os.path.basename(path)
            self.assertEqual(headers["Content-Disposition"],
                             "attachment; filename=\"jindu.pdf\"; filename*=UTF-8''" + urllib.parse.quote(name, safe=""))
            with open(pdf, "rb") as f:
                self.assertEqual(data, f.read())
        # 赛达办's sheet shows its saved report
        text = subprocess.run(["pdftotext", os.path.join(PROJECT, "out", "单位", "赛达办.pdf"), "-"],
                              capture_output=True, text=True).stdout
        self.assertIn("全部完成", text.replace("\n", ""))

    def test_04_previews(self):
        docs = json.loads(request("GET", "/api/docs", token="cookie")[2])["docs"]
        d = next(x for x in docs if x["path"] == "督查表/2023年第二季度督查表.pdf")
        status, headers, data = request("GET", "/api/docs/%s/2.png" % d["id"], token="cookie")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "image/png")
        self.assertTrue(data.startswith(b"\x89PNG\r\n\x1a\n"))
        self.assertEqual((headers["X-Jindu-Current"], headers["X-Jindu-Pages"]), ("1", str(d["pages"])))
        # A4 landscape at 96 dpi
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        self.assertEqual((width, height), (1123, 794))
        status, _, body = request("GET", "/api/docs/%s/%d.png" % (d["id"], d["pages"] + 1), token="cookie")
        self.assertEqual((status, json.loads(body)["error"]), (404, "这份文档只有 %d 页" % d["pages"]))
        for page in ("0", "01", "-1", "1.5", "999999", "x"):
            status, _, _ = request("GET", "/api/docs/%s/%s.png" % (d["id"], page), token="cookie")
            self.assertEqual(status, 404, page)

    def test_05_all_documents_and_blank_forms_as_zip(self):
        status, headers, data = request("GET", "/api/docs.zip", token="cookie")
        self.assertEqual((status, headers["Content-Type"]), (200, "application/zip"))
        z = zipfile.ZipFile(io.BytesIO(data))
        self.assertEqual(len(z.namelist()), OUTPUTS)
        with open(os.path.join(PROJECT, "out", "单位", "商务局.pdf"), "rb") as f:
            self.assertEqual(z.read("单位/商务局.pdf"), f.read())
        for fmt, ext in (("xlsx", ".xlsx"), ("csv", ".csv")):
            status, headers, data = request("GET", "/api/blank-forms.zip?period=2023Q3&format=" + fmt, token="cookie")
            self.assertEqual((status, headers["Content-Type"]), (200, "application/zip"))
            z = zipfile.ZipFile(io.BytesIO(data))
            self.assertEqual(len(z.namelist()), 53)
            self.assertIn("2023年第三季度/商务局" + ext, z.namelist())
        csv = z.read("2023年第三季度/赛达办.csv").decode("utf-8-sig")
        self.assertIn("2023年第三季度推进情况表（责任单位：赛达办）", csv)
        for query in ("period=2023Q3&format=pdf", "format=csv", "period=x"):
            status, _, _ = request("GET", "/api/blank-forms.zip?" + query, token="cookie")
            self.assertEqual(status, 400, query)


class E_Traversal(unittest.TestCase):
    """Only files the builds wrote, named by id: nothing else can be fetched."""

    SECRETS = (b"[project]", b"root:", b"\x89PNG")

    def assert_nothing(self, path, allowed=(400, 404)):
        status, _, body = request("GET", path, token="cookie")
        self.assertIn(status, allowed, path)
        for s in self.SECRETS[:2]:
            self.assertNotIn(s, body, path)

    def test_01_names_and_urls(self):
        docs = json.loads(request("GET", "/api/docs", token="cookie")[2])["docs"]
        some = docs[0]["id"]
        for path in ["/api/docs/../../jindu.ini", "/api/docs/%2e%2e/%2e%2e/jindu.ini", "/api/docs/%2e%2e%2fjindu.ini",
                     "/api/docs/..%2f..%2fjindu.ini", "/api/docs/%252e%252e%252fjindu.ini", "/api/docs//etc/passwd",
                     "/api/docs/%2Fetc%2Fpasswd", "/api/docs/out/任务清单.pdf", "/api/docs/任务清单.pdf",
                     "/api/docs/" + some.upper() + ".pdf", "/api/docs/" + some + ".pdf/../../jindu.ini",
                     "/api/docs/" + some + "/../../../jindu.ini", "/api/docs/" + some + "%00.pdf",
                     "/api/docs/" + some[:-1] + ".pdf", "/api/docs/" + some + "0.pdf", "/app.js/../jindu.ini",
                     "/../jindu.ini", "/%2e%2e/jindu.ini", "/jindu.ini", "/progress/2023Q2.csv", "/out/任务清单.pdf",
                     "/api/docs/0000000000000000.pdf", "/api/docs/" + some + ".PDF", "/api/docs/" + some]:
            self.assert_nothing(path)
        answer = raw("GET /api/docs/../../jindu.ini?t=%s HTTP/1.1\r\nHost: %s\r\n\r\n" % (S.token, S.host))
        self.assertIn(status_of(answer), (400, 404))
        self.assertNotIn(b"[project]", answer)
        answer = raw("GET http://127.0.0.1:%d/../../jindu.ini?t=%s HTTP/1.1\r\nHost: %s\r\n\r\n"
                     % (S.port, S.token, S.host))
        self.assertNotIn(b"[project]", answer)
        self.assertIn(status_of(answer), (400, 404))

    def test_02_links_and_edits_in_the_output_folder(self):
        docs = {d["path"]: d for d in json.loads(request("GET", "/api/docs", token="cookie")[2])["docs"]}
        out = os.path.join(PROJECT, "out")
        # an output replaced by a link to another file: not the file jindu wrote
        victim = os.path.join(out, "领导", "梁军.pdf")
        os.rename(victim, victim + ".moved")
        os.symlink("/etc/passwd", victim)
        self.assert_nothing("/api/docs/%s.pdf" % docs["领导/梁军.pdf"]["id"])
        # a link to the very file jindu wrote (same inode, size and time) is still not followed
        os.unlink(victim)
        os.symlink(os.path.basename(victim) + ".moved", victim)
        self.assert_nothing("/api/docs/%s.pdf" % docs["领导/梁军.pdf"]["id"], allowed=(409,))
        os.unlink(victim)
        os.rename(victim + ".moved", victim)
        status, _, _ = request("GET", "/api/docs/%s.pdf" % docs["领导/梁军.pdf"]["id"], token="cookie")
        self.assertEqual(status, 200)
        # a folder of outputs replaced by a link leading out of the project
        leaders = os.path.join(out, "领导")
        elsewhere = tempfile.mkdtemp()
        shutil.copy2(os.path.join(leaders, "鲍杰.pdf"), os.path.join(elsewhere, "鲍杰.pdf"))
        os.rename(leaders, leaders + ".moved")
        os.symlink(elsewhere, leaders)
        listed = {d["path"] for d in json.loads(request("GET", "/api/docs", token="cookie")[2])["docs"]}
        self.assertNotIn("领导/鲍杰.pdf", listed)
        self.assert_nothing("/api/docs/%s.pdf" % docs["领导/鲍杰.pdf"]["id"])
        os.unlink(leaders)
        os.rename(leaders + ".moved", leaders)
        shutil.rmtree(elsewhere)
        # an output edited since it was built is no longer the project's
        with open(os.path.join(out, "单位", "残联.pdf"), "ab") as f:
            f.write(b"% edited")
        listed = {d["path"] for d in json.loads(request("GET", "/api/docs", token="cookie")[2])["docs"]}
        self.assertNotIn("单位/残联.pdf", listed)
        self.assertEqual(len(listed), OUTPUTS - 1)
        self.assert_nothing("/api/docs/%s.pdf" % docs["单位/残联.pdf"]["id"])
        status, _, data = request("GET", "/api/docs.zip", token="cookie")
        self.assertNotIn("单位/残联.pdf", zipfile.ZipFile(io.BytesIO(data)).namelist())
        # a file the build did not write, in the output folder, is not a document
        with open(os.path.join(out, "单位", "extra.pdf"), "wb") as f:
            f.write(b"%PDF-1.4 not jindu's")
        listed = {d["path"] for d in json.loads(request("GET", "/api/docs", token="cookie")[2])["docs"]}
        self.assertNotIn("单位/extra.pdf", listed)


class F_Watch(unittest.TestCase):
    def test_01_edits_on_disk_reach_the_page(self):
        r, q, conn = sse()
        next_event(q, "retry")
        path = os.path.join(PROJECT, "progress", "2023Q2", "网格中心.csv")
        with open(path, "rb") as f:
            text = f.read()
        with open(path, "wb") as f:
            f.write(text.replace("序时推进".encode(), "滞后".encode()))
        next_event(q, "changed", timeout=10)
        s = json.loads(request("GET", "/api/state?period=2023Q2", token="cookie")[2])
        unit = next(u for u in s["units"] if u["name"] == "网格中心")
        self.assertEqual(unit["states"]["滞后"], 1)
        # a form broken on disk: the unit shows 有错误, the file and its message are listed
        with open(path, "wb") as f:
            f.write(text.replace("序时推进".encode(), "差不多".encode()))
        next_event(q, "changed", timeout=10)
        s = json.loads(request("GET", "/api/state?period=2023Q2", token="cookie")[2])
        unit = next(u for u in s["units"] if u["name"] == "网格中心")
        self.assertEqual(unit["status"], "有错误")
        self.assertEqual(s["problems"][0]["file"], "progress/2023Q2/网格中心.csv")
        self.assertIn("'差不多' is not a state", s["problems"][0]["messages"][0])
        with open(path, "wb") as f:
            f.write(text)
        next_event(q, "changed", timeout=10)
        # one bad row in the file of every unit: that unit alone has errors, the others count
        q2 = os.path.join(PROJECT, "progress", "2023Q2.csv")
        with open(q2, "rb") as f:
            whole = f.read()
        row = re.search("\r\n3,[^\r]*?,区政府办公室,2023年第二季度,([^,]*),".encode(), whole)
        with open(q2, "wb") as f:
            f.write(whole[:row.start(1)] + "差不多".encode() + whole[row.end(1):])
        next_event(q, "changed", timeout=10)
        s = json.loads(request("GET", "/api/state?period=2023Q2", token="cookie")[2])
        self.assertEqual(s["unit_counts"], {"已报送": 52, "部分报送": 0, "未报送": 0, "有错误": 1})
        unit = next(u for u in s["units"] if u["name"] == "区政府办公室")
        self.assertEqual((unit["status"], unit["reported"], unit["tasks"]), ("有错误", 6, 7))
        self.assertEqual([p["file"] for p in s["problems"]], ["progress/2023Q2.csv"])
        # the build leaves out what needs that report, and says why
        request("POST", "/api/build", token="cookie", body=b"")
        e = next_event(q, "build", timeout=300, predicate=lambda d: d["event"] == "done")["result"]
        self.assertFalse(e["ok"])
        self.assertIn("out/单位/区政府办公室.pdf", e["failed"])
        reason = e["failed_reasons"][e["failed"].index("out/单位/区政府办公室.pdf")]
        self.assertIn("progress/2023Q2.csv", reason)
        self.assertIn("区政府办公室", reason)
        conn.close()


class G_CommandLine(unittest.TestCase):
    def run_serve(self, *args, timeout=30):
        return subprocess.run([JINDU, "serve", *args], capture_output=True, text=True, timeout=timeout)

    def test_01_usage_and_bad_projects(self):
        r = self.run_serve("--port", "70000", "--no-open", PROJECT)
        self.assertEqual((r.returncode, r.stdout), (2, ""))
        self.assertEqual(r.stderr, "jindu serve: --port takes 0 to 65535\nTry 'jindu serve --help'.\n")
        r = self.run_serve(PROJECT, PROJECT, "--no-open")
        self.assertEqual((r.returncode, r.stderr), (2, "jindu serve: one project folder at most\nTry 'jindu serve --help'.\n"))
        missing = os.path.join(PROJECT, "no-such-folder")
        r = self.run_serve(missing, "--no-open")
        self.assertEqual(r.returncode, 1)
        self.assertIn(os.path.join(missing, "jindu.ini"), r.stderr)
        r = self.run_serve(PROJECT, "--listen", "not-an-address", "--no-open")
        self.assertEqual(r.returncode, 1)
        self.assertIn("--listen not-an-address: not an IP address", r.stderr)
        # the port of the server under test is taken
        r = self.run_serve(PROJECT, "--port", str(S.port), "--no-open")
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot listen on 127.0.0.1 port %d" % S.port, r.stderr)

    def test_02_listen_elsewhere_warns(self):
        other = Server(PROJECT, "--listen", "127.0.0.1")
        try:
            line = other.proc.stderr.readline()
            self.assertEqual(line, "jindu serve: warning: listening on 127.0.0.1: anyone who can reach this "
                                   "computer and has the address with its token can read and change the project\n")
            conn = http.client.HTTPConnection("127.0.0.1", other.port, timeout=30)
            conn.request("GET", "/api/build?t=" + other.token)
            self.assertEqual(conn.getresponse().status, 200)
        finally:
            rc, out, _ = other.stop()
        self.assertEqual(rc, 0)
        self.assertTrue(out.endswith("jindu serve: stopped\n"))


def main():
    global JINDU, S, PROJECT, SANITIZED
    ap = argparse.ArgumentParser()
    ap.add_argument("--jindu", required=True)
    ap.add_argument("-v", action="store_true")
    ap.add_argument("--sanitized", action="store_true", help="jindu is built with the sanitizers: no memory limits")
    args = ap.parse_args()
    JINDU = os.path.abspath(args.jindu)
    SANITIZED = args.sanitized
    work = tempfile.mkdtemp(prefix="jindu-serve-http-")
    PROJECT = os.path.join(work, "xiqing-2023")
    shutil.copytree(SAMPLE, PROJECT, ignore=shutil.ignore_patterns("out", ".jindu-cache"))
    S = Server(PROJECT)
    try:
        suite = unittest.TestSuite()
        for case in (A_Security, B_Overview, C_Forms, D_Build, E_Traversal, F_Watch, G_CommandLine):
            suite.addTests(unittest.defaultTestLoader.loadTestsFromTestCase(case))
        result = unittest.TextTestRunner(verbosity=2 if args.v else 1).run(suite)
    finally:
        rc, out, err = S.stop()
        shutil.rmtree(work, ignore_errors=True)
    # stopped cleanly: exit 0, and no GLib warning or critical on the way out
    ok = result.wasSuccessful() and rc == 0 and "jindu serve: stopped" in out and "CRITICAL" not in err and \
        "WARNING" not in err
    if not ok:
        print("jindu serve did not stop cleanly: exit %s\n%s%s" % (rc, out, err))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

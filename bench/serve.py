#!/usr/bin/env python3
"""Times `jindu serve` on a copy of the sample project (bench/serve.sh runs it):

  page load      GET / then app.js, app.css, /api/state and /api/docs, one after the other
                 as the browser asks for them (the first load after the server started, then
                 the median of RUNS)
  form check     POST /api/forms with one form: with a bad cell (checked, nothing saved),
                 and valid (checked and saved, the previous version kept)
  build          every output rebuilt (forced), from the page (POST /api/build?force=1 until
                 its "done" event) and from the command line (jindu build -f), alternately
                 on the same folder; then a build after one form changed, both ways

Standard library only. Prints milliseconds and seconds; medians of RUNS runs.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "serve"))
import http_test as ht  # noqa: E402  (its server, request and form helpers)


def page_load():
    t = time.perf_counter()
    for path in ("/", "/app.js", "/app.css", "/api/state", "/api/docs"):
        status, _, _ = ht.request("GET", path, token="cookie")
        assert status == 200, (path, status)
    return time.perf_counter() - t


def timed_upload(data, name):
    t = time.perf_counter()
    status, r = ht.upload([(name, data)], token="cookie")
    took = time.perf_counter() - t
    assert status == 200
    return took, r["files"][0]


def page_build(force):
    r, q, conn = ht.sse()
    ht.next_event(q, "retry")
    t = time.perf_counter()
    status, _, _ = ht.request("POST", "/api/build" + ("?force=1" if force else ""), token="cookie", body=b"")
    assert status == 202, status
    e = ht.next_event(q, "build", timeout=600, predicate=lambda d: d["event"] == "done")
    took = time.perf_counter() - t
    conn.close()
    assert e["result"]["ok"], e["result"]["messages"]
    return took, e["result"]


def cli_build(project, force):
    t = time.perf_counter()
    subprocess.run([ht.JINDU, "build", project, "-q"] + (["-f"] if force else []), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def ms(x):
    return "%7.1f ms" % (x * 1000)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jindu", required=True)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--build-runs", type=int, default=3)
    args = ap.parse_args()
    ht.JINDU = os.path.abspath(args.jindu)
    work = tempfile.mkdtemp(prefix="jindu-bench-serve-")
    project = os.path.join(work, "xiqing-2023")
    shutil.copytree(ht.SAMPLE, project, ignore=shutil.ignore_patterns("out", ".jindu-cache"))
    ht.PROJECT = project
    ht.S = ht.Server(project)
    try:
        first = page_load()
        loads = [page_load() for _ in range(args.runs)]
        print("page load (/, app.js, app.css, /api/state, /api/docs): median %s  (first after start %s)"
              % (ms(statistics.median(loads)), ms(first)))

        bad = ht.filled("网格中心", "进行中", "平台已上线试运行。")
        checks = []
        for _ in range(args.runs):
            took, f = timed_upload(bad, "网格中心.csv")
            assert not f["ok"]
            checks.append(took)
        print("form check, a bad cell (refused, shown at F3):        median %s" % ms(statistics.median(checks)))
        saves = []
        for i in range(args.runs):
            took, f = timed_upload(ht.filled("赛达办", done="第%d版。" % i), "赛达办.csv")
            assert f["saved"], f
            saves.append(took)
        print("form check and save, a valid form (a new version):    median %s" % ms(statistics.median(saves)))

        page_build(False)  # the first build of the folder, and the fonts read once from disk
        cli, page = [], []
        for _ in range(args.build_runs):
            page.append(page_build(True)[0])
            cli.append(cli_build(project, True))
        print("build, all 66 outputs (forced):  command line median %6.2f s   page median %6.2f s   (runs: cli %s, page %s)"
              % (statistics.median(cli), statistics.median(page), " ".join("%.2f" % x for x in cli),
                 " ".join("%.2f" % x for x in page)))
        cli, page = [], []
        form = os.path.join(project, "progress", "2023Q2", "赛达办.csv")
        for i in range(args.build_runs):
            took, f = timed_upload(ht.filled("赛达办", done="页面第%d版。" % i), "赛达办.csv")
            page.append(page_build(False)[0])
            with open(form, "wb") as out:
                out.write(ht.filled("赛达办", done="命令行第%d版。" % i))
            cli.append(cli_build(project, False))
        print("build after one form changed:    command line median %6.2f s   page median %6.2f s   (runs: cli %s, page %s)"
              % (statistics.median(cli), statistics.median(page), " ".join("%.2f" % x for x in cli),
                 " ".join("%.2f" % x for x in page)))
    finally:
        ht.S.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

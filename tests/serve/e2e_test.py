#!/usr/bin/python3
"""`jindu serve` end to end, in headless Chromium driven over the DevTools protocol (cdp.py):
open the page, upload a good form and a form with a bad cell, see the cell's error on the
page, build, see the new document listed, preview a page, download the document and check
it is the very PDF `jindu build` makes. Screenshots of each step go to the artefact folder:

    tests/serve/e2e_test.py --jindu build/jindu --artefacts build/serve-e2e
                            [--readme-image docs/images/serve.png]

Needs Debian's chromium and python3-websocket (.ci/packages.txt). Registered with CTest as
`serve_e2e`. Exit status 0 when every step passed.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser, find_chromium  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLE = os.path.join(ROOT, "samples", "xiqing-2023")


def form(jindu, project, unit, state, done, folder):
    """The unit's 2023Q2 form from `jindu forms`, every task row filled in."""
    blank = tempfile.mkdtemp()
    subprocess.run([jindu, "forms", "--period", "2023Q2", "--data", os.path.join(project, "tasks.tsv"), "-o", blank],
                   check=True, capture_output=True)
    with open(os.path.join(blank, unit + ".csv"), encoding="utf-8-sig", newline="") as f:
        lines = f.read().rstrip("\r\n").split("\r\n")
    shutil.rmtree(blank)
    rows = lines[:2] + [line[:-6] + ",%s,%s,,下步继续推进,刘明,2023-06-25" % (state, done) for line in lines[2:]]
    path = os.path.join(folder, unit + ".csv")
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        f.write("\r\n".join(rows) + "\r\n")
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jindu", required=True)
    ap.add_argument("--artefacts", required=True)
    ap.add_argument("--readme-image", help="also save the README's picture of the page here (docs/images/serve.png)")
    args = ap.parse_args()
    jindu = os.path.abspath(args.jindu)
    if not find_chromium():
        print("serve_e2e: chromium is not installed (.ci/packages.txt lists it)")
        return 1
    shots = os.path.abspath(args.artefacts)
    shutil.rmtree(shots, ignore_errors=True)
    os.makedirs(shots)
    work = tempfile.mkdtemp(prefix="jindu-serve-e2e-")
    project = os.path.join(work, "xiqing-2023")
    shutil.copytree(SAMPLE, project, ignore=shutil.ignore_patterns("out", ".jindu-cache"))
    forms = os.path.join(work, "forms")
    os.makedirs(forms)
    good = form(jindu, project, "赛达办", "序时推进", "已完成赛达新城规划协同对接，重点项目督导按月开展。", forms)
    bad = form(jindu, project, "网格中心", "进行中", "平台已上线试运行。", forms)
    downloads = os.path.join(work, "downloads")
    os.makedirs(downloads)

    server = subprocess.Popen([jindu, "serve", project, "--no-open"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    url = re.search(r"http://\S+", server.stdout.readline()).group(0)
    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    try:
        with Browser(1400, 1000, timeout=120) as b:
            b.allow_downloads(downloads)
            page = b.new_page()

            # 1. the page, from the printed address (the token becomes a cookie)
            t = time.time()
            page.navigate(url)
            page.wait_for("document.querySelectorAll('#units tr').length > 1", what="the overview")
            load = time.time() - t
            check(page.eval("location.pathname + location.search") == "/", "the token left the address bar")
            check(page.eval("document.querySelector('#title').textContent") == "西青区政府工作报告2023年重点工作任务清单",
                  "the project's title")
            check(page.eval("document.querySelector('#period').value") == "2023Q2", "the period of jindu.ini is shown")
            cards = page.eval("[...document.querySelectorAll('#unit-counts .card')].map(c => c.textContent).join(' ')")
            check(cards == "50单位已报送 0单位部分报送 3单位未报送 0单位有错误", "unit counts: " + cards)
            first = page.eval("[...document.querySelectorAll('#units tr')].slice(1, 4).map(r => r.cells[0].textContent + r.cells[1].textContent).join(' ')")
            check(first == "赛达办未报送 城管委未报送 网格中心未报送", "the units that did not report come first: " + first)
            page.screenshot(os.path.join(shots, "1-overview.png"))

            # 2. a good form and a form with a bad cell, chosen as a clerk chooses them
            page.set_files("#files", [good, bad])
            page.wait_for("document.querySelectorAll('#results .result').length == 2", what="two results")
            results = page.eval("[...document.querySelectorAll('#results .result h4')].map(h => h.textContent)")
            check(results == ["✔ 赛达办.csv", "✘ 网格中心.csv"], "results: %s" % results)
            saved = page.eval("document.querySelector('#results .result p').textContent")
            check(saved.startswith("已保存：赛达办，1 项任务的进展 → progress/2023Q2/赛达办.csv"), "saved: " + saved)
            bad_cell = page.eval("(() => { const td = document.querySelector('#results .form td.bad'); "
                                 "return td && [td.textContent, td.cellIndex, td.parentElement.cells[0].textContent]; })()")
            check(bad_cell == ["进行中", 6, "3"], "the bad cell is marked in row 3, column F: %s" % bad_cell)
            message = page.eval("document.querySelector('#results .form tr.message').textContent")
            check(message == "↑ F3：进展状态 '进行中' is not a state: use 已完成, 序时推进, 滞后 or 未启动",
                  "the cell's message under its row: " + message)
            check(os.path.exists(os.path.join(project, "progress", "2023Q2", "赛达办.csv")), "the good form is saved")
            check(not os.path.exists(os.path.join(project, "progress", "2023Q2", "网格中心.csv")), "the bad one is not")
            page.wait_for("document.querySelector('#unit-counts .card').textContent == '51单位已报送'",
                          what="the overview updated")
            page.eval("window.scrollTo(0, 0)")
            page.screenshot(os.path.join(shots, "2-forms.png"))
            if args.readme_image:
                # the README's picture: the overview and the two forms' results
                bottom = page.eval("document.querySelector('#results').getBoundingClientRect().bottom + 12")
                page.screenshot(args.readme_image, clip={"x": 0, "y": 0, "width": 1400, "height": bottom})

            # 3. build, with its progress, and the list of what was built
            page.eval("document.querySelector('#build-button').click()")
            page.wait_for("document.querySelector('#build-status').textContent.includes('/66')", timeout=60,
                          what="progress shown while building")
            page.wait_for("document.querySelector('#build-status').textContent.startsWith('完成')", timeout=300,
                          what="the build finished")
            status = page.eval("document.querySelector('#build-status').textContent")
            check("重新生成 66 份，未变 0 份，失败 0 份" in status, "build: " + status)
            page.wait_for("document.querySelectorAll('#doc-list tr[data-id]').length == 66", what="66 documents listed")
            row = page.eval("(() => { const r = [...document.querySelectorAll('#doc-list tr[data-id]')].find(r => r.cells[0].textContent == '赛达办'); "
                            "return r && [r.cells[1].textContent, r.cells[2].textContent.length, r.dataset.id]; })()")
            check(row is not None and row[0] == "1" and row[1] == 19, "赛达办's sheet listed with its page count and time: %s" % row)
            page.eval("document.querySelector('#build').scrollIntoView()")
            page.screenshot(os.path.join(shots, "3-built.png"), full_page=False)

            # 4. a page of the quarterly sheet, drawn by jindu's renderer
            page.eval("[...document.querySelectorAll('#doc-list tr[data-id]')].find(r => r.cells[0].textContent == '2023年第二季度督查表')"
                      ".querySelector('a').click()")
            page.wait_for("document.querySelector('#preview-img').naturalWidth == 1123", what="the preview")
            check(page.eval("document.querySelector('#preview-page').textContent").startswith("第 1 页 / 共"), "preview page 1")
            page.eval("document.querySelector('#preview-next').click()")
            page.wait_for("document.querySelector('#preview-page').textContent.startsWith('第 2 页 / 共') && "
                          "!document.querySelector('#preview-page').textContent.includes('绘制中')", what="page 2")
            page.wait_for("document.querySelector('#preview-img').complete")
            page.eval("document.querySelector('#docs').scrollIntoView()")
            time.sleep(0.3)
            page.screenshot(os.path.join(shots, "4-documents.png"), full_page=False)

            # 5. the document downloaded is the PDF `jindu build` makes from the same data
            page.eval("[...document.querySelectorAll('#doc-list tr[data-id]')].find(r => r.cells[0].textContent == '赛达办')"
                      ".querySelectorAll('a')[1].click()")
            begin = b.wait_event("Browser.downloadWillBegin", timeout=60)
            check(begin["suggestedFilename"] == "赛达办.pdf", "download named " + begin["suggestedFilename"])
            b.wait_event("Browser.downloadProgress", predicate=lambda p: p["guid"] == begin["guid"] and p["state"] == "completed",
                         timeout=60)
            cli = os.path.join(work, "cli")
            shutil.copytree(SAMPLE, cli, ignore=shutil.ignore_patterns("out", ".jindu-cache"))
            os.makedirs(os.path.join(cli, "progress", "2023Q2"))
            shutil.copy(os.path.join(project, "progress", "2023Q2", "赛达办.csv"), os.path.join(cli, "progress", "2023Q2"))
            subprocess.run([jindu, "build", cli, "-q"], check=True)
            same = subprocess.run(["cmp", os.path.join(downloads, "赛达办.pdf"), os.path.join(cli, "out", "单位", "赛达办.pdf")])
            check(same.returncode == 0, "the downloaded PDF is byte for byte the one jindu build makes")
            text = subprocess.run(["pdftotext", os.path.join(downloads, "赛达办.pdf"), "-"], capture_output=True,
                                  text=True).stdout.replace("\n", "")
            check("已完成赛达新城规划协同对接" in text, "it shows the form's report")
            print("page load (navigation to the overview drawn): %.0f ms" % (load * 1000))
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(work, ignore_errors=True)
    print("screenshots: %s" % ", ".join(sorted(os.listdir(shots))))
    if failures:
        print("%d step(s) failed" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

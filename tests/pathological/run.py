#!/usr/bin/env python3
"""Pathological inputs (modelled on cmark's pathological_tests.py): each case is an input
that once crashed jindu, overflowed its stack, ran out of memory or took super-linear time
(issue 12), run through the jindu command with a generous time limit and, where memory was
the problem, a limit on peak memory. A case passes when jindu exits with the expected status
and message within its limits.

    tests/pathological/run.py [--jindu PATH] [--scale X] [--only SUBSTRING] [--list]

--scale multiplies every time limit (a slow machine, a sanitizer build). Exit status 0 when
every case passed. Registered with CTest (as `pathological`) in builds without sanitizers.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEED = os.path.join(ROOT, "samples", "xiqing-2023", "tasks.tsv")
TASK_LIST = os.path.join(ROOT, "templates", "task-list.xml")
HEADER = "序号\t目标任务\t责任单位\t第一季度\t第二季度\t第三季度\t第四季度\t责任区领导\n"


def task_json(i, title="任务", units=1, plan="全年"):
    names = ",".join('"单位%d"' % u for u in range(units))
    return ('{"id":%d,"title":"%s","leaders":["梁军"],"units":[{"names":[%s],'
            '"plan":[{"from":1,"to":4,"text":"%s"}]}]}' % (i, title, names, plan))


def one_line_list(n):
    return '{"title":"清单","tasks":[' + ",".join(task_json(i) for i in range(1, n + 1)) + "]}"


def seed_rows(times):
    """The seed list `times` over, ids renumbered (as bench/scale-list.sh makes it)."""
    lines = open(SEED, encoding="utf-8").read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    top = max(int(l.split("\t")[0]) for l in lines if l.split("\t")[0].isdigit())
    out = []
    for r in range(times):
        for i, line in enumerate(lines):
            first = line.split("\t")[0]
            if first.isdigit():
                out.append(str(int(first) + r * top) + line[len(first):])
            elif r == 0 or i >= 4:
                out.append(line)
    return "\n".join(out) + "\n"


def include_chain(n):
    files = {"main.xml": '<document><include src="p0.xml"/></document>'}
    for i in range(n):
        inner = '<include src="p%d.xml"/>' % (i + 1) if i + 1 < n else "<p>end</p>"
        files["p%d.xml" % i] = "<partial>%s</partial>" % inner
    return files


# name: (files {name: text or bytes or callable}, args, exit status, message regex,
#        seconds, peak MiB or None, regex that must not appear or None)
CASES = {
    # item 2: stack overflows
    "expression of 100,000 tokens": (
        {"t.xml": lambda: "<document><p>{{ 1" + "+1" * 99999 + " }}</p></document>"},
        ["expand", "t.xml"], 1, r"more than 256 operators, filters or members in a chain", 10, None, None),
    "filter chain of 50,000": (
        {"t.xml": lambda: "<document><p>{{ 'a'" + "|upper" * 50000 + " }}</p></document>"},
        ["expand", "t.xml"], 1, r"more than 256 operators, filters or members in a chain", 10, None, None),
    "include chain 15,000 deep": (
        include_chain(15000), ["expand", "main.xml"], 1,
        r"p127\.xml:1:2: error: elements nested more than 256 deep", 20, None, None),
    "elif chain of 100,000": (
        {"t.xml": lambda: '<document><if test="false"><p>a</p></if>' +
         '<elif test="false"><p>b</p></elif>' * 100000 + "<else><p>end</p></else></document>"},
        ["expand", "t.xml"], 0, r'text "end"', 30, None, None),
    "JSON nested 100,000 deep (check)": (
        {"deep.json": lambda: "[" * 100000 + "]" * 100000}, ["check", "deep.json"], 1,
        r"deep\.json:1:257: error: invalid JSON: arrays and objects nested more than 256 deep", 5, None, None),
    "JSON nested 100,000 deep (import)": (
        {"deep.json": lambda: "[" * 100000 + "]" * 100000}, ["import", "deep.json"], 1,
        r"nested more than 256 deep", 5, None, None),
    "JSON nested 100,000 deep (--data)": (
        {"deep.json": lambda: "[" * 100000 + "]" * 100000,
         "t.xml": "<document><p>x</p></document>"},
        ["expand", "t.xml", "--data", "d=deep.json"], 1, r"nested more than 256 deep", 5, None, None),
    # item 3: memory
    "1 GB file (refused from its size)": (
        {"huge.tsv": None}, ["check", "huge.tsv"], 1,
        r"too large: 1\.0 GiB, and jindu reads data files of at most 128\.0 MiB", 5, 64, None),
    "10 MB of newlines": (
        {"nl.tsv": lambda: "\n" * 10_000_000}, ["check", "nl.tsv"], 1, r"empty file", 20, 80, None),
    "20 MB of repeated rows": (
        {"rows.tsv": lambda: seed_rows(135)}, ["check", "rows.tsv"], 0, r"ok \(task list, 16605 tasks", 60,
        200, None),
    "a row of 10 million tabs": (
        {"tabs.tsv": lambda: HEADER + "\t" * 10_000_000}, ["check", "tabs.tsv"], 1,
        r"a row of more than 1000 fields", 20, 80, None),
    "5 million one-letter lines": (
        {"lines.tsv": lambda: HEADER + "1\t任务\t商务局\t一\t二\t三\t四\t梁军\n" + "a\n" * 5_000_000},
        ["check", "lines.tsv"], 1, r"error", 90, 300, None),
    "5 million zeros in JSON": (
        {"zeros.json": lambda: "[" + "0," * 5_000_000 + "0]"}, ["check", "zeros.json"], 1,
        r"not a task list", 60, 300, None),
    "3 million bad tasks in JSON": (
        {"strs.json": lambda: '{"title":"x","tasks":[' + '"",' * 3_000_000 + '""]}'},
        ["check", "strs.json"], 1, r"note: 2990001 more messages not shown", 90, 300, None),
    # item 10 and JSON: one-line JSON, NUL, duplicate keys
    "one-line JSON of 4.6 MB": (
        {"list.json": lambda: one_line_list(24000)}, ["check", "list.json"], 0,
        r"ok \(task list, 24000 tasks", 20, 200, None),
    "JSON \\u0000 in a unit name": (
        {"nul.json": '{"title":"x","tasks":[{"id":1,"title":"t","leaders":[],'
                     '"units":[{"names":["商务局\\u0000/../../evil"],"plan":[]}]}]}'},
        ["check", "nul.json"], 1, r"\\u0000 in a string", 5, None, r"商务局: "),
    "JSON key written twice": (
        {"dup.json": '{"title":"x","title":"y","tasks":[]}'}, ["check", "dup.json"], 1,
        r'dup\.json:1:14: error: invalid JSON: key "title" written twice in one object \(first at line 1, column 2\)',
        5, None, None),
    # item 9: other files' contents, control characters
    "template=/etc/passwd": (
        {}, ["expand", "/etc/passwd"], 1, r"malformed XML", 5, None, r"root:"),
    "data=/etc/passwd": (
        {}, ["check", "/etc/passwd"], 1, r"does not look like a data file", 5, None, r"root:"),
    "ESC and BEL in a list title": (
        {"esc.tsv": "某区\x1b]0;PWNED\x07清单\n" + HEADER + "1\t任务\t商务局\t一\t二\t三\t四\t梁军\n"},
        ["import", "esc.tsv"], 0, r"title: 某区\\x1b\]0;PWNED\\x07清单", 5, None, "\x1b|\x07"),
    # items 11 and 12: many paragraphs or units in one cell
    "a cell of 160,000 paragraphs": (
        {"list.tsv": lambda: "清单\n" + HEADER + "1\t" + "甲<br>" * 160000 +
         "\t商务局\t一\t二\t三\t四\t梁军\n"},
        ["render", TASK_LIST, "--data", "list.tsv", "-o", "out.pdf"], 0, r"", 40, None, None),
    "a cell of 80,000 units": (
        {"list.tsv": lambda: "清单\n" + HEADER + "1\t任务\t" + "、".join("单位%d" % i for i in range(80000)) +
         "\t一\t二\t三\t四\t梁军\n"},
        ["render", TASK_LIST, "--data", "list.tsv", "-o", "out.pdf"], 0, r"", 60, None, None),
    # found by the fuzz target for templates: errors on one long line
    "20,000 errors on one line of a template": (
        {"t.xml": lambda: '<document>' + '<elif test="false"><p>b</p></elif>A' * 20000 + "</document>"},
        ["expand", "t.xml"], 1, r"t\.xml:1:12: error: <elif> must follow <if> or <elif>", 10, 200, None),
    # found by the fuzz target for jindu.ini
    "jindu.ini with 8,000 outputs": (
        {"jindu.ini": lambda: "[project]\ndata=tasks.tsv\n" + "".join(
            "[output o%d]\ntemplate=t.xml\nfile=o%d.pdf\n" % (i, i) for i in range(8000)),
         "t.xml": "<document><p>x</p></document>",
         "tasks.tsv": HEADER + "1\t任务\t商务局\t一\t二\t三\t四\t梁军\n"},
        ["check", "."], 0, r"", 30, None, None),
}


def write_files(directory, files):
    for name, content in files.items():
        path = os.path.join(directory, name)
        if content is None:  # a sparse 1 GiB file: no disk needed
            with open(path, "wb") as f:
                f.truncate(1 << 30)
            continue
        if callable(content):
            content = content()
        with open(path, "wb") as f:
            f.write(content.encode("utf-8") if isinstance(content, str) else content)


def run_case(jindu, name, case, scale):
    files, args, want_rc, want, seconds, peak_mib, forbid = case
    limit = seconds * scale
    work = tempfile.mkdtemp(prefix="jindu-pathological-")
    try:
        # the inputs are made in a child process: the large strings never grow this one, whose
        # size a started command's peak memory would otherwise include (it counts the pages it
        # shares with its parent until it runs jindu)
        pid = os.fork()
        if pid == 0:
            try:
                write_files(work, files)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        start = time.monotonic()
        with open(os.path.join(work, ".output"), "w+b") as out_file:
            proc = subprocess.Popen([jindu] + args, cwd=work, stdout=out_file,
                                    stderr=subprocess.STDOUT)
            # reaped here rather than by Popen, for the child's own peak memory (ru_maxrss)
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() - start > limit:
                    proc.kill()
                    os.wait4(proc.pid, 0)
                    proc.returncode = -9
                    return False, "timed out after %.0f s" % limit, limit, 0
                time.sleep(0.01)
            elapsed = time.monotonic() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            peak = usage.ru_maxrss
            out_file.seek(0)
            out = out_file.read()
        text = out.decode("utf-8", "replace")
        problems = []
        if proc.returncode != want_rc:
            problems.append("exit %d, expected %d" % (proc.returncode, want_rc))
        if want and not re.search(want, text):
            problems.append("no match for /%s/" % want)
        if forbid and re.search(forbid, text):
            problems.append("output has /%s/" % forbid.encode("unicode_escape").decode())
        if peak_mib and peak and peak > peak_mib * 1024:
            problems.append("peak memory %.0f MiB, more than %d MiB" % (peak / 1024, peak_mib))
        if problems:
            tail = text[-600:]
            return False, "; ".join(problems) + "\n      output ends: " + tail.replace("\n", "\n      "), elapsed, peak
        return True, "", elapsed, peak
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jindu", default=os.path.join(ROOT, "build", "jindu"))
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--only", default="")
    ap.add_argument("--list", action="store_true")
    opts = ap.parse_args()
    names = [n for n in CASES if opts.only in n]
    if opts.list:
        print("\n".join(names))
        return 0
    failed = 0
    for name in names:
        if "/etc/passwd" in name and not os.path.exists("/etc/passwd"):
            continue
        ok, why, elapsed, peak = run_case(os.path.abspath(opts.jindu), name, CASES[name], opts.scale)
        print("%-4s %-40s %7.2f s %7.1f MiB%s" % ("ok" if ok else "FAIL", name, elapsed, peak / 1024,
                                                 "" if ok else "\n      " + why))
        sys.stdout.flush()
        failed += not ok
    print("%d of %d pathological cases passed" % (len(names) - failed, len(names)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

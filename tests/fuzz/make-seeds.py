#!/usr/bin/env python3
"""make-seeds.py OUT_DIR — the seed corpora run.sh adds to tests/fuzz/corpus/: the sample
project's and the tests' own files (so they are not kept twice in the tree), and the deep,
long and large inputs of the hostile-input probe (issue 12), generated because they are big:
100,000-deep JSON, 100,000-token expressions, 50,000-filter chains, 10,000-branch <elif>
chains, a 2,000-task list on one line, rows of 100,000 delimiters, 100,000 blank lines.
Every seed stays under run.sh's -max_len (1 MiB)."""
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = sys.argv[1]


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def copy(target, *paths):
    for rel in paths:
        src = os.path.join(ROOT, rel)
        if os.path.isdir(src):
            for name in sorted(os.listdir(src)):
                if os.path.isfile(os.path.join(src, name)):
                    copy(target, os.path.join(rel, name))
        elif os.path.isfile(src) and os.path.getsize(src) <= 1 << 20:
            put(target, rel.replace("/", "_"), open(src, "rb").read())


HEADER = "序号\t目标任务\t责任单位\t第一季度\t第二季度\t第三季度\t第四季度\t责任区领导\n"
TASK = '{"id":%d,"title":"任务","leaders":["梁军"],"units":[{"names":["商务局"],"plan":[{"from":1,"to":4,"text":"全年"}]}]}'

# task lists and progress, read by the importer
copy("fuzz_import", "samples/xiqing-2023/tasks.tsv", "samples/xiqing-2023/progress",
     "tests/fixtures/import", "tests/fixtures/progress", "tests/fixtures/render/small.tsv")
put("fuzz_import", "tabs-100k.tsv", HEADER + "\t" * 100000 + "\n")
put("fuzz_import", "lines-100k.tsv", HEADER + "1\t任务\t商务局\n" + "a\n" * 100000)
put("fuzz_import", "newlines-200k.tsv", "\n" * 200000)
put("fuzz_import", "one-line-2000.json",
    '{"title":"清单","tasks":[' + ",".join(TASK % i for i in range(1, 2001)) + "]}")
put("fuzz_import", "deep-100k.json", "[" * 100000 + "]" * 100000)
put("fuzz_import", "formula-form.csv",
    "\ufeff清单 2023年第二季度推进情况表（责任单位：=1+2）\r\n"
    "序号,目标任务,责任单位,报告期,本期计划,进展状态,完成情况,存在问题,下步措施,填报人,填报日期\r\n"
    "1,'=cmd|' /C calc'!A0,'=1+2,2023年第二季度,二,已完成,'-1,'@x,\"'=HYPERLINK(\"\"a\"\")\",,\r\n")

# JSON alone
copy("fuzz_json", "tests/fixtures/import/invalid.json", "tests/fixtures/import/unordered.json",
     "tests/fixtures/import/xiqing-selected.json", "tests/fixtures/progress/invalid.json",
     "tests/fixtures/progress/reports.json", "tests/fixtures/template/tasks.json",
     "tests/fixtures/chart/indicators.json")
put("fuzz_json", "deep-100k.json", "[" * 100000 + "]" * 100000)
put("fuzz_json", "deep-256.json", '{"a":' * 255 + "1" + "}" * 255)
put("fuzz_json", "one-line-2000.json",
    '{"title":"清单","tasks":[' + ",".join(TASK % i for i in range(1, 2001)) + "]}")
put("fuzz_json", "zeros-300k.json", "[" + "0," * 150000 + "0]")
put("fuzz_json", "escapes.json",
    '{"nul":"a\\u0000b","pair":"\\ud83d\\ude00","lone":"\\ud800","ctl":"\\u001b[2J",'
    '"big":99999999999999999999,"exp":1e400,"neg":-0,"frac":1.5e-3,"a":1,"a":2}')
put("fuzz_json", "keys-20k.json",
    "{" + ",".join('"k%d":%d' % (i, i) for i in range(20000)) + ',"k7":0}')

# templates
copy("fuzz_template_load", "templates", "templates/partials", "tests/fixtures/template/main.xml",
     "tests/fixtures/chart/summary-charts.xml")
put("fuzz_template_load", "elif-10k.xml",
    '<document><if test="false"><p>a</p></if>' + '<elif test="false"><p>b</p></elif>' * 10000 +
    "<else><p>c</p></else></document>")
put("fuzz_template_load", "span-300.xml",
    "<document><p>" + "<span>" * 300 + "x" + "</span>" * 300 + "</p></document>")
put("fuzz_template_load", "paragraphs-20k.xml",
    "<document>" + '<p font-size="五号">第{{ 1 + 2 }}项</p>\n' * 20000 + "</document>")
put("fuzz_template_load", "plus-100k.xml",
    "<document><p>{{ 1" + "+1" * 99999 + " }}</p></document>")

# expressions
put("fuzz_template_expr", "plus-100k", "1" + "+1" * 99999)
put("fuzz_template_expr", "filters-50k", "'a'" + "|upper" * 50000)
put("fuzz_template_expr", "members-50k", "obj" + ".a" * 50000)
put("fuzz_template_expr", "parens-1000", "(" * 1000 + "1" + ")" * 1000)
put("fuzz_template_expr", "not-1000", "not " * 1000 + "true")
put("fuzz_template_expr", "list-10k", "[" + ",".join(["1"] * 10000) + "]")

# CSV written and read back
copy("fuzz_csv", "tests/fixtures/progress/basic.csv", "tests/fixtures/import/quoted.csv")
put("fuzz_csv", "fields", b"=cmd|' /C calc'!A0\0+1\0-2\0@x\0\tt\0\rr\0'=q\0''+q\0'p\0a,\"b\"\n")
put("fuzz_csv", "commas-100k", "," * 100000)

# jindu.ini
copy("fuzz_project_ini", "samples/xiqing-2023/jindu.ini", "tests/fixtures/project/jindu.ini")
put("fuzz_project_ini", "outputs-2000.ini",
    "[project]\ndata=tasks.tsv\n" +
    "".join("[output o%d]\ntemplate=t.xml\nfile=o%d.pdf\n" % (i, i) for i in range(2000)))
put("fuzz_project_ini", "escape.ini",
    "[project]\ndata=../../etc/passwd;tasks.tsv\nout=../victim\n[output a]\ntemplate=/etc/passwd\n"
    "file=../x.pdf\nsplit=unit\nparams=a=1;=2;\x1b[2J=3\n")

// sheet.js — the seed sheet for peer tools, from jindu's canonical JSON, so that the
// benchmark compares the same document.
//   node sheet.js typst IN.json OUT.pdf FONT_DIR...   compile with Typst (typst.ts node compiler)
//   node sheet.js html IN.json OUT.html                HTML for WeasyPrint
'use strict';
const fs = require('fs');

const [mode, input, output, ...fontDirs] = process.argv.slice(2);
const list = JSON.parse(fs.readFileSync(input, 'utf8'));

function cells(unit) {
  // one cell per plan segment (colspan = quarters covered), empty cells for quarters without plan
  const out = [];
  let q = 1;
  for (const seg of unit.plan) {
    for (; q < seg.from; q++) out.push({ span: 1, text: '' });
    out.push({ span: seg.to - seg.from + 1, text: seg.text });
    q = seg.to + 1;
  }
  for (; q <= 4; q++) out.push({ span: 1, text: '' });
  return out;
}

function typst() {
  const s = (t) => JSON.stringify(t);
  const lines = [];
  lines.push('#set page(paper: "a4", flipped: true, margin: (x: 12mm, y: 15mm),');
  lines.push('  footer: context align(center)[第 #counter(page).display() 页 共 #counter(page).final().first() 页])');
  lines.push('#set text(font: "WenQuanYi Micro Hei", size: 9pt, lang: "zh")');
  lines.push('#align(center, text(size: 16pt, weight: "bold", ' + s(list.title) + '))');
  lines.push('#table(columns: (2.5em, 1fr, 5em, 1.3fr, 1.3fr, 1.3fr, 1.3fr, 4em), align: (x, y) => if x == 0 or x == 2 or x == 7 { center + horizon } else { left + top },');
  lines.push('  table.header(table.cell(rowspan: 2)[序号], table.cell(rowspan: 2)[目标任务], table.cell(rowspan: 2)[责任单位],');
  lines.push('    table.cell(colspan: 4)[进度安排], table.cell(rowspan: 2)[责任区领导], [第一季度], [第二季度], [第三季度], [第四季度]),');
  for (const t of list.tasks) {
    const n = t.units.length;
    t.units.forEach((u, i) => {
      const row = [];
      if (i === 0) {
        row.push(`table.cell(rowspan: ${n}, ${s(String(t.id))})`);
        row.push(`table.cell(rowspan: ${n}, ${s(t.title)})`);
      }
      row.push(s(u.names.join('\n')));
      for (const c of cells(u)) row.push(`table.cell(colspan: ${c.span}, ${s(c.text)})`);
      if (i === 0) row.push(`table.cell(rowspan: ${n}, ${s(t.leaders.join('\n'))})`);
      lines.push('  ' + row.join(', ') + ',');
    });
  }
  lines.push(')');
  return lines.join('\n');
}

function html() {
  const e = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\n/g, '<br>');
  const out = [];
  out.push('<!doctype html><html lang="zh"><meta charset="utf-8"><style>');
  out.push('@page { size: A4 landscape; margin: 15mm 12mm; @bottom-center { content: "第 " counter(page) " 页 共 " counter(pages) " 页"; font-size: 9pt } }');
  out.push('body { font-family: "WenQuanYi Micro Hei"; font-size: 9pt } table { border-collapse: collapse; width: 100% }');
  out.push('td, th { border: 0.5pt solid black; padding: 2pt; vertical-align: top } h1 { text-align: center; font-size: 16pt }');
  out.push('</style><h1>' + e(list.title) + '</h1><table><thead>');
  out.push('<tr><th rowspan=2>序号<th rowspan=2>目标任务<th rowspan=2>责任单位<th colspan=4>进度安排<th rowspan=2>责任区领导');
  out.push('<tr><th>第一季度<th>第二季度<th>第三季度<th>第四季度</thead><tbody>');
  for (const t of list.tasks) {
    const n = t.units.length;
    t.units.forEach((u, i) => {
      let row = '<tr>';
      if (i === 0) row += `<td rowspan=${n}>${t.id}<td rowspan=${n}>${e(t.title)}`;
      row += '<td>' + e(u.names.join('\n'));
      for (const c of cells(u)) row += `<td colspan=${c.span}>${e(c.text)}`;
      if (i === 0) row += `<td rowspan=${n}>${e(t.leaders.join('\n'))}`;
      out.push(row);
    });
  }
  out.push('</tbody></table></html>');
  return out.join('\n');
}

if (mode === 'typst') {
  const { NodeCompiler } = require('@myriaddreamin/typst-ts-node-compiler');
  const compiler = NodeCompiler.create({ fontArgs: [{ fontPaths: fontDirs }] });
  const pdf = compiler.pdf({ mainFileContent: typst() });
  fs.writeFileSync(output, pdf);
} else if (mode === 'html') {
  fs.writeFileSync(output, html());
} else {
  console.error('usage: node sheet.js typst|html IN.json OUT [FONT_DIR...]');
  process.exit(2);
}

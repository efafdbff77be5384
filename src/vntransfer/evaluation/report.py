"""Reports of an evaluation: report.json (everything), report.md (tables) and report.html (a page a
browser opens offline: per-type F1 bars, entity confusion matrix, per-document table, every error in
its sentence)."""
from __future__ import annotations

import json
import re
from pathlib import Path

from ..annotation.document import Document
from ..schema import ENTITY_TYPES, RELATION_TYPES
from ..text.words import split_sentences


def _f(x) -> str:
    return "–" if x is None or x != x else f"{x:.3f}"


def report_markdown(report: dict) -> str:
    systems = report["systems"]
    names = list(systems)
    first = names[0]
    cv = report.get("kind", "cv") == "cv"
    unit = "test documents" if cv else "documents"
    lines = [f"| metric (pooled over {unit}) | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for metric in systems[first]["summary"]:
        cells = []
        for n in names:
            s = systems[n]["summary"][metric]
            cells.append(f"{_f(s['pooled'])} [{_f(s['ci95'][0])}–{_f(s['ci95'][1])}]")
        lines.append(f"| {metric} | " + " | ".join(cells) + " |")
    if len(names) > 1:
        lines += ["", f"| {first} minus baseline (pooled) | " + " | ".join(names[1:]) + " |", "|---" * len(names) + "|"]
        for metric in systems[first]["summary"]:
            base = systems[first]["summary"][metric]["pooled"]
            lines.append(f"| {metric} | " + " | ".join(f"{base - systems[n]['summary'][metric]['pooled']:+.3f}" for n in names[1:]) + " |")
    docs = report["documents"]
    lines += ["", f"Per {'fold' if cv else 'document'} ({first}; – : nothing to score in that document):", "",
              "| metric | mean ± std | " + " | ".join(d[:3] for d in docs) + " |", "|---" * (len(docs) + 2) + "|"]
    for metric, s in systems[first]["summary"].items():
        mean = "–" if s["mean"] is None else f"{s['mean']:.3f} ± {s['std']:.3f}"
        lines.append(f"| {metric} | {mean} | " + " | ".join(_f(v) for v in s["per_fold"]) + " |")
    pooled = systems[first]["pooled"]
    lines += ["", f"Entities by type ({first}; strict, seqeval IOB2):", "", "| type | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for t in ENTITY_TYPES:
        s = pooled["entities"]["per_type"].get(t)
        if s:
            lines.append(f"| {t} | {_f(s['precision'])} | {_f(s['recall'])} | {_f(s['f1'])} | {s['support']} |")
    lines += ["", f"Relations by type ({first}; strict):", "", "| type | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for t in RELATION_TYPES:
        s = pooled["relations"]["strict"]["per_type"].get(t)
        if s:
            lines.append(f"| {t} | {_f(s['precision'])} | {_f(s['recall'])} | {_f(s['f1'])} | {s['support']} |")
    events = pooled["events"]
    if events.get("by_class"):
        lines += ["", f"Events by class ({first}; event-argument pairs of the gold events of a class against the "
                  "predicted events of that class):", "", "| class | precision | recall | F1 | gold pairs |", "|---|---|---|---|---|"]
        for cls, s in events["by_class"].items():
            lines.append(f"| {cls} | {_f(s['precision'])} | {_f(s['recall'])} | {_f(s['f1'])} | {s['support']} |")
    if events.get("by_form"):
        lines += ["", f"Events by the form of the gold statement ({first}; recall):", "",
                  "| form | gold events | moved person found | arguments found |", "|---|---|---|---|"]
        for form, s in events["by_form"].items():
            lines.append(f"| {form} | {s['events']} | {s['persons_found'] / s['events']:.3f} | "
                         f"{_f(s['arguments_found'] / s['arguments'] if s['arguments'] else None)} |")
    if report.get("repairs"):
        models = "fold models" if report.get("kind") == "cv" else "model"
        lines += ["", f"Decoding repairs ({first}; the same {models} decoded without them; pooled strict F1):", "",
                  "| decoding | entity micro-F1 | relation F1 | event-argument F1 |", "|---|---|---|---|",
                  f"| all repairs (shipped) | {_f(pooled['entities']['micro']['f1'])} | "
                  f"{_f(pooled['relations']['strict']['micro']['f1'])} | {_f(pooled['events']['arguments']['f1'])} |"]
        for name, s in report["repairs"].items():
            lines.append(f"| {name} | {_f(s['entities']['micro']['f1'])} | {_f(s['relations']['strict']['micro']['f1'])} | "
                         f"{_f(s['events']['arguments']['f1'])} |")
    args = report.get("arguments") or {}
    lines += ["", f"Documents: {len(docs)}; package {report['package_version']}; data hash {report['data_hash']}; "
              f"seed {report.get('seed')}; epochs {args.get('epochs', '–')}; encoder `{args.get('encoder', '–')}`. "
              f"Brackets: bootstrap 95% interval over {unit}."]
    if report.get("extra_training_documents"):
        lines.append(f"Training side of every fold: the four other seed documents plus {report['extra_training_documents']} "
                     "written and generated documents (never tested on).")
    if report.get("dev_documents"):
        lines.append(f"Each fold keeps the epoch with the best mean of entity, relation and event-argument F1 on the "
                     f"{report['dev_documents']} development documents (never trained or tested on), as the shipped model "
                     f"does; kept epochs per fold: {', '.join(map(str, report.get('kept_epochs', [])))}.")
    pre = report.get("encoder_pretraining")
    if pre:
        lines.append(f"Encoder: RoBERTa {pre['layers']} layers × {pre['hidden_size']} hidden, vocabulary {pre['vocab_size']}, "
                     f"masked-LM pretrained {pre['steps']} steps × {pre['batch_size']} on {pre['lines']:,} lines "
                     f"({pre['tokens']:,} sub-word tokens; sources: {', '.join(pre['sources']) or '–'}"
                     f"{' and underthesea' + chr(39) + 's VLSP 2013 sample' if pre.get('package_text', True) else ''}), loss {pre['initial_loss']:.2f} -> {pre['final_loss']:.2f}.")
    return "\n".join(lines)


def errors(gold: list[Document], pred: list[Document], limit: int = 2000) -> list[dict]:
    """Every false positive and false negative entity, with its sentence split around the span."""
    out = []
    for g, p in zip(gold, pred):
        sentences = split_sentences(g.text)
        gs = {(e.type, e.start, e.end) for e in g.entities}
        ps = {(e.type, e.start, e.end) for e in p.entities}
        for kind, items in (("false negative", gs - ps), ("false positive", ps - gs)):
            for t, s, e in sorted(items, key=lambda x: x[1]):
                a, b = next(((x, y) for x, y in sentences if x <= s < y), (max(0, s - 80), min(len(g.text), e + 80)))
                b = max(b, e)
                out.append({"document": g.id, "kind": kind, "type": t, "before": g.text[a:s],
                            "span": g.text[s:e], "after": g.text[e:b]})
    return out[:limit]


_HTML = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>vntransfer evaluation report</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
mark{padding:0 2px}.fn mark{background:#ffc9c9}.fp mark{background:#c9e3ff}
.err{font-size:14px;margin:4px 0;border-bottom:1px solid #eee;padding:2px}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}
</style></head><body>
<h1>vntransfer evaluation report</h1>
<p id="meta"></p>
<h2>Headline scores</h2><div id="headline"></div>
<h2>Entity F1 by type</h2><div class="legend" id="legend"></div><div id="bars"></div>
<h2>Relation F1 by type (strict)</h2><div id="relbars"></div>
<h2>Entity type confusion (exact spans)</h2><p>Rows: gold type; columns: predicted type; "none": no entity at that span on that side.</p><div id="confusion"></div>
<h2>Per document</h2><div id="perdoc"></div>
<h2>Errors</h2><p><span style="background:#ffc9c9">false negative</span> (missed gold span) · <span style="background:#c9e3ff">false positive</span> (predicted span not in gold)</p><div id="errors"></div>
<script id="data" type="application/json">__DATA__</script>
<script>
const R = JSON.parse(document.getElementById('data').textContent);
const names = Object.keys(R.systems), first = names[0];
const colors = ['#2f6db5', '#e08a2c', '#6aa84f', '#a64d79'];
const f = x => (x === null || x === undefined || Number.isNaN(x)) ? '–' : x.toFixed(3);
const el = (tag, attrs, text) => { const e = document.createElement(tag); for (const k in attrs || {}) e.setAttribute(k, attrs[k]); if (text !== undefined) e.textContent = text; return e; };
const svgEl = (tag, attrs) => { const e = document.createElementNS('http://www.w3.org/2000/svg', tag); for (const k in attrs) e.setAttribute(k, attrs[k]); return e; };
function table(header, rows) { const t = el('table'); const h = el('tr'); header.forEach(x => h.appendChild(el('th', {}, x))); t.appendChild(h);
  rows.forEach(r => { const tr = el('tr'); r.forEach(x => tr.appendChild(el('td', {}, x))); t.appendChild(tr); }); return t; }
document.getElementById('meta').textContent = `${R.documents.length} ${R.kind === 'heldout' ? 'documents (held out from training)' : 'test documents'} · package ${R.package_version} · data hash ${R.data_hash} · seed ${R.seed}`;
const metrics = Object.keys(R.systems[first].summary);
document.getElementById('headline').appendChild(table(['metric', ...names], metrics.map(m => [m, ...names.map(n => { const s = R.systems[n].summary[m]; return `${f(s.pooled)} [${f(s.ci95[0])}–${f(s.ci95[1])}]`; })])));
function bars(target, types, value) {
  const W = 720, rowH = 18, gap = 10, left = 110, H = types.length * (names.length * rowH + gap) + 20;
  const svg = svgEl('svg', {width: W, height: H, role: 'img'});
  let y = 5;
  types.forEach(t => {
    const label = svgEl('text', {x: 0, y: y + rowH * names.length / 2 + 5, 'font-size': 13}); label.textContent = t; svg.appendChild(label);
    names.forEach((n, i) => {
      const v = value(n, t) || 0;
      svg.appendChild(svgEl('rect', {class: 'bar', 'data-system': n, 'data-type': t, x: left, y: y, width: Math.max(1, v * (W - left - 60)), height: rowH - 3, fill: colors[i % colors.length]}));
      const tx = svgEl('text', {x: left + v * (W - left - 60) + 4, y: y + rowH - 6, 'font-size': 11}); tx.textContent = f(v); svg.appendChild(tx);
      y += rowH;
    });
    y += gap;
  });
  document.getElementById(target).appendChild(svg);
}
names.forEach((n, i) => { const s = el('span'); s.style.background = colors[i % colors.length]; const lg = document.getElementById('legend'); lg.appendChild(s); lg.appendChild(document.createTextNode(n)); });
bars('bars', R.entity_types, (n, t) => (R.systems[n].pooled.entities.per_type[t] || {}).f1);
bars('relbars', R.relation_types, (n, t) => (R.systems[n].pooled.relations.strict.per_type[t] || {}).f1);
const C = R.systems[first].confusion, labels = Object.keys(C);
const ct = table(['gold \\\\ predicted', ...labels], labels.map(g => [g, ...labels.map(p => String(C[g][p]))]));
ct.querySelectorAll('tr').forEach((tr, i) => { if (i > 0) tr.querySelectorAll('td').forEach((td, j) => { if (j > 0 && +td.textContent > 0) td.style.background = (i === j && labels[i - 1] !== 'none') ? '#d9f2d9' : '#fde2e2'; }); });
document.getElementById('confusion').appendChild(ct);
document.getElementById('perdoc').appendChild(table(['document', ...names.flatMap(n => [`${n} entity F1`, `${n} relation F1`])],
  R.documents.map((d, k) => [d, ...names.flatMap(n => [f(R.systems[n].folds[k].entities.micro.f1), f(R.systems[n].folds[k].relations.strict.micro.f1)])])));
const E = document.getElementById('errors');
E.appendChild(el('p', {}, `${R.errors.length} entity errors of ${first}`));
R.errors.forEach(x => { const d = el('div', {class: 'err ' + (x.kind === 'false negative' ? 'fn' : 'fp')});
  d.appendChild(el('b', {}, `${x.document} · ${x.kind} · ${x.type}: `)); d.appendChild(document.createTextNode(x.before));
  d.appendChild(el('mark', {}, x.span)); d.appendChild(document.createTextNode(x.after)); E.appendChild(d); });
document.body.setAttribute('data-rendered', 'yes');
</script></body></html>
"""


def report_html(report: dict) -> str:
    first = next(iter(report["systems"]))
    gold = [Document.from_dict(d) for d in report["gold"]]
    pred = [Document.from_dict(d) for d in report["systems"][first]["predictions"]]
    view = {k: v for k, v in report.items() if k != "gold"}
    view["systems"] = {n: {k: v for k, v in s.items() if k != "predictions"} for n, s in report["systems"].items()}
    view.update(entity_types=list(ENTITY_TYPES), relation_types=list(RELATION_TYPES), errors=errors(gold, pred))
    data = json.dumps(view, ensure_ascii=False).replace("</", "<\\/")
    return _HTML.replace("__DATA__", data)


def write_reports(report: dict, out_dir: str | Path) -> str:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    markdown = report_markdown(report)
    (out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "report.md").write_text(markdown + "\n", encoding="utf-8")
    (out / "report.html").write_text(report_html(report), encoding="utf-8")
    return markdown


def update_readme(readme: str | Path, markdown: str, marker: str = "results") -> None:
    """Replace the `marker` block of `readme`. Jobs that run side by side (`make all`: the shipped model and the
    cross-validation) each rewrite their own block: a lock file serialises them, so that neither loses the
    other's update, and the new text replaces the old in one rename."""
    import fcntl
    import os

    path = Path(readme)
    with open(path.with_name(f".{path.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        text = path.read_text(encoding="utf-8")
        new, n = re.subn(rf"(<!-- {marker}:start -->\n).*?(<!-- {marker}:end -->)",
                         lambda m: m.group(1) + markdown + "\n" + m.group(2), text, flags=re.S)
        if n != 1:
            raise ValueError(f"{path}: no <!-- {marker}:start --> ... <!-- {marker}:end --> block")
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(new, encoding="utf-8")
        os.replace(tmp, path)

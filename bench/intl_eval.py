#!/usr/bin/env python3
"""eval.py TRUTH.csv PLAN.csv [--dump PREFIX]  -> pairwise P/R/F1 + error kinds"""
import csv, sys, itertools, collections, json

truth, plan = sys.argv[1], sys.argv[2]
dump = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == '--dump' else None
pid, role, tags, rel = {}, {}, {}, {}
for r in csv.DictReader(open(truth, encoding='utf-8')):
    rid = r['record_id']; pid[rid] = r['person_id']; role[rid] = r['role']; tags[rid] = r['tags']
    if r['tags'].startswith('of='): rel[r['person_id']] = (r['role'], r['tags'][3:])

par = {}
def find(x):
    while par.get(x, x) != x:
        par[x] = par.get(par[x], par[x]); x = par[x]
    return x
pairs_plan = []
for r in csv.DictReader(open(plan, encoding='utf-8')):
    a, b = r['primary_id'], r['secondary_id']
    pairs_plan.append((a, b, r.get('score', ''), r.get('reasons', '')))
    par.setdefault(a, a); par.setdefault(b, b)
    ra, rb = find(a), find(b)
    if ra != rb: par[rb] = ra
cl = collections.defaultdict(list)
for x in list(par):
    cl[find(x)].append(x)
pred = set()
for m in cl.values():
    for a, b in itertools.combinations(sorted(m), 2): pred.add((a, b))
tc = collections.defaultdict(list)
for rid, p in pid.items(): tc[p].append(rid)
true = set()
for m in tc.values():
    for a, b in itertools.combinations(sorted(m), 2): true.add((a, b))
tp = len(pred & true); fp = len(pred - true); fn = len(true - pred)
P = tp / (tp + fp) if tp + fp else 1.0; Rr = tp / (tp + fn) if tp + fn else 1.0
F = 2 * P * Rr / (P + Rr) if P + Rr else 0
out = dict(pred=len(pred), true=len(true), tp=tp, fp=fp, fn=fn, P=round(P, 4), R=round(Rr, 4), F1=round(F, 4))

import unicodedata, os
data = {}
_df = truth.replace('.truth.csv', '.csv')
if os.path.exists(_df):
    for r in csv.DictReader(open(_df, encoding='utf-8')): data[r['Record ID']] = r
def nn(r):
    s = ' '.join(sorted((r['First Name'] + ' ' + r['Last Name']).replace('Dr.', '').replace(',', ' ').lower().split()))
    return ''.join(c for c in unicodedata.normalize('NFD', s) if unicodedata.category(c) != 'Mn')
def kind_fp(a, b):
    k = kind_fp0(a, b)
    if data:
        ea, eb = data[a]['Email'].lower(), data[b]['Email'].lower()
        if k == 'household' and ea and ea == eb: return 'household(shared email)'
        if k == 'other' and nn(data[a]) == nn(data[b]): return 'namesake(natural)'
        if k == 'other': return 'other(name differs)'
    return k
def kind_fp0(a, b):
    pa, pb = pid[a], pid[b]
    ra, rb = rel.get(pa), rel.get(pb)
    if ra and ra[1] == pb: return ra[0]
    if rb and rb[1] == pa: return rb[0]
    if ra and rb and ra[1] == rb[1]: return ra[0] + '+' + rb[0] + '(siblings)'
    return 'other'
fpk = collections.Counter(kind_fp(a, b) for a, b in pred - true)
out['fp_kinds'] = dict(fpk)
# recall by tag: a true pair "has" tag t when either record's tags include it
tagtot, tagmiss = collections.Counter(), collections.Counter()
for a, b in true:
    ts = set(filter(None, (tags[a] + ';' + tags[b]).split(';')))
    ts = {t for t in ts if not t.startswith('of=')}
    miss = (a, b) not in pred
    for t in ts or {'(none)'}:
        tagtot[t] += 1
        if miss: tagmiss[t] += 1
out['recall_by_tag'] = {t: f'{1 - tagmiss[t] / tagtot[t]:.2f} ({tagtot[t] - tagmiss[t]}/{tagtot[t]})' for t in sorted(tagtot, key=lambda t: tagmiss[t] / tagtot[t], reverse=True)}
bad = [(a, b, sc, rs) for a, b, sc, rs in pairs_plan if pid[a] != pid[b]]
out['plan_edges'] = len(pairs_plan); out['bad_edges'] = len(bad)
out['bad_edge_kinds'] = dict(collections.Counter(kind_fp(a, b) for a, b, sc, rs in bad if not rs.startswith('via')))
out['bad_edges_via'] = sum(1 for x in bad if x[3].startswith('via'))
print(json.dumps(out, ensure_ascii=False, indent=1))
if dump:
    with open(dump + '.fp.txt', 'w') as f:
        for a, b in sorted(pred - true): f.write(f'{a} {b} {kind_fp(a, b)}\n')
    with open(dump + '.bad.txt', 'w') as f:
        for a, b, sc, rs in bad: f.write(f'{a} {b} {sc} {kind_fp(a, b)} | {rs}\n')
    with open(dump + '.fn.txt', 'w') as f:
        for a, b in sorted(true - pred): f.write(f'{a} {b} {tags[a]}|{tags[b]}\n')

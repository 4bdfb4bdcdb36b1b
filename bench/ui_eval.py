#!/usr/bin/env python3
"""evalplan.py TRUTH.csv PLAN.csv [--fp N] [--fn N]  -> pairwise P/R/F1 (cluster closure both sides) + error breakdown"""
import csv, sys, itertools, collections, random
truth, plan = sys.argv[1], sys.argv[2]
nfp = int(sys.argv[sys.argv.index("--fp")+1]) if "--fp" in sys.argv else 0
T = {}; kind={}; grp={}
for r in csv.DictReader(open(truth)):
    T[r["record_id"]]=r["person_id"]; kind[r["record_id"]]=r["kind"]; grp[r["record_id"]]=r["group"]
def pairs_of(clusters):
    s=set()
    for c in clusters:
        for a,b in itertools.combinations(sorted(c),2): s.add((a,b))
    return s
by=collections.defaultdict(list)
for rid,p in T.items(): by[p].append(rid)
tp_pairs = pairs_of(by.values())
par={}
def f(x):
    par.setdefault(x,x)
    while par[x]!=x: par[x]=par[par[x]]; x=par[x]
    return x
rows=list(csv.DictReader(open(plan)))
score={}
for r in rows:
    a,b=r["primary_id"],r["secondary_id"]; par[f(a)]=f(b); score[tuple(sorted((a,b)))]=(r["score"],r.get("reasons",""))
cl=collections.defaultdict(list)
for x in list(par): cl[f(x)].append(x)
pp = pairs_of(cl.values())
tp = len(pp & tp_pairs); P = tp/len(pp) if pp else 1; R = tp/len(tp_pairs) if tp_pairs else 1
F = 2*P*R/(P+R) if P+R else 0
print("plan rows %d  clusters %d  pred pairs %d  true pairs %d  TP %d  P %.4f R %.4f F1 %.4f"%(len(rows),len(cl),len(pp),len(tp_pairs),tp,P,R,F))
def gk(g): return g.split(":")[0] if g else ""
fp = sorted(pp - tp_pairs)
fpk = collections.Counter()
fpex = collections.defaultdict(list)
for a,b in fp:
    if grp[a] and grp[a]==grp[b]: k="trap:"+gk(grp[a])
    else: k="unrelated"
    direct = (a,b) in score
    fpk[k+(" (direct)" if direct else " (via cluster)")]+=1
    fpex[k].append((a,b))
print("FALSE POSITIVES by kind:", dict(fpk))
fn = sorted(tp_pairs - pp)
fnk = collections.Counter(); fnex=collections.defaultdict(list)
for a,b in fn:
    k = kind[a] if kind[a]!="orig" else kind[b]
    if kind[a]!="orig" and kind[b]!="orig": k="dup-vs-dup:"+kind[a]+"|"+kind[b]
    fnk[k]+=1; fnex[k].append((a,b))
# recall by single error kind
tot=collections.Counter(); hit=collections.Counter()
for a,b in tp_pairs:
    ks = set()
    for x in (a,b):
        if kind[x]!="orig": ks |= set(kind[x].split("+"))
    for k in ks:
        tot[k]+=1; hit[k]+= (a,b) in pp
print("RECALL by error kind present in pair:")
for k in sorted(tot, key=lambda k:-tot[k]): print("   %-16s %4d/%4d = %.2f"%(k,hit[k],tot[k],hit[k]/tot[k]))
print("FN by (combined) kind, top:", collections.Counter(fnk).most_common(15))
if nfp:
    rnd=random.Random(1)
    with open(plan+".fpex","w") as o:
        for k,v in fpex.items():
            for a,b in rnd.sample(v,min(nfp,len(v))): o.write("FP %s %s %s\n"%(k,a,b))
        for k,v in fnex.items():
            for a,b in rnd.sample(v,min(2,len(v))): o.write("FN %s %s %s\n"%(k,a,b))

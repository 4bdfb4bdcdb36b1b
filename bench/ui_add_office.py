# append colleagues sharing the company main line + office address (B2B pattern) to an export
import csv, random, sys
import os; sys.path.insert(0, os.path.dirname(os.path.abspath(__file__))); import ui_export_gen as G
src, truth, out, outtruth, ncomp, per = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
rows=list(csv.DictReader(open(src))); T=list(csv.DictReader(open(truth)))
g=G.Gen(999); r=g.r
nid=max(int(x["Record ID"]) for x in rows)+1000
new=[]; newt=[]
for c in range(ncomp):
    co=g.companies[r.randrange(len(g.companies))]
    city=co[3]; st,ci,s,z=g.addr(city); main=g.phone(city[3])
    for k in range(per):
        f,_=g.first(); l=g.lastname()
        p={"pid":"office%d_%d"%(c,k),"First Name":f,"Last Name":l}
        row={h:"" for h in rows[0].keys()}
        row.update({"Record ID":str(nid),"First Name":f,"Last Name":l,"Email":g.work_email(f,l,co[2]),
          "Phone Number":G.fmt_phone(r,main),"Mobile Phone Number":G.fmt_phone(r,g.phone(city[3])) if r.random()<0.5 else "",
          "Company Name":co[0]+(" "+co[1] if co[1] else ""),"Job Title":r.choice(G.TITLES),"Street Address":st,"City":ci,
          "State/Region":s,"Postal Code":z,"Country/Region":"United States","Create Date":G.date_str(r),"Last Modified Date":"2025-06-01 10:00",
          "Lifecycle Stage":"Lead","Marketing contact status":"Marketing contact","Email opt out":"false"})
        new.append(row); newt.append({"record_id":str(nid),"person_id":"office%d_%d"%(c,k),"kind":"orig","group":"office:%d"%c}); nid+=1
with open(out,"w",newline="") as f:
    w=csv.DictWriter(f,fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows+new)
with open(outtruth,"w",newline="") as f:
    w=csv.DictWriter(f,fieldnames=["record_id","person_id","kind","group"]); w.writeheader(); w.writerows(T+newt)

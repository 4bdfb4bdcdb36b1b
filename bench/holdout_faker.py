#!/usr/bin/env python3
"""HubSpot-like exports with known duplicates, made with Faker: a data set
of `dupes` (issue 17).

It was the frozen held-out set from 2026-12-05 (written and committed
before the changes it measured, only its summary figures read) until
2026-12-06, when Splink's public person datasets (bench/splink_sets.py)
took that place and its false pairs were looked at: a development set
since (TESTING.md). The name stays, so that earlier figures can be
reproduced.

    python3 -m venv target/pyenv && target/pyenv/bin/pip install faker
    target/pyenv/bin/python bench/holdout_faker.py OUT_DIR [PEOPLE] [SEED] [--shared-mailboxes]

Changed on 2026-12-06 as heldout_gen.py had been: two people
no longer get one mailbox by chance (a later one gets a number, as a mail
provider would); `--shared-mailboxes` gives the data of before, byte for
byte, under the fixed hash seed the script now sets for itself (until
then Faker's cities changed from run to run with Python's hash seed).

writes OUT_DIR/contacts.csv and OUT_DIR/truth.csv (primary_id,secondary_id).

Its model is deliberately unlike bench/heldout_gen.py's and the project's
generator's: names, streets, cities, postcodes, companies and job titles
come from Faker in six locales (realistic, skewed name frequencies, not a
uniform pick from a short list); the export has two phone columns, a
country column and no date of birth for most rows. Errors: uniform random
edits (not keyboard or OCR ones), accents dropped, a middle name or initial
added, a double surname cut to one part, titles and suffixes (`Dr.`,
`Jr.`), a first name given as an initial, swapped names, a different
email (work against personal, an old employer, a domain typo, a number
appended), a phone as mobile in one and office in the other or with an
extension, an apartment added, a postcode with one digit wrong, a new
address, a changed job, blanks. Traps: colleagues and namesakes whose
emails are first.last at their own companies, family members at one home
(shared landline, sometimes a shared email), fathers and sons (`Jr.`) at
one address.
"""
import csv
import os
import random
import sys
import unicodedata

from faker import Faker

LOCALES = [("en_US", 0.55), ("en_GB", 0.12), ("de_DE", 0.1), ("fr_FR", 0.08),
           ("es_ES", 0.08), ("it_IT", 0.07)]
COUNTRY = {"en_US": "United States", "en_GB": "United Kingdom", "de_DE": "Germany",
           "fr_FR": "France", "es_ES": "Spain", "it_IT": "Italy"}
SHORT = {"william": "bill", "robert": "bob", "margaret": "peggy", "elizabeth": "liz",
         "james": "jim", "michael": "mike", "katherine": "kate", "christopher": "chris",
         "jennifer": "jenny", "thomas": "tom", "daniel": "dan", "alexander": "alex",
         "johannes": "hans", "francesco": "franco", "giuseppe": "beppe", "josé": "pepe",
         "francisco": "paco", "nicolas": "nico", "stephanie": "steph", "andrew": "andy"}
FREE = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "gmx.de", "orange.fr",
        "web.de", "libero.it", "icloud.com", "proton.me"]
DOMAIN_TYPO = {"gmail.com": "gmial.com", "yahoo.com": "yaho.com", "hotmail.com": "hotmal.com",
               "outlook.com": "outlok.com"}
LETTERS = "abcdefghijklmnopqrstuvwxyz"

R = random.Random()
shared_mailboxes = False
FAKERS = {}


def fk(loc):
    if loc not in FAKERS:
        f = Faker(loc)
        f.seed_instance(R.randrange(1 << 30))
        FAKERS[loc] = f
    return FAKERS[loc]


def pick_locale():
    x = R.random()
    for loc, p in LOCALES:
        if x < p:
            return loc
        x -= p
    return LOCALES[0][0]


def plain(s):
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def slug(s):
    return "".join(c for c in plain(s).lower() if c.isalnum())


def edit(s):
    """One uniform random edit: delete, insert, substitute or transpose."""
    if len(s) < 2:
        return s
    i = R.randrange(len(s))
    k = R.randrange(4)
    if k == 0:
        return s[:i] + s[i + 1:]
    if k == 1:
        return s[:i] + R.choice(LETTERS) + s[i:]
    if k == 2:
        return s[:i] + R.choice(LETTERS) + s[i + 1:]
    if i + 1 < len(s):
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i]


def company(loc):
    name = fk(loc).company()
    dom = slug(name.split(",")[0].split(" ")[0]) or "firm"
    dom += R.choice(["", "", "-" + slug(fk(loc).city())[:6], "group"])
    return name, dom + "." + R.choice(["com", "com", "net", "io", loc[-2:].lower()])


def email_for(first, last, dom):
    f, l = slug(first), slug(last.split("-")[0].split(" ")[0])
    k = R.random()
    if k < 0.55:
        local = f + "." + l
    elif k < 0.75:
        local = f[:1] + l
    elif k < 0.85:
        local = f + l[:1]
    else:
        local = f + "_" + l
    return local + "@" + dom


def person(pid, loc=None, last=None, home=None, firm=None):
    loc = loc or pick_locale()
    f = fk(loc)
    sex = R.random() < 0.5
    first = f.first_name_male() if sex else f.first_name_female()
    last = last or f.last_name()
    if home is None:
        home = dict(street=f.street_address().replace("\n", ", "), city=f.city(), zip=f.postcode(),
                    state=(f.state_abbr() if loc == "en_US" else ""),
                    landline=f.phone_number())
    cname, dom = firm or company(loc)
    work = email_for(first, last, dom)
    personal = email_for(first, last, R.choice(FREE))
    if R.random() < 0.3:
        personal = personal.replace("@", str(R.randrange(1, 99)) + "@")
    return dict(pid=pid, loc=loc, first=first, last=last, middle=f.first_name(),
                company=cname, dom=dom, title=f.job(), work=work, personal=personal,
                email=work if R.random() < 0.6 else personal, mobile=f.phone_number(),
                dob=f.date_of_birth(minimum_age=18, maximum_age=85).isoformat(),
                country=COUNTRY[loc], **home)


def variant(p):
    d = dict(p)
    r = R.random
    if r() < 0.2:
        d["first"] = edit(d["first"])
    if r() < 0.15:
        d["last"] = edit(d["last"])
    if r() < 0.15:
        d["first"], d["last"] = plain(d["first"]), plain(d["last"])
    if r() < 0.06 and d["first"].lower() in SHORT:
        d["first"] = SHORT[d["first"].lower()].capitalize()
    if r() < 0.05:
        d["first"] = d["first"] + " " + (d["middle"] if r() < 0.5 else d["middle"][0] + ".")
    if r() < 0.04:
        d["first"] = d["first"][0] + "."
    if r() < 0.5 and ("-" in d["last"] or " " in d["last"]):
        d["last"] = d["last"].replace("-", " ").split(" ")[R.randrange(2)]
    if r() < 0.03:
        d["first"], d["last"] = d["last"], d["first"]
    if r() < 0.03:
        d["first"] = R.choice(["Dr. ", "Mr. ", "Ms. "]) + d["first"]
    if r() < 0.12:  # moved
        f = fk(d["loc"])
        d.update(street=f.street_address().replace("\n", ", "), city=f.city(), zip=f.postcode(),
                 state=(f.state_abbr() if d["loc"] == "en_US" else ""), landline=f.phone_number())
    elif r() < 0.2:
        d["street"] = d["street"] + R.choice([" Apt 4", " #12", ", 2nd floor", " Unit 3"])
    elif r() < 0.1 and d["zip"]:
        z = d["zip"]
        i = R.randrange(len(z))
        if z[i].isdigit():
            d["zip"] = z[:i] + str((int(z[i]) + 1 + R.randrange(8)) % 10) + z[i + 1:]
    if r() < 0.12:  # new job
        d["company"], d["dom"] = company(d["loc"])
        d["title"] = fk(d["loc"]).job()
        d["work"] = email_for(d["first"], d["last"], d["dom"])
    k = r()
    if k < 0.3:
        d["email"] = d["personal"] if d["email"] == d["work"] else d["work"]
    elif k < 0.36:
        loc, dom = d["email"].split("@")
        d["email"] = loc + "@" + DOMAIN_TYPO.get(dom, dom)
    elif k < 0.42:
        loc, dom = d["email"].split("@")
        d["email"] = edit(loc) + "@" + dom
    elif k < 0.45:
        d["email"] = d["email"].capitalize()
    if r() < 0.2:
        d["mobile"], d["landline"] = d["landline"], d["mobile"]
    if r() < 0.08:
        d["mobile"] = d["mobile"] + " x" + str(R.randrange(10, 999))
    if r() < 0.25:
        d["company"] = d["company"].replace(",", "").rsplit(" ", 1)[0]
    if r() < 0.1:
        d["dob"] = ""
    for f, pm in (("email", 0.15), ("mobile", 0.3), ("landline", 0.4), ("company", 0.2),
                  ("title", 0.35), ("street", 0.25), ("zip", 0.1), ("city", 0.08)):
        if r() < pm:
            d[f] = ""
    return d


def emit(rid, d):
    low = R.random() < 0.04
    fn = (lambda s: s.lower()) if low else (lambda s: s)
    dob = d["dob"] if R.random() < 0.35 else ""
    return [rid, fn(d["first"]), fn(d["last"]), d["email"], d["landline"], d["mobile"],
            d["company"], d["title"], d["street"], d["city"], d["state"], d["zip"],
            d["country"], dob, "2022-%02d-%02dT10:00:00Z" % (R.randrange(1, 13), R.randrange(1, 29))]


def one_owner_per_mailbox(people):
    """Two people never get one address (HubSpot keeps one contact per
    email, and a mail provider gives the second John Smith another name):
    a later person's work or personal address already taken gets a number,
    as `jsmith2@`. A family member sharing a mailbox on purpose keeps it.
    Draws nothing from R, so everything else stays as it was."""
    owner = {}
    for q in people:
        for key in ("work", "personal"):
            addr = q[key]
            if key == "personal" and "shares" in q and owner.get(addr) == q["shares"]:
                continue
            if owner.get(addr, q["pid"]) != q["pid"]:
                local, dom = addr.split("@")
                n = 2
                while f"{local}{n}@{dom}" in owner:
                    n += 1
                new = f"{local}{n}@{dom}"
                if q["email"] == addr:
                    q["email"] = new
                q[key] = addr = new
            owner.setdefault(addr, q["pid"])


def main():
    # Faker's locale data is read through sets: without a fixed hash seed
    # the same seed gave other cities from run to run (found 2026-12-06).
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable] + sys.argv)
    global shared_mailboxes
    shared_mailboxes = "--shared-mailboxes" in sys.argv
    sys.argv = [a for a in sys.argv if a != "--shared-mailboxes"]
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    R.seed(int(sys.argv[3]) if len(sys.argv) > 3 else 2027)
    os.makedirs(out, exist_ok=True)
    people = []
    firms = []
    while len(people) < n:
        pid = len(people)
        k = R.random()
        if k < 0.05 and people:  # family member at one home
            p = R.choice(people)
            home = {f: p[f] for f in ("street", "city", "zip", "state", "landline")}
            q = person(pid, p["loc"], p["last"], home)
            if R.random() < 0.25:
                q["email"] = q["personal"] = p["personal"]
                q["shares"] = p["pid"]
            people.append(q)
        elif k < 0.07 and people:  # namesake somewhere else
            p = R.choice(people)
            q = person(pid, p["loc"])
            q["first"], q["last"] = p["first"], p["last"]
            q["work"] = email_for(q["first"], q["last"], q["dom"])
            q["email"] = q["work"]
            people.append(q)
        elif k < 0.08 and people:  # father and son at one address
            p = R.choice(people)
            home = {f: p[f] for f in ("street", "city", "zip", "state", "landline")}
            q = person(pid, p["loc"], p["last"], home)
            q["first"] = p["first"]
            q["work"] = email_for(q["first"], q["last"], q["dom"])
            q["email"] = q["work"]
            if R.random() < 0.3:
                q["last"] = q["last"] + " Jr."
            people.append(q)
        elif k < 0.3 and firms:  # a colleague at a known company
            loc, firm = R.choice(firms)
            people.append(person(pid, loc, firm=firm))
        else:
            p = person(pid)
            firms.append((p["loc"], (p["company"], p["dom"])))
            people.append(p)
    if not shared_mailboxes:
        one_owner_per_mailbox(people)
    rows = []
    for p in people:
        rows.append(p)
        if R.random() < 0.1:
            for _ in range(R.choice([1, 1, 1, 1, 2, 2, 3])):
                rows.append(variant(p))
    R.shuffle(rows)
    ids = {}
    with open(os.path.join(out, "contacts.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Record ID", "First Name", "Last Name", "Email", "Phone Number",
                    "Mobile Phone Number", "Company Name", "Job Title", "Street Address", "City",
                    "State/Region", "Postal Code", "Country/Region", "Date of birth",
                    "Create Date"])
        for i, d in enumerate(rows):
            rid = str(7100000 + i * 3)
            ids.setdefault(d["pid"], []).append(rid)
            w.writerow(emit(rid, d))
    with open(os.path.join(out, "truth.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["primary_id", "secondary_id"])
        pairs = 0
        for pid in sorted(ids):
            m = ids[pid]
            for x in m[1:]:
                w.writerow([m[0], x])
                pairs += 1
    print(f"{out}: {len(rows)} contacts, {pairs} true pairs", file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A held-out generator of HubSpot-like exports with known duplicates.

Written before any result of the new `dupes` was seen, with an error model
of its own (not the project's generator's), and never used for tuning:
its figures are reported apart.

    python3 bench/heldout_gen.py OUT_DIR [N] [SEED]

writes OUT_DIR/contacts.csv (HubSpot labels) and OUT_DIR/truth.csv.
About 12% of people get one to three extra records. Errors: keyboard and
OCR typos, phonetic spellings, dropped letters, nicknames and initials,
first/last swapped, upper case, married names, moves (new street, city,
zip and often phone), new jobs (company and work email), personal vs work
email, gmail dots and +tags, phones in other formats, missing values.
Traps: households (same address, phone, last name; another person),
namesakes (same name, another place), twins (same birth date and home).

A mailbox belongs to one person, as at any mail provider: when two people
would get the same address (`jdaniels@icloud.com` for Joan and for John
Daniels), the later one gets a number (`jdaniels2@icloud.com`), except the
mailbox a household shares on purpose. `--shared-mailboxes` turns that off
and gives the data the generator wrote before 2026-12-06 (where 715 of the
1,228 false pairs at 100k people were two people given one mailbox).
"""
import csv
import os
import random
import sys

FIRST = """james mary robert patricia john jennifer michael linda david elizabeth william barbara
richard susan joseph jessica thomas sarah charles karen christopher lisa daniel nancy matthew
betty anthony margaret mark sandra donald ashley steven kimberly paul emily andrew donna joshua
michelle kenneth carol kevin amanda brian dorothy george melissa timothy deborah ronald stephanie
edward rebecca jason sharon jeffrey laura ryan cynthia jacob kathleen gary amy nicholas angela
eric shirley jonathan anna stephen brenda larry pamela justin emma scott nicole brandon helen
benjamin samantha samuel katherine gregory christine alexander debra frank rachel patrick carolyn
raymond janet jack catherine dennis maria jerry heather tyler diane aaron ruth jose julie adam
olivia nathan joyce henry virginia douglas victoria zachary kelly peter lauren kyle christina
noah joan ethan evelyn jeremy judith walter megan christian andrea keith cheryl roger hannah
terry jacqueline austin martha sean gloria gerald teresa carl ann harold sara dylan madison
arthur frances lawrence kathryn jordan janice jesse jean bryan abigail billy alice bruce judy
gabriel sophia joe grace logan denise albert amber willie doris alan marilyn eugene danielle
russell beverly vincent isabella philip theresa bobby diana johnny natalie bradley brittany
priya wei mohammed fatima hiroshi yuki olga ivan chloe mateo lucia sven ingrid""".split()
LAST = """smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez
lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white harris
sanchez clark ramirez lewis robinson walker young allen king wright scott torres nguyen hill
flores green adams nelson baker hall rivera campbell mitchell carter roberts gomez phillips evans
turner diaz parker cruz edwards collins reyes stewart morris morales murphy cook rogers gutierrez
ortiz morgan cooper peterson bailey reed kelly howard ramos kim cox ward richardson watson brooks
chavez wood james bennett gray mendoza ruiz hughes price alvarez castillo sanders patel myers
long ross foster jimenez powell jenkins perry russell sullivan bell coleman butler henderson
barnes gonzales fisher vasquez simmons romero jordan patterson alexander hamilton graham reynolds
griffin wallace moreno west cole hayes bryant herrera gibson ellis tran medina aguilar stevens
murray ford castro marshall owens harrison fernandez mcdonald woods washington kennedy wells
vargas henry chen freeman webb tucker guzman burns crawford olson simpson porter hunter gordon
mendez silva shaw snyder mason dixon munoz hunt hicks holmes palmer wagner black robertson boyd
rose stone salazar fox warren mills meyer rice schmidt garza daniels ferguson nichols stephens
soto weaver ryan gardner payne grant dunn kelley spencer hawkins arnold pierce vazquez hansen
peters santos hart bradley knight elliott cunningham duncan armstrong hudson carroll lane riley
andrews alvarado ray delgado berry perkins hoffman johnston matthews pena richards willis
carpenter lawrence sandoval oconnor kowalski nakamura okafor lindqvist dubois rossi""".split()
NICK = {"robert": ["bob", "rob", "bobby"], "william": ["bill", "will", "liam"],
        "richard": ["rick", "dick", "rich"], "elizabeth": ["liz", "beth", "betty"],
        "margaret": ["maggie", "peggy", "meg"], "katherine": ["kate", "kathy", "katie"],
        "james": ["jim", "jimmy"], "michael": ["mike"], "christopher": ["chris"],
        "jennifer": ["jen", "jenny"], "joseph": ["joe"], "thomas": ["tom", "tommy"],
        "daniel": ["dan", "danny"], "matthew": ["matt"], "anthony": ["tony"],
        "steven": ["steve"], "andrew": ["andy", "drew"], "joshua": ["josh"],
        "nicholas": ["nick"], "jonathan": ["jon"], "samuel": ["sam"], "alexander": ["alex"],
        "patricia": ["pat", "trish"], "deborah": ["debbie", "deb"], "rebecca": ["becky"],
        "victoria": ["vicky", "tori"], "benjamin": ["ben"], "edward": ["ed", "eddie"],
        "timothy": ["tim"], "kenneth": ["ken"], "susan": ["sue"], "samantha": ["sam"]}
STREETS = """oak maple cedar pine elm washington lake hill park main church high mill river
spring north south school ridge valley forest meadow sunset highland walnut chestnut""".split()
SUFFIX = [("street", "st"), ("avenue", "ave"), ("road", "rd"), ("drive", "dr"),
          ("lane", "ln"), ("court", "ct"), ("boulevard", "blvd")]
CITIES = [("springfield", "il", "627"), ("riverside", "ca", "925"), ("franklin", "tn", "370"),
          ("greenville", "sc", "296"), ("bristol", "ct", "060"), ("clinton", "ia", "527"),
          ("fairview", "nj", "070"), ("salem", "or", "973"), ("madison", "wi", "537"),
          ("georgetown", "tx", "786"), ("arlington", "va", "222"), ("dover", "de", "199"),
          ("burlington", "vt", "054"), ("portland", "me", "041"), ("auburn", "al", "368"),
          ("ashland", "ky", "411"), ("oxford", "ms", "386"), ("milton", "ma", "021"),
          ("newport", "ri", "028"), ("jackson", "ms", "392"), ("lexington", "ky", "405"),
          ("canton", "oh", "447"), ("columbia", "mo", "652"), ("marion", "in", "469")]
COMPANIES = """acme globex initech umbrella hooli stark wayne wonka cyberdyne soylent
tyrell oscorp aperture vandelay dunder gringotts monarch nakatomi pied massive""".split()
FORMS = ["", " inc", " llc", " ltd", " corp", " co"]
TITLES = """manager director engineer analyst consultant accountant designer nurse teacher
developer buyer founder ceo cfo vp sales""".split()
FREE = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com"]
KEYB = {c: n for c, n in zip("qwertyuiopasdfghjklzxcvbnm", "wqrtyuiopoasdfghjklkzxcvbnmn")}
OCR = {"m": "rn", "l": "1", "o": "0", "i": "l", "e": "c", "s": "5", "b": "h"}
PHON = [("ph", "f"), ("ck", "k"), ("ee", "ea"), ("y", "ie"), ("c", "k"), ("ou", "ow"), ("th", "t")]

R = random.Random()


def typo(s):
    if len(s) < 3:
        return s
    i = R.randrange(len(s))
    k = R.random()
    if k < 0.25:
        return s[:i] + s[i + 1:]
    if k < 0.45 and i + 1 < len(s):
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    if k < 0.65:
        return s[:i] + KEYB.get(s[i], s[i]) + s[i + 1:]
    if k < 0.8:
        return s[:i] + s[i] + s[i:]
    if k < 0.9:
        c = s[i]
        return s[:i] + OCR.get(c, c) + s[i + 1:]
    for a, b in PHON:
        if a in s:
            return s.replace(a, b, 1)
    return s[:i] + s[i + 1:]


def cap(s):
    return " ".join(w.capitalize() for w in s.split())


def person(pid):
    first = R.choice(FIRST)
    last = R.choice(LAST) if R.random() < 0.9 else R.choice(LAST) + "-" + R.choice(LAST)
    city, state, z3 = R.choice(CITIES)
    zip_ = z3 + "%02d" % R.randrange(100)
    street = "%d %s %s" % (R.randrange(1, 9999), R.choice(STREETS), R.choice(SUFFIX)[0])
    area = R.choice(["212", "415", "617", "312", "713", "303", "206", "404", "305", "503"])
    phone = "%s%03d%04d" % (area, R.randrange(200, 999), R.randrange(10000))
    comp = R.choice(COMPANIES)
    dom = comp + ".com"
    sep = R.choice([".", "", "_"])
    if R.random() < 0.5:
        local = first + sep + last.replace("-", "")
    elif R.random() < 0.5:
        local = first[0] + last.replace("-", "")
    else:
        local = first + str(R.randrange(10, 9999))
    email = local + "@" + (dom if R.random() < 0.6 else R.choice(FREE))
    dob = "%04d-%02d-%02d" % (R.randrange(1940, 2004), R.randrange(1, 13), R.randrange(1, 29))
    return dict(pid=pid, first=first, last=last, email=email, phone=phone,
                company=comp + R.choice(FORMS), title=R.choice(TITLES), street=street,
                city=city, state=state, zip=zip_, dob=dob)


def fmt_phone(p):
    k = R.random()
    if k < 0.3:
        return "(%s) %s-%s" % (p[:3], p[3:6], p[6:])
    if k < 0.5:
        return "+1 %s %s %s" % (p[:3], p[3:6], p[6:])
    if k < 0.7:
        return "%s.%s.%s" % (p[:3], p[3:6], p[6:])
    return p


def variant(p):
    d = dict(p)
    if R.random() < 0.25:
        d["first"] = typo(d["first"])
    if R.random() < 0.2:
        d["last"] = typo(d["last"])
    if R.random() < 0.12 and d["first"] in NICK:
        d["first"] = R.choice(NICK[d["first"]])
    if R.random() < 0.05:
        d["first"] = d["first"][0]
    if R.random() < 0.04:
        d["first"], d["last"] = d["last"], d["first"]
    if R.random() < 0.05:
        d["last"] = R.choice(LAST)  # married name
    if R.random() < 0.15:  # moved
        d["city"], d["state"], z3 = R.choice(CITIES)
        d["zip"] = z3 + "%02d" % R.randrange(100)
        d["street"] = "%d %s %s" % (R.randrange(1, 9999), R.choice(STREETS), R.choice(SUFFIX)[0])
        if R.random() < 0.5:
            d["phone"] = d["phone"][:3] + "%03d%04d" % (R.randrange(200, 999), R.randrange(10000))
    if R.random() < 0.25:
        for a, b in SUFFIX:
            d["street"] = d["street"].replace(" " + a, " " + b)
    if R.random() < 0.1:
        d["street"] = typo(d["street"])
    if R.random() < 0.1:  # new job
        c = R.choice(COMPANIES)
        d["company"] = c + R.choice(FORMS)
        d["email"] = d["email"].split("@")[0] + "@" + c + ".com"
    e = d["email"]
    k = R.random()
    if k < 0.15:
        e = d["first"] + "." + d["last"] + "@" + R.choice(FREE)
    elif k < 0.25 and e.endswith("@gmail.com"):
        loc = e.split("@")[0]
        e = (loc[:2] + "." + loc[2:] if R.random() < 0.5 else loc + "+news") + "@gmail.com"
    elif k < 0.32:
        loc, dom = e.split("@")
        e = typo(loc) + "@" + dom
    elif k < 0.36:
        e = e.upper()
    d["email"] = e
    if R.random() < 0.1:
        d["dob"] = d["dob"][:8] + "%02d" % R.randrange(1, 29)
    d["company"] = d["company"].replace(" inc", "") if R.random() < 0.3 else d["company"]
    for f, pm in (("email", 0.12), ("phone", 0.25), ("company", 0.15), ("title", 0.3),
                  ("street", 0.2), ("dob", 0.3), ("zip", 0.08), ("city", 0.05)):
        if R.random() < pm:
            d[f] = ""
    return d


def row(rid, d, day):
    up = R.random() < 0.05
    f = (lambda s: s.upper()) if up else cap
    return [rid, f(d["first"]), f(d["last"]), d["email"], fmt_phone(d["phone"]) if d["phone"] else "",
            cap(d["company"]), cap(d["title"]), cap(d["street"]), cap(d["city"]), d["state"].upper(),
            d["zip"], d["dob"], "false", "2021-%02d-%02d 09:00" % (day % 12 + 1, day % 28 + 1)]


def mailbox(email):
    """The mailbox an address reaches: case, `+tag`, and Gmail's dots ignored."""
    local, _, dom = email.lower().partition("@")
    local = local.split("+")[0]
    if dom == "gmail.com":
        local = local.replace(".", "")
    return local + "@" + dom


def one_owner_a_mailbox(rows):
    """Give each mailbox to the first person met with it (a household's
    shared one to its household); the records of anyone else get the
    address with a number, the same one for every record of that person."""
    owner = {}
    renamed = {}
    for d in rows:
        if not d["email"]:
            continue
        key = mailbox(d["email"])
        who = owner.setdefault(key, d["pid"])
        if who == d["pid"] or d.get("shares") == who:
            continue
        if (d["pid"], key) not in renamed:
            local, _, dom = d["email"].partition("@")
            n = 2
            while mailbox("%s%d@%s" % (local, n, dom)) in owner:
                n += 1
            new = "%s%d@%s" % (local, n, dom)
            owner[mailbox(new)] = d["pid"]
            renamed[(d["pid"], key)] = new
        d["email"] = renamed[(d["pid"], key)]


def main():
    global shared_mailboxes
    shared_mailboxes = "--shared-mailboxes" in sys.argv
    sys.argv = [a for a in sys.argv if a != "--shared-mailboxes"]
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    R.seed(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    os.makedirs(out, exist_ok=True)
    people = []
    pid = 0
    while len(people) < n:
        p = person(pid)
        pid += 1
        people.append((p, False))
        k = R.random()
        if k < 0.04:  # household: another person at the same home
            q = person(pid)
            pid += 1
            for f in ("last", "street", "city", "state", "zip", "phone"):
                q[f] = p[f]
            if R.random() < 0.3:
                q["email"] = p["email"]
                q["shares"] = p["pid"]
            people.append((q, False))
        elif k < 0.06:  # namesake elsewhere
            q = person(pid)
            pid += 1
            q["first"], q["last"] = p["first"], p["last"]
            people.append((q, False))
        elif k < 0.07:  # twin
            q = person(pid)
            pid += 1
            for f in ("last", "street", "city", "state", "zip", "dob", "phone"):
                q[f] = p[f]
            people.append((q, False))
    rows = []
    for p, _ in people[:n]:
        rows.append(p)
        if R.random() < 0.12:
            for _ in range(R.choice([1, 1, 1, 2, 3])):
                rows.append(variant(p))
    R.shuffle(rows)
    if not shared_mailboxes:
        one_owner_a_mailbox(rows)
    ids = {}
    with open(os.path.join(out, "contacts.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Company Name",
                    "Job Title", "Street Address", "City", "State/Region", "Postal Code",
                    "Date of birth", "Unsubscribed from all email", "Create Date"])
        for i, d in enumerate(rows):
            rid = str(500000 + i)
            ids.setdefault(d["pid"], []).append(rid)
            w.writerow(row(rid, d, i))
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

#!/usr/bin/env python3
"""Independent generator of a HubSpot-UI-style contact export (CSV, label headers)
with planted duplicates and non-duplicate traps. stdlib only, seeded. Written by
an independent tester on 2026-12-08 who never saw the project's generator or
scorer; a development set since its false pairs were looked at that day.

usage: gen_hubspot.py N SEED OUT.csv TRUTH.csv [--lang de] [--cols name_place|bool_only] [--unique-email]
truth: record_id,person_id,kind,group   (kind = 'orig' | dup error kinds joined by '+';
       group = trap group id like 'household:12' shared by non-duplicate look-alikes)
"""
import csv, random, sys, string

FIRST_M = """James Robert John Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew
Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan
Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Frank Patrick
Raymond Jack Dennis Jerry Tyler Aaron Jose Adam Nathan Henry Douglas Zachary Peter Kyle Ethan Walter Noah Jeremy
Christian Keith Roger Terry Gerald Harold Sean Austin Carl Arthur Lawrence Dylan Jesse Jordan Bryan Billy Joe Bruce
Gabriel Logan Albert Willie Alan Juan Wayne Elijah Randy Roy Vincent Ralph Eugene Russell Bobby Mason Philip Louis
Mohammed Wei Hiroshi Raj Arjun Carlos Miguel Luis Diego Mateo Santiago Ahmed Omar Ali Hassan Yusuf Dmitri Ivan Sergei
Lars Sven Pierre Jean Luca Marco Giovanni Kwame Chinedu Tariq Vikram Sanjay Anil Hao Jun Minh Tuan Kenji Takeshi
Olusegun Emeka Rafael Andres Pablo Francisco Stefan Tobias Florian Mikhail Nikolai Theodore Frederick Leonard
Mitchell Franklin Terrence Nathaniel Desmond Malik Jamal DeShawn Tyrone Xavier Quentin Reginald Cornelius""".split()
FIRST_F = """Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Margaret
Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah Stephanie Rebecca Sharon Laura
Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma Nicole Helen Samantha Katherine Christine Debra Rachel
Carolyn Janet Catherine Maria Heather Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan
Evelyn Judith Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara Madison Frances Kathryn Janice
Jean Abigail Alice Judy Sophia Grace Denise Amber Doris Marilyn Danielle Beverly Isabella Theresa Diana Natalie
Brittany Charlotte Marie Kayla Alexis Lori Priya Ananya Mei Yuki Aiko Fatima Aisha Leila Sofia Valentina Camila
Lucia Ingrid Astrid Chloe Amelie Giulia Francesca Nkechi Adaeze Ngozi Thi Linh Hana Sakura Elena Olga Natasha
Svetlana Ximena Guadalupe Rosa Carmen Eleanor Madeline Allison Alexandra Jacqueline Gabriela Beatriz Renee Tamika
Latoya Keisha Imani Shanice Aaliyah Precious Destiny""".split()
LAST = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson
Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson
Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell
Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook
Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks
Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster
Jimenez Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons
Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera
Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods
Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter
Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone
Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne
Grant Dunn Kelley Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley Knight Elliott Cunningham
Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry Perkins Hoffman Johnston Matthews
Pena Richards Contreras Willis Carpenter Lawrence Sandoval Guerrero George Chapman Rios Estrada Ortega Watkins
Greene Nunez Wheeler Valdez Harper Burke Larson Santiago Maldonado Morrison Franklin Carlson Austin Dominguez
Carr Lawson Jacobs OBrien Lynch Singh Vega Bishop Montgomery Oliver Jensen Harvey Williamson Gilbert Dean Sims
Espinoza Howell Li Wong Reid Hanson Le McCoy Garrett Burton Fuller Wang Weber Welch Rojas Lucas Marquez Fields
Park Yang Little Banks Padilla Day Walsh Bowman Schultz Luna Fowler Mejia Davidson Acosta Brewer May Holland Juarez
Newman Pearson Curtis Cortez Douglas Schneider Joseph Barrett Navarro Figueroa Keller Avila Wade Molina Stanley
Hopkins Campos Barnett Bates Chambers Caldwell Beck Lambert Miranda Byrd Craig Ayala Lowe Frazier Powers Neal
Leonard Gregory Carrillo Sutton Fleming Rhodes Shelton Schwartz Norris Jennings Watts Duran Walters Cohen McDaniel
Moran Parks Steele Vaughn Becker Holt Deleon Barker Terry Hale Leon Hail Benson Haynes Horton Miles Lyons Pham
Graves Bush Thornton Wolfe Warner Cabrera McKinney Mann Zimmerman Dawson Lara Fletcher Page McCarthy Love Robles
Cervantes Solis Erickson Reeves Chang Klein Salinas Fuentes Baldwin Daniel Simon Velasquez Hardy Higgins Aguirre
Lin Cummings Chandler Sharp Barber Bowen Ochoa Dennis Robbins Liu Ramsey Francis Griffith Paul Blair OConnor
Cardenas Pacheco Cross Calderon Quinn Moss Swanson Chan Rivas Khan Rodgers Serrano Fitzgerald Rosales Stevenson
Christensen Manning Gill Curry McLaughlin Harmon McGee Gross Doyle Garner Newton Burgess Reese Walton Blake
Trujillo Adkins Brady Goodman Roman Webster Goodwin Fischer Huang Potter Delacruz Montoya Todd Wu Hines Mullins
Castaneda Malone Cannon Tate Mack Sherman Hubbard Hodges Zhang Guerra Wolf Valencia Saunders Franco Rowe Gallagher
Farmer Hammond Hampton Townsend Ingram Wise Gallegos Clarke Barton Schroeder Maxwell Waters Logan Camacho Strickland
Norman Person Colon Parsons Frank Harrington Glover Osborne Buchanan Casey Floyd Patton Ibarra Ball Tyler Suarez
Bowers Orozco Salas Cobb Gibbs Andrade Bauer Conner Moody Escobar McGuire Lloyd Mueller Hartman French Kramer
McBride Pope Lindsey Velazquez Norton McCormick Sparks Flynn Yates Hogan Marsh Macias Villanueva Zamora Pratt
Stokes Owen Ballard Lang Brock Villarreal Charles Drake Barrera Cain Patrick Pineda Burnett Mercado Santana
Shepherd Bautista Ali Shaffer Lamb Trevino McKenzie Hess Beil Olsen Cochran Morton Nash Wilkins Petersen Briggs
Shah Roth Nicholson Holloway Lozano Rangel Flowers Hoover Short Arias Mora Valenzuela Bryan Meyers Weiss Underwood
Bass Greer Summers Houston Carson Morrow Clayton Whitaker Decker Yoder Collier Zuniga Carey Wilcox Melendez Poole
Roberson Larsen Conley Davenport Copeland Massey Lam Huff Rocha Cameron Jefferson Hood Monroe Anthony Pittman
Huynh Randall Herring Small Kowalski Nowak Wisniewski Okafor Adeyemi Mensah Tanaka Suzuki Yamamoto Nakamura
Kobayashi Sato Ivanov Petrov Sokolov Rossi Russo Ferrari Esposito Bianchi Romano Dubois Lefebvre Moreau
Muller Schmitt Hoffmann Koch Richter Klein Wolff Lindqvist Johansson Andersson Nilsson Kaur Gupta Sharma Reddy
Iyer Nair Chowdhury Rahman Hussain Abdullah Haddad Nasser Farouk""".split()
# long tail: synthesized rare surnames
SYL1 = "Bar Brom Cal Dun Fal Gar Hal Kel Lan Mar Nor Pen Quin Rad Sel Tam Ver Wil Yar Zel Ash Bel Cor Dal Eld Fen Gil Hol Ing Jor".split()
SYL2 = "ton ley by well worth ford field more wick stead ham son ridge dale wood brook mont ers ling ard".split()

NICK = {"Robert":["Bob","Rob","Bobby"],"William":["Bill","Will","Billy"],"Richard":["Rick","Rich","Dick"],
"James":["Jim","Jimmy","Jamie"],"John":["Jack","Johnny"],"Michael":["Mike","Mikey"],"Elizabeth":["Liz","Beth","Betty","Eliza"],
"Katherine":["Kate","Kathy","Katie"],"Margaret":["Maggie","Peggy","Meg"],"Jennifer":["Jen","Jenny"],"Christopher":["Chris"],
"Matthew":["Matt"],"Anthony":["Tony"],"Daniel":["Dan","Danny"],"Joseph":["Joe","Joey"],"Thomas":["Tom","Tommy"],
"Charles":["Charlie","Chuck"],"Edward":["Ed","Eddie","Ted"],"Steven":["Steve"],"Stephen":["Steve"],"Patricia":["Pat","Patty","Trish"],
"Susan":["Sue","Susie"],"Deborah":["Debbie","Deb"],"Alexander":["Alex","Xander"],"Nicholas":["Nick"],"Benjamin":["Ben"],
"Samuel":["Sam"],"Jonathan":["Jon"],"Timothy":["Tim"],"Andrew":["Andy","Drew"],"Rebecca":["Becky"],"Victoria":["Vicky","Tori"],
"Jessica":["Jess"],"Kimberly":["Kim"],"Samantha":["Sam","Sammy"],"Gregory":["Greg"],"Kenneth":["Ken","Kenny"],
"Ronald":["Ron","Ronnie"],"Donald":["Don"],"Douglas":["Doug"],"Lawrence":["Larry"],"Jeffrey":["Jeff"],"Zachary":["Zach"],
"Abigail":["Abby"],"Alexandra":["Alex","Sasha"],"Christina":["Tina","Chris"],"Theodore":["Ted","Teddy","Theo"],
"Frederick":["Fred","Freddie"],"Raymond":["Ray"],"Gerald":["Jerry"],"Peter":["Pete"],"Philip":["Phil"],
"Stephanie":["Steph"],"Cynthia":["Cindy"],"Pamela":["Pam"],"Judith":["Judy"],"Sandra":["Sandy"],"Barbara":["Barb"],
"Catherine":["Cathy","Cat"],"Eleanor":["Ellie","Nora"],"Leonard":["Leo","Len"],"Vincent":["Vince"],"Nathaniel":["Nate","Nat"],
"Nathan":["Nate"],"Harold":["Harry"],"Henry":["Hank","Harry"],"Allison":["Ally"],"Madeline":["Maddie"],
"Jacqueline":["Jackie"],"Francis":["Frank"],"Franklin":["Frank"],"Terrence":["Terry"],"Walter":["Walt"],
"Mitchell":["Mitch"],"Jacob":["Jake"],"Joshua":["Josh"],"Eugene":["Gene"],"Gabriel":["Gabe"],"Isabella":["Bella","Izzy"],
"Olivia":["Liv"],"Dorothy":["Dot","Dottie"],"Kathleen":["Kathy","Kate"],"Christine":["Chris","Chrissy"],
"Natalie":["Nat"],"Danielle":["Dani"],"Dmitri":["Dima"],"Mikhail":["Misha"],"Francisco":["Paco","Pancho"],"Jose":["Pepe"]}

CITIES = [("New York","NY","100","212"),("Brooklyn","NY","112","718"),("Los Angeles","CA","900","213"),
("San Francisco","CA","941","415"),("San Diego","CA","921","619"),("San Jose","CA","951","408"),("Chicago","IL","606","312"),
("Houston","TX","770","713"),("Dallas","TX","752","214"),("Austin","TX","787","512"),("San Antonio","TX","782","210"),
("Phoenix","AZ","850","602"),("Philadelphia","PA","191","215"),("Pittsburgh","PA","152","412"),("Seattle","WA","981","206"),
("Portland","OR","972","503"),("Denver","CO","802","303"),("Boston","MA","021","617"),("Atlanta","GA","303","404"),
("Miami","FL","331","305"),("Orlando","FL","328","407"),("Tampa","FL","336","813"),("Charlotte","NC","282","704"),
("Raleigh","NC","276","919"),("Nashville","TN","372","615"),("Detroit","MI","482","313"),("Minneapolis","MN","554","612"),
("Columbus","OH","432","614"),("Cleveland","OH","441","216"),("Indianapolis","IN","462","317"),("Kansas City","MO","641","816"),
("St. Louis","MO","631","314"),("Salt Lake City","UT","841","801"),("Las Vegas","NV","891","702"),("Baltimore","MD","212","410"),
("Washington","DC","200","202"),("Richmond","VA","232","804"),("Milwaukee","WI","532","414"),("Omaha","NE","681","402"),
("Albuquerque","NM","871","505"),("Tucson","AZ","857","520"),("Sacramento","CA","958","916"),("Boise","ID","837","208"),
("Madison","WI","537","608"),("Burlington","VT","054","802"),("Springfield","IL","627","217"),("Springfield","MA","011","413"),
("Portland","ME","041","207"),("Columbia","SC","292","803"),("Louisville","KY","402","502")]
CITY_W = [30,8,20,10,6,5,18,12,9,8,5,8,9,4,9,6,8,9,9,7,4,4,5,3,5,5,5,4,3,4,3,3,3,4,3,5,2,2,2,2,2,3,2,2,1,1,1,1,1,2]
STREETS = """Main Oak Pine Maple Cedar Elm Washington Lake Hill Park Sunset Lincoln Jackson Church River Highland
Forest Walnut Spring Meadow Ridge Valley Chestnut Willow Franklin Madison Jefferson Adams Birch Dogwood Magnolia
Cherry Hickory Laurel Poplar Sycamore Aspen Mill Center Union Market Broad Water Bridge Railroad Harbor Bay""".split()
SUFFIX = ["St","Street","Ave","Avenue","Rd","Road","Blvd","Dr","Drive","Ln","Lane","Ct","Way","Pl"]
SUFFIX_ALT = {"St":"Street","Street":"St","Ave":"Avenue","Avenue":"Ave","Rd":"Road","Road":"Rd","Dr":"Drive","Drive":"Dr","Ln":"Lane","Lane":"Ln"}
CO_A = """Acme Apex Blue Bright Cedar Cobalt Crescent Delta Eagle Evergreen Falcon Frontier Global Granite Harbor
Horizon Iron Keystone Lakeside Liberty Lumen Maple Meridian Nova Northwind Oak Orbit Pinnacle Prairie Quantum
Redwood Riverbend Sage Sierra Silver Summit Sun Titan Trident Union Vertex Vista Willow Zenith Atlas Beacon Catalyst
Copper Pioneer""".split()
CO_B = """Analytics Logistics Systems Solutions Health Foods Partners Capital Labs Manufacturing Consulting Media
Software Dynamics Networks Energy Realty Insurance Bank Robotics Pharma Designs Retail Supply Logic Works""".split()
LEGAL = ["Inc.","Inc","LLC","Corp.","Corporation","Ltd","Co.","Group",""]
TITLES = """CEO CFO CTO COO VP of Sales|VP Marketing|Marketing Manager|Sales Manager|Account Executive|Software Engineer|
Senior Software Engineer|Product Manager|Director of Operations|Office Manager|HR Manager|Recruiter|Data Analyst|
Customer Success Manager|Accountant|Controller|Procurement Manager|IT Director|Operations Analyst|Business Development Rep|
Consultant|Project Manager|Owner|Founder|Partner|Head of Growth|Marketing Coordinator|Sales Development Representative""".replace("\n","")
TITLES = [t.strip() for t in TITLES.replace("CEO CFO CTO COO ","CEO|CFO|CTO|COO|").split("|") if t.strip()]
PERSONAL = ["gmail.com"]*10+["yahoo.com"]*4+["outlook.com"]*3+["hotmail.com"]*3+["aol.com","icloud.com","comcast.net","msn.com"]
STAGES = ["Subscriber","Lead","Marketing Qualified Lead","Sales Qualified Lead","Opportunity","Customer","Evangelist","Other"]
LEAD = ["New","Open","In Progress","Open Deal","Unqualified","Attempted to Contact","Connected","Bad Timing",""]
OWNERS = ["Sarah Connor","Mike Ross","Dana Scully","Leslie Knope","Tom Haverford","Ann Perkins","","",""]
SOURCES = ["Organic Search","Direct Traffic","Paid Search","Email Marketing","Social Media","Referrals","Offline Sources"]

HEAD_EN = ["Record ID","First Name","Last Name","Email","Phone Number","Mobile Phone Number","Company Name","Job Title",
"Street Address","City","State/Region","Postal Code","Country/Region","Create Date","Last Modified Date","Lifecycle Stage",
"Contact owner","Marketing contact status","Email opt out","Lead Status","Number of Pageviews","Original Source","Time Zone","Notes"]
HEAD_DE = {"Record ID":"Datensatz-ID","First Name":"Vorname","Last Name":"Nachname","Email":"E-Mail","Phone Number":"Telefonnummer",
"Mobile Phone Number":"Mobiltelefonnummer","Company Name":"Firmenname","Job Title":"Berufsbezeichnung","Street Address":"Adresse",
"City":"Stadt","State/Region":"Bundesland/Kanton","Postal Code":"Postleitzahl","Country/Region":"Land/Region","Create Date":"Erstellungsdatum",
"Last Modified Date":"Zuletzt geändert","Lifecycle Stage":"Lebenszyklusphase","Contact owner":"Kontaktinhaber",
"Marketing contact status":"Marketingkontaktstatus","Email opt out":"E-Mail-Abmeldung","Lead Status":"Lead-Status",
"Number of Pageviews":"Anzahl der Seitenaufrufe","Original Source":"Ursprüngliche Quelle","Time Zone":"Zeitzone","Notes":"Notizen"}

def zipf_weights(n, s=1.0):
    return [1.0/((i+1)**s) for i in range(n)]

class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)
        r = self.r
        tail = sorted({a+b for a in SYL1 for b in SYL2})
        r.shuffle(tail)
        self.last = LAST + tail[:400]
        self.lw = zipf_weights(len(self.last), 0.85)
        fm = FIRST_M[:]; ff = FIRST_F[:]
        self.fm, self.ff = fm, ff
        self.fmw = zipf_weights(len(fm), 0.9); self.ffw = zipf_weights(len(ff), 0.9)
        self.companies = []
        used = set()
        while len(self.companies) < 600:
            nm = r.choice(CO_A)+" "+r.choice(CO_B)
            if nm in used: continue
            used.add(nm)
            dom = nm.lower().replace(" ","")+r.choice([".com",".com",".com",".io",".net",".co"])
            self.companies.append((nm, r.choice(LEGAL), dom, r.choice(CITIES)))
        self.cw = zipf_weights(len(self.companies), 0.7)
        self.used_phones = set(); self.used_emails=set()
    def first(self, sex=None):
        r=self.r
        if sex is None: sex = r.choice("MF")
        return (r.choices(self.fm,self.fmw)[0] if sex=="M" else r.choices(self.ff,self.ffw)[0]), sex
    def lastname(self): return self.r.choices(self.last,self.lw)[0]
    def city(self): return self.r.choices(CITIES,CITY_W)[0]
    def phone(self, area):
        while True:
            p = area + str(self.r.randint(200,999)) + "%04d"%self.r.randint(0,9999)
            if p not in self.used_phones: self.used_phones.add(p); return p
    def addr(self, c):
        r=self.r
        street = "%d %s %s"%(r.randint(1,9999), r.choice(STREETS), r.choice(SUFFIX))
        if r.random()<0.12: street += r.choice([" Apt %d"%r.randint(1,40)," Unit %d"%r.randint(1,300)," #%d"%r.randint(1,30)])
        z = c[2]+"%02d"%r.randint(0,99)
        return street, c[0], c[1], z
    def work_email(self, f, l, dom):
        r=self.r; f=f.lower(); l=l.lower().replace(" ","")
        pat = r.choices(["f.l","fl","fl1","f","l.f","f_l"],[40,25,15,8,5,7])[0]
        loc = {"f.l":f+"."+l,"fl":f[0]+l,"fl1":f+l[0],"f":f,"l.f":l+"."+f,"f_l":f+"_"+l}[pat]
        e = loc+"@"+dom
        k=2
        while e in self.used_emails:
            e = loc+str(k)+"@"+dom; k+=1
        self.used_emails.add(e); return e
    def personal_email(self, f, l):
        r=self.r; f=f.lower(); l=l.lower().replace(" ","")
        pat = r.choice(["fl","f.l","fl##","f_l##","nick","fl#"])
        loc = {"fl":f+l,"f.l":f+"."+l,"fl##":f+l+str(r.randint(60,99)),"f_l##":f+"_"+l+str(r.randint(1,99)),
               "nick":r.choice(["cool","the","real","its","mr","ms"])+f+str(r.randint(1,999)),"fl#":f[0]+l+str(r.randint(1,9999))}[pat]
        e = loc+"@"+r.choice(PERSONAL)
        while e in self.used_emails: e = loc+str(r.randint(1,99))+"@"+r.choice(PERSONAL)
        self.used_emails.add(e); return e

def fmt_phone(r, p, style=None):
    if not p: return ""
    a,b,c = p[:3],p[3:6],p[6:]
    styles = ["+1 (%s) %s-%s","(%s) %s-%s","%s-%s-%s","%s%s%s","+1%s%s%s","%s.%s.%s","+1 %s %s %s","1-%s-%s-%s"]
    if style is None: style = r.choices(range(len(styles)),[20,25,20,10,8,7,5,5])[0]
    return styles[style]%(a,b,c)

def typo(r, s):
    if len(s) < 3: return s
    i = r.randint(1, len(s)-2); op = r.choice(["sub","del","ins","swap"])
    letters = string.ascii_lowercase
    if op=="sub": return s[:i]+r.choice(letters)+s[i+1:]
    if op=="del": return s[:i]+s[i+1:]
    if op=="ins": return s[:i]+r.choice(letters)+s[i:]
    return s[:i]+s[i+1]+s[i]+s[i+2:]

def date_str(r, lo=2016, hi=2025):
    return "%04d-%02d-%02d %02d:%02d"%(r.randint(lo,hi), r.randint(1,12), r.randint(1,28), r.randint(0,23), r.randint(0,59))

def make_person(g, pid, last=None, place=None, landline=None, sex=None, company=None, first=None):
    r=g.r
    f, sx = (first, sex) if first else g.first(sex)
    l = last or g.lastname()
    co = company or (r.choices(g.companies, g.cw)[0] if r.random()<0.85 else None)
    if place is None:
        c = co[3] if (co and r.random()<0.6) else g.city()
        place = g.addr(c)
    area = [x for x in CITIES if x[0]==place[1] and x[1]==place[2]][0][3]
    p = {"pid":pid,"First Name":f,"Last Name":l,"sex":sx}
    if co:
        p["Company Name"] = co[0]+(" "+co[1] if co[1] else ""); p["_dom"]=co[2]; p["_co"]=co
        p["Job Title"] = r.choice(TITLES)
        p["Email"] = g.work_email(f,l,co[2]) if r.random()<0.75 else g.personal_email(f,l)
    else:
        p["Company Name"]=""; p["Job Title"]=""; p["_dom"]=None; p["_co"]=None
        p["Email"] = g.personal_email(f,l) if r.random()<0.9 else ""
    p["_personal"] = g.personal_email(f,l)
    p["Street Address"],p["City"],p["State/Region"],p["Postal Code"] = place
    p["Country/Region"] = r.choice(["United States"]*8+["USA","US",""])
    p["_land"] = landline if landline is not None else (g.phone(area) if r.random()<0.55 else "")
    p["_mob"] = g.phone(r.choice([area]*3+[x[3] for x in CITIES])) if r.random()<0.6 else ""
    p["_area"]=area
    if not p["_land"] and not p["_mob"] and r.random()<0.5: p["_mob"]=g.phone(area)
    return p

def render(g, p, style=None):
    r=g.r
    row = {k:p.get(k,"") for k in ["First Name","Last Name","Email","Company Name","Job Title","Street Address","City","State/Region","Postal Code","Country/Region"]}
    row["Phone Number"] = fmt_phone(r, p["_land"] or (p["_mob"] if r.random()<0.3 else ""), style)
    row["Mobile Phone Number"] = fmt_phone(r, p["_mob"] if row["Phone Number"]!=fmt_phone(r,p["_mob"],style) or not p["_land"] else "", style)
    if not p["_land"] and row["Phone Number"]: row["Mobile Phone Number"]=""
    cd = date_str(r); row["Create Date"]=cd
    row["Last Modified Date"] = date_str(r, int(cd[:4]), 2025) if int(cd[:4])<2025 else cd
    if row["Last Modified Date"] < cd: row["Last Modified Date"]=cd
    row["Lifecycle Stage"] = r.choices(STAGES,[20,30,15,8,6,15,2,4])[0]
    row["Contact owner"] = r.choice(OWNERS)
    row["Marketing contact status"] = r.choice(["Marketing contact","Marketing contact","Non-marketing contact"])
    row["Email opt out"] = r.choice(["false"]*5+["true",""])
    row["Lead Status"] = r.choice(LEAD)
    row["Number of Pageviews"] = str(int(r.expovariate(0.1)))
    row["Original Source"] = r.choice(SOURCES)
    row["Time Zone"] = r.choice(["America/New_York","America/Chicago","America/Denver","America/Los_Angeles",""])
    row["Notes"] = r.choice(["","","","","Met at trade show","Call back Q3","VIP","Do not call before 10am","Referred by partner"])
    return row

DUP_KINDS = ["typo","nickname","swap","missing","email_personal","job_change","moved","phone_format","case_ws"]
DUP_W =     [22,    14,        5,     16,       14,              10,          10,     20,            15]

def make_dup(g, p):
    """returns (variant person dict, list of kinds applied)"""
    r=g.r
    q = dict(p)
    n = r.choices([1,2,3],[50,35,15])[0]
    kinds = []
    while len(kinds)<n:
        k = r.choices(DUP_KINDS, DUP_W)[0]
        if k not in kinds: kinds.append(k)
    for k in kinds:
        if k=="typo":
            fld = r.choice(["First Name","Last Name","Last Name","Email","Street Address","Company Name"])
            if fld=="Email" and q["Email"]:
                loc,dom = q["Email"].split("@"); q["Email"]=typo(r,loc)+"@"+dom
            elif q.get(fld): q[fld]=typo(r,q[fld])
        elif k=="nickname":
            if q["First Name"] in NICK: q["First Name"]=r.choice(NICK[q["First Name"]])
            elif q["First Name"]:
                q["First Name"]=q["First Name"][0]+"." if r.random()<0.5 else typo(r,q["First Name"]); kinds[kinds.index(k)]="initial_or_typo"
        elif k=="swap":
            if not (q["First Name"] and q["Last Name"]): continue
            q["First Name"],q["Last Name"]=q["Last Name"],q["First Name"]
        elif k=="missing":
            for fld in r.sample(["Email","_land","_mob","Company Name","Job Title","Street Address","Postal Code","City","First Name"], r.randint(1,3)):
                q[fld]=""
        elif k=="email_personal":
            q["Email"] = p["_personal"] if q["Email"]!=p["_personal"] else (g.work_email(p["First Name"],p["Last Name"],p["_dom"]) if p["_dom"] else g.personal_email(p["First Name"],p["Last Name"]))
        elif k=="job_change":
            co = r.choices(g.companies,g.cw)[0]
            q["Company Name"]=co[0]+(" "+co[1] if co[1] else ""); q["Job Title"]=r.choice(TITLES)
            q["Email"]=g.work_email(p["First Name"],p["Last Name"],co[2]) if r.random()<0.8 else q["Email"]
            if r.random()<0.5: q["_land"]=""
        elif k=="moved":
            c = g.city(); st,ci,s,z = g.addr(c)
            q["Street Address"],q["City"],q["State/Region"],q["Postal Code"]=st,ci,s,z
            q["_land"] = g.phone(c[3]) if p["_land"] else ""
        elif k=="phone_format":
            pass  # render picks a random format; we also sometimes swap landline/mobile columns
            if r.random()<0.3: q["_land"],q["_mob"]=q["_mob"],q["_land"]
        elif k=="case_ws":
            for fld in ["First Name","Last Name","Email","City","Company Name"]:
                v=q.get(fld,"")
                if not v: continue
                t=r.random()
                if t<0.3: v=v.upper()
                elif t<0.6: v=v.lower()
                if r.random()<0.4: v=" "+v+"  "
                q[fld]=v
            if q["Street Address"] and r.random()<0.5:
                w=q["Street Address"].split(" ")
                if w[-1] in SUFFIX_ALT: w[-1]=SUFFIX_ALT[w[-1]]
                q["Street Address"]=" ".join(w)
    return q, kinds

def generate(n, seed):
    g = Gen(seed); r=g.r
    rows=[]  # (row dict, pid, kind, group)
    pid=0; gid=0
    def add(p, kind="orig", group=""):
        rows.append((render(g,p), p["pid"], kind, group))
    while len(rows) < n:
        t = r.random()
        if t < 0.06:   # household: 2-4 people, same last name, address, landline
            gid+=1; grp="household:%d"%gid
            base = make_person(g, pid); pid+=1
            if not base["_land"]: base["_land"]=g.phone(base["_area"])
            add(base, group=grp)
            place=(base["Street Address"],base["City"],base["State/Region"],base["Postal Code"])
            for _ in range(r.randint(1,3)):
                m = make_person(g, pid, last=base["Last Name"] if r.random()<0.85 else None, place=place, landline=base["_land"]); pid+=1
                if r.random()<0.2: m["Email"]=(base["Last Name"].lower()+"family@"+r.choice(PERSONAL)) if r.random()<0.5 else base["Email"]
                add(m, group=grp)
                if r.random()<0.12: mq,k=make_dup(g,m); add(mq,"+".join(k),grp)
        elif t < 0.075:  # father / son (Jr.) at one address
            gid+=1; grp="jr:%d"%gid
            base = make_person(g, pid, sex="M"); pid+=1
            if not base["_land"]: base["_land"]=g.phone(base["_area"])
            place=(base["Street Address"],base["City"],base["State/Region"],base["Postal Code"])
            son = make_person(g, pid, last=base["Last Name"], place=place, landline=base["_land"], first=base["First Name"], sex="M"); pid+=1
            if r.random()<0.6: son["Last Name"]=base["Last Name"]+r.choice([" Jr."," Jr",", Jr."," II"])
            add(base, group=grp); add(son, group=grp)
        elif t < 0.085:  # twins: same last name, address, landline; first names often alike
            gid+=1; grp="twins:%d"%gid
            sex=r.choice("MF")
            a = make_person(g, pid, sex=sex); pid+=1
            if not a["_land"]: a["_land"]=g.phone(a["_area"])
            place=(a["Street Address"],a["City"],a["State/Region"],a["Postal Code"])
            pairs=[("Daniel","Danielle"),("Jon","John"),("Kristen","Kirsten"),("Mark","Marc"),("Aaron","Erin"),("Ryan","Brian"),("Ella","Emma"),("Liam","Lia")]
            if r.random()<0.5:
                f1,f2=r.choice(pairs); a["First Name"]=f1
            else: f2=g.first()[0]
            b = make_person(g, pid, last=a["Last Name"], place=place, landline=a["_land"], first=f2, sex=sex); pid+=1
            add(a, group=grp); add(b, group=grp)
        elif t < 0.115:  # namesakes: same full name, different people (often same big city)
            gid+=1; grp="namesake:%d"%gid
            f,sx = g.first(); l = g.lastname()
            c = g.city() if r.random()<0.5 else None
            for _ in range(r.randint(2,3)):
                pl = g.addr(c) if c else None
                p = make_person(g, pid, last=l, first=f, sex=sx, place=pl); pid+=1
                add(p, group=grp)
        elif t < 0.135:  # shared role mailbox / switchboard at one company
            gid+=1; grp="role:%d"%gid
            co = r.choices(g.companies,g.cw)[0]
            mbox = r.choice(["info","sales","contact","office","admin","hello","support"])+"@"+co[2]
            sw = g.phone([x for x in CITIES if x==co[3]][0][3])
            for _ in range(r.randint(2,4)):
                p = make_person(g, pid, company=co); pid+=1
                p["Email"]=mbox
                if r.random()<0.6: p["_land"]=sw
                add(p, group=grp)
        else:
            p = make_person(g, pid); pid+=1
            add(p)
            if r.random() < 0.14:
                for _ in range(r.choices([1,2,3],[75,20,5])[0]):
                    q,k = make_dup(g,p); add(q, "+".join(k))
    rows = rows[:n]
    # shuffle order, assign record ids as HubSpot does (large, increasing-ish)
    r.shuffle(rows)
    out=[]; base_id=r.randint(10**10, 9*10**10)
    for i,(row,pid_,kind,grp) in enumerate(rows):
        rid = str(base_id + i*r.randint(1,50) + r.randint(0,49))
        row["Record ID"]=rid
        out.append((row,pid_,kind,grp))
    # make ids unique & increasing
    seen=set()
    for row,_,_,_ in out:
        while row["Record ID"] in seen: row["Record ID"]=str(int(row["Record ID"])+1)
        seen.add(row["Record ID"])
    return out

def main():
    a = sys.argv[1:]
    n, seed, outp, truthp = int(a[0]), int(a[1]), a[2], a[3]
    lang = a[a.index("--lang")+1] if "--lang" in a else "en"
    cols = a[a.index("--cols")+1] if "--cols" in a else "all"
    data = generate(n, seed)
    if "--unique-email" in a:
        # HubSpot keeps one contact per email (case-insensitive); a later record with a taken email
        # keeps no primary email (role mailboxes get another role box at the same domain when free)
        seen=set(); order=sorted(range(len(data)), key=lambda i: data[i][0]["Create Date"])
        for i in order:
            row=data[i][0]; e=row["Email"].strip().lower()
            if not e: continue
            if e in seen:
                new=""
                if data[i][3].startswith("role:"):
                    dom=e.split("@")[1]
                    for box in ["info","sales","contact","office","admin","hello","support","team","marketing"]:
                        if box+"@"+dom not in seen: new=box+"@"+dom; break
                row["Email"]=new; e=new
            else:
                row["Email"]=e
            if e: seen.add(e)
    head = HEAD_EN
    if cols=="name_place": head=["Record ID","First Name","Last Name","City","Postal Code"]
    if cols=="bool_only": head=["Record ID","First Name","Last Name","Marketing contact status","Email opt out","Lifecycle Stage","Create Date"]
    with open(outp,"w",newline="",encoding="utf-8") as f:
        w=csv.writer(f)
        w.writerow([HEAD_DE.get(h,h) if lang=="de" else h for h in head])
        for row,_,_,_ in data: w.writerow([row[h] for h in head])
    with open(truthp,"w",newline="") as f:
        w=csv.writer(f); w.writerow(["record_id","person_id","kind","group"])
        for row,pid,kind,grp in data: w.writerow([row["Record ID"],pid,kind,grp])

if __name__=="__main__": main()

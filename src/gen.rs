//! A deterministic generator of realistic HubSpot exports with known
//! duplicates, for benchmarks and for measuring the duplicate finder.
//!
//! Same seed and size give the same bytes, on every machine: the random
//! numbers come from a fixed SplitMix64 stream (hand-written so that no
//! crate upgrade can change the data).

use serde_json::{json, Map, Value};

use crate::dates::{format_date, DateForm, Millis};
use crate::format::csv::{Column, CsvLayout};
use crate::labels::LIFECYCLE_STAGES;
use crate::model::{AssocList, Associations, Contact, Export, JsonShape, Layout};

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenOptions {
    pub contacts: usize,
    /// Share of contacts that are duplicates of another one (0.0 to 0.5).
    pub duplicate_rate: f64,
    pub seed: u64,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            contacts: 1000,
            duplicate_rate: 0.1,
            seed: 42,
        }
    }
}

/// A generated export and its true duplicate pairs (primary = the older
/// record, secondary = the duplicate).
#[derive(Debug, Clone)]
pub struct Generated {
    pub export: Export,
    pub pairs: Vec<(String, String)>,
}

/// SplitMix64: tiny, fast, and fixed forever.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }
    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const FIRST: &[(&str, &str)] = &[
    ("Robert", "Bob"),
    ("William", "Bill"),
    ("Elizabeth", "Liz"),
    ("Katherine", "Kate"),
    ("Margaret", "Maggie"),
    ("Richard", "Dick"),
    ("James", "Jim"),
    ("Jennifer", "Jen"),
    ("Michael", "Mike"),
    ("Christopher", "Chris"),
    ("Daniel", "Dan"),
    ("Matthew", "Matt"),
    ("Anthony", "Tony"),
    ("Joseph", "Joe"),
    ("Thomas", "Tom"),
    ("Patricia", "Pat"),
    ("Alexander", "Alex"),
    ("Samantha", "Sam"),
    ("Jonathan", "Jon"),
    ("Rebecca", "Becky"),
    ("Steven", "Steve"),
    ("Edward", "Ed"),
    ("Nicholas", "Nick"),
    ("Victoria", "Vicky"),
    ("Benjamin", "Ben"),
    ("Zoë", "Zoe"),
    ("José", "Jose"),
    ("Łukasz", "Lukasz"),
    ("Amelia", "Amy"),
    ("Olivia", "Liv"),
    ("Sophia", "Sophie"),
    ("Isabella", "Bella"),
    ("Emma", "Emma"),
    ("Noah", "Noah"),
    ("Liam", "Liam"),
    ("Mia", "Mia"),
    ("Aiko", "Aiko"),
    ("Priya", "Priya"),
    ("Mateo", "Mateo"),
    ("Fatima", "Fatima"),
];

const LAST: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Müller",
    "Schmidt",
    "Kowalski",
    "Nowak",
    "Dubois",
    "Rossi",
    "Tanaka",
    "Sato",
    "Kim",
    "Patel",
    "O'Brien",
    "Ó Súilleabháin",
];

const COMPANIES: &[&str] = &[
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Vandelay",
    "Stark",
    "Wayne",
    "Wonka",
    "Cyberdyne",
    "Soylent",
    "Tyrell",
    "Massive Dynamic",
    "Aperture",
    "Oscorp",
    "Nakatomi",
    "Gringotts",
    "Monarch",
    "Dunder Mifflin",
    "Pied Piper",
    "Prestige",
    "Sterling Cooper",
    "Blue Sun",
    "Virtucon",
    "Gekko",
    "Oceanic",
    "Wernham Hogg",
    "Bluth",
    "Krusty",
    "Duff",
];

const SUFFIXES: &[&str] = &["", " Inc.", " LLC", " Ltd", " GmbH", " Corp", " S.A."];

const PERSONAL_DOMAINS: &[&str] = &[
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "proton.me",
    "icloud.com",
];

const SOURCES: &[(&str, &str, &str)] = &[
    ("ORGANIC_SEARCH", "google", "crm software"),
    ("PAID_SEARCH", "google", "merge contacts"),
    ("PAID_SOCIAL", "linkedin", "spring-campaign"),
    ("SOCIAL_MEDIA", "twitter", ""),
    ("EMAIL_MARKETING", "newsletter", "march"),
    ("DIRECT_TRAFFIC", "", ""),
    ("REFERRALS", "partner.example", ""),
    ("OFFLINE", "import", "tradeshow-2023"),
];

const CITIES: &[(&str, &str, &str)] = &[
    ("Boston", "02110", "United States"),
    ("Austin", "73301", "United States"),
    ("Chicago", "60601", "United States"),
    ("London", "EC1A 1BB", "United Kingdom"),
    ("Berlin", "10115", "Germany"),
    ("Warsaw", "00-001", "Poland"),
    ("Paris", "75001", "France"),
    ("Tokyo", "100-0001", "Japan"),
    ("Toronto", "M5H 2N2", "Canada"),
    ("Sydney", "2000", "Australia"),
];

/// One person before formatting: the fields duplicates vary.
#[derive(Debug, Clone)]
struct Person {
    first: String,
    last: String,
    email: String,
    phone: String,
    company: String,
    city: usize,
    job: &'static str,
}

const JOBS: &[&str] = &[
    "Buyer",
    "CTO",
    "Office Manager",
    "VP Sales",
    "Engineer",
    "Analyst",
    "Founder",
    "Designer",
    "Procurement Lead",
    "Marketing Manager",
];

fn ascii_fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ë' | 'é' | 'è' => 'e',
            'ü' => 'u',
            'ó' | 'Ó' => 'o',
            'á' => 'a',
            'Ł' => 'L',
            'ł' => 'l',
            c => c,
        })
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase()
}

fn phone_digits(rng: &mut Rng) -> String {
    format!(
        "{:03}{:03}{:04}",
        200 + rng.below(700),
        rng.below(1000),
        rng.below(10000)
    )
}

fn format_phone(d: &str, style: u64) -> String {
    match style {
        0 => format!("+1 {} {} {}", &d[..3], &d[3..6], &d[6..]),
        1 => format!("({}) {}-{}", &d[..3], &d[3..6], &d[6..]),
        2 => format!("{}.{}.{}", &d[..3], &d[3..6], &d[6..]),
        _ => d.to_string(),
    }
}

/// A one-letter typo: swap two neighbours, drop one, or double one.
fn typo(rng: &mut Rng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    if chars.len() < 4 {
        return s.to_string();
    }
    let i = 1 + rng.below(chars.len() as u64 - 2) as usize;
    match rng.below(3) {
        0 => chars.swap(i, i + 1),
        1 => {
            chars.remove(i);
        }
        _ => {
            let c = chars[i];
            chars.insert(i, c);
        }
    }
    chars.into_iter().collect()
}

fn new_person(rng: &mut Rng, n: usize) -> Person {
    let (first, _) = *rng.pick(FIRST);
    let last = *rng.pick(LAST);
    let company = *rng.pick(COMPANIES);
    let domain = format!("{}.example", ascii_fold(company));
    // The number keeps emails unique across a million people.
    let email = match rng.below(3) {
        0 => format!("{}.{}{}@{domain}", ascii_fold(first), ascii_fold(last), n),
        1 => format!(
            "{}{}{}@{domain}",
            &ascii_fold(first)[..1],
            ascii_fold(last),
            n
        ),
        _ => format!("{}{}@{}", ascii_fold(first), n, rng.pick(PERSONAL_DOMAINS)),
    };
    Person {
        first: first.to_string(),
        last: last.to_string(),
        email,
        phone: phone_digits(rng),
        company: format!("{company}{}", rng.pick(SUFFIXES)),
        city: rng.below(CITIES.len() as u64) as usize,
        job: JOBS[rng.below(JOBS.len() as u64) as usize],
    }
}

/// A duplicate of a person: the ways real duplicates differ.
fn duplicate_of(rng: &mut Rng, p: &Person, n: usize) -> Person {
    let mut d = p.clone();
    // Name: a nickname, a typo, or the same.
    match rng.below(10) {
        0..=1 => {
            if let Some((_, nick)) = FIRST.iter().find(|(f, _)| *f == p.first) {
                d.first = nick.to_string();
            }
        }
        2 => d.last = typo(rng, &p.last),
        3 => d.first = typo(rng, &p.first),
        4 => d.first = d.first.to_uppercase(),
        _ => {}
    }
    // Email: another address, the same in other case, a typo, or the same.
    match rng.below(10) {
        0..=3 => {
            d.email = format!(
                "{}.{}{}@{}",
                ascii_fold(&p.first),
                ascii_fold(&p.last),
                n,
                rng.pick(PERSONAL_DOMAINS)
            )
        }
        4..=5 => d.email = p.email.to_uppercase(),
        6 => {
            if let Some((local, domain)) = p.email.split_once('@') {
                let e = format!("{}@{domain}", typo(rng, local));
                if crate::props::is_valid_email(&e) {
                    d.email = e;
                }
            }
        }
        7 => d.email = String::new(),
        _ => {}
    }
    // Phone: formatted differently, missing, or the same.
    // (Each contact's phone is written in a style of its own.)
    if rng.below(10) < 3 {
        d.phone.clear();
    }
    // Company: with or without a legal suffix.
    if rng.chance(0.3) {
        let base = COMPANIES
            .iter()
            .find(|c| p.company.starts_with(**c))
            .copied()
            .unwrap_or(&p.company);
        d.company = format!("{base}{}", rng.pick(SUFFIXES));
    } else if rng.chance(0.15) {
        d.company.clear();
    }
    if rng.chance(0.2) {
        d.job = *rng.pick(JOBS);
    }
    d
}

const DAY: Millis = 86_400_000;
const START: Millis = 1_577_836_800_000; // 2020-01-01

mod hard;
pub use hard::HardCases;

/// A new person, or (as `hard` says) one living with an earlier person
/// or sharing their name; a duplicate that moved is made here too.
fn hard_person(rng: &mut Rng, people: &[(Person, Millis)], hard: HardCases, i: usize) -> Person {
    let j = i - 1 - rng.below(i.min(5000) as u64) as usize;
    let x = rng.below(1_000_000) as f64 / 1e6;
    if x < hard.household {
        hard::household_of(rng, &people[j].0, i)
    } else if x < hard.household + hard.namesake {
        hard::namesake_of(rng, &people[j].0, i)
    } else {
        new_person(rng, i)
    }
}

/// Generate an export and its true duplicate pairs.
pub fn generate(opts: &GenOptions) -> Generated {
    generate_with(opts, HardCases::default())
}

/// [`generate`] with hard cases: households, namesakes, moves.
pub fn generate_with(opts: &GenOptions, hard: HardCases) -> Generated {
    let mut rng = Rng::new(opts.seed);
    let n = opts.contacts;
    let rate = opts.duplicate_rate.clamp(0.0, 0.5);
    let mut people: Vec<(Person, Millis)> = Vec::with_capacity(n);
    // Which earlier contact each duplicate copies.
    let mut origin: Vec<Option<usize>> = Vec::with_capacity(n);
    for i in 0..n {
        let dup_of = (i > 10 && rng.chance(rate)).then(|| {
            // A recent-ish original, as duplicates arrive over time; never a
            // duplicate itself, so each pair's primary is an original.
            let mut j = i - 1 - rng.below(i.min(5000) as u64) as usize;
            while let Some(o) = origin[j] {
                j = o;
            }
            j
        });
        let person = match dup_of {
            Some(j) => {
                let mut d = duplicate_of(&mut rng, &people[j].0, i);
                if hard.moved > 0.0 && rng.chance(hard.moved) {
                    hard::move_away(&mut rng, &mut d);
                }
                d
            }
            None if hard.any() && i > 10 => hard_person(&mut rng, &people, hard, i),
            None => new_person(&mut rng, i),
        };
        let created = match dup_of {
            Some(j) => people[j].1 + DAY * (1 + rng.below(600) as i64),
            None => START + DAY * rng.below(1500) as i64 + rng.below(DAY as u64) as i64,
        };
        people.push((person, created));
        origin.push(dup_of);
    }
    let id_of = |i: usize| (1_000_001 + i).to_string();
    let mut contacts = Vec::with_capacity(n);
    let mut pairs = Vec::new();
    for (i, (p, created)) in people.iter().enumerate() {
        contacts.push(to_contact(&mut rng, &id_of(i), p, *created));
        if let Some(j) = origin[i] {
            pairs.push((id_of(j), id_of(i)));
        }
    }
    Generated {
        export: Export {
            contacts,
            layout: Layout::Json {
                shape: JsonShape::Array,
                pretty: false,
                text: Default::default(),
            },
        },
        pairs,
    }
}

fn to_contact(rng: &mut Rng, id: &str, p: &Person, created: Millis) -> Contact {
    let modified = created + DAY * rng.below(400) as i64 + rng.below(DAY as u64) as i64;
    let (city, zip, country) = CITIES[p.city];
    let (source, d1, d2) = *rng.pick(SOURCES);
    let stage = rng.pick(&LIFECYCLE_STAGES[..6]).0;
    let visits = rng.below(30);
    let iso = |ms| format_date(ms, DateForm::Iso);
    let mut c = Contact::new(id);
    let phone_style = rng.below(4);
    let props: [(&str, String); 22] = [
        ("hs_object_id", id.to_string()),
        ("firstname", p.first.clone()),
        ("lastname", p.last.clone()),
        ("email", p.email.clone()),
        (
            "phone",
            if p.phone.is_empty() {
                String::new()
            } else {
                format_phone(&p.phone, phone_style)
            },
        ),
        ("company", p.company.clone()),
        ("jobtitle", p.job.to_string()),
        ("city", city.to_string()),
        ("zip", zip.to_string()),
        ("country", country.to_string()),
        ("lifecyclestage", stage.to_string()),
        ("createdate", iso(created)),
        ("lastmodifieddate", iso(modified)),
        ("num_conversion_events", rng.below(6).to_string()),
        ("num_unique_conversion_events", rng.below(3).to_string()),
        ("hs_marketable_status", rng.chance(0.6).to_string()),
        (
            "hs_analytics_num_page_views",
            (visits * (1 + rng.below(5))).to_string(),
        ),
        ("hs_analytics_num_visits", visits.to_string()),
        ("hs_analytics_source", source.to_string()),
        ("hs_analytics_source_data_1", d1.to_string()),
        ("hs_analytics_source_data_2", d2.to_string()),
        ("hs_email_optout", rng.chance(0.05).to_string()),
    ];
    for (k, v) in props {
        c.properties.insert(k.into(), Some(v));
    }
    c.associations = Some(associations(rng));
    add_sections(rng, &mut c, p, created, modified);
    c
}

/// A generated contact's company and deals (drawn after its properties).
fn associations(rng: &mut Rng) -> Associations {
    let mut assoc = Associations::default();
    assoc.insert(
        "companies".into(),
        AssocList::plain([format!("{}", 500_000 + rng.below(COMPANIES.len() as u64))]),
    );
    let deals = rng.below(3);
    assoc.insert(
        "deals".into(),
        AssocList::plain((0..deals).map(|k| format!("{}{k}", 7_000_000 + rng.below(1_000_000)))),
    );
    assoc
}

/// A generated contact's sections: dates, archived, timeline,
/// subscriptions, user tokens (drawn after its associations).
fn add_sections(rng: &mut Rng, c: &mut Contact, p: &Person, created: Millis, modified: Millis) {
    let iso = |ms| format_date(ms, DateForm::Iso);
    let id = c.id.clone();
    c.key_order = vec!["id".into(), "properties".into()];
    c.set_section("createdAt", Value::String(iso(created)));
    c.set_section("updatedAt", Value::String(iso(modified)));
    c.set_section("archived", Value::Bool(false));
    c.note_key("associations");
    let engagements: Vec<Value> = (0..rng.below(3))
        .map(|k| {
            json!({
                "id": format!("e-{id}-{k}"),
                "type": *rng.pick(&["EMAIL", "CALL", "MEETING", "NOTE"]),
                "timestamp": iso(created + DAY * k as i64),
            })
        })
        .collect();
    c.set_section("engagements", Value::Array(engagements));
    let mut subs = Map::new();
    if !p.email.is_empty() {
        subs.insert(
            p.email.clone(),
            json!([{"id": "sub-newsletter", "status": if rng.chance(0.8) { "SUBSCRIBED" } else { "UNSUBSCRIBED" }}]),
        );
    }
    c.set_section("subscriptions", Value::Object(subs));
    c.set_section("usertokens", json!([format!("utk-{:x}", rng.next_u64())]));
}

/// The HubSpot CSV layout the generator writes: labels as headers.
pub fn csv_layout() -> CsvLayout {
    let cols: &[(&str, Column)] = &[
        ("Record ID", Column::Property("hs_object_id".into())),
        ("First Name", Column::Property("firstname".into())),
        ("Last Name", Column::Property("lastname".into())),
        ("Email", Column::Property("email".into())),
        ("Phone Number", Column::Property("phone".into())),
        ("Company Name", Column::Property("company".into())),
        ("Job Title", Column::Property("jobtitle".into())),
        ("City", Column::Property("city".into())),
        ("Postal Code", Column::Property("zip".into())),
        ("Country/Region", Column::Property("country".into())),
        ("Lifecycle Stage", Column::Property("lifecyclestage".into())),
        ("Create Date", Column::Property("createdate".into())),
        (
            "Last Modified Date",
            Column::Property("lastmodifieddate".into()),
        ),
        (
            "Number of Form Submissions",
            Column::Property("num_conversion_events".into()),
        ),
        (
            "Number of Unique Forms Submitted",
            Column::Property("num_unique_conversion_events".into()),
        ),
        (
            "Marketing contact status",
            Column::Property("hs_marketable_status".into()),
        ),
        (
            "Number of Pageviews",
            Column::Property("hs_analytics_num_page_views".into()),
        ),
        (
            "Number of Sessions",
            Column::Property("hs_analytics_num_visits".into()),
        ),
        (
            "Original Source",
            Column::Property("hs_analytics_source".into()),
        ),
        (
            "Original Source Drill-Down 1",
            Column::Property("hs_analytics_source_data_1".into()),
        ),
        (
            "Original Source Drill-Down 2",
            Column::Property("hs_analytics_source_data_2".into()),
        ),
        (
            "Unsubscribed from all email",
            Column::Property("hs_email_optout".into()),
        ),
        (
            "Associated Company IDs",
            Column::Association("companies".into()),
        ),
        ("Associated Deal IDs", Column::Association("deals".into())),
    ];
    CsvLayout {
        headers: cols.iter().map(|(h, _)| h.to_string()).collect(),
        columns: cols.iter().map(|(_, c)| c.clone()).collect(),
        id_column: 0,
        bom: false,
        crlf: false,
        quote_all: false,
        labels: true,
        delimiter: b',',
        sheet: None,
        unterminated: None,
    }
}

/// The CSV form of generated contacts: what HubSpot's export writes (labels
/// for option values, `YYYY-MM-DD HH:MM` dates).
pub fn to_csv_export(g: &Generated) -> Export {
    into_csv_form(g.export.clone())
}

/// [`to_csv_export`] in place, for exports too large to copy.
pub fn into_csv_form(mut export: Export) -> Export {
    for c in &mut export.contacts {
        for (k, v) in c.properties.iter_mut() {
            let Some(text) = v.as_mut() else { continue };
            match &**k {
                "createdate" | "lastmodifieddate" => {
                    if let Ok(ms) = crate::dates::parse_millis(text) {
                        *text = format_date(ms, DateForm::Minutes);
                    }
                }
                "lifecyclestage" => {
                    if let Some((_, label)) = LIFECYCLE_STAGES.iter().find(|(v, _)| v == text) {
                        *text = label.to_string();
                    }
                }
                "hs_marketable_status" => {
                    *text = if text == "true" {
                        "Marketing contact".into()
                    } else {
                        "Non-marketing contact".into()
                    }
                }
                _ => {}
            }
        }
        // A CSV export has no place for the other sections.
        c.sections.clear();
        c.key_order.clear();
    }
    export.layout = Layout::Csv(csv_layout());
    export
}

/// The true pairs as a plan CSV (`primary_id,secondary_id`).
pub fn plan_csv(pairs: &[(String, String)]) -> String {
    let mut s = String::from("primary_id,secondary_id\n");
    for (p, q) in pairs {
        s.push_str(p);
        s.push(',');
        s.push_str(q);
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{write_to_vec, Format};

    fn small(seed: u64) -> Generated {
        generate(&GenOptions {
            contacts: 2000,
            duplicate_rate: 0.1,
            seed,
        })
    }

    #[test]
    fn same_seed_same_bytes() {
        let (a, b) = (small(7), small(7));
        for f in [Format::Json, Format::Ndjson] {
            assert_eq!(write_to_vec(&a.export, f), write_to_vec(&b.export, f));
        }
        assert_eq!(
            write_to_vec(&to_csv_export(&a), Format::Csv),
            write_to_vec(&to_csv_export(&b), Format::Csv)
        );
        assert_eq!(a.pairs, b.pairs);
        assert_ne!(
            write_to_vec(&small(8).export, Format::Json),
            write_to_vec(&a.export, Format::Json)
        );
    }

    #[test]
    fn pairs_name_contacts_in_the_file() {
        let g = small(1);
        let ids: std::collections::HashSet<&str> =
            g.export.contacts.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids.len(), g.export.contacts.len(), "ids are unique");
        assert!(
            g.pairs.len() > 100,
            "about 10% duplicates: {}",
            g.pairs.len()
        );
        for (p, s) in &g.pairs {
            assert!(ids.contains(p.as_str()) && ids.contains(s.as_str()));
            assert_ne!(p, s);
        }
        // Each secondary appears once; primaries are never secondaries.
        let secondaries: std::collections::HashSet<&str> =
            g.pairs.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(secondaries.len(), g.pairs.len());
        assert!(g
            .pairs
            .iter()
            .all(|(p, _)| !secondaries.contains(p.as_str())));
    }

    #[test]
    fn generated_files_read_back_and_check_clean() {
        let g = small(3);
        let stages = crate::labels::default_stage_order();
        for (export, f) in [
            (g.export.clone(), Format::Json),
            (g.export.clone(), Format::Ndjson),
            (to_csv_export(&g), Format::Csv),
        ] {
            let bytes = write_to_vec(&export, f);
            let back = crate::format::read_bytes(&bytes, f, "gen").unwrap();
            assert_eq!(back.contacts.len(), 2000);
            let problems = crate::check::check_export(&back, "gen", &stages);
            assert!(
                problems.is_empty(),
                "{:?}",
                &problems[..problems.len().min(3)]
            );
        }
    }
}

//! Which columns to compare when `--fields` is not given: every column
//! whose header says what it holds (names, emails, phones, places, dates
//! of birth, id numbers, companies, job titles), checked against what it
//! holds, and every column whose content alone is plainly emails.
//!
//! A header is only a hint: `hs_email_optout` (`true`/`false`) has "email"
//! in its name and no email in it, so it is not an email field. A column
//! is taken when most of its filled-in values (in a sample of the first
//! contacts) look like its kind.

use std::collections::BTreeMap;

use super::{Field, FieldKind};
use crate::model::Contact;

/// How many contacts the detector looks at.
pub const SAMPLE: usize = 2000;

pub fn is_dob_name(n: &str) -> bool {
    let n = n.to_ascii_lowercase();
    n == "dob" || n.contains("birth") || n.contains("_dob") || n.starts_with("dob_")
}

pub fn is_id_number_name(n: &str) -> bool {
    let n = n.to_ascii_lowercase();
    [
        "soc_sec",
        "ssn",
        "social_security",
        "social security",
        "national_id",
        "national id",
        "passport",
        "tax_id",
        "tax id",
        "id_number",
        "id number",
        "member_number",
        "member number",
        "customer_number",
        "customer number",
    ]
    .iter()
    .any(|h| n.contains(h))
}

/// A street address's header: an address or a street, not an email's or
/// an IP address (`Shipping Address` is one, `IP Address` is not).
pub fn is_address_name(n: &str) -> bool {
    let n = n.to_ascii_lowercase();
    let ip = n
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w == "ip" || w == "ipaddress");
    !n.contains("email")
        && !ip
        && (n.contains("address") || n.contains("street") || n == "addr" || n.starts_with("addr_"))
}

/// Properties never compared: system and activity properties, counters,
/// dates other than birth dates, the id.
fn is_system(n: &str) -> bool {
    let l = n.to_ascii_lowercase();
    if is_dob_name(&l) {
        return false;
    }
    (l.starts_with("hs_") && l != "hs_additional_emails")
        || l.starts_with("hubspot")
        || l.contains("date")
        || l.contains("time")
        || l.starts_with("num_")
        || (l.starts_with("associated") && l.contains("id"))
        || matches!(
            l.as_str(),
            "createdat"
                | "updatedat"
                | "archived"
                | "lifecyclestage"
                | "country"
                | "id"
                | "record id"
                | "rec_id"
        )
}

/// What a sample of one column's values looks like.
#[derive(Debug, Default, Clone)]
struct Profile {
    filled: usize,
    emails: usize,
    phones: usize,
    dates: usize,
    booleans: usize,
    alpha: usize,
    short_code: usize,
    /// Distinct values (up to the sample size).
    distinct: std::collections::BTreeSet<String>,
}

impl Profile {
    fn add(&mut self, v: &str) {
        let v = v.trim();
        if v.is_empty() {
            return;
        }
        self.filled += 1;
        if self.distinct.len() < SAMPLE {
            self.distinct.insert(v.to_lowercase());
        }
        let at = v.find('@');
        if at.is_some_and(|i| i > 0 && v[i..].contains('.') && !v.contains(' ')) {
            self.emails += 1;
        }
        let digits = v.bytes().filter(u8::is_ascii_digit).count();
        let other = v
            .chars()
            .filter(|c| !c.is_ascii_digit() && !" +-().x/#".contains(*c))
            .count();
        if (7..=15).contains(&digits) && other <= 3 {
            self.phones += 1;
        }
        let d = super::normalize::dob(v);
        if d.len() == 8 && other == 0 && (d.starts_with("19") || d.starts_with("20")) {
            self.dates += 1;
        }
        if matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "0" | "1"
        ) {
            self.booleans += 1;
        }
        if v.chars().any(char::is_alphabetic) && digits * 4 <= v.len() {
            self.alpha += 1;
        }
        if v.len() <= 10
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
        {
            self.short_code += 1;
        }
    }

    fn share(&self, n: usize) -> f64 {
        n as f64 / self.filled.max(1) as f64
    }

    /// Whether the content fits the kind the header suggests.
    fn fits(&self, kind: FieldKind) -> bool {
        if self.filled == 0 {
            return false;
        }
        if self.share(self.booleans) > 0.9 {
            return false;
        }
        match kind {
            FieldKind::Email => self.share(self.emails) >= 0.5,
            FieldKind::Phone => self.share(self.phones) >= 0.5,
            FieldKind::Dob => self.share(self.dates) >= 0.5,
            FieldKind::FirstName | FieldKind::LastName | FieldKind::City | FieldKind::State => {
                self.share(self.alpha) >= 0.5
            }
            FieldKind::Zip => self.share(self.short_code) >= 0.5,
            FieldKind::IdNumber => self.distinct.len() * 2 >= self.filled,
            FieldKind::Address | FieldKind::Company | FieldKind::Text => true,
        }
    }
}

/// Job titles and other free text compared by default when present.
const TEXT_NAMES: &[&str] = &["jobtitle", "job_title", "title", "website"];

/// The fields to compare in these contacts (a sample of the export), in
/// column order of first appearance.
pub fn detect(sample: &[Contact]) -> Vec<Field> {
    // Column names in order of first appearance.
    let mut order: Vec<String> = Vec::new();
    let mut profiles: BTreeMap<String, Profile> = BTreeMap::new();
    for c in sample.iter().take(SAMPLE) {
        for (k, v) in c.properties.iter() {
            if !profiles.contains_key(&**k) {
                order.push(k.to_string());
                profiles.insert(k.to_string(), Profile::default());
            }
            if let Some(v) = v.as_deref() {
                profiles.get_mut(&**k).expect("added").add(v);
            }
        }
    }
    let mut out: Vec<Field> = Vec::new();
    for name in &order {
        if is_system(name) {
            continue;
        }
        let p = &profiles[name];
        let f = Field::new(name);
        let lower = f.name.to_ascii_lowercase();
        let named = f.kind != FieldKind::Text || TEXT_NAMES.contains(&lower.as_str());
        let kind = if named && p.fits(f.kind) {
            Some(f.kind)
        } else if p.filled > 0 && p.share(p.emails) >= 0.8 {
            // A column of emails whatever its name.
            Some(FieldKind::Email)
        } else {
            None
        };
        if let Some(kind) = kind {
            if !out.iter().any(|g| g.name == f.name) {
                out.push(Field { name: f.name, kind });
            }
        }
    }
    // `Records` brings `hs_additional_emails` along with `email`.
    if out.iter().any(|f| f.name == "email") {
        out.retain(|f| f.name != "hs_additional_emails");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testutil::contact;

    fn kinds(contacts: &[Contact]) -> Vec<(String, FieldKind)> {
        detect(contacts)
            .into_iter()
            .map(|f| (f.name, f.kind))
            .collect()
    }

    #[test]
    fn headers_are_checked_against_content() {
        let rows: Vec<Contact> = (0..20)
            .map(|i| {
                contact(
                    &i.to_string(),
                    &[
                        ("given_name", "ann"),
                        ("surname", "lee"),
                        ("hs_email_optout", "false"),
                        ("email_opt_in", "true"),
                        ("date_of_birth", "19810203"),
                        ("soc_sec_id", &format!("{}", 1000 + i)),
                        ("suburb", "bondi"),
                        ("postcode", "2026"),
                        ("address_1", "1 main st"),
                        ("phone", "not given"),
                        ("backup", &format!("a{i}@x.com")),
                        ("createdate", "2020-01-01"),
                        ("favourite colour", "blue"),
                    ],
                )
            })
            .collect();
        let k = kinds(&rows);
        let want = [
            ("given_name", FieldKind::FirstName),
            ("surname", FieldKind::LastName),
            ("date_of_birth", FieldKind::Dob),
            ("soc_sec_id", FieldKind::IdNumber),
            ("suburb", FieldKind::City),
            ("postcode", FieldKind::Zip),
            ("address_1", FieldKind::Address),
            ("backup", FieldKind::Email),
        ];
        let mut got = k.clone();
        got.sort_by(|a, b| a.0.cmp(&b.0));
        let mut want: Vec<(String, FieldKind)> =
            want.iter().map(|(n, k)| (n.to_string(), *k)).collect();
        want.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(got, want);
    }

    /// Headers as people write them: words with spaces, hyphens or
    /// underscores, and the common names of a phone column.
    #[test]
    fn headers_in_words_name_their_kind() {
        let kind = |h: &str| Field::new(h).kind;
        for h in ["Given Name", "given-name", "First Name", "fname"] {
            assert_eq!(kind(h), FieldKind::FirstName, "{h}");
        }
        for h in ["Family Name", "family_name", "Surname", "Last Name"] {
            assert_eq!(kind(h), FieldKind::LastName, "{h}");
        }
        for h in [
            "Mobile",
            "Mobile Number",
            "Cell",
            "Tel",
            "Work Phone",
            "Telephone",
        ] {
            assert_eq!(kind(h), FieldKind::Phone, "{h}");
        }
        for h in [
            "Zip",
            "ZIP Code",
            "Zip/Postal Code",
            "Postal Code",
            "postcode",
        ] {
            assert_eq!(kind(h), FieldKind::Zip, "{h}");
        }
        for h in ["Shipping Address", "Street", "Postal Address", "address_1"] {
            assert_eq!(kind(h), FieldKind::Address, "{h}");
        }
        for h in ["Email Address", "Work Email", "E-mail"] {
            assert_eq!(kind(h), FieldKind::Email, "{h}");
        }
        assert_eq!(kind("Organisation"), FieldKind::Company);
        // Salesforce's headers.
        assert_eq!(kind("Account Name"), FieldKind::Company);
        assert_eq!(kind("Mailing City"), FieldKind::City);
        assert_eq!(kind("Mailing State/Province"), FieldKind::State);
        assert_eq!(kind("Mailing Zip/Postal Code"), FieldKind::Zip);
        assert_eq!(kind("Mailing Street"), FieldKind::Address);
        assert_eq!(kind("Birthdate"), FieldKind::Dob);
        assert_eq!(
            kind("City Size"),
            FieldKind::Text,
            "a city's, not a person's"
        );
        for h in ["IP Address", "Hotel", "Favourite colour", "Mobile App"] {
            assert_ne!(kind(h), FieldKind::Address, "{h}");
        }
        assert_eq!(kind("Hotel"), FieldKind::Text);
    }

    #[test]
    fn an_id_column_that_repeats_is_no_id_number() {
        let rows: Vec<Contact> = (0..20)
            .map(|i| {
                contact(
                    &i.to_string(),
                    &[("member_number", "7"), ("email", "a@b.co")],
                )
            })
            .collect();
        assert_eq!(kinds(&rows), [("email".to_string(), FieldKind::Email)]);
    }
}

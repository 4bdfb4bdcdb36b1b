//! HubSpot's export labels: CSV header labels ↔ internal property names, and
//! option labels ↔ internal option values (SPEC section 3).

use std::borrow::Cow;

/// Known CSV header labels and the internal names they stand for.
/// Several labels may name one property; the first is the one HubSpot's
/// export writes today and is used when a new column is added.
const HEADER_LABELS: &[(&str, &str)] = &[
    ("Record ID", "hs_object_id"),
    ("Contact ID", "hs_object_id"),
    ("First Name", "firstname"),
    ("Last Name", "lastname"),
    ("Email", "email"),
    ("Phone Number", "phone"),
    ("Mobile Phone Number", "mobilephone"),
    ("Company Name", "company"),
    ("Job Title", "jobtitle"),
    ("City", "city"),
    ("State/Region", "state"),
    ("Country/Region", "country"),
    ("Postal Code", "zip"),
    ("Street Address", "address"),
    ("Website URL", "website"),
    ("Additional email addresses", "hs_additional_emails"),
    ("Lifecycle Stage", "lifecyclestage"),
    ("Lead Status", "hs_lead_status"),
    ("Create Date", "createdate"),
    ("Last Modified Date", "lastmodifieddate"),
    ("Number of Form Submissions", "num_conversion_events"),
    (
        "Number of Unique Forms Submitted",
        "num_unique_conversion_events",
    ),
    ("Marketing contact status", "hs_marketable_status"),
    ("Number of Pageviews", "hs_analytics_num_page_views"),
    ("Number of Sessions", "hs_analytics_num_visits"),
    (
        "Number of event completions",
        "hs_analytics_num_event_completions",
    ),
    ("Time First Seen", "hs_analytics_first_timestamp"),
    ("Time Last Seen", "hs_analytics_last_timestamp"),
    (
        "Time of First Session",
        "hs_analytics_first_visit_timestamp",
    ),
    ("Time of Last Session", "hs_analytics_last_visit_timestamp"),
    ("First Page Seen", "hs_analytics_first_url"),
    ("Last Page Seen", "hs_analytics_last_url"),
    ("First Referring Site", "hs_analytics_first_referrer"),
    ("Last Referring Site", "hs_analytics_last_referrer"),
    ("Original Source", "hs_analytics_source"),
    ("Original Source Drill-Down 1", "hs_analytics_source_data_1"),
    ("Original Source Drill-Down 2", "hs_analytics_source_data_2"),
    ("Unsubscribed from all email", "hs_email_optout"),
    ("Marketing emails bounced", "hs_email_bounce"),
    ("Marketing emails delivered", "hs_email_delivered"),
    ("Marketing emails opened", "hs_email_open"),
    ("Marketing emails clicked", "hs_email_click"),
    ("Last marketing email name", "hs_email_last_email_name"),
    (
        "Email hard bounce reason",
        "hs_email_hard_bounce_reason_enum",
    ),
    ("Email Address Quarantined", "hs_email_quarantined"),
    ("Invalid email address", "hs_email_bad_address"),
    ("Is globally ineligible", "hs_email_is_ineligible"),
    (
        "Legal basis for processing contact's data",
        "hs_legal_basis",
    ),
    ("Merged object IDs", "hs_merged_object_ids"),
    ("Contact owner", "hubspot_owner_id"),
    ("Salesforce Contact ID", "salesforcecontactid"),
    ("Primary Associated Company ID", "associatedcompanyid"),
    ("Associated Company ID", "associatedcompanyid"),
    ("Annual Revenue", "annualrevenue"),
    ("HubSpot Score", "hubspotscore"),
    ("Total Revenue", "total_revenue"),
    ("Number of Associated Deals", "num_associated_deals"),
];

/// CSV columns that hold associations rather than properties.
pub const ASSOCIATION_COLUMNS: &[(&str, &str)] = &[
    ("Associated Company IDs", "companies"),
    ("Associated Deal IDs", "deals"),
    ("Associated Ticket IDs", "tickets"),
];

/// The internal name a CSV header stands for: a label of the portal's
/// definitions (`--properties`) or a known label (case-insensitive), else
/// the header itself (an internal name, or an unknown column kept under
/// its header).
pub fn internal_name(header: &str) -> &str {
    let h = header.trim();
    if let Some(p) = super::portal::get() {
        if p.by_name(h).is_some() {
            return h;
        }
        if let Some(d) = p.by_label(h) {
            return &d.name;
        }
    }
    HEADER_LABELS
        .iter()
        .find(|(label, _)| label.eq_ignore_ascii_case(h))
        .map(|(_, name)| *name)
        .unwrap_or(h)
}

/// Whether the header is one of the known labels, spelled as HubSpot does
/// (case matters here: `email` is an internal name, `Email` a label).
pub fn is_label(header: &str) -> bool {
    let h = header.trim();
    let portal_label = super::portal::get()
        .is_some_and(|p| p.by_name(h).is_none() && p.defs.iter().any(|d| d.label == h));
    portal_label
        || HEADER_LABELS.iter().any(|(label, _)| *label == h)
        || ASSOCIATION_COLUMNS.iter().any(|(label, _)| *label == h)
}

/// The label HubSpot's export uses for an internal name, if known: the
/// portal's (`--properties`, in the portal's language), else the built-in
/// English one.
pub fn label_of(name: &str) -> Option<&'static str> {
    if let Some(d) = super::portal::get().and_then(|p| p.by_name(name)) {
        if !d.label.is_empty() {
            return Some(&d.label);
        }
    }
    HEADER_LABELS
        .iter()
        .find(|(_, n)| *n == name)
        .map(|(label, _)| *label)
}

/// The association kind a CSV header names (`Associated Deal IDs` →
/// `deals`); internal-name style headers (`associatedcompanyids`, ...) are
/// accepted too.
pub fn association_kind(header: &str) -> Option<&'static str> {
    let h = header.trim();
    ASSOCIATION_COLUMNS
        .iter()
        .find(|(label, _)| label.eq_ignore_ascii_case(h))
        .map(|(_, kind)| *kind)
        .or(match h.to_ascii_lowercase().as_str() {
            "associatedcompanyids" | "associated_company_ids" => Some("companies"),
            "associateddealids" | "associated_deal_ids" => Some("deals"),
            "associatedticketids" | "associated_ticket_ids" => Some("tickets"),
            _ => None,
        })
}

/// The header for an association kind, in the file's header style.
pub fn association_header(kind: &str, labels: bool) -> Option<String> {
    let (label, _) = ASSOCIATION_COLUMNS.iter().find(|(_, k)| *k == kind)?;
    Some(if labels {
        label.to_string()
    } else {
        format!(
            "associated{}ids",
            kind.trim_end_matches('s').replace("companie", "company")
        )
    })
}

/// Lifecycle stages: internal value and label, in HubSpot's default funnel
/// order (lowest first).
pub const LIFECYCLE_STAGES: &[(&str, &str)] = &[
    ("subscriber", "Subscriber"),
    ("lead", "Lead"),
    ("marketingqualifiedlead", "Marketing Qualified Lead"),
    ("salesqualifiedlead", "Sales Qualified Lead"),
    ("opportunity", "Opportunity"),
    ("customer", "Customer"),
    ("evangelist", "Evangelist"),
    ("other", "Other"),
];

/// The internal value of a lifecycle stage given as an internal value or a
/// label, case-insensitively; an unknown stage is returned lower-cased, so
/// that custom stages compare case-insensitively too.
pub fn stage_key(value: &str) -> String {
    stage_key_ref(value).into_owned()
}

/// [`stage_key`], borrowed when it is a built-in stage's internal value
/// (a merge compares two stages: no text is made for either).
pub fn stage_key_ref(value: &str) -> Cow<'static, str> {
    let v = value.trim();
    if let Some(internal) =
        super::portal::get().and_then(|p| p.option_value(super::property::LIFECYCLE_STAGE, v))
    {
        return Cow::Owned(internal.to_lowercase());
    }
    LIFECYCLE_STAGES
        .iter()
        .find(|(internal, label)| internal.eq_ignore_ascii_case(v) || label.eq_ignore_ascii_case(v))
        .map_or_else(
            || Cow::Owned(v.to_lowercase()),
            |(internal, _)| Cow::Borrowed(*internal),
        )
}

/// The default funnel order, internal values, lowest first.
pub fn default_stage_order() -> Vec<String> {
    LIFECYCLE_STAGES
        .iter()
        .map(|(v, _)| v.to_string())
        .collect()
}

/// A custom stage order: `a,b,c` (lowest first; labels or internal values,
/// case-insensitive; spaces around names ignored; newlines separate too, and
/// `#` starts a comment, so a config file can list one stage a line). A
/// stage whose label holds a comma is quoted: `lead,"Customer, renewed"`.
/// An empty item (`lead,,customer`), a stage given twice, or one holding
/// `;` or a tab (a list another program separated so) is refused.
pub fn parse_stage_order(text: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    // A file saved with a byte order mark (Windows' Notepad) would make it
    // part of the first stage's name.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        if line.trim().is_empty() {
            continue;
        }
        for stage in split_stages(line) {
            if stage.is_empty() {
                return Err(format!("stage {} is empty", out.len() + 1));
            }
            if stage.contains([';', '\t']) {
                return Err(format!(
                    "'{stage}' holds ';' or a tab: separate the stages with commas or one a line"
                ));
            }
            let k = stage_key(stage);
            if out.contains(&k) {
                return Err(format!("'{stage}' is given twice"));
            }
            out.push(k);
        }
    }
    if out.is_empty() {
        return Err(
            "no stages given; list them lowest first, e.g. subscriber,lead,customer".into(),
        );
    }
    Ok(out)
}

/// A line of stages split at its commas, but not inside double quotes
/// (`lead,"Customer, renewed"`), each trimmed and unquoted.
fn split_stages(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                out.push(&line[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&line[start..]);
    (out.into_iter())
        .map(|s| {
            let s = s.trim();
            if s.len() >= 2 && s.starts_with('"') && s.ends_with('"') {
                s[1..s.len() - 1].trim()
            } else {
                s
            }
        })
        .collect()
}

/// `hs_marketable_status` as a boolean: `true`/`false`, the CSV labels
/// "Marketing contact" / "Non-marketing contact", or an option label of
/// the portal's definitions (`--properties`: a portal in another language
/// exports "Kein Marketing-Kontakt").
pub fn marketable(value: &str) -> Option<bool> {
    let v = value.trim();
    let v = (super::portal::get())
        .and_then(|p| p.option_value(super::property::MARKETABLE_STATUS, v))
        .unwrap_or(v);
    if v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("Marketing contact") {
        Some(true)
    } else if v.eq_ignore_ascii_case("false") || v.eq_ignore_ascii_case("Non-marketing contact") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_labels_to_internal_names() {
        assert_eq!(internal_name("Record ID"), "hs_object_id");
        assert_eq!(internal_name("Contact ID"), "hs_object_id");
        assert_eq!(internal_name("first name"), "firstname");
        assert_eq!(
            internal_name("Additional email addresses"),
            "hs_additional_emails"
        );
        assert_eq!(
            internal_name("Original Source Drill-Down 2"),
            "hs_analytics_source_data_2"
        );
        assert_eq!(
            internal_name("Salesforce Contact ID"),
            "salesforcecontactid"
        );
        // Internal names and unknown columns stand for themselves.
        assert_eq!(internal_name("firstname"), "firstname");
        assert_eq!(internal_name("Favourite Colour"), "Favourite Colour");
    }

    #[test]
    fn every_spec_label_is_known() {
        for label in [
            "Record ID",
            "Contact ID",
            "First Name",
            "Last Name",
            "Email",
            "Phone Number",
            "Additional email addresses",
            "Lifecycle Stage",
            "Create Date",
            "Last Modified Date",
            "Number of Form Submissions",
            "Number of Unique Forms Submitted",
            "Marketing contact status",
            "Number of Pageviews",
            "Number of Sessions",
            "Number of event completions",
            "Time First Seen",
            "Time Last Seen",
            "First Page Seen",
            "Last Page Seen",
            "Original Source",
            "Original Source Drill-Down 1",
            "Original Source Drill-Down 2",
            "Unsubscribed from all email",
            "Marketing emails bounced",
            "Legal basis for processing contact's data",
            "Merged object IDs",
            "Contact owner",
            "Salesforce Contact ID",
        ] {
            assert!(is_label(label), "{label}");
        }
    }

    #[test]
    fn label_of_gives_the_export_label() {
        assert_eq!(label_of("hs_object_id"), Some("Record ID"));
        assert_eq!(label_of("hs_merged_object_ids"), Some("Merged object IDs"));
        assert_eq!(label_of("nope"), None);
    }

    #[test]
    fn association_columns() {
        assert_eq!(association_kind("Associated Deal IDs"), Some("deals"));
        assert_eq!(association_kind("associatedcompanyids"), Some("companies"));
        assert_eq!(association_kind("Associated Company"), None);
        assert_eq!(
            association_header("companies", true).as_deref(),
            Some("Associated Company IDs")
        );
        assert_eq!(
            association_header("companies", false).as_deref(),
            Some("associatedcompanyids")
        );
        assert_eq!(
            association_header("tickets", false).as_deref(),
            Some("associatedticketids")
        );
    }

    #[test]
    fn stages_compare_by_label_or_value() {
        assert_eq!(
            stage_key("Marketing Qualified Lead"),
            "marketingqualifiedlead"
        );
        assert_eq!(stage_key("CUSTOMER"), "customer");
        assert_eq!(stage_key("Partner"), "partner");
    }

    #[test]
    fn stage_orders() {
        assert_eq!(
            parse_stage_order("Lead, partner ,CUSTOMER").unwrap(),
            ["lead", "partner", "customer"]
        );
        assert_eq!(
            parse_stage_order("# funnel\nlead\ncustomer # paid\n").unwrap(),
            ["lead", "customer"]
        );
        assert!(parse_stage_order("lead,Lead")
            .unwrap_err()
            .contains("twice"));
        assert!(parse_stage_order(" , ").is_err());
        assert_eq!(default_stage_order().len(), 8);
        // A byte order mark (Notepad) is no part of the first stage.
        assert_eq!(
            parse_stage_order("\u{feff}subscriber\nlead\n").unwrap(),
            ["subscriber", "lead"]
        );
        assert_eq!(
            parse_stage_order("\u{feff}# funnel\nlead\n").unwrap(),
            ["lead"]
        );
        // A label with a comma, quoted, inline or a line of a file.
        let with_comma = parse_stage_order("lead,\"Customer, renewed\"").unwrap();
        assert_eq!(
            with_comma,
            ["lead".to_string(), stage_key("Customer, renewed")]
        );
        assert_eq!(
            parse_stage_order("lead\n\"Customer, renewed\"\n").unwrap(),
            with_comma
        );
        // Another program's separators are refused, not taken as a name.
        assert!(parse_stage_order("lead;customer;Partner")
            .unwrap_err()
            .contains("holds ';' or a tab"));
        assert!(parse_stage_order("lead\tcustomer").is_err());
    }

    #[test]
    fn marketable_status_forms() {
        assert_eq!(marketable("true"), Some(true));
        assert_eq!(marketable("Marketing contact"), Some(true));
        assert_eq!(marketable("Non-marketing contact"), Some(false));
        assert_eq!(marketable("FALSE"), Some(false));
        assert_eq!(marketable("maybe"), None);
    }
}

//! What the checks read of a contact ([`Fields`]): a [`Contact`], a CSV
//! row read in place ([`super::row`]) or a JSON record read in place
//! ([`super::json`]), which give the same fields in the same order
//! without building the contact.

use std::borrow::Cow;

use crate::hubspot::property::DEAL_COUNT;
use crate::model::Contact;
use crate::props::{is_date_property, is_number_property, SUMMED_COUNTERS};

/// Which check a property's values get (by its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Date,
    Counter,
    Stage,
    Marketable,
    /// A number property of the portal's definitions (`--properties`).
    Number,
    /// A `bool` or `enumeration` property of the portal's definitions with
    /// options: its values must be among them.
    Options,
    Other,
}

impl Kind {
    /// The kind of a property, by its name (a date first, then a counter).
    pub(crate) fn of(name: &str) -> Kind {
        if is_date_property(name) {
            Kind::Date
        } else if SUMMED_COUNTERS.contains(&name) || name == DEAL_COUNT {
            Kind::Counter
        } else if name == "lifecyclestage" {
            Kind::Stage
        } else if name == "hs_marketable_status" {
            Kind::Marketable
        } else if is_number_property(name) {
            Kind::Number
        } else if has_options(name) {
            Kind::Options
        } else {
            Kind::Other
        }
    }
}

/// Whether the portal's definitions give `name` options its values must
/// be among (a `bool` or an `enumeration` property).
fn has_options(name: &str) -> bool {
    use crate::hubspot::portal::{get, PropertyType};
    get().and_then(|p| p.by_name(name)).is_some_and(|d| {
        !d.options.is_empty() && matches!(d.kind, PropertyType::Bool | PropertyType::Enumeration)
    })
}

/// A value of a `bool` or `enumeration` property that is none of its
/// options (by label or internal value, case-insensitive; a checkbox's
/// values `;`-separated, each checked): what HubSpot's import refuses.
pub(crate) fn not_an_option(name: &str, v: &str) -> Option<String> {
    use crate::hubspot::portal::{get, PropertyType};
    let def = get()?.by_name(name)?;
    let known = |x: &str| {
        let x = x.trim().to_lowercase();
        let bool_word = def.kind == PropertyType::Bool && matches!(x.as_str(), "true" | "false");
        bool_word
            || def
                .options
                .iter()
                .any(|(label, value)| label.to_lowercase() == x || value.to_lowercase() == x)
    };
    let bad: Vec<&str> = v
        .split(';')
        .map(str::trim)
        .filter(|x| !x.is_empty() && !known(x))
        .collect();
    let first = bad.first()?;
    let shown: Vec<&str> = def
        .options
        .iter()
        .take(8)
        .map(|(label, _)| label.as_str())
        .collect();
    Some(format!(
        "'{first}' is not an option of this property in the portal's definitions (options: {}{}); HubSpot's import would refuse it: correct the value or add the option in HubSpot",
        shown.join(", "),
        if def.options.len() > 8 { ", ..." } else { "" }
    ))
}

/// A contact's fields as the checks read them.
pub(crate) trait Fields {
    /// The record id.
    fn id(&self) -> &str;
    /// A property's value when it is present and not empty.
    fn prop(&self, name: &str) -> Option<Cow<'_, str>>;
    /// Whether the property is present (empty or not).
    fn has_property(&self, name: &str) -> bool;
    /// Every property in order, with its value and kind.
    fn each_property(&self, f: &mut dyn FnMut(&str, Option<&str>, Kind));
    /// A top-level key's value as text (`createdAt`, `updatedAt`).
    fn meta_text(&self, key: &str) -> Option<Cow<'_, str>>;
    /// Every property history entry's timestamp that is text, with its
    /// property's name, in order.
    fn each_history_timestamp(&self, f: &mut dyn FnMut(&str, &str));
    /// Every engagement's timestamp that is text (a number is epoch
    /// milliseconds), in order: the timeline rule orders by them.
    fn each_engagement_timestamp(&self, f: &mut dyn FnMut(&str));
    /// Every association kind with its ids as one cell (`;` between); a
    /// cell that cannot be a formula may be given empty.
    fn each_association_cell(&self, f: &mut dyn FnMut(&str, &str));
}

impl Fields for Contact {
    fn id(&self) -> &str {
        &self.id
    }

    fn prop(&self, name: &str) -> Option<Cow<'_, str>> {
        Contact::prop(self, name).map(Cow::Borrowed)
    }

    fn has_property(&self, name: &str) -> bool {
        self.properties.contains_key(name)
    }

    fn each_property(&self, f: &mut dyn FnMut(&str, Option<&str>, Kind)) {
        for (name, value) in &self.properties {
            f(name, value.as_deref(), Kind::of(name));
        }
    }

    fn meta_text(&self, key: &str) -> Option<Cow<'_, str>> {
        Contact::meta_text(self, key).map(Cow::Owned)
    }

    fn each_history_timestamp(&self, f: &mut dyn FnMut(&str, &str)) {
        for (name, entries) in self.history.iter().flatten() {
            for entry in entries {
                if let Some(ts) = entry.timestamp() {
                    f(name, &ts);
                }
            }
        }
    }

    fn each_engagement_timestamp(&self, f: &mut dyn FnMut(&str)) {
        for item in self.section_items(crate::model::key::ENGAGEMENTS) {
            if let Some(serde_json::Value::String(ts)) = item.get("timestamp") {
                f(ts);
            }
        }
    }

    fn each_association_cell(&self, f: &mut dyn FnMut(&str, &str)) {
        for (kind, list) in self.associations.iter().flatten() {
            let cell = list.ids().collect::<Vec<_>>().join(";");
            f(kind, &cell);
        }
    }
}

/// The association cell a formula check needs from a kind's ids: joined
/// by `;` when the first id starts as a formula, else empty (only such a
/// cell can be one, the others need not be joined).
pub(super) fn formula_cell<'a>(mut ids: impl Iterator<Item = &'a str>) -> String {
    match ids.next() {
        Some(first) if first.starts_with(crate::format::formula::TRIGGERS) => {
            std::iter::once(first)
                .chain(ids)
                .collect::<Vec<_>>()
                .join(";")
        }
        _ => String::new(),
    }
}

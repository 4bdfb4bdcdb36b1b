//! A contact as the rules of one merge read it: the properties with a rule
//! of their own ([`Ruled`]) looked up once, in one pass over the contact's
//! properties, instead of by name in the contact's map each time a rule
//! asks (a rule asks whether either contact has it, then for each value,
//! then for the value to take).
//!
//! [`Seen`] reads like a [`Contact`] (it derefs to one): `prop`, `has` and
//! `raw` take a property name; a ruled name is read from the table (with a
//! constant name, as the rules write them, the lookup folds to an array
//! index), any other name from the contact's map.

use std::ops::Deref;

use crate::dates::{parse_millis, BadDate, DateError, Millis, RecordDate, RecordDates, ValueTimes};
use crate::hubspot::property::{
    ADDITIONAL_EMAILS, ALL_VIDS, CREATE_DATE, DEAL_COUNT, EMAIL, FIRST_VISIT_DETAILS,
    FIRST_VISIT_TIMES, LAST_MODIFIED, LAST_VISIT_DETAILS, LAST_VISIT_TIMES, LEGAL_BASIS,
    LIFECYCLE_STAGE, MARKETABLE_STATUS, MERGED_OBJECT_IDS, OBJECT_ID, ORIGINAL_SOURCE,
    PRIMARY_COMPANY, SALESFORCE_ID,
};
use crate::model::Contact;
use crate::props::SUMMED_COUNTERS;

// Names of lists, spelled as constants so that they can be matched on.
const CONVERSIONS: &str = SUMMED_COUNTERS[0];
const UNIQUE_CONVERSIONS: &str = SUMMED_COUNTERS[1];
const PAGE_VIEWS: &str = SUMMED_COUNTERS[2];
const VISITS: &str = SUMMED_COUNTERS[3];
const EVENT_COMPLETIONS: &str = SUMMED_COUNTERS[4];
const FIRST_TIME: &str = FIRST_VISIT_TIMES[0];
const FIRST_VISIT_TIME: &str = FIRST_VISIT_TIMES[1];
const FIRST_URL: &str = FIRST_VISIT_DETAILS[0];
const FIRST_REFERRER: &str = FIRST_VISIT_DETAILS[1];
const LAST_TIME: &str = LAST_VISIT_TIMES[0];
const LAST_VISIT_TIME: &str = LAST_VISIT_TIMES[1];
const LAST_URL: &str = LAST_VISIT_DETAILS[0];
const LAST_REFERRER: &str = LAST_VISIT_DETAILS[1];
const SOURCE: &str = ORIGINAL_SOURCE[0];
const SOURCE_DATA_1: &str = ORIGINAL_SOURCE[1];
const SOURCE_DATA_2: &str = ORIGINAL_SOURCE[2];

macro_rules! ruled {
    ($($variant:ident = $name:path,)*) => {
        /// A property with a rule of its own, in the order the rules decide
        /// them ([`super::property_decisions`] lists the decisions on
        /// properties neither contact had in this order).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Ruled {
            $($variant,)*
        }

        impl Ruled {
            /// Every ruled property, in order.
            pub const ALL: &'static [Ruled] = &[$(Ruled::$variant,)*];

            /// The ruled property of this name (inlined always: with a
            /// constant name it folds to a constant).
            #[inline(always)]
            pub fn of(name: &str) -> Option<Ruled> {
                match name {
                    $($name => Some(Ruled::$variant),)*
                    _ => None,
                }
            }

            /// The property's name (inlined always: a constant for a
            /// constant).
            #[inline(always)]
            pub fn name(self) -> &'static str {
                match self {
                    $(Ruled::$variant => $name,)*
                }
            }
        }
    };
}

ruled! {
    Email = EMAIL,
    AdditionalEmails = ADDITIONAL_EMAILS,
    LifecycleStage = LIFECYCLE_STAGE,
    CreateDate = CREATE_DATE,
    LastModified = LAST_MODIFIED,
    Conversions = CONVERSIONS,
    UniqueConversions = UNIQUE_CONVERSIONS,
    PageViews = PAGE_VIEWS,
    Visits = VISITS,
    EventCompletions = EVENT_COMPLETIONS,
    MarketableStatus = MARKETABLE_STATUS,
    FirstTime = FIRST_TIME,
    FirstVisitTime = FIRST_VISIT_TIME,
    FirstUrl = FIRST_URL,
    FirstReferrer = FIRST_REFERRER,
    LastTime = LAST_TIME,
    LastVisitTime = LAST_VISIT_TIME,
    LastUrl = LAST_URL,
    LastReferrer = LAST_REFERRER,
    Source = SOURCE,
    SourceData1 = SOURCE_DATA_1,
    SourceData2 = SOURCE_DATA_2,
    LegalBasis = LEGAL_BASIS,
    ObjectId = OBJECT_ID,
    MergedObjectIds = MERGED_OBJECT_IDS,
    SalesforceId = SALESFORCE_ID,
    PrimaryCompany = PRIMARY_COMPANY,
    DealCount = DEAL_COUNT,
    AllVids = ALL_VIDS,
}

/// How many ruled properties there are.
pub const RULED: usize = Ruled::ALL.len();

/// A contact with its ruled properties looked up (see the module), and its
/// record dates parsed once each, when first asked ([`RecordDates`]).
#[derive(Debug, Clone)]
pub struct Seen<'a> {
    contact: &'a Contact,
    dates: RecordDates<'a>,
    /// Each ruled property's stored value, when the contact has it.
    values: [Option<&'a Option<String>>; RULED],
    /// The contact's ruled properties, with their place in its property
    /// order, in that order (the first `count`).
    places: [(usize, Ruled); RULED],
    count: usize,
}

impl<'a> Seen<'a> {
    pub fn new(contact: &'a Contact) -> Self {
        Self::timed(contact, None)
    }

    /// [`Seen::new`], with the times of the contact's values that a merge
    /// earlier in the run knows ([`ValueTimes`]).
    pub fn timed(contact: &'a Contact, times: Option<&'a ValueTimes>) -> Self {
        let mut seen = Seen {
            contact,
            dates: RecordDates::new(contact),
            values: [None; RULED],
            places: [(0, Ruled::Email); RULED],
            count: 0,
        };
        for (i, (name, value)) in contact.properties.iter().enumerate() {
            if let Some(r) = Ruled::of(name) {
                seen.values[r as usize] = Some(value);
                seen.places[seen.count] = (i, r);
                seen.count += 1;
            }
        }
        seen.dates = RecordDates::with_properties(
            contact,
            seen.values[Ruled::CreateDate as usize],
            seen.values[Ruled::LastModified as usize],
        )
        .timed(times);
        seen
    }

    /// The contact itself.
    pub fn contact(&self) -> &'a Contact {
        self.contact
    }

    /// The property's stored value, when the contact has the property.
    #[inline(always)]
    pub fn get(&self, name: &str) -> Option<&'a Option<String>> {
        match Ruled::of(name) {
            Some(r) => self.values[r as usize],
            None => self.contact.properties.get(name),
        }
    }

    /// Whether the contact has the property (even empty).
    #[inline(always)]
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The property's value when it is present and not empty (as
    /// [`Contact::prop`]).
    #[inline(always)]
    pub fn prop(&self, name: &str) -> Option<&'a str> {
        match self.get(name) {
            Some(Some(v)) if !v.is_empty() => Some(v.as_str()),
            _ => None,
        }
    }

    /// The property's value as stored when it is not blank (spaces only
    /// count as empty: "an empty value never replaces a non-empty one").
    #[inline(always)]
    pub fn filled(&self, name: &str) -> Option<&'a str> {
        // Most values start with a visible ASCII character: no trim then.
        self.prop(name).filter(|v| match v.as_bytes()[0] {
            b if b.is_ascii() && !b.is_ascii_whitespace() => true,
            _ => !v.trim().is_empty(),
        })
    }

    /// The property's value as stored: `None` when missing or `null`.
    #[inline(always)]
    pub fn raw(&self, name: &str) -> Option<String> {
        self.get(name).cloned().flatten()
    }

    /// The property's value, trimmed, when not blank.
    #[inline(always)]
    pub fn trimmed(&self, name: &str) -> Option<&'a str> {
        self.prop(name).map(str::trim).filter(|v| !v.is_empty())
    }

    /// A date property's value, trimmed, parsed: `None` when blank. The
    /// record dates (`createdate`, `lastmodifieddate`) are parsed once.
    #[inline(always)]
    pub fn date(&self, name: &str) -> Option<Result<Millis, DateError>> {
        match RecordDate::of_property(name) {
            Some(d) => self.dates.written(d).cloned(),
            None => self.trimmed(name).map(parse_millis),
        }
    }

    /// When a property's current value was set ([`crate::dates::value_time`]),
    /// from the record dates parsed once.
    pub fn value_time(&self, prop: &str) -> Result<Option<Millis>, BadDate> {
        self.dates.value_time(prop)
    }

    /// When the contact was created ([`crate::dates::created_time`]), from
    /// the record dates parsed once.
    pub fn created_time(&self) -> Result<Option<Millis>, BadDate> {
        self.dates.created_time()
    }

    /// The original source's origin ([`RecordDates::source_origin`]), or
    /// this contact's own: its creation and when its history first set
    /// the source.
    pub fn source_origin(&self) -> Result<crate::dates::SourceOrigin, crate::error::MergeError> {
        if let Some(o) = self.dates.source_origin() {
            return Ok(o);
        }
        let src = crate::hubspot::property::ORIGINAL_SOURCE[0];
        Ok(crate::dates::SourceOrigin {
            born: self.created_time()?,
            set: super::history::current_value_first_set(self.contact, src)?,
        })
    }

    /// The contact's record dates.
    pub fn dates(&self) -> &RecordDates<'a> {
        &self.dates
    }

    /// The ruled properties the contact has, with their place in its
    /// property order, in that order.
    pub fn places(&self) -> &[(usize, Ruled)] {
        &self.places[..self.count]
    }

    /// The stored value of a property whose place in the contact is likely
    /// `at` (contacts of one file list their properties in one order): the
    /// property there when its name matches, else looked up by name.
    pub fn get_near(&self, name: &str, at: usize) -> Option<&'a Option<String>> {
        self.contact.property_near(name, at).map(|(_, v)| v)
    }
}

impl Deref for Seen<'_> {
    type Target = Contact;

    fn deref(&self) -> &Contact {
        self.contact
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testutil::contact;

    #[test]
    fn every_ruled_name_is_one_a_rule_decides() {
        let lists: Vec<&str> = [EMAIL, ADDITIONAL_EMAILS, LIFECYCLE_STAGE]
            .into_iter()
            .chain([CREATE_DATE, LAST_MODIFIED])
            .chain(SUMMED_COUNTERS.iter().copied())
            .chain([MARKETABLE_STATUS])
            .chain(FIRST_VISIT_TIMES.into_iter().chain(FIRST_VISIT_DETAILS))
            .chain(LAST_VISIT_TIMES.into_iter().chain(LAST_VISIT_DETAILS))
            .chain(ORIGINAL_SOURCE)
            .chain([LEGAL_BASIS, OBJECT_ID, MERGED_OBJECT_IDS, SALESFORCE_ID])
            .chain([PRIMARY_COMPANY, DEAL_COUNT, ALL_VIDS])
            .collect();
        let names: Vec<&str> = Ruled::ALL.iter().map(|r| r.name()).collect();
        assert_eq!(names, lists, "in the order the rules decide them");
        for r in Ruled::ALL {
            assert_eq!(Ruled::of(r.name()), Some(*r));
        }
        assert_eq!(Ruled::of("firstname"), None);
        assert_eq!(Ruled::of("Email"), None, "names are matched exactly");
    }

    #[test]
    fn reads_as_the_contact_does() {
        let c = contact(
            "1",
            &[
                ("firstname", "Ann"),
                ("email", "a@x.com"),
                ("city", ""),
                ("lifecyclestage", " lead "),
            ],
        );
        let seen = Seen::new(&c);
        for name in [
            "firstname",
            "email",
            "city",
            "lifecyclestage",
            "phone",
            "hs_legal_basis",
        ] {
            assert_eq!(seen.prop(name), c.prop(name), "{name}");
            assert_eq!(seen.has(name), c.properties.contains_key(name), "{name}");
            assert_eq!(seen.raw(name), c.properties.get(name).cloned().flatten());
        }
        assert_eq!(seen.trimmed("lifecyclestage"), Some("lead"));
        assert_eq!(seen.trimmed("city"), None);
        assert_eq!(
            seen.places(),
            [(1, Ruled::Email), (3, Ruled::LifecycleStage)]
        );
        assert_eq!(seen.get_near("city", 2), Some(&Some(String::new())));
        assert_eq!(seen.get_near("city", 0), Some(&Some(String::new())));
        assert_eq!(seen.get_near("phone", 9), None);
    }
}

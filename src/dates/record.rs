//! The dates a contact's record carries (`createdate`, `lastmodifieddate`,
//! `createdAt`, `updatedAt`), each parsed at most once, when first asked
//! ([`RecordDates`]): one merge asks for them many times (when each value
//! was set, which contact was created first, the latest modification).
//! The rules that read them, [`RecordDates::value_time`] and
//! [`RecordDates::created_time`], are written here once; the functions of
//! the same names in [`super`] run them on a contact's own dates.

use std::cell::OnceCell;

use super::{parse_millis, BadDate, DateError, Millis, ValueTimes};
use crate::hubspot::property::{CREATE_DATE, LAST_MODIFIED};
use crate::model::{key, Contact};

/// One of the dates a contact's record carries: two properties, two
/// metadata keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordDate {
    CreateDate,
    LastModified,
    CreatedAt,
    UpdatedAt,
}

impl RecordDate {
    /// The property or metadata key it is read from.
    pub fn field(self) -> &'static str {
        match self {
            RecordDate::CreateDate => CREATE_DATE,
            RecordDate::LastModified => LAST_MODIFIED,
            RecordDate::CreatedAt => key::CREATED_AT,
            RecordDate::UpdatedAt => key::UPDATED_AT,
        }
    }

    /// The record date held by the property of this name (inlined always:
    /// with a constant name it folds to a constant).
    #[inline(always)]
    pub fn of_property(name: &str) -> Option<RecordDate> {
        match name {
            CREATE_DATE => Some(RecordDate::CreateDate),
            LAST_MODIFIED => Some(RecordDate::LastModified),
            _ => None,
        }
    }
}

/// A contact's record dates, each parsed when first asked (see the module).
#[derive(Debug, Clone)]
pub struct RecordDates<'a> {
    contact: &'a Contact,
    /// `createdate` and `lastmodifieddate` as stored (`None` where the
    /// contact has no such property), when the caller has looked them up
    /// already; else they are looked up by name.
    props: Option<[Option<&'a Option<String>>; 2]>,
    /// By [`RecordDate`]: `None` inside when the contact does not state it.
    parsed: [OnceCell<Option<Result<Millis, DateError>>>; 4],
    /// When its values were set, where a merge earlier in the run knows
    /// better than the record's dates ([`ValueTimes`]).
    times: Option<&'a ValueTimes>,
}

impl<'a> RecordDates<'a> {
    pub fn new(contact: &'a Contact) -> Self {
        RecordDates {
            contact,
            props: None,
            parsed: Default::default(),
            times: None,
        }
    }

    /// These dates, with the times of values a merge earlier in the run
    /// knows ([`ValueTimes`]): [`Self::value_time`] reads them where the
    /// property has no history.
    pub fn timed(self, times: Option<&'a ValueTimes>) -> Self {
        RecordDates { times, ..self }
    }

    /// [`RecordDates::new`], given the stored `createdate` and
    /// `lastmodifieddate` (`None`: the contact has no such property), so
    /// that they are not looked up again.
    pub fn with_properties(
        contact: &'a Contact,
        create_date: Option<&'a Option<String>>,
        last_modified: Option<&'a Option<String>>,
    ) -> Self {
        RecordDates {
            props: Some([create_date, last_modified]),
            ..RecordDates::new(contact)
        }
    }

    /// The contact whose dates these are.
    pub fn contact(&self) -> &'a Contact {
        self.contact
    }

    /// The date as the contact states it, parsed: `None` when the property
    /// is missing or empty, or the metadata missing or blank. A property
    /// of spaces is stated (and is not a date).
    pub fn stated(&self, date: RecordDate) -> Option<&Result<Millis, DateError>> {
        let parse = || match date {
            RecordDate::CreateDate | RecordDate::LastModified => {
                let stored = match self.props {
                    Some(props) => props[date as usize],
                    None => self.contact.properties.get(date.field()),
                };
                // As `Contact::prop`: a value that is there and not empty.
                match stored {
                    Some(Some(v)) if !v.is_empty() => Some(parse_millis(v)),
                    _ => None,
                }
            }
            RecordDate::CreatedAt | RecordDate::UpdatedAt => {
                match self.contact.meta_text(date.field()) {
                    Some(v) if !v.trim().is_empty() => Some(parse_millis(&v)),
                    _ => None,
                }
            }
        };
        self.parsed[date as usize].get_or_init(parse).as_ref()
    }

    /// As [`Self::stated`], but `None` also for a blank value (the date read
    /// trimmed). The error's value is the text as written.
    pub fn written(&self, date: RecordDate) -> Option<&Result<Millis, DateError>> {
        self.stated(date)
            .filter(|r| !matches!(r, Err(e) if e.value.trim().is_empty()))
    }

    /// When a property's current value was set ([`super::value_time`]).
    pub fn value_time(&self, prop: &str) -> Result<Option<Millis>, BadDate> {
        let bad = |field: String, source: DateError| BadDate {
            record: self.contact.id.clone(),
            field,
            source,
        };
        // A value an earlier merge of this run set: the time it came with
        // (the merge's own history entry for it carries the merge time,
        // which would make it the newest in the next merge).
        if let Some(t) = self.times.and_then(|t| t.get(prop)) {
            return Ok(t);
        }
        let history = self.contact.history_of(prop);
        if !history.is_empty() {
            let mut newest: Option<Millis> = None;
            for entry in history {
                if let Some(ts) = entry.timestamp() {
                    let ms = parse_millis(&ts)
                        .map_err(|e| bad(format!("propertiesWithHistory.{prop} timestamp"), e))?;
                    newest = Some(newest.map_or(ms, |n| n.max(ms)));
                }
            }
            if newest.is_some() {
                return Ok(newest);
            }
        }
        self.record_time(RecordDate::LastModified, RecordDate::UpdatedAt)
            .and_then(|t| match t {
                Some(t) => Ok(Some(t)),
                None => self.record_time(RecordDate::CreateDate, RecordDate::CreatedAt),
            })
            .map_err(|(field, e)| bad(field, e))
    }

    /// Where the original source came from, when a merge earlier in the run
    /// gave the contact the source of another contact ([`ValueTimes`]).
    pub fn source_origin(&self) -> Option<super::SourceOrigin> {
        self.times.and_then(ValueTimes::source)
    }

    /// When the contact was created ([`super::created_time`]).
    pub fn created_time(&self) -> Result<Option<Millis>, BadDate> {
        self.record_time(RecordDate::CreateDate, RecordDate::CreatedAt)
            .map_err(|(field, source)| BadDate {
                record: self.contact.id.clone(),
                field,
                source,
            })
    }

    /// The property's date when the contact states it, else the metadata's.
    fn record_time(
        &self,
        prop: RecordDate,
        meta: RecordDate,
    ) -> Result<Option<Millis>, (String, DateError)> {
        for date in [prop, meta] {
            if let Some(r) = self.stated(date) {
                return r
                    .clone()
                    .map(Some)
                    .map_err(|e| (date.field().to_string(), e));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// Contact 7 with these properties.
    fn contact(props: &[(&str, &str)]) -> Contact {
        crate::rules::testutil::contact("7", props)
    }

    #[test]
    fn each_date_is_parsed_once_and_kept() {
        let c = contact(&[("createdate", "2024-03-01"), ("lastmodifieddate", " ")]);
        let dates = RecordDates::new(&c);
        let created = parse_millis("2024-03-01").unwrap();
        assert_eq!(dates.stated(RecordDate::CreateDate), Some(&Ok(created)));
        assert_eq!(dates.stated(RecordDate::CreateDate), Some(&Ok(created)));
        assert!(matches!(
            dates.stated(RecordDate::LastModified),
            Some(Err(_))
        ));
        assert_eq!(dates.written(RecordDate::LastModified), None);
        assert_eq!(dates.stated(RecordDate::CreatedAt), None);
        assert_eq!(dates.created_time(), Ok(Some(created)));
        let err = dates.value_time("x").unwrap_err();
        assert_eq!(err.field, "lastmodifieddate");
        assert_eq!(err.source.value, " ");
    }

    #[test]
    fn metadata_blank_is_not_stated() {
        let mut c = contact(&[]);
        c.set_section(key::CREATED_AT, Value::String("  ".into()));
        c.set_section(key::UPDATED_AT, Value::String(" 2024-03-01 ".into()));
        let dates = RecordDates::new(&c);
        assert_eq!(dates.stated(RecordDate::CreatedAt), None);
        let updated = parse_millis("2024-03-01").unwrap();
        assert_eq!(dates.written(RecordDate::UpdatedAt), Some(&Ok(updated)));
        assert_eq!(dates.value_time("x"), Ok(Some(updated)));
        assert_eq!(dates.created_time(), Ok(None));
    }

    #[test]
    fn names_of_record_dates() {
        assert_eq!(
            RecordDate::of_property("createdate"),
            Some(RecordDate::CreateDate)
        );
        assert_eq!(
            RecordDate::of_property("lastmodifieddate"),
            Some(RecordDate::LastModified)
        );
        assert_eq!(RecordDate::of_property("createdAt"), None);
        for d in [RecordDate::CreateDate, RecordDate::LastModified] {
            assert_eq!(RecordDate::of_property(d.field()), Some(d));
        }
    }
}

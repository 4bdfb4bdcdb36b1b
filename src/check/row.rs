//! A CSV row read in place for the checks: the fields a [`Contact`] read
//! from the row would have ([`crate::format::csv::contact_from_row`]:
//! a property a column, in column order, every value present; the
//! association columns split at `;`; no sections, no history), without
//! building it. A layout whose property or association names repeat (the
//! contact would keep one value for two columns) is not read in place.

use std::borrow::Cow;

use super::fields::{Fields, Kind};
use crate::format::records::csv_cell;
use crate::model::{split_multi, Column, CsvLayout};

/// What a layout's columns are, worked out once for every row.
pub(crate) struct RowPlan {
    /// A column's property kind; `None` for an association column.
    kinds: Vec<Option<Kind>>,
    /// A property's column, by name, for the few the checks ask for.
    email: Option<usize>,
    extra_emails: Option<usize>,
    object_id: bool,
}

impl RowPlan {
    /// The plan of a layout; `None` when a name repeats.
    pub(crate) fn of(layout: &CsvLayout) -> Option<RowPlan> {
        let mut names = std::collections::HashSet::new();
        let mut kinds = Vec::with_capacity(layout.columns.len());
        for col in &layout.columns {
            let (name, kind) = match col {
                Column::Property(name) => (format!("p{name}"), Some(Kind::of(name))),
                Column::Association(kind) => (format!("a{kind}"), None),
            };
            if !names.insert(name) {
                return None;
            }
            kinds.push(kind);
        }
        let column = |wanted: &str| {
            (layout.columns.iter()).position(|c| matches!(c, Column::Property(n) if n == wanted))
        };
        Some(RowPlan {
            kinds,
            email: column("email"),
            extra_emails: column("hs_additional_emails"),
            object_id: column("hs_object_id").is_some(),
        })
    }
}

/// One row: its id, its text and its cells' ranges in it (one a column),
/// each decoded when read.
pub(crate) struct Row<'r> {
    pub(crate) layout: &'r CsvLayout,
    pub(crate) plan: &'r RowPlan,
    pub(crate) id: &'r str,
    pub(crate) text: &'r str,
    pub(crate) spans: &'r [(usize, usize)],
}

impl<'r> Row<'r> {
    fn cell(&self, (a, b): (usize, usize)) -> Cow<'r, str> {
        csv_cell(&self.text[a..b])
    }

    fn value(&self, column: Option<usize>) -> Option<Cow<'r, str>> {
        let v = self.cell(*self.spans.get(column?)?);
        (!v.is_empty()).then_some(v)
    }
}

impl Fields for Row<'_> {
    fn id(&self) -> &str {
        self.id
    }

    fn prop(&self, name: &str) -> Option<Cow<'_, str>> {
        match name {
            "email" => self.value(self.plan.email),
            "hs_additional_emails" => self.value(self.plan.extra_emails),
            _ => {
                let at = (self.layout.columns.iter())
                    .position(|c| matches!(c, Column::Property(n) if n == name));
                self.value(at)
            }
        }
    }

    fn has_property(&self, name: &str) -> bool {
        match name {
            "hs_object_id" => self.plan.object_id,
            _ => {
                (self.layout.columns.iter()).any(|c| matches!(c, Column::Property(n) if n == name))
            }
        }
    }

    fn each_property(&self, f: &mut dyn FnMut(&str, Option<&str>, Kind)) {
        let columns = self.layout.columns.iter().zip(&self.plan.kinds);
        for ((col, kind), &span) in columns.zip(self.spans) {
            if let (Column::Property(name), Some(kind)) = (col, kind) {
                f(name, Some(&self.cell(span)), *kind);
            }
        }
    }

    fn meta_text(&self, _key: &str) -> Option<Cow<'_, str>> {
        None
    }

    fn each_history_timestamp(&self, _f: &mut dyn FnMut(&str, &str)) {}

    fn each_engagement_timestamp(&self, _f: &mut dyn FnMut(&str)) {}

    fn each_association_cell(&self, f: &mut dyn FnMut(&str, &str)) {
        for (col, &span) in self.layout.columns.iter().zip(self.spans) {
            let Column::Association(kind) = col else {
                continue;
            };
            let cell = self.cell(span);
            f(kind, &super::fields::formula_cell(split_multi(&cell)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Checker;
    use crate::format::records::{Item, Reader};
    use crate::format::Format;

    /// Every row of `text` checked in place and as the contact it reads as:
    /// the same problems and warnings, in the same order.
    fn same_as_contact(text: &str) {
        let stages: Vec<String> = crate::labels::default_stage_order();
        let mut reader = Reader::new(text.as_bytes(), Format::Csv, "f.csv").unwrap();
        let layout = reader.csv_layout().unwrap().clone();
        let plan = RowPlan::of(&layout).expect("no name repeats");
        let (mut in_place, mut parsed) = (Checker::new("f", &stages), Checker::new("f", &stages));
        let mut n = 0;
        while let Some(item) = reader.next_item().unwrap() {
            let Item::Record(r) = item else { continue };
            let (row_text, spans) = r.csv_row().unwrap();
            let row = Row {
                layout: &layout,
                plan: &plan,
                id: &r.id,
                text: row_text,
                spans,
            };
            in_place.check_fields(&row, r.place);
            parsed.check_fields(&r.contact().unwrap(), r.place);
            n += 1;
        }
        assert!(n > 0);
        assert_eq!(in_place.problems, parsed.problems, "{text}");
        assert_eq!(in_place.warnings, parsed.warnings, "{text}");
        assert!(!parsed.problems.is_empty() || !parsed.warnings.is_empty());
    }

    #[test]
    fn rows_read_in_place_check_as_their_contacts() {
        same_as_contact(concat!(
            "Record ID,Email,hs_additional_emails,Create Date,Number of Pageviews,",
            "Lifecycle Stage,Marketing contact status,=Name,Associated Deal IDs,",
            "Associated Company IDs,Job Title\r\n",
            "1,a@x.com,\" b@x.com ; bad@ ;\",2024-01-01,3,lead,true,x,1;2,3,=cmd\r\n",
            " 2 , spaced@x.com ,,31/12/2023,lots,Partner,maybe,\"=\"\"q\"\"\",\" =1 ; 2\",-,\"two\nlines\"\r\n",
            "3,,,,,   ,,,,,\r\n",
            "=4,jane@@acme,,yesterday,3.5,Customer,Non-marketing contact,@x,;,+1 555,\t\r\n",
        ));
        same_as_contact("hs_object_id,email,createdate,companies\n5,5,x,=1\n6,6,,\n");
    }

    #[test]
    fn a_layout_whose_names_repeat_is_not_read_in_place() {
        let layout = |headers: &str| {
            let text = format!("{headers}\n1,2,3\n");
            let reader = Reader::new(text.as_bytes(), Format::Csv, "f.csv");
            reader.ok().and_then(|r| r.csv_layout().cloned())
        };
        let ok = layout("Record ID,Email,companies").unwrap();
        assert!(RowPlan::of(&ok).is_some());
        let mut twice = ok.clone();
        twice.columns[2] = twice.columns[1].clone();
        assert!(RowPlan::of(&twice).is_none());
    }
}

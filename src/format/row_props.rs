//! A CSV row's properties, built without hashing a column name per cell.
//!
//! Every row of a file has the same columns, so every contact read from it
//! has the same property names in the same order. Inserting each cell into
//! a fresh map hashes its column's name and probes the table, cell after
//! cell: about 160 instructions a cell, a third of building a row's contact
//! (callgrind, BENCHMARKS.md). Instead, the map of the file's property
//! names (every value unset) is built once per thread and cloned, which
//! copies its table as it is, and each cell's value is put in its column's
//! place. Holding the names once per thread, not in the layout, keeps the
//! layout a plain description of the file; the cached columns are compared
//! with the layout's on every use, so a layout that changed (or another
//! file's) never gets another's names.

use std::cell::RefCell;

use crate::model::{Column, Properties};

/// The property names of one set of columns, all unset, and where each
/// column's value goes (`None` for an association column).
struct Template {
    columns: Vec<Column>,
    properties: Properties,
    places: Vec<Option<usize>>,
}

impl Template {
    fn new(columns: &[Column]) -> Self {
        let mut properties =
            Properties::with_capacity_and_hasher(columns.len(), Default::default());
        let places = (columns.iter())
            .map(|col| match col {
                // A name twice keeps its first place, and the later
                // column's value, as inserting cell after cell does.
                Column::Property(name) => Some(
                    properties
                        .insert_full(crate::model::prop_name(name), None)
                        .0,
                ),
                Column::Association(_) => None,
            })
            .collect();
        Template {
            columns: columns.to_vec(),
            properties,
            places,
        }
    }
}

thread_local! {
    static TEMPLATE: RefCell<Option<Template>> = const { RefCell::new(None) };
}

/// The properties of a row with these `columns`, each property column's
/// cell given to `value` with its column's index: the same map, in the same
/// order, as inserting `(name, value(i))` column after column.
pub(crate) fn row_properties(
    columns: &[Column],
    mut value: impl FnMut(usize) -> Option<String>,
) -> Properties {
    TEMPLATE.with_borrow_mut(|cached| {
        let template = match cached {
            Some(t) if t.columns == columns => t,
            _ => cached.insert(Template::new(columns)),
        };
        let mut properties = template.properties.clone();
        for (i, place) in template.places.iter().enumerate() {
            if let Some(at) = place {
                if let Some((_, v)) = properties.get_index_mut(*at) {
                    *v = value(i);
                }
            }
        }
        properties
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prop(n: &str) -> Column {
        Column::Property(n.into())
    }

    /// What inserting cell after cell gives, the way it was built before.
    fn inserted(columns: &[Column], cells: &[&str]) -> Properties {
        let mut p = Properties::default();
        for (col, cell) in columns.iter().zip(cells) {
            if let Column::Property(n) = col {
                p.insert(n.as_str().into(), Some(cell.to_string()));
            }
        }
        p
    }

    fn built(columns: &[Column], cells: &[&str]) -> Properties {
        row_properties(columns, |i| Some(cells[i].to_string()))
    }

    /// A map's entries in order (maps compare equal in any order).
    fn entries(p: &Properties) -> Vec<(&crate::model::PropName, &Option<String>)> {
        p.iter().collect()
    }

    fn assert_same(got: &Properties, want: &Properties) {
        assert_eq!(entries(got), entries(want));
    }

    #[test]
    fn the_same_map_as_inserting_each_cell() {
        let columns = [
            prop("hs_object_id"),
            prop("email"),
            Column::Association("companies".into()),
            prop("firstname"),
        ];
        let cells = ["1", "a@x.com", "9;10", "Ann"];
        let got = built(&columns, &cells);
        assert_same(&got, &inserted(&columns, &cells));
        assert_eq!(got.get("firstname"), Some(&Some("Ann".to_string())));
    }

    #[test]
    fn a_name_twice_keeps_its_first_place_and_the_last_value() {
        let columns = [prop("a"), prop("b"), prop("a")];
        let cells = ["1", "2", "3"];
        let got = built(&columns, &cells);
        assert_same(&got, &inserted(&columns, &cells));
        assert_eq!(got.get_index(0), Some((&"a".into(), &Some("3".into()))));
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn other_columns_on_the_same_thread_get_their_own_names() {
        let first = [prop("a"), prop("b")];
        let second = [prop("a"), prop("c")];
        assert_same(&built(&first, &["1", "2"]), &inserted(&first, &["1", "2"]));
        let got = built(&second, &["1", "2"]);
        assert_same(&got, &inserted(&second, &["1", "2"]));
        assert!(got.get("b").is_none());
        // And back: the cache follows the columns it is given.
        assert_same(&built(&first, &["5", "6"]), &inserted(&first, &["5", "6"]));
    }

    #[test]
    fn rows_do_not_share_values() {
        let columns = [prop("a")];
        let one = built(&columns, &["1"]);
        let two = built(&columns, &["2"]);
        assert_eq!(one.get("a"), Some(&Some("1".to_string())));
        assert_eq!(two.get("a"), Some(&Some("2".to_string())));
    }
}

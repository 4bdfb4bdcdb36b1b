//! One page of contacts, in as many requests as its address needs.
//!
//! The properties asked for go into the query of
//! `GET /crm/v3/objects/contacts` (`properties=a,b,...`, and again in
//! `propertiesWithHistory` with history). A portal with hundreds of
//! properties makes that address tens of thousands of characters long,
//! which HubSpot's front answers with 414. So the property list is split
//! into groups, each request's address at most `max_url` characters: the
//! page is asked once per group with the same cursor, the first request
//! carrying the associations, and each group's properties (and their
//! history) are put into the first answer's contacts, in the list's
//! order. Every group's answer must hold the same contacts in the same
//! order (one created, merged or deleted between the requests shifts a
//! page); when one does not, the whole page is asked again, a few times,
//! and then the pull stops (it resumes).

use serde_json::{Map, Value};

use super::{Query, ASSOCIATIONS, CONTACTS_PATH, PAGE, PAGE_WITH_HISTORY};
use crate::portal::client::{url_len, Call, Client, Retrying};
use crate::portal::error::PortalError;

/// The longest address a page request gets by default, in characters:
/// well under the 16k or so HubSpot's front takes.
pub const MAX_URL: usize = 8_000;
/// Tries of a page whose groups answered with different contacts.
const PAGE_TRIES: usize = 3;

/// The requests of the page after `after`: one, or one per group of
/// properties when the list does not fit one address of `max_url`.
pub(super) fn page_calls(
    base: &str,
    q: &Query,
    after: Option<&str>,
    max_url: usize,
) -> Result<Vec<Call>, PortalError> {
    let Some(props) = &q.properties else {
        return Ok(vec![page_call(q, after, None, q.associations)]);
    };
    let whole = page_call(q, after, Some(props), q.associations);
    if url_len(base, &whole) <= max_url {
        return Ok(vec![whole]);
    }
    let lists = if q.history { 2 } else { 1 };
    let keys = "&properties=".len()
        + if q.history {
            "&propertiesWithHistory=".len()
        } else {
            0
        };
    let mut calls = Vec::new();
    let mut rest = &props[..];
    while !rest.is_empty() {
        let first = calls.is_empty();
        let mut len = url_len(base, &page_call(q, after, None, first && q.associations)) + keys;
        let mut n = 0;
        for (i, name) in rest.iter().enumerate() {
            let more =
                lists * (crate::portal::client::encoded_len(name) + if i > 0 { 3 } else { 0 });
            if len + more > max_url {
                break;
            }
            len += more;
            n += 1;
        }
        if n == 0 {
            return Err(PortalError::PropertyTooLong {
                name: rest[0].clone(),
                max: max_url,
            });
        }
        calls.push(page_call(
            q,
            after,
            Some(&rest[..n]),
            first && q.associations,
        ));
        rest = &rest[n..];
    }
    Ok(calls)
}

/// One request of the page after `after`: `props` (`None`: HubSpot's
/// default set), their history when the query asks for it, and the
/// associations when `associations`.
fn page_call(q: &Query, after: Option<&str>, props: Option<&[String]>, associations: bool) -> Call {
    let limit = if q.history { PAGE_WITH_HISTORY } else { PAGE };
    let mut call = Call::get(CONTACTS_PATH).query("limit", limit.to_string());
    if let Some(after) = after {
        call = call.query("after", after);
    }
    if let Some(props) = props {
        call = call.query("properties", props.join(","));
        if q.history {
            call = call.query("propertiesWithHistory", props.join(","));
        }
    }
    if associations {
        call = call.query("associations", ASSOCIATIONS.join(","));
    }
    call.query("archived", "false")
}

/// The page `calls` ask for, their answers put together into the
/// first's. `page`: its number, for messages.
pub(super) fn fetch(
    client: &mut Client,
    calls: &[Call],
    page: usize,
    on_retry: &mut dyn FnMut(&Retrying<'_>),
) -> Result<Value, PortalError> {
    let (first, others) = calls.split_first().expect("a page has a request");
    'tries: for _ in 0..PAGE_TRIES {
        let mut answer = client.call(first, on_retry)?;
        let ids = ids_of(first, &answer)?;
        for call in others {
            let more = client.call(call, on_retry)?;
            if ids_of(call, &more)? != ids {
                continue 'tries;
            }
            join(&mut answer, &more);
        }
        return Ok(answer);
    }
    Err(PortalError::PageShifted {
        call: first.describe(),
        page,
        requests: calls.len(),
        tries: PAGE_TRIES,
    })
}

/// The ids of a page's contacts, in order.
fn ids_of(call: &Call, page: &Value) -> Result<Vec<String>, PortalError> {
    let bad = |detail: &str| PortalError::BadReply {
        call: call.describe(),
        detail: detail.to_string(),
    };
    let results = page
        .get("results")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no \"results\" list"))?;
    results
        .iter()
        .map(|r| match r.get("id") {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(Value::Number(n)) => Ok(n.to_string()),
            _ => Err(bad("a contact without an \"id\"")),
        })
        .collect()
}

/// `more`'s properties and their history into `page`'s contacts (the
/// same, in the same order): after those already there, a property
/// already there kept as it is.
fn join(page: &mut Value, more: &Value) {
    let (Some(results), Some(others)) = (
        page.get_mut("results").and_then(Value::as_array_mut),
        more.get("results").and_then(Value::as_array),
    ) else {
        return;
    };
    for (contact, other) in results.iter_mut().zip(others) {
        for key in ["properties", "propertiesWithHistory"] {
            let Some(from) = other.get(key).and_then(Value::as_object) else {
                continue;
            };
            let Some(obj) = contact.as_object_mut() else {
                continue;
            };
            let into = obj.entry(key).or_insert_with(|| Value::Object(Map::new()));
            if let Some(into) = into.as_object_mut() {
                for (k, v) in from {
                    into.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn query(n: usize, history: bool) -> Query {
        Query {
            properties: Some((0..n).map(|i| format!("custom_property_{i:03}")).collect()),
            all_properties: true,
            history,
            associations: true,
        }
    }

    #[test]
    fn a_long_property_list_is_split_into_addresses_under_the_limit_in_its_order() {
        let base = "https://api.hubapi.com";
        for history in [false, true] {
            let q = query(600, history);
            let one = page_calls(base, &q, Some("123456"), usize::MAX).unwrap();
            assert_eq!(one.len(), 1);
            assert!(
                url_len(base, &one[0]) > 13_000,
                "{}",
                url_len(base, &one[0])
            );
            let calls = page_calls(base, &q, Some("123456"), MAX_URL).unwrap();
            assert!(calls.len() > 1);
            let mut names = Vec::new();
            for (i, c) in calls.iter().enumerate() {
                assert!(url_len(base, c) <= MAX_URL, "{}", url_len(base, c));
                let get = |k: &str| {
                    c.query
                        .iter()
                        .find(|(key, _)| key == k)
                        .map(|x| x.1.clone())
                };
                assert_eq!(get("associations").is_some(), i == 0);
                assert_eq!(get("after").as_deref(), Some("123456"));
                let props = get("properties").unwrap();
                assert_eq!(get("propertiesWithHistory").is_some(), history);
                names.extend(props.split(',').map(str::to_string));
            }
            assert_eq!(Some(names), q.properties);
        }
        let err = page_calls(base, &query(3, false), None, 100).unwrap_err();
        assert!(err.to_string().contains("custom_property_000"), "{err}");
    }

    #[test]
    fn groups_join_in_the_lists_order() {
        let mut page = json!({"results": [{"id": "1", "properties": {"a": "1"}}]});
        let more = json!({"results": [{"id": "1", "properties": {"b": "2", "a": "x"},
            "propertiesWithHistory": {"b": [{"value": "2"}]}}]});
        join(&mut page, &more);
        assert_eq!(
            page.to_string(),
            r#"{"results":[{"id":"1","properties":{"a":"1","b":"2"},"propertiesWithHistory":{"b":[{"value":"2"}]}}]}"#
        );
    }
}

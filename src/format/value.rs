//! JSON text parsed into serde_json's [`Value`], noting every key an object
//! holds twice.
//!
//! serde_json's own `Value` keeps the last of two values of one key without
//! a word, so a contact with `"email"` twice would lose one of them
//! silently. This parser builds the same `Value` (the same map type, the
//! same numbers: with serde_json's `arbitrary_precision` every number keeps
//! the digits it was written with) and lists the keys written twice, with
//! where they are, for the readers to refuse (SPEC section 4, "What the
//! tool must refuse"). Finding them costs nothing extra: the map says so
//! when a key goes in.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};

/// serde_json's name for a number it hands over as text (with
/// `arbitrary_precision`, a number arrives as a one-entry map under this
/// key, which serde_json's own `Value` recognises the same way). The unit
/// tests read numbers beyond 64 bits back exactly, so a change of it in
/// serde_json fails them.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// One step into a JSON document: a key of an object or an index of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// A key an object holds more than once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeated {
    /// Where the object is, from the document's top.
    pub path: Vec<Step>,
    pub key: String,
}

impl Repeated {
    /// The path without its first `n` steps (the steps to a contact), as
    /// text: `properties`, `engagements[2]`, `subscriptions."a b"[0]`;
    /// empty for the object itself.
    pub fn path_from(&self, n: usize) -> String {
        let mut out = String::new();
        for step in self.path.iter().skip(n) {
            match step {
                Step::Index(i) => out.push_str(&format!("[{i}]")),
                Step::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    if k.chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
                        && !k.is_empty()
                    {
                        out.push_str(k);
                    } else {
                        out.push_str(&Value::String(k.clone()).to_string());
                    }
                }
            }
        }
        out
    }
}

/// Parse JSON text into a [`Value`], listing the keys written twice in
/// document order (the value kept for such a key is the last, as
/// serde_json's; a reader refuses the document anyway). Syntax errors are
/// serde_json's, with their line and column.
pub fn parse(text: &str) -> Result<(Value, Vec<Repeated>), serde_json::Error> {
    let mut repeated = Vec::new();
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Seed {
        repeated: &mut repeated,
    }
    .deserialize(&mut de)?;
    de.end()?;
    // Steps were added from the inside out.
    for r in &mut repeated {
        r.path.reverse();
    }
    Ok((value, repeated))
}

/// [`parse`] of the first value in `bytes`, which may go on after it:
/// the value, the keys written twice, and how many bytes it took.
pub fn parse_first(bytes: &[u8]) -> Result<(Value, Vec<Repeated>, usize), serde_json::Error> {
    let mut values = serde_json::Deserializer::from_slice(bytes).into_iter::<Parsed>();
    match values.next() {
        Some(Ok(Parsed(value, mut repeated))) => {
            for r in &mut repeated {
                r.path.reverse();
            }
            Ok((value, repeated, values.byte_offset()))
        }
        Some(Err(e)) => Err(e),
        // Nothing but whitespace: serde_json's own error for it.
        None => Err(serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
            .expect_err("no value in the bytes")),
    }
}

/// A value and its keys written twice (steps from the inside out), as
/// one deserialisable thing.
struct Parsed(Value, Vec<Repeated>);

impl<'de> serde::Deserialize<'de> for Parsed {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut repeated = Vec::new();
        let value = Seed {
            repeated: &mut repeated,
        }
        .deserialize(d)?;
        Ok(Parsed(value, repeated))
    }
}

struct Seed<'r> {
    repeated: &'r mut Vec<Repeated>,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        loop {
            let before = self.repeated.len();
            let seed = Seed {
                repeated: &mut *self.repeated,
            };
            let Some(item) = seq.next_element_seed(seed)? else {
                break;
            };
            for r in &mut self.repeated[before..] {
                r.path.push(Step::Index(items.len()));
            }
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        let mut first = true;
        while let Some(key) = map.next_key::<String>()? {
            if first && key == NUMBER_TOKEN {
                // A number, as its text.
                let text: String = map.next_value()?;
                return text
                    .parse::<Number>()
                    .map(Value::Number)
                    .map_err(A::Error::custom);
            }
            first = false;
            let before = self.repeated.len();
            let value = map.next_value_seed(Seed {
                repeated: &mut *self.repeated,
            })?;
            if self.repeated.len() > before {
                for r in &mut self.repeated[before..] {
                    r.path.push(Step::Key(key.clone()));
                }
            }
            match out.entry(key) {
                Entry::Vacant(slot) => {
                    slot.insert(value);
                }
                Entry::Occupied(mut slot) => {
                    self.repeated.push(Repeated {
                        path: Vec::new(),
                        key: slot.key().clone(),
                    });
                    slot.insert(value);
                }
            }
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<(String, String)> {
        let (_, r) = parse(text).unwrap();
        r.iter().map(|r| (r.path_from(0), r.key.clone())).collect()
    }

    #[test]
    fn builds_the_value_serde_json_builds() {
        let text = r#"{"b":[1,-2,3.5,"x",null,true,{"z":{},"a":[]}],"a":"\u00e9\n","c":1e-7}"#;
        let (v, r) = parse(text).unwrap();
        assert!(r.is_empty());
        assert_eq!(v, serde_json::from_str::<Value>(text).unwrap());
        assert_eq!(
            v.to_string(),
            serde_json::from_str::<Value>(text).unwrap().to_string()
        );
    }

    #[test]
    fn numbers_keep_their_digits() {
        let text = r#"[100000000000000000000,100000000000000000001,-18446744073709551617,1e+20,0.1000000000000000000001,7]"#;
        let (v, _) = parse(text).unwrap();
        assert_eq!(v.to_string(), text);
        let Value::Array(items) = &v else { panic!() };
        assert_ne!(items[0], items[1]);
        assert_eq!(items[5].as_u64(), Some(7));
    }

    #[test]
    fn keys_written_twice_are_listed_with_their_place() {
        assert_eq!(
            keys(r#"{"email":"a","properties":{"email":"b","email":"c"},"email":"d"}"#),
            [
                ("properties".to_string(), "email".to_string()),
                (String::new(), "email".to_string())
            ]
        );
        assert_eq!(
            keys(r#"[{"id":1},{"id":2,"x":[0,{"a":1,"a":1}],"sub":{"a b":[{"k":1,"k":2}]}}]"#),
            [
                ("[1].x[1]".to_string(), "a".to_string()),
                ("[1].sub.\"a b\"[0]".to_string(), "k".to_string())
            ]
        );
        assert_eq!(keys(r#"{"a":{"b":1},"c":[{"b":1}]}"#), []);
    }

    #[test]
    fn the_last_value_is_kept_in_the_first_place() {
        let (v, r) = parse(r#"{"a":1,"b":2,"a":3}"#).unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(v.to_string(), r#"{"a":3,"b":2}"#);
    }

    #[test]
    fn syntax_errors_are_serde_jsons() {
        let e = parse("{\"a\":\n1,}").unwrap_err();
        assert_eq!(e.line(), 2);
        assert!(parse("[1] x").is_err());
        assert!(parse("[1").unwrap_err().is_eof());
        // Deep nesting is refused, not a stack overflow.
        assert!(parse(&"[".repeat(100_000)).is_err());
    }
}

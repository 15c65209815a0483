//! Reading a stored page of events straight from its JSON bytes.
//!
//! Opening a profile reads every page, so this is on the start-up path: 10,000 events opened
//! in 23 ms through a derived `Deserialize` and in 32 ms through `serde_json::Value` (a map
//! and seven key strings per event). These visitors keep the speed without the size: keys
//! are borrowed, only field values become `Value`s, and every `visit_*` a malformed page can
//! reach is answered here, so serde's messages that print numbers (and with them a second
//! float formatter, about 9 KB of the gzipped package) are never compiled in.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::log::{StoredEvent, PAGE_SIZE};

/// The events of one stored page, or `None` if the bytes are not one.
pub fn read_page(bytes: &[u8]) -> Option<Vec<StoredEvent>> {
    let mut reader = serde_json::Deserializer::from_slice(bytes);
    let events = (&mut reader).deserialize_any(PageVisitor).ok()?;
    reader.end().ok()?;
    Some(events)
}

fn refuse<T, E: de::Error>(what: &'static str) -> Result<T, E> {
    Err(E::custom(what))
}

/// Answers every `visit_*` that isn't the wanted one with a fixed message.
macro_rules! refuse_others {
    ($what:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            refuse($what)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            refuse($what)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            refuse($what)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            refuse($what)
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            refuse($what)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            refuse($what)
        }
    };
}

const NOT_A_PAGE: &str = "a stored page is a list of events";
const NOT_AN_EVENT: &str = "a stored event is an object with its fields";

struct PageVisitor;

impl<'de> Visitor<'de> for PageVisitor {
    type Value = Vec<StoredEvent>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(NOT_A_PAGE)
    }
    refuse_others!(NOT_A_PAGE);
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        refuse(NOT_A_PAGE)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut events = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(PAGE_SIZE));
        while let Some(event) = seq.next_element_seed(EventSeed)? {
            events.push(event);
        }
        Ok(events)
    }
}

struct EventSeed;

impl<'de> DeserializeSeed<'de> for EventSeed {
    type Value = StoredEvent;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<StoredEvent, D::Error> {
        d.deserialize_any(EventVisitor)
    }
}

struct EventVisitor;

/// The fields of a stored event (`Other` for one a later version may add).
enum Field {
    Id,
    Category,
    Kind,
    Item,
    At,
    Weight,
    Features,
    Other,
}

/// Reads a key as a [`Field`]. Not `&str`: its error for an escaped key prints serde's
/// "unexpected" value, which can be a float.
struct FieldSeed;

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = Field;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Field, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed {
    type Value = Field;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<Field, E> {
        Ok(match key {
            "id" => Field::Id,
            "category" => Field::Category,
            "kind" => Field::Kind,
            "item" => Field::Item,
            "at" => Field::At,
            "weight" => Field::Weight,
            "features" => Field::Features,
            _ => Field::Other,
        })
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Field, E> {
        refuse("a field name")
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Field, E> {
        refuse("a field name")
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Field, E> {
        refuse("a field name")
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Field, E> {
        refuse("a field name")
    }
}

fn text(v: Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s),
        _ => None,
    }
}

fn features(v: &Value) -> Option<Vec<(String, f64)>> {
    let mut out = Vec::new();
    for pair in v.as_array()? {
        match pair.as_array()?.as_slice() {
            [name, weight] => out.push((name.as_str()?.to_owned(), weight.as_f64()?)),
            _ => return None,
        }
    }
    Some(out)
}

impl<'de> Visitor<'de> for EventVisitor {
    type Value = StoredEvent;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(NOT_AN_EVENT)
    }
    refuse_others!(NOT_AN_EVENT);
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        refuse(NOT_AN_EVENT)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StoredEvent, A::Error> {
        let (mut id, mut category, mut kind, mut item, mut at, mut weight) =
            (None, None, None, None, None, None);
        let mut features_of = Some(Vec::new());
        // Unknown fields are skipped.
        while let Some(key) = map.next_key_seed(FieldSeed)? {
            let value: Value = map.next_value()?;
            match key {
                Field::Id => id = value.as_u64(),
                Field::Category => category = text(value),
                Field::Kind => kind = text(value),
                Field::Item => item = text(value),
                Field::At => at = value.as_i64(),
                Field::Weight => weight = value.as_f64(),
                Field::Features => features_of = features(&value),
                Field::Other => {}
            }
        }
        match (id, category, kind, item, at, weight, features_of) {
            (Some(id), Some(category), Some(kind), Some(item), Some(at), Some(weight), Some(f)) => {
                Ok(StoredEvent {
                    id,
                    category,
                    kind,
                    item,
                    at,
                    weight,
                    features: f,
                })
            }
            _ => refuse(NOT_AN_EVENT),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: u64, features: Vec<(String, f64)>) -> StoredEvent {
        StoredEvent {
            id,
            category: "reading".into(),
            kind: "click".into(),
            item: "a \"quoted\" item".into(),
            at: -5,
            weight: 0.25,
            features,
        }
    }

    #[test]
    fn reads_back_what_was_written() {
        let page = vec![
            event(1, vec![]),
            event(u64::MAX, vec![("topic:x".into(), 1.5), ("y".into(), -2.0)]),
        ];
        let bytes = serde_json::to_vec(&page).unwrap();
        assert_eq!(read_page(&bytes), Some(page));
        assert_eq!(read_page(b"[]"), Some(vec![]));
    }

    #[test]
    fn anything_else_is_unreadable() {
        let good = serde_json::to_value(event(3, vec![("f".into(), 1.0)])).unwrap();
        let mut cases: Vec<Vec<u8>> = ["{}", "1.5", "\"x\"", "null", "[1]", "[[]]", "[{}]", "[] x"]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect();
        for (field, bad) in [
            ("id", serde_json::json!(-1)),
            ("id", serde_json::json!(1.5)),
            ("category", serde_json::json!(7)),
            ("at", serde_json::json!("now")),
            ("weight", serde_json::json!(null)),
            ("features", serde_json::json!([["f"]])),
            ("features", serde_json::json!({ "f": 1 })),
        ] {
            let mut e = good.clone();
            e[field] = bad;
            cases.push(serde_json::to_vec(&[e]).unwrap());
        }
        let mut missing = good.clone();
        missing.as_object_mut().unwrap().remove("kind");
        cases.push(serde_json::to_vec(&[missing]).unwrap());
        for bytes in cases {
            assert_eq!(
                read_page(&bytes),
                None,
                "{}",
                String::from_utf8_lossy(&bytes)
            );
        }
        // Unknown fields are skipped, a missing `features` is none.
        let mut extra = good.clone();
        extra["later"] = serde_json::json!([1, 2]);
        extra.as_object_mut().unwrap().remove("features");
        let read = read_page(&serde_json::to_vec(&[extra]).unwrap()).unwrap();
        assert_eq!(read[0].features, vec![]);
    }
}

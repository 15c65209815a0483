//! Interaction events: what the user did with an item, in a data category.
//!
//! Events are the source of truth of the profile (design: Events); everything else is derived
//! from them, so erasure and retention are exact.

use serde::Serialize;
use serde_json::Value;

use crate::error::FieldError;
use crate::time::{parse_iso, Millis, MAX_MILLIS, MIN_MILLIS};
use crate::validate::{
    array, check_name, child, identifier, index, known_keys, name, number, object, optional,
    required,
};

/// The built-in event kinds and their default weights.
pub const BUILT_IN_KINDS: [(&str, f64); 6] = [
    ("view", 1.0),
    ("click", 2.0),
    ("dwell", 3.0),
    ("like", 5.0),
    ("dislike", -5.0),
    ("purchase", 8.0),
];

/// Most features one event may carry.
pub const MAX_EVENT_FEATURES: usize = 256;
/// Longest item id accepted, in bytes of UTF-8 (the rule for every name:
/// [`crate::validate::name_problem`]).
pub const MAX_ITEM_LEN: usize = crate::validate::MAX_NAME_BYTES;

/// A validated event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// The data category it belongs to (declared in the manifest).
    pub category: String,
    /// `view`, `click`, `dwell`, `like`, `dislike`, `purchase`, or an app-defined kind.
    pub kind: String,
    /// The item it concerns.
    pub item: String,
    /// When it happened; `None` means "now" to the caller.
    pub at: Option<Millis>,
    /// Its weight: given, or the kind's default.
    pub weight: f64,
    /// Features of the item at the time (name -> weight), optional.
    pub features: Vec<(String, f64)>,
}

impl Event {
    /// Parses and validates one event against the manifest's data categories.
    pub fn parse(
        v: &Value,
        path: &str,
        is_category: &dyn Fn(&str) -> bool,
    ) -> Result<Self, FieldError> {
        let map = object(v, path)?;
        known_keys(
            map,
            path,
            &["category", "kind", "item", "at", "weight", "features"],
        )?;
        let category = identifier(required(map, path, "category")?, &child(path, "category"))?;
        if !is_category(&category) {
            return Err(FieldError::new(
                child(path, "category"),
                format!("unknown data category \"{category}\""),
            ));
        }
        let kind = identifier(required(map, path, "kind")?, &child(path, "kind"))?;
        let item = name(required(map, path, "item")?, &child(path, "item"))?;
        // An explicit null is an error, not "absent": NaN and Infinity arrive as null after
        // JSON.stringify, and must not silently become "now" or the default weight.
        let present = |key: &str| map.get(key);
        let at = present("at")
            .map(|v| timestamp(v, &child(path, "at")))
            .transpose()?;
        let given_weight = present("weight")
            .map(|v| number(v, &child(path, "weight"), -1000.0, 1000.0))
            .transpose()?;
        let weight = match (default_weight(&kind), given_weight) {
            (_, Some(w)) => w,
            (Some(w), None) => w,
            (None, None) => {
                return Err(FieldError::new(
                    child(path, "weight"),
                    format!("is required for the app-defined kind \"{kind}\""),
                ))
            }
        };
        let mut features = Vec::new();
        if let Some(fv) = optional(map, "features") {
            let fpath = child(path, "features");
            let fmap = object(fv, &fpath)?;
            if fmap.len() > MAX_EVENT_FEATURES {
                return Err(FieldError::new(
                    fpath,
                    format!("at most {MAX_EVENT_FEATURES} features"),
                ));
            }
            for (name, w) in fmap {
                let p = child(&fpath, name);
                check_name(name, &p)?;
                features.push((name.clone(), number(w, &p, -1000.0, 1000.0)?));
            }
        }
        Ok(Self {
            category,
            kind,
            item,
            at,
            weight,
            features,
        })
    }

    /// Parses an array of events.
    pub fn parse_many(
        v: &Value,
        path: &str,
        max: usize,
        is_category: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<Self>, FieldError> {
        array(v, path, max)?
            .iter()
            .enumerate()
            .map(|(i, e)| Self::parse(e, &index(path, i), is_category))
            .collect()
    }
}

/// The default weight of a built-in kind.
pub fn default_weight(kind: &str) -> Option<f64> {
    BUILT_IN_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, w)| *w)
}

/// A timestamp given as milliseconds since the epoch or as an RFC 3339 string (`Z` or an
/// offset).
pub fn timestamp(v: &Value, path: &str) -> Result<Millis, FieldError> {
    match v {
        Value::String(s) => parse_iso(s).ok_or_else(|| {
            FieldError::new(
                path,
                "expected an RFC 3339 time like 2026-01-31T12:00:00Z or 2026-01-31T13:00:00+01:00",
            )
        }),
        _ => {
            let ms = number(v, path, MIN_MILLIS as f64, MAX_MILLIS as f64)?;
            Ok(ms.floor() as Millis)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn news(c: &str) -> bool {
        c == "reading"
    }

    #[test]
    fn parses_and_defaults_weights() {
        let e = Event::parse(
            &json!({"category": "reading", "kind": "like", "item": "a1", "at": "2026-01-01T00:00:00Z",
                    "features": {"topic:science": 1}}),
            "e",
            &news,
        )
        .unwrap();
        assert_eq!(e.weight, 5.0);
        assert_eq!(e.at, Some(1_767_225_600_000));
        assert_eq!(e.features, vec![("topic:science".to_owned(), 1.0)]);
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (
                json!({"category": "gps", "kind": "view", "item": "a"}),
                "e.category",
            ),
            (
                json!({"category": "reading", "kind": "share", "item": "a"}),
                "e.weight",
            ),
            (
                json!({"category": "reading", "kind": "view", "item": ""}),
                "e.item",
            ),
            (
                json!({"category": "reading", "kind": "view", "item": "a", "at": -5}),
                "e.at",
            ),
            (
                json!({"category": "reading", "kind": "view", "item": "a", "at": "yesterday"}),
                "e.at",
            ),
            (
                json!({"category": "reading", "kind": "view", "item": "a", "extra": 1}),
                "e.extra",
            ),
            (
                json!({"category": "reading", "kind": "view", "item": "a", "features": {"bad\nname": 1}}),
                "e.features[\"bad\\nname\"]",
            ),
        ];
        for (v, path) in cases {
            assert_eq!(Event::parse(&v, "e", &news).unwrap_err().path, path, "{v}");
        }
        assert_eq!(
            Event::parse_many(
                &json!([{"category": "reading", "kind": "view", "item": "a"}, 1]),
                "s",
                10,
                &news
            )
            .unwrap_err()
            .path,
            "s[1]"
        );
    }
}

//! Reading untrusted JSON with error messages that name the field.
//!
//! Manifests and consent imports arrive as `serde_json::Value` (the JS layer converts with
//! size and depth limits first). These helpers turn "what shape did we get" into
//! [`FieldError`]s carrying a JS-style path, so every rejection says where the problem is.

use serde_json::{Map, Value};

use crate::error::FieldError;

/// Longest accepted identifier (module, category, metric ids).
pub const MAX_ID_LEN: usize = 64;
/// Longest accepted piece of human-readable text.
pub const MAX_TEXT_LEN: usize = 4096;
/// Longest item id, feature name or group name, in bytes of UTF-8.
pub const MAX_NAME_BYTES: usize = 256;

/// What is wrong with `s` as an item id, feature name or group name, if anything.
///
/// The one rule for the names an app gives its content: 1 to [`MAX_NAME_BYTES`] bytes of
/// UTF-8 and no control characters (Unicode `Cc`: U+0000–U+001F, U+007F–U+009F). Anything
/// else is a name: spaces, apostrophes, accents, CJK, emoji, even only whitespace
/// (`"genre:Children's"`, `"tag:New York"`, `"topic:政治"`). Control characters are refused
/// because they are never meant (a stray NUL or newline is a bug upstream) and because one of
/// them separates ids internally ([`crate::rank::ID_SEPARATOR`]).
#[inline(never)]
pub fn name_problem(s: &str) -> Option<&'static str> {
    if s.is_empty() {
        Some("must not be empty")
    } else if s.len() > MAX_NAME_BYTES {
        Some("longer than 256 bytes")
    } else if s.chars().any(char::is_control) {
        Some("has a control character")
    } else {
        None
    }
}

/// Whether `s` is a valid item id, feature name or group name (see [`name_problem`]).
pub fn is_name(s: &str) -> bool {
    name_problem(s).is_none()
}

/// A string that is a valid name (see [`name_problem`]).
#[inline(never)]
pub fn name(v: &Value, path: &str) -> Result<String, FieldError> {
    let s = v
        .as_str()
        .ok_or_else(|| FieldError::new(path, format!("expected a string, got {}", kind(v))))?;
    check_name(s, path)?;
    Ok(s.to_owned())
}

/// [`name_problem`] as a [`FieldError`] at `path`. (Loops over many names call
/// [`name_problem`] and make the path only on failure.)
#[inline(never)]
pub fn check_name(s: &str, path: &str) -> Result<(), FieldError> {
    match name_problem(s) {
        None => Ok(()),
        Some(problem) => Err(FieldError::new(path, problem)),
    }
}

/// Builds child paths: `modules` + 2 -> `modules[2]`, `modules[2]` + `uses` -> `modules[2].uses`.
/// A key that is not plain (letters, digits, `_ : - .`; e.g. a feature name with a space, a
/// control character or 300 bytes) is quoted and shortened: `features["tag:New York"]`, so a
/// message stays one readable line.
pub fn child(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key.len() <= 64
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'-' | b'.'));
    match (path.is_empty(), plain) {
        (true, true) => key.to_owned(),
        (false, true) => format!("{path}.{key}"),
        _ => format!("{path}[{}]", serde_json::Value::String(truncate(key, 64))),
    }
}

/// `path[index]`.
pub fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// The JSON type of a value, in words, for error messages.
pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The value as an object.
pub fn object<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, FieldError> {
    v.as_object()
        .ok_or_else(|| FieldError::new(path, format!("expected an object, got {}", kind(v))))
}

/// The value as an array of at most `max` items.
pub fn array<'a>(v: &'a Value, path: &str, max: usize) -> Result<&'a Vec<Value>, FieldError> {
    let items = v
        .as_array()
        .ok_or_else(|| FieldError::new(path, format!("expected an array, got {}", kind(v))))?;
    if items.len() > max {
        return Err(FieldError::new(
            path,
            format!("at most {max} items allowed, got {}", items.len()),
        ));
    }
    Ok(items)
}

/// Rejects keys not in `allowed`: a misspelt field is a bug the app wants to hear about.
pub fn known_keys(
    map: &Map<String, Value>,
    path: &str,
    allowed: &[&str],
) -> Result<(), FieldError> {
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(FieldError::new(
            child(path, k),
            format!("unknown field (expected one of: {})", allowed.join(", ")),
        )),
        None => Ok(()),
    }
}

/// A required field.
pub fn required<'a>(
    map: &'a Map<String, Value>,
    path: &str,
    key: &str,
) -> Result<&'a Value, FieldError> {
    match map.get(key) {
        Some(Value::Null) | None => Err(FieldError::new(child(path, key), "is required")),
        Some(v) => Ok(v),
    }
}

/// An optional field (absent and `null` both mean absent).
pub fn optional<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key).filter(|v| !v.is_null())
}

/// A non-empty string of at most `max` characters.
pub fn string(v: &Value, path: &str, max: usize) -> Result<String, FieldError> {
    let s = v
        .as_str()
        .ok_or_else(|| FieldError::new(path, format!("expected a string, got {}", kind(v))))?;
    if s.trim().is_empty() {
        return Err(FieldError::new(path, "must not be empty"));
    }
    if s.chars().count() > max {
        return Err(FieldError::new(
            path,
            format!("longer than {max} characters"),
        ));
    }
    Ok(s.to_owned())
}

/// An identifier: 1 to 64 of `A-Z a-z 0-9 _ . : -`, starting with a letter or digit.
pub fn identifier(v: &Value, path: &str) -> Result<String, FieldError> {
    let s = v
        .as_str()
        .ok_or_else(|| FieldError::new(path, format!("expected an id string, got {}", kind(v))))?;
    if !is_identifier(s) {
        return Err(FieldError::new(
            path,
            format!(
                "\"{}\" is not a valid id (1 to {MAX_ID_LEN} of letters, digits, _ . : -, starting with a letter or digit)",
                truncate(s, 80)
            ),
        ));
    }
    Ok(s.to_owned())
}

/// Whether `s` is a valid identifier (see [`identifier`]).
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    first_ok
        && s.len() <= MAX_ID_LEN
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-'))
}

/// A boolean.
pub fn boolean(v: &Value, path: &str) -> Result<bool, FieldError> {
    v.as_bool()
        .ok_or_else(|| FieldError::new(path, format!("expected true or false, got {}", kind(v))))
}

/// A number as messages show it: whole numbers without a fraction (`3`), others in the
/// shortest form that reads back the same (`0.1`).
///
/// Not `f64`'s own `Display`: that brings a second float formatter (about 9 KB of the
/// gzipped package) next to the one `serde_json` already ships.
#[derive(Clone, Copy, Debug)]
pub struct Num(pub f64);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let x = self.0;
        if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
            write!(f, "{}", x as i64)
        } else if let Some(n) = serde_json::Number::from_f64(x) {
            write!(f, "{n}")
        } else if x.is_nan() {
            f.write_str("NaN")
        } else if x > 0.0 {
            f.write_str("Infinity")
        } else {
            f.write_str("-Infinity")
        }
    }
}

/// A finite number within `[min, max]`.
pub fn number(v: &Value, path: &str, min: f64, max: f64) -> Result<f64, FieldError> {
    let n = v
        .as_f64()
        .ok_or_else(|| FieldError::new(path, format!("expected a number, got {}", kind(v))))?;
    if !n.is_finite() || n < min || n > max {
        return Err(FieldError::new(
            path,
            format!(
                "must be between {} and {}, got {}",
                Num(min),
                Num(max),
                Num(n)
            ),
        ));
    }
    Ok(n)
}

/// A whole number within `[min, max]`.
pub fn integer(v: &Value, path: &str, min: u64, max: u64) -> Result<u64, FieldError> {
    let n = number(v, path, min as f64, max as f64)?;
    if n.fract() != 0.0 {
        return Err(FieldError::new(
            path,
            format!("must be a whole number, got {}", Num(n)),
        ));
    }
    Ok(n as u64)
}

/// Cuts `s` to `max` characters for quoting in messages.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max).collect();
        out.push('…');
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_in_messages_read_as_written() {
        let shown = |x: f64| Num(x).to_string();
        assert_eq!(shown(5.0), "5");
        assert_eq!(shown(-120.0), "-120");
        assert_eq!(shown(0.1), "0.1");
        assert_eq!(shown(0.30000000000000004), "0.30000000000000004");
        assert_eq!(shown(1e300).parse::<f64>().ok(), Some(1e300));
        assert_eq!(shown(-2.5e-8).parse::<f64>().ok(), Some(-2.5e-8));
        assert_eq!(shown(f64::NAN), "NaN");
        assert_eq!(shown(f64::INFINITY), "Infinity");
        assert_eq!(shown(f64::NEG_INFINITY), "-Infinity");
    }

    #[test]
    fn identifiers() {
        for ok in ["a", "topic:sports", "news-feed_2", "A.b"] {
            assert!(is_identifier(ok), "{ok}");
        }
        let long = "x".repeat(MAX_ID_LEN + 1);
        for bad in ["", "-a", "a b", "ü", "a/b", long.as_str()] {
            assert!(!is_identifier(bad), "{bad}");
        }
    }

    #[test]
    fn errors_name_the_path() {
        let v = json!({"a": 1, "zz": 2});
        let map = object(&v, "m").unwrap();
        assert_eq!(known_keys(map, "m", &["a"]).unwrap_err().path, "m.zz");
        assert_eq!(required(map, "m", "b").unwrap_err().path, "m.b");
        assert_eq!(
            string(&json!(3), "m.s", 10).unwrap_err().message,
            "expected a string, got a number"
        );
        assert!(integer(&json!(1.5), "n", 0, 10).is_err());
        assert_eq!(integer(&json!(7), "n", 0, 10), Ok(7));
        assert!(number(&json!(11), "n", 0.0, 10.0).is_err());
    }
}

//! Text in several languages, with the design's locale fallback.

use serde_json::Value;

use crate::error::FieldError;
use crate::validate::{child, kind, object, string, MAX_TEXT_LEN};

/// Human-readable text keyed by locale (`en`, `de`, `de-AT`). A plain string in the manifest
/// is stored under the empty locale and serves every language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Text(Vec<(String, String)>);

impl Text {
    /// Text valid in every locale.
    pub fn plain(text: impl Into<String>) -> Self {
        Self(vec![(String::new(), text.into())])
    }

    /// Parses a string or an object of locale -> string.
    pub fn parse(v: &Value, path: &str) -> Result<Self, FieldError> {
        match v {
            Value::String(_) => Ok(Self::plain(string(v, path, MAX_TEXT_LEN)?)),
            Value::Object(_) => {
                let map = object(v, path)?;
                if map.is_empty() {
                    return Err(FieldError::new(path, "needs at least one locale"));
                }
                let mut entries = Vec::with_capacity(map.len());
                for (locale, text) in map {
                    let p = child(path, locale);
                    if !is_locale_tag(locale) {
                        return Err(FieldError::new(
                            p,
                            "not a locale tag like \"en\" or \"de-AT\"",
                        ));
                    }
                    entries.push((locale.clone(), string(text, &p, MAX_TEXT_LEN)?));
                }
                Ok(Self(entries))
            }
            other => Err(FieldError::new(
                path,
                format!(
                    "expected a string or an object of locale -> string, got {}",
                    kind(other)
                ),
            )),
        }
    }

    /// The text for `locale`: the exact locale, then its language (`de-AT` -> `de`), then
    /// `en`, then the first given. Returns the locale actually used and the text.
    pub fn resolve(&self, locale: &str) -> (&str, &str) {
        let language = locale.split(['-', '_']).next().unwrap_or(locale);
        let find = |want: &str| {
            self.0
                .iter()
                .find(|(l, _)| l.eq_ignore_ascii_case(want))
                .map(|(l, t)| (l.as_str(), t.as_str()))
        };
        find(locale)
            .or_else(|| find(language))
            .or_else(|| find("en"))
            .or_else(|| self.0.first().map(|(l, t)| (l.as_str(), t.as_str())))
            .unwrap_or(("", ""))
    }

    /// The locales this text is given in (empty for plain text).
    pub fn locales(&self) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .map(|(l, _)| l.as_str())
            .filter(|l| !l.is_empty())
    }

    /// Every (locale, text) pair, in the manifest's order.
    pub fn entries(&self) -> &[(String, String)] {
        &self.0
    }
}

/// A BCP 47-like tag: a 2-3 letter language and optional subtags of 2-8 letters or digits.
pub fn is_locale_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let lang_ok = parts
        .next()
        .is_some_and(|l| (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_alphabetic()));
    lang_ok
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn falls_back_from_region_to_language_to_english_to_first() {
        let t = Text::parse(&json!({"fr": "Bonjour", "de": "Hallo", "en": "Hello"}), "t").unwrap();
        assert_eq!(t.resolve("de-AT"), ("de", "Hallo"));
        assert_eq!(t.resolve("DE"), ("de", "Hallo"));
        assert_eq!(t.resolve("it"), ("en", "Hello"));
        let no_en = Text::parse(&json!({"fr": "Bonjour", "de": "Hallo"}), "t").unwrap();
        assert_eq!(no_en.resolve("it"), ("fr", "Bonjour"));
        assert_eq!(Text::plain("Hi").resolve("de"), ("", "Hi"));
    }

    #[test]
    fn rejects_bad_locales_and_values() {
        assert_eq!(
            Text::parse(&json!({"english": "x"}), "t").unwrap_err().path,
            "t.english"
        );
        assert_eq!(
            Text::parse(&json!({"en": 3}), "t").unwrap_err().path,
            "t.en"
        );
        assert!(Text::parse(&json!({}), "t").is_err());
        assert!(Text::parse(&json!(""), "t").is_err());
        assert!(Text::parse(&json!([]), "t").is_err());
    }
}

//! Catalog and ranking arguments from JS: the packed (typed array) catalog, rank options.

use js_sys::{Array, Float32Array, Reflect, Uint32Array};
use wasm_bindgen::{JsCast, JsValue};

use super::error::{optin_error, to_js};
use crate::error::{CatalogError, FieldError};
use crate::rank::{ItemIds, PackedCatalog, RankOptions, ID_SEPARATOR, MAX_ITEMS};

fn invalid(path: &str, message: &str) -> JsValue {
    to_js(CatalogError(FieldError::new(path, message)))
}

fn field(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// A list of strings (ids, feature or group names), `None` when absent. Joined into one
/// string on the JS side and taken over as it comes: one crossing and one allocation for the
/// whole list, where 100,000 ids one by one cost ~20 ms. One by one only if an entry holds
/// the separator.
fn joined_strings(obj: &JsValue, key: &str) -> Result<Option<ItemIds>, JsValue> {
    let v = field(obj, key);
    if absent(&v) {
        return Ok(None);
    }
    let array = v
        .dyn_into::<Array>()
        .map_err(|_| invalid(key, "expected an array of strings"))?;
    let n = array.length() as usize;
    if n > MAX_ITEMS {
        return Err(invalid(key, &format!("at most {MAX_ITEMS} entries")));
    }
    // (Entries that are not strings would be coerced by join; the TypeScript type says
    // string[], and an empty or duplicate entry is rejected by the catalog's own checks.)
    if let Some(joined) = array.join(&ID_SEPARATOR.to_string()).as_string() {
        if let Some(list) = ItemIds::from_joined(joined, n) {
            return Ok(Some(list));
        }
    }
    let mut list = ItemIds::new();
    for (i, s) in array.iter().enumerate() {
        let text = s
            .as_string()
            .ok_or_else(|| invalid(&format!("{key}[{i}]"), "expected a string"))?;
        list.push(&text);
    }
    Ok(Some(list))
}

/// An optional list of names, as owned strings (feature and group names: small lists).
fn strings(obj: &JsValue, key: &str) -> Result<Vec<String>, JsValue> {
    Ok(joined_strings(obj, key)?
        .map(|list| list.iter().map(str::to_owned).collect())
        .unwrap_or_default())
}

/// The catalog's ids (required), kept in one string.
fn item_ids(obj: &JsValue) -> Result<ItemIds, JsValue> {
    joined_strings(obj, "ids")?.ok_or_else(|| invalid("ids", "expected an array of strings"))
}

fn u32s(obj: &JsValue, key: &str) -> Result<Vec<u32>, JsValue> {
    let v = field(obj, key);
    if absent(&v) {
        return Ok(Vec::new());
    }
    v.dyn_into::<Uint32Array>()
        .map(|a| a.to_vec())
        .map_err(|_| invalid(key, "expected a Uint32Array"))
}

fn f32s(obj: &JsValue, key: &str) -> Result<Vec<f32>, JsValue> {
    let v = field(obj, key);
    if absent(&v) {
        return Ok(Vec::new());
    }
    v.dyn_into::<Float32Array>()
        .map(|a| a.to_vec())
        .map_err(|_| invalid(key, "expected a Float32Array"))
}

/// Reads a packed catalog (typed arrays are copied in one go each).
pub fn packed(v: &JsValue) -> Result<PackedCatalog, JsValue> {
    if !v.is_object() || Array::is_array(v) {
        return Err(invalid("catalog", "expected an object of typed arrays"));
    }
    let dim = field(v, "dim");
    let dim = if absent(&dim) {
        0
    } else {
        match dim.as_f64() {
            Some(d) if d.fract() == 0.0 && (0.0..=crate::rank::MAX_DIM as f64).contains(&d) => {
                d as usize
            }
            _ => return Err(invalid("dim", "expected a whole number from 0 to 1024")),
        }
    };
    Ok(PackedCatalog {
        ids: item_ids(v)?,
        feature_names: strings(v, "featureNames")?,
        feature_offsets: u32s(v, "featureOffsets")?,
        feature_ids: u32s(v, "featureIds")?,
        feature_values: f32s(v, "featureValues")?,
        embeddings: f32s(v, "embeddings")?,
        dim,
        baseline: f32s(v, "baseline")?,
        groups: u32s(v, "groups")?,
        group_names: strings(v, "groupNames")?,
    })
}

/// Reads candidate ids (`undefined` or `null`: the whole catalog).
/// (Entry by entry, unlike the catalog's ids: a joined string would coerce `[1, 2]` to ids and
/// turn a type error into `unknown-item`.)
pub fn candidates(v: &JsValue) -> Result<Option<Vec<String>>, JsValue> {
    if absent(v) {
        return Ok(None);
    }
    let array = v.dyn_ref::<Array>().ok_or_else(|| {
        optin_error(
            "invalid-argument",
            "candidates: expected an array of item ids",
        )
    })?;
    if array.length() as usize > crate::personalizer::MAX_CANDIDATES {
        return Err(optin_error(
            "invalid-argument",
            &format!(
                "candidates: at most {} ids, got {}",
                crate::personalizer::MAX_CANDIDATES,
                array.length()
            ),
        ));
    }
    let mut out = Vec::with_capacity(array.length() as usize);
    for (i, id) in array.iter().enumerate() {
        out.push(id.as_string().ok_or_else(|| {
            optin_error(
                "invalid-argument",
                &format!("candidates[{i}]: expected a string"),
            )
        })?);
    }
    Ok(Some(out))
}

/// Reads `exposure: { minShare?: { group: share }, maxShare?: { group: share } }`, mapping
/// group names to the catalog's group indices.
pub fn exposure(
    v: &JsValue,
    catalog: &crate::rank::Catalog,
) -> Result<crate::rank::ExposureConstraint, JsValue> {
    let mut out = crate::rank::ExposureConstraint::default();
    let e = field(v, "exposure");
    if absent(&e) {
        return Ok(out);
    }
    let json = super::convert::to_json(&e, "options.exposure", super::convert::Limits::DOCUMENT)
        .map_err(to_js)?;
    let bad = |m: &str| optin_error("invalid-argument", &format!("options.exposure: {m}"));
    let map = json
        .as_object()
        .ok_or_else(|| bad("expected { minShare?, maxShare? }"))?;
    for (key, shares) in map {
        let target = match key.as_str() {
            "minShare" => &mut out.min,
            "maxShare" => &mut out.max,
            other => return Err(bad(&format!("unknown field {other}"))),
        };
        for (group, share) in shares
            .as_object()
            .ok_or_else(|| bad("expected group -> share"))?
        {
            let g = catalog.group_index(group).ok_or_else(|| {
                bad(&format!(
                    "the catalog has no group \"{}\"",
                    crate::validate::truncate(group, 80)
                ))
            })?;
            let s = share
                .as_f64()
                .filter(|s| (0.0..=1.0).contains(s))
                .ok_or_else(|| bad("shares are numbers from 0 to 1"))?;
            target.push((g, s as f32));
        }
    }
    Ok(out)
}

/// The most results a ranking returns: a whole catalog.
const MAX_LIMIT: usize = crate::rank::MAX_ITEMS;
/// The most results a ranking with diversity returns.
const MAX_DIVERSE_LIMIT: usize = 10_000;

/// Reads rank options: `{ limit, explain, diversity, excludeSeen }` (exposure separately).
pub fn options(v: &JsValue) -> Result<RankOptions, JsValue> {
    let mut o = RankOptions::default();
    if absent(v) {
        return Ok(o);
    }
    if !v.is_object() {
        return Err(optin_error(
            "invalid-argument",
            "options: expected an object",
        ));
    }
    let bad = |key: &str, what: &str| {
        optin_error(
            "invalid-argument",
            &format!("options.{key}: expected {what}"),
        )
    };
    // As many as a catalog holds: an app may rank its whole catalog (a limit over the number
    // of candidates returns them all).
    let limit = field(v, "limit");
    if !absent(&limit) {
        o.limit = match limit.as_f64() {
            Some(n) if n.fract() == 0.0 && (0.0..=MAX_LIMIT as f64).contains(&n) => n as usize,
            _ => return Err(bad("limit", "a whole number from 0 to 1000000")),
        };
    }
    let explain = field(v, "explain");
    if !absent(&explain) {
        o.explain = explain
            .as_bool()
            .ok_or_else(|| bad("explain", "true or false"))?;
    }
    let diversity = field(v, "diversity");
    if !absent(&diversity) {
        o.diversity = match diversity.as_f64() {
            Some(d) if (0.0..=1.0).contains(&d) => d as f32,
            _ => return Err(bad("diversity", "a number from 0 to 1")),
        };
    }
    // Diversity re-ranks a pool of 4 × limit pairwise (limit × pool comparisons).
    if o.diversity > 0.0 && o.limit > MAX_DIVERSE_LIMIT {
        return Err(bad(
            "limit",
            "at most 10000 with diversity (it compares every pair of the top results)",
        ));
    }
    let exclude = field(v, "excludeSeen");
    if !absent(&exclude) {
        o.exclude_seen = exclude
            .as_bool()
            .ok_or_else(|| bad("excludeSeen", "true or false"))?;
    }
    Ok(o)
}

/// Reads a string-array option such as `modules`.
pub fn string_list(v: &JsValue, key: &str) -> Result<Option<Vec<String>>, JsValue> {
    let list = field(v, key);
    if absent(&list) {
        return Ok(None);
    }
    candidates(&list).map_err(|_| {
        optin_error(
            "invalid-argument",
            &format!("options.{key}: expected an array of strings"),
        )
    })
}

//! The catalog the site ships: item objects with real names (what `setCatalog` takes) and the
//! packed file an app loads with `setCatalogPacked`.
//!
//! The packed file, `optin-catalog/1`, little-endian:
//! - a `u32`: the length `h` of the JSON header that follows;
//! - `h` bytes of JSON: `{ format, count, dim, entries, ids, featureNames, groupNames }`;
//! - zero bytes up to a multiple of 4;
//! - `featureOffsets` (`count + 1` × u32), `featureIds` (`entries` × u32), `featureValues`
//!   (`entries` × f32), `embeddings` (`count × dim` × f32, a zero row: no embedding),
//!   `baseline` (`count` × f32), `groups` (`count` × u32, or none when `groupNames` is empty).
//!
//! README ("Quality") shows the dozen lines of JS that load it.

use std::fs;

use nalgebra::DMatrix;
use optin::rank::{Catalog, PackedCatalog};
use serde_json::{json, Value};

use crate::data::Data;

/// The popularity baseline's shape: how steep the app's popularity score is.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum Shape {
    /// Interactions per item.
    Count,
    /// `ln(1 + count)`: flatter.
    LogCount,
    /// `n - rank` by count: flattest, no ties.
    Rank,
}

impl Shape {
    pub const ALL: [Shape; 3] = [Shape::Count, Shape::LogCount, Shape::Rank];

    pub fn name(self) -> &'static str {
        match self {
            Shape::Count => "count",
            Shape::LogCount => "log count",
            Shape::Rank => "rank",
        }
    }

    pub fn baseline(self, counts: &[f64]) -> Vec<f64> {
        match self {
            Shape::Count => counts.to_vec(),
            Shape::LogCount => counts.iter().map(|c| c.ln_1p()).collect(),
            Shape::Rank => {
                let mut order: Vec<usize> = (0..counts.len()).collect();
                order.sort_by(|&a, &b| counts[b].total_cmp(&counts[a]).then(a.cmp(&b)));
                let mut out = vec![0.0; counts.len()];
                for (r, &i) in order.iter().enumerate() {
                    out[i] = (counts.len() - r) as f64;
                }
                out
            }
        }
    }
}

/// The group of an item for exposure checks: its first feature.
fn group(data: &Data, i: usize) -> String {
    data.features[i]
        .first()
        .cloned()
        .unwrap_or_else(|| "(none)".into())
}

/// Item objects as an app passes them to `setCatalog`.
pub fn items(data: &Data, embeddings: &DMatrix<f64>, baseline: &[f64]) -> Value {
    let items: Vec<Value> = (0..data.items.len())
        .map(|i| {
            let features: serde_json::Map<String, Value> = data.features[i]
                .iter()
                .map(|f| (f.clone(), json!(1)))
                .collect();
            let row: Vec<f64> = embeddings.row(i).iter().copied().collect();
            let embedding = if row.iter().all(|&x| x == 0.0) {
                Value::Null
            } else {
                json!(row.iter().map(|&x| x as f32).collect::<Vec<f32>>())
            };
            json!({"id": data.items[i], "features": features, "embedding": embedding,
                   "baseline": baseline[i], "group": group(data, i)})
        })
        .collect();
    Value::Array(items)
}

/// The catalog from item objects, as `setCatalog` builds it.
pub fn build(data: &Data, embeddings: &DMatrix<f64>, baseline: &[f64]) -> Catalog {
    Catalog::from_items(&items(data, embeddings, baseline))
        .unwrap_or_else(|e| panic!("catalog: {e}"))
}

/// The packed form of the same catalog.
pub fn packed(data: &Data, embeddings: &DMatrix<f64>, baseline: &[f64]) -> PackedCatalog {
    let mut p = PackedCatalog {
        feature_offsets: vec![0],
        dim: embeddings.ncols(),
        ..Default::default()
    };
    let mut names: std::collections::HashMap<String, u32> = Default::default();
    let mut groups: std::collections::HashMap<String, u32> = Default::default();
    for (i, id) in data.items.iter().enumerate() {
        p.ids.push(id);
        for f in &data.features[i] {
            let next = names.len() as u32;
            let fid = *names.entry(f.clone()).or_insert_with(|| {
                p.feature_names.push(f.clone());
                next
            });
            p.feature_ids.push(fid);
            p.feature_values.push(1.0);
        }
        p.feature_offsets.push(p.feature_ids.len() as u32);
        p.embeddings
            .extend(embeddings.row(i).iter().map(|&x| x as f32));
        p.baseline.push(baseline[i] as f32);
        let g = group(data, i);
        let next = groups.len() as u32;
        let gid = *groups.entry(g.clone()).or_insert_with(|| {
            p.group_names.push(g);
            next
        });
        p.groups.push(gid);
    }
    p
}

fn u32s(out: &mut Vec<u8>, values: &[u32]) {
    values
        .iter()
        .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
}

fn f32s(out: &mut Vec<u8>, values: &[f32]) {
    values
        .iter()
        .for_each(|v| out.extend_from_slice(&v.to_le_bytes()));
}

/// Writes `optin-catalog/1`.
pub fn write(path: &str, p: &PackedCatalog) -> Result<(), String> {
    let n = p.ids.len();
    let header = json!({
        "format": "optin-catalog/1", "count": n, "dim": p.dim, "entries": p.feature_ids.len(),
        "ids": p.ids.iter().collect::<Vec<_>>(), "featureNames": p.feature_names, "groupNames": p.group_names,
    })
    .to_string();
    let mut out = Vec::new();
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    while out.len() % 4 != 0 {
        out.push(0);
    }
    u32s(&mut out, &p.feature_offsets);
    u32s(&mut out, &p.feature_ids);
    f32s(&mut out, &p.feature_values);
    f32s(&mut out, &p.embeddings);
    f32s(&mut out, &p.baseline);
    u32s(&mut out, &p.groups);
    fs::write(path, out).map_err(|e| format!("{path}: {e}"))
}

/// Reads `optin-catalog/1` back (the tool checks what it wrote loads).
pub fn read(path: &str) -> Result<PackedCatalog, String> {
    let bytes = fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let word = |at: usize| -> Result<[u8; 4], String> {
        bytes
            .get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| format!("{path}: truncated"))
    };
    let h = u32::from_le_bytes(word(0)?) as usize;
    let head: Value = serde_json::from_slice(bytes.get(4..4 + h).ok_or("truncated header")?)
        .map_err(|e| format!("{path}: {e}"))?;
    let count = head["count"].as_u64().unwrap_or(0) as usize;
    let dim = head["dim"].as_u64().unwrap_or(0) as usize;
    let entries = head["entries"].as_u64().unwrap_or(0) as usize;
    let strings = |key: &str| -> Vec<String> {
        head[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let group_names = strings("groupNames");
    let mut at = (4 + h).div_ceil(4) * 4;
    let mut take = |len: usize| -> Result<Vec<[u8; 4]>, String> {
        let words = (0..len).map(|k| word(at + 4 * k)).collect();
        at += 4 * len;
        words
    };
    let as_u32 = |w: Vec<[u8; 4]>| w.into_iter().map(u32::from_le_bytes).collect::<Vec<_>>();
    let as_f32 = |w: Vec<[u8; 4]>| w.into_iter().map(f32::from_le_bytes).collect::<Vec<_>>();
    Ok(PackedCatalog {
        ids: strings("ids").into(),
        feature_names: strings("featureNames"),
        feature_offsets: as_u32(take(count + 1)?),
        feature_ids: as_u32(take(entries)?),
        feature_values: as_f32(take(entries)?),
        embeddings: as_f32(take(count * dim)?),
        dim,
        baseline: as_f32(take(count)?),
        groups: as_u32(take(if group_names.is_empty() { 0 } else { count })?),
        group_names,
    })
}

//! Reading stored entries at open, failing closed on anything unexpected.

use crate::sorted::{SortedMap, SortedSet};

use super::{BLOCKS_KEY, CONSENT_HEAD_KEY, NEXT_EVENT_KEY};
use crate::consent::{parse_record, ConsentRecord, Ledger};
use crate::error::StoreError;
use crate::profile::EventLog;
use crate::store::fresh::{self, Tags, NEVER_WRITTEN};
use crate::store::{
    consent_key, CONSENT_PREFIX, HEAD_KEY, LEGACY_SCHEMA, SCHEMA_KEY, SCHEMA_VERSION,
    UNREADABLE_PREFIX, VIEWS_KEY,
};
use crate::time::Millis;
use serde_json::Value;

pub(super) struct Loaded {
    pub ledger: Ledger,
    /// The storage sequence number of each readable consent record, in ledger order.
    pub consent_seqs: Vec<u64>,
    /// What the head says storage holds (for schema 1: the consent records it counted
    /// but storage lacks).
    pub tags: Tags,
    /// Schema 1 storage: every record to rewrite, tagged, with the first commit.
    pub legacy: Option<Vec<(String, Vec<u8>)>>,
    pub views: SortedMap<String, Millis>,
    pub next_seq: u64,
    pub log: EventLog,
    pub next_event_id: u64,
    pub blocks: SortedSet<String>,
    pub benefit: SortedMap<String, crate::rank::benefit::Benefit>,
    pub budget: super::BudgetState,
    pub unreadable: Vec<String>,
    pub schema_written: bool,
    pub read_only: Option<StoreError>,
    pub problems: Vec<String>,
}

fn number<T: std::str::FromStr>(bytes: &[u8]) -> Option<T> {
    std::str::from_utf8(bytes).ok().and_then(|s| s.parse().ok())
}

// Stored records are read as JSON values and checked by hand: serde's derived deserializers
// for these few shapes cost more WebAssembly than the rest of storage.

fn json(bytes: &[u8]) -> Option<Value> {
    serde_json::from_slice(bytes).ok()
}

fn read_blocks(bytes: &[u8]) -> Option<SortedSet<String>> {
    let mut blocks = SortedSet::new();
    for feature in json(bytes)?.as_array()? {
        blocks.insert(feature.as_str()?.to_owned());
    }
    Some(blocks)
}

fn read_budget(bytes: &[u8]) -> Option<super::BudgetState> {
    let v = json(bytes)?;
    Some(super::BudgetState {
        period: v.get("period")?.as_i64()?,
        spent: v.get("spent")?.as_f64()?,
    })
}

/// The schema marker: `Some(version)`, `None` if unreadable.
fn marker(entries: &[(String, Vec<u8>)]) -> Option<Option<u32>> {
    let (_, bytes) = entries.iter().find(|(k, _)| k == SCHEMA_KEY)?;
    Some(number(bytes))
}

/// Reads the entries. Unreadable consent records, missing sequence numbers, entries the
/// store could not decrypt, records that are not the ones the head lists (put back from an
/// earlier moment, or deleted: see `store::fresh`), or an unreadable or newer schema all
/// make the ledger distrust every grant recorded before them (see `derive_state`): consent
/// falls back to not granted. Unreadable event pages and records put back are reported and
/// skipped; everything readable is kept as it is.
pub(super) fn read(mut entries: Vec<(String, Vec<u8>)>) -> Loaded {
    // Stores should give their records sorted by key, but the IndexedDB store's are in the
    // order of their opaque names: the freshness check walks them next to the head's sorted
    // list, so sort here rather than trust every store to.
    crate::sort::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
    let marked = marker(&entries);
    let legacy = marked == Some(Some(LEGACY_SCHEMA));
    // A newer schema is only reported (read-only, consent off): its records are read as
    // they are, never checked against a head whose format may have changed.
    let newer = matches!(marked, Some(Some(v)) if v > SCHEMA_VERSION);
    let head = entries
        .iter()
        .find(|(k, _)| k == HEAD_KEY)
        .map(|(_, bytes)| fresh::read_head(bytes));
    let mut l = Loaded {
        ledger: Ledger::default(),
        consent_seqs: Vec::new(),
        tags: Tags::new(),
        legacy: legacy.then(Vec::new),
        views: SortedMap::new(),
        next_seq: 0,
        log: EventLog::default(),
        next_event_id: 0,
        blocks: SortedSet::new(),
        benefit: SortedMap::new(),
        budget: Default::default(),
        unreadable: Vec::new(),
        schema_written: false,
        read_only: None,
        problems: Vec::new(),
    };
    let mut distrust_all = false;
    let mut count: Option<u64> = None;
    let mut consent: Vec<(u64, Result<ConsentRecord, String>)> = Vec::new();
    match head {
        Some(Some(tags)) if !legacy => l.tags = tags,
        Some(_) if !newer => {
            l.problems.push(
                "stored records can't be checked (their list is unreadable); consent is off until given again"
                    .into(),
            );
            distrust_all = true;
        }
        _ => {}
    }
    let not_fresh = match legacy || newer {
        true => Vec::new(),
        false => fresh::check(&mut entries, &l.tags),
    };
    if let Some(records) = l.legacy.as_mut() {
        let keep = |k: &str| fresh::is_tagged(k) && k != CONSENT_HEAD_KEY;
        records.extend(
            entries
                .iter()
                .filter(|(k, _)| keep(k) && !k.starts_with(UNREADABLE_PREFIX))
                .cloned(),
        );
    }

    for (key, value) in entries {
        let bytes = value.as_slice();
        if key == SCHEMA_KEY {
            l.schema_written = true;
            match number::<u32>(bytes) {
                Some(v) if v <= SCHEMA_VERSION => {}
                Some(v) => {
                    l.problems.push(format!(
                        "storage was written by a newer version of optin (schema {v}); it is read-only and consent is off"
                    ));
                    l.read_only = Some(StoreError::NewerSchema {
                        found: v,
                        supported: SCHEMA_VERSION,
                    });
                    distrust_all = true;
                }
                None => {
                    l.problems.push(
                        "the storage schema marker is unreadable; consent is off until given again"
                            .into(),
                    );
                    distrust_all = true;
                    l.schema_written = false;
                }
            }
        } else if key.starts_with(UNREADABLE_PREFIX) {
            // The store could not decrypt it: we don't even know what it was.
            if !l
                .unreadable
                .iter()
                .any(|k| k.starts_with(UNREADABLE_PREFIX))
            {
                l.problems.push(
                    "stored records could not be decrypted (tampered with, or the key is gone)"
                        .into(),
                );
            }
            l.unreadable.push(key);
            distrust_all = true;
        } else if key == CONSENT_HEAD_KEY {
            count = number(bytes);
            if count.is_none() {
                l.problems
                    .push("the consent record count is unreadable".into());
                distrust_all = true;
            }
        } else if key == VIEWS_KEY {
            match fresh::read_head(bytes) {
                Some(v) => l.views = v,
                None => l
                    .problems
                    .push("the notice-view log is unreadable and was reset".into()),
            }
        } else if key == BLOCKS_KEY {
            match read_blocks(bytes) {
                Some(b) => l.blocks = b,
                None => l
                    .problems
                    .push("the list of blocked features is unreadable".into()),
            }
        } else if key == super::BENEFIT_KEY {
            match super::benefit::read(bytes) {
                Some(b) => l.benefit = b,
                // Measured again from the next events on; it steers no consent.
                None => l
                    .problems
                    .push("the measured benefit is unreadable and was reset".into()),
            }
        } else if key == super::BUDGET_KEY {
            match read_budget(bytes) {
                Some(b) => l.budget = b,
                None => {
                    // Fail closed: an unreadable budget counts as spent for its period.
                    l.problems.push(
                        "the privacy budget is unreadable: no reports until the next period".into(),
                    );
                    l.budget = super::BudgetState {
                        period: i64::MIN,
                        spent: f64::INFINITY,
                    };
                }
            }
        } else if key == NEXT_EVENT_KEY {
            l.next_event_id = number(bytes).unwrap_or(0);
        } else if let Some(rest) = key.strip_prefix("events/") {
            read_page(&mut l, &key, rest, bytes);
        } else if let Some(seq) = key.strip_prefix(CONSENT_PREFIX) {
            let Some(seq) = seq.parse::<u64>().ok() else {
                l.problems.push(format!("unexpected consent key {key}"));
                continue;
            };
            let record = json(bytes)
                .ok_or_else(|| "not JSON".to_owned())
                .and_then(|v| parse_record(&v, &key).map_err(|e| e.to_string()));
            if record.is_err() {
                // A gap at its position; superseded by the user's next decision.
                l.unreadable.push(key.clone());
            }
            consent.push((seq, record));
        }
    }

    // The head lists records but the schema marker, written with the first, is gone (the
    // next write puts it back).
    let unmarked = marked.is_none() && !l.tags.is_empty();
    if unmarked || !not_fresh.is_empty() {
        l.problems.push(
            "stored records are not the ones last written (put back, or deleted); consent is off until given again"
                .into(),
        );
        for key in not_fresh {
            // A consent record's position stays a gap, and its number is never reused.
            if let Some(seq) = key
                .strip_prefix(CONSENT_PREFIX)
                .and_then(|s| s.parse().ok())
            {
                consent.push((seq, Err("not fresh".to_owned())));
            }
            l.unreadable.push(key);
        }
        distrust_all = true;
    }

    crate::sort::sort_by_key(&mut consent, |(seq, _)| *seq);
    let mut expected = 0;
    let mut entries = Vec::with_capacity(consent.len());
    for (seq, record) in consent {
        if seq != expected {
            entries.push(Err("missing".to_owned()));
        }
        if record.is_ok() {
            l.consent_seqs.push(seq);
        }
        entries.push(record);
        expected = seq + 1;
    }
    if let Some(count) = count.filter(|&c| c > expected) {
        // Schema 1 counted its consent records: those beyond the last one are missing, and
        // stay so (listed, never written) once the storage is rewritten as schema 2.
        distrust_all = true;
        for seq in expected..count.min(expected + 1000) {
            l.tags.insert(consent_key(seq), NEVER_WRITTEN);
            l.unreadable.push(consent_key(seq));
        }
    }
    if distrust_all {
        entries.push(Err("distrusted".to_owned()));
    }
    l.ledger = Ledger::from_entries(entries);
    l.next_seq = expected.max(count.unwrap_or(0));
    l
}

fn read_page(l: &mut Loaded, key: &str, rest: &str, bytes: &[u8]) {
    let parsed = rest.split_once('/').and_then(|(category, page)| {
        let page: u32 = page.parse().ok()?;
        let events = crate::profile::read_page(bytes)?;
        events
            .iter()
            .all(|e| e.category == category && e.at >= 0)
            .then(|| (category.to_owned(), page, events))
    });
    match parsed {
        Some((category, page, events)) => l.log.put_page(&category, page, events),
        None => {
            l.problems.push(format!(
                "stored events {key} are unreadable and were skipped"
            ));
            l.unreadable.push(key.to_owned());
        }
    }
}

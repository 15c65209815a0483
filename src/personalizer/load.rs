//! Reading stored entries at open, failing closed on anything unexpected.

use crate::sorted::{SortedMap, SortedSet};

use super::{BLOCKS_KEY, CONSENT_HEAD_KEY, NEXT_EVENT_KEY};
use crate::consent::{parse_record, ConsentRecord, Ledger};
use crate::error::StoreError;
use crate::profile::EventLog;
use crate::store::{CONSENT_PREFIX, SCHEMA_KEY, SCHEMA_VERSION, UNREADABLE_PREFIX, VIEWS_KEY};
use crate::time::Millis;
use serde_json::Value;

pub(super) struct Loaded {
    pub ledger: Ledger,
    pub views: SortedMap<String, Millis>,
    pub next_seq: u64,
    pub log: EventLog,
    pub next_event_id: u64,
    pub blocks: SortedSet<String>,
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

fn read_views(bytes: &[u8]) -> Option<SortedMap<String, Millis>> {
    let mut views = SortedMap::new();
    for (module, at) in json(bytes)?.as_object()? {
        views.insert(module.clone(), at.as_i64()?);
    }
    Some(views)
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

/// Reads the entries. Unreadable consent records, missing sequence numbers, a head count
/// beyond the last record, entries the store could not decrypt, or an unreadable or newer
/// schema all make the ledger distrust every grant recorded before them (see
/// `derive_state`): consent falls back to not granted. Unreadable event pages are reported
/// and skipped; everything readable is kept as it is.
pub(super) fn read(entries: Vec<(String, Vec<u8>)>) -> Loaded {
    let mut l = Loaded {
        ledger: Ledger::default(),
        views: SortedMap::new(),
        next_seq: 0,
        log: EventLog::default(),
        next_event_id: 0,
        blocks: SortedSet::new(),
        budget: Default::default(),
        unreadable: Vec::new(),
        schema_written: false,
        read_only: None,
        problems: Vec::new(),
    };
    let mut distrust_all = false;
    let mut head: Option<u64> = None;
    let mut consent: Vec<(u64, Result<ConsentRecord, String>)> = Vec::new();

    for (key, bytes) in entries {
        if key == SCHEMA_KEY {
            l.schema_written = true;
            match number::<u32>(&bytes) {
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
            head = number(&bytes);
            if head.is_none() {
                l.problems
                    .push("the consent record count is unreadable".into());
                distrust_all = true;
            }
        } else if key == VIEWS_KEY {
            match read_views(&bytes) {
                Some(v) => l.views = v,
                None => l
                    .problems
                    .push("the notice-view log is unreadable and was reset".into()),
            }
        } else if key == BLOCKS_KEY {
            match read_blocks(&bytes) {
                Some(b) => l.blocks = b,
                None => l
                    .problems
                    .push("the list of blocked features is unreadable".into()),
            }
        } else if key == super::BUDGET_KEY {
            match read_budget(&bytes) {
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
            l.next_event_id = number(&bytes).unwrap_or(0);
        } else if let Some(rest) = key.strip_prefix("events/") {
            read_page(&mut l, &key, rest, &bytes);
        } else if let Some(seq) = key.strip_prefix(CONSENT_PREFIX) {
            let Some(seq) = seq.parse::<u64>().ok() else {
                l.problems.push(format!("unexpected consent key {key}"));
                continue;
            };
            let record = json(&bytes)
                .ok_or_else(|| "not JSON".to_owned())
                .and_then(|v| parse_record(&v, &key).map_err(|e| e.to_string()));
            if record.is_err() {
                // A gap at its position; superseded by the user's next decision.
                l.unreadable.push(key.clone());
            }
            consent.push((seq, record));
        }
    }

    crate::sort::sort_by_key(&mut consent, |(seq, _)| *seq);
    let mut expected = 0;
    let mut entries = Vec::with_capacity(consent.len());
    for (seq, record) in consent {
        if seq != expected {
            entries.push(Err("missing".to_owned()));
        }
        entries.push(record);
        expected = seq + 1;
    }
    if head.is_some_and(|h| h > expected) {
        distrust_all = true;
    }
    if distrust_all {
        entries.push(Err("distrusted".to_owned()));
    }
    l.ledger = Ledger::from_entries(entries);
    l.next_seq = expected.max(head.unwrap_or(0));
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

//! Reading stored entries at open, failing closed on anything unexpected.

use std::collections::BTreeMap;

use super::CONSENT_HEAD_KEY;
use crate::consent::{parse_record, ConsentRecord, Ledger};
use crate::error::StoreError;
use crate::store::{CONSENT_PREFIX, SCHEMA_KEY, SCHEMA_VERSION, VIEWS_KEY};
use crate::time::Millis;

pub(super) struct Loaded {
    pub ledger: Ledger,
    pub views: BTreeMap<String, Millis>,
    pub next_seq: u64,
    pub schema_written: bool,
    pub read_only: Option<StoreError>,
    pub problems: Vec<String>,
}

/// Reads the entries. Unreadable consent records, missing sequence numbers, a head count
/// beyond the last record, or an unreadable or newer schema all make the ledger distrust
/// every grant recorded before them (see `derive_state`): consent falls back to not granted.
pub(super) fn read(entries: Vec<(String, Vec<u8>)>) -> Loaded {
    let mut problems = Vec::new();
    let mut read_only = None;
    let mut distrust_all = false;
    let mut schema_written = false;
    let mut head: Option<u64> = None;
    let mut views = BTreeMap::new();
    let mut consent: Vec<(u64, Result<ConsentRecord, String>)> = Vec::new();

    for (key, bytes) in entries {
        if key == SCHEMA_KEY {
            schema_written = true;
            match std::str::from_utf8(&bytes)
                .ok()
                .and_then(|s| s.parse::<u32>().ok())
            {
                Some(v) if v <= SCHEMA_VERSION => {}
                Some(v) => {
                    problems.push(format!(
                        "storage was written by a newer version of optin (schema {v}); it is read-only and consent is off"
                    ));
                    read_only = Some(StoreError::NewerSchema {
                        found: v,
                        supported: SCHEMA_VERSION,
                    });
                    distrust_all = true;
                }
                None => {
                    problems.push(
                        "the storage schema marker is unreadable; consent is off until given again"
                            .into(),
                    );
                    distrust_all = true;
                    schema_written = false;
                }
            }
        } else if key == CONSENT_HEAD_KEY {
            head = std::str::from_utf8(&bytes)
                .ok()
                .and_then(|s| s.parse().ok());
            if head.is_none() {
                problems.push("the consent record count is unreadable".into());
                distrust_all = true;
            }
        } else if key == VIEWS_KEY {
            match serde_json::from_slice(&bytes) {
                Ok(v) => views = v,
                Err(_) => problems.push("the notice-view log is unreadable and was reset".into()),
            }
        } else if let Some(seq) = key.strip_prefix(CONSENT_PREFIX) {
            let Ok(seq) = seq.parse::<u64>() else {
                problems.push(format!("unexpected consent key {key}"));
                continue;
            };
            let record = serde_json::from_slice(&bytes)
                .map_err(|e| e.to_string())
                .and_then(|v| parse_record(&v, &key).map_err(|e| e.to_string()));
            if let Err(e) = &record {
                problems.push(format!(
                    "consent record {seq} is unreadable ({e}); grants before it are off"
                ));
            }
            consent.push((seq, record));
        }
    }

    consent.sort_by_key(|(seq, _)| *seq);
    let mut expected = 0;
    let mut entries = Vec::with_capacity(consent.len());
    for (seq, record) in consent {
        if seq != expected {
            problems.push(format!(
                "consent records {expected} to {} are missing; grants before them are off",
                seq.saturating_sub(1)
            ));
            entries.push(Err("missing".to_owned()));
        }
        entries.push(record);
        expected = seq + 1;
    }
    if head.is_some_and(|h| h > expected) {
        problems.push(format!(
            "the last consent records (from {expected}) are missing; grants are off"
        ));
        distrust_all = true;
    }
    if distrust_all {
        entries.push(Err("distrusted".to_owned()));
    }
    Loaded {
        ledger: Ledger::from_entries(entries),
        views,
        next_seq: expected.max(head.unwrap_or(0)),
        schema_written,
        read_only,
        problems,
    }
}

//! Consent records from JSON: the strict parser (also used to read the store), and the
//! cross-device merge of `importConsent`.

use crate::sorted::SortedSet;

use serde::Serialize;
use serde_json::Value;

use super::ledger::Ledger;
use super::record::{ConsentEvent, ConsentRecord, Method};
use crate::error::{FieldError, NoRandomness};
use crate::manifest::{is_locale_tag, Manifest};
use crate::time::{parse_iso, Millis, DAY_MS};
use crate::validate::*;

/// Most records one import may carry.
pub const MAX_IMPORT: usize = 10_000;

const FIELDS: [&str; 14] = [
    "recordId",
    "module",
    "event",
    "time",
    "policyVersion",
    "noticeHash",
    "purpose",
    "dataCategories",
    "retentionDays",
    "method",
    "locale",
    "gpc",
    "sourceRecordId",
    "sourceTime",
];

/// Parses one record strictly; any deviation is an error naming the field.
pub fn parse_record(v: &Value, path: &str) -> Result<ConsentRecord, FieldError> {
    let map = object(v, path)?;
    known_keys(map, path, &FIELDS)?;
    let field = |key: &str| required(map, path, key);
    let p = |key: &str| child(path, key);
    let time = |v: &Value, at: &str| -> Result<Millis, FieldError> {
        v.as_str()
            .and_then(parse_iso)
            .ok_or_else(|| FieldError::new(at, "expected an RFC 3339 time"))
    };
    let record_id = token(field("recordId")?, &p("recordId"))?;
    let event = match field("event")?.as_str() {
        Some("given") => ConsentEvent::Given,
        Some("withdrawn") => ConsentEvent::Withdrawn,
        Some("expired") => ConsentEvent::Expired,
        Some("invalidated") => ConsentEvent::Invalidated,
        _ => {
            return Err(FieldError::new(
                p("event"),
                "expected given, withdrawn, expired or invalidated",
            ))
        }
    };
    let method = match field("method")?.as_str() {
        Some("api") => Method::Api,
        Some("import") => Method::Import,
        Some("system") => Method::System,
        _ => {
            return Err(FieldError::new(
                p("method"),
                "expected api, import or system",
            ))
        }
    };
    let notice_hash = field("noticeHash")?
        .as_str()
        .filter(|h| {
            h.len() == 64
                && h.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
        .ok_or_else(|| FieldError::new(p("noticeHash"), "expected 64 lowercase hex digits"))?
        .to_owned();
    let locale = match map.get("locale") {
        Some(Value::String(l)) if l.is_empty() || is_locale_tag(l) => l.clone(),
        _ => {
            return Err(FieldError::new(
                p("locale"),
                "expected a locale tag like \"en\"",
            ))
        }
    };
    let cats_path = p("dataCategories");
    let data_categories = array(field("dataCategories")?, &cats_path, 64)?
        .iter()
        .enumerate()
        .map(|(i, c)| identifier(c, &index(&cats_path, i)))
        .collect::<Result<_, _>>()?;
    Ok(ConsentRecord {
        record_id,
        module: identifier(field("module")?, &p("module"))?,
        event,
        time: time(field("time")?, &p("time"))?,
        policy_version: string(field("policyVersion")?, &p("policyVersion"), 256)?,
        notice_hash,
        purpose: match map.get("purpose") {
            Some(Value::String(s)) if s.chars().count() <= MAX_TEXT_LEN => s.clone(),
            _ => return Err(FieldError::new(p("purpose"), "expected a string")),
        },
        data_categories,
        retention_days: integer(field("retentionDays")?, &p("retentionDays"), 1, 3650)? as u32,
        method,
        locale,
        gpc: boolean(field("gpc")?, &p("gpc"))?,
        source_record_id: optional(map, "sourceRecordId")
            .map(|v| token(v, &p("sourceRecordId")))
            .transpose()?,
        source_time: optional(map, "sourceTime")
            .map(|v| time(v, &p("sourceTime")))
            .transpose()?,
    })
}

fn token(v: &Value, path: &str) -> Result<String, FieldError> {
    match v.as_str() {
        Some(s) if !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(s.to_owned())
        }
        _ => Err(FieldError::new(
            path,
            "expected an id of 1 to 128 printable ASCII characters",
        )),
    }
}

/// Parses an import: an array of records, each valid, none from more than a day in the future.
pub fn parse_records(v: &Value, now: Millis) -> Result<Vec<ConsentRecord>, FieldError> {
    let items = array(v, "records", MAX_IMPORT)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = index("records", i);
        let record = parse_record(item, &path)?;
        if record.decided_at() > now.saturating_add(DAY_MS) {
            return Err(FieldError::new(child(&path, "time"), "lies in the future"));
        }
        out.push(record);
    }
    Ok(out)
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportSummary {
    /// Decisions taken over from the other device.
    pub applied: usize,
    /// Of those, grants for a different notice, recorded as `invalidated`.
    pub invalidated: usize,
    /// Grants of sharing modules not applied because Global Privacy Control is on.
    pub blocked_by_gpc: usize,
    /// Records older than this device's own decision, already known, or for essential modules.
    pub skipped: usize,
    /// Records for modules this manifest does not declare.
    pub unknown_modules: usize,
}

/// Everything the merge needs to know about this device.
pub struct MergeContext<'a> {
    /// The manifest in force.
    pub manifest: &'a Manifest,
    /// Notice hash per module, in manifest order.
    pub notices: &'a [String],
    /// Whether Global Privacy Control is on.
    pub gpc: bool,
    /// The clock.
    pub now: Millis,
}

/// The records to append for an import: per module the latest decision wins. Decisions of
/// one millisecond keep the order the exporting device gave them (its ledger's), a tie
/// between this device's decision and another's goes by [`ConsentRecord::tie_key`] (a
/// withdrawal wins), and a grant for a different notice becomes `invalidated`. `new_id`
/// makes ids. So every device given the same records derives the same state, in whatever
/// order it gets them.
pub fn plan_merge(
    ledger: &Ledger,
    imported: &[ConsentRecord],
    cx: &MergeContext<'_>,
    new_id: &mut dyn FnMut() -> Result<String, NoRandomness>,
) -> Result<(Vec<ConsentRecord>, ImportSummary), NoRandomness> {
    let mut summary = ImportSummary::default();
    let mut seen = SortedSet::new();
    seen.extend(
        ledger.records().iter().flat_map(|r| {
            std::iter::once(r.record_id.as_str()).chain(r.source_record_id.as_deref())
        }),
    );
    let mut planned = Vec::new();
    for (module, notice) in cx.manifest.modules.iter().zip(cx.notices) {
        // The exporting device's last decision: the latest, and of one millisecond the last
        // in its order (`max_by_key` keeps the last of equal keys). Records of lapses are
        // not decisions: every device derives them from the clock and the notice.
        let mine = imported.iter().filter(|r| r.module == module.id);
        let count = mine.clone().count();
        let Some(latest) = mine
            .filter(|r| r.method != Method::System)
            .max_by_key(|r| r.decided_at())
        else {
            summary.skipped += count;
            continue;
        };
        // All but the one taken over count as skipped.
        summary.skipped += count - 1;
        let known = seen.contains(latest.record_id.as_str()) || seen.contains(latest.decision_id());
        let newer = ledger.last_decision(&module.id).is_none_or(|local| {
            (latest.decided_at(), latest.tie_key()) > (local.decided_at(), local.tie_key())
        });
        if module.essential || known || !newer {
            summary.skipped += 1;
            continue;
        }
        let mut event = latest.event;
        if event == ConsentEvent::Given {
            if cx.gpc && module.shares {
                summary.blocked_by_gpc += 1;
                continue;
            }
            if latest.notice_hash != *notice {
                event = ConsentEvent::Invalidated;
                summary.invalidated += 1;
            }
        }
        summary.applied += 1;
        let (_, purpose) = module.purpose.resolve(&latest.locale);
        planned.push(ConsentRecord {
            record_id: new_id()?,
            module: module.id.clone(),
            event,
            time: cx.now,
            policy_version: latest.policy_version.clone(),
            notice_hash: latest.notice_hash.clone(),
            purpose: purpose.to_owned(),
            data_categories: module.uses.clone(),
            retention_days: module.retention_days,
            method: Method::Import,
            locale: latest.locale.clone(),
            gpc: cx.gpc,
            // The decision's own id and time, also when it reached the other device by import.
            source_record_id: Some(latest.decision_id().to_owned()),
            source_time: Some(latest.decided_at()),
        });
    }
    summary.unknown_modules = imported
        .iter()
        .filter(|r| cx.manifest.module(&r.module).is_none())
        .count();
    Ok((planned, summary))
}

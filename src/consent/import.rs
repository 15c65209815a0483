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
            .ok_or_else(|| FieldError::new(at, "expected an ISO 8601 UTC time"))
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

/// The records to append for an import: per module the latest decision wins, a withdrawal
/// wins a tie, and a grant for a different notice becomes `invalidated`. `new_id` makes ids.
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
        let mine: Vec<&ConsentRecord> = imported.iter().filter(|r| r.module == module.id).collect();
        let fresh: Vec<&ConsentRecord> = mine
            .iter()
            .copied()
            .filter(|r| !seen.contains(r.record_id.as_str()))
            .collect();
        summary.skipped += mine.len() - fresh.len();
        let Some(latest) = fresh.iter().copied().max_by_key(|r| r.order_key()) else {
            continue;
        };
        summary.skipped += fresh.len() - 1;
        let local = ledger.last_for(&module.id).map(ConsentRecord::order_key);
        if module.essential || local.is_some_and(|l| latest.order_key() <= l) {
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
            source_record_id: Some(latest.record_id.clone()),
            source_time: Some(latest.decided_at()),
        });
    }
    summary.unknown_modules = imported
        .iter()
        .filter(|r| cx.manifest.module(&r.module).is_none())
        .count();
    Ok((planned, summary))
}

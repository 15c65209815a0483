//! Manifest validation, field by field.

use crate::sorted::SortedSet;

use serde_json::{Map, Value};

use super::*;
use crate::error::FieldError;
use crate::validate::*;

/// Limits that keep a hostile manifest from costing much.
const MAX_MODULES: usize = 64;
const MAX_CATEGORIES: usize = 64;
const MAX_METRICS: usize = 64;
const MAX_SAMPLES: usize = 32;
const MAX_SAMPLE_EVENTS: usize = 2000;
const MAX_DOMAIN: usize = 65_536;
const MAX_RETENTION_DAYS: u64 = 3650;
const MAX_EPSILON: f64 = 20.0;

pub(super) fn manifest(v: &Value) -> Result<Manifest, FieldError> {
    let root = object(v, "manifest")?;
    known_keys(
        root,
        "",
        &[
            "$schema",
            "policyVersion",
            "controller",
            "dataCategories",
            "modules",
            "metrics",
            "privacyBudget",
            "samples",
            "consentValidityDays",
            "baselineWeight",
            "dislikeWeight",
        ],
    )?;
    // For editors (where the JSON Schema is); nothing else reads it.
    if let Some(v) = optional(root, "$schema") {
        string(v, "$schema", MAX_TEXT_LEN)?;
    }
    let policy_version = string(required(root, "", "policyVersion")?, "policyVersion", 256)?;
    let controller = controller(required(root, "", "controller")?)?;
    let data_categories = categories(required(root, "", "dataCategories")?)?;
    let mut known = SortedSet::new();
    known.extend(data_categories.iter().map(|c| c.id.as_str()));
    let modules = modules(required(root, "", "modules")?, &known)?;
    let metrics = match optional(root, "metrics") {
        Some(v) => metrics(v)?,
        None => Vec::new(),
    };
    let privacy_budget = optional(root, "privacyBudget").map(budget).transpose()?;
    check_reports(&modules, &metrics, privacy_budget)?;
    let is_category = |c: &str| known.contains(c);
    let samples = match optional(root, "samples") {
        Some(v) => samples(v, &is_category)?,
        None => Vec::new(),
    };
    let consent_validity_days = optional(root, "consentValidityDays")
        .map(|v| integer(v, "consentValidityDays", 1, MAX_RETENTION_DAYS).map(|d| d as u32))
        .transpose()?;
    let weight = |key: &str, default: f64| {
        optional(root, key)
            .map(|v| number(v, key, 0.0, 1000.0))
            .transpose()
            .map(|w| w.unwrap_or(default))
    };
    let baseline_weight = weight("baselineWeight", DEFAULT_BASELINE_WEIGHT)?;
    let dislike_weight = weight("dislikeWeight", 1.0)?;
    Ok(Manifest {
        baseline_weight,
        dislike_weight,
        policy_version,
        controller,
        data_categories,
        modules,
        metrics,
        privacy_budget,
        samples,
        consent_validity_days,
    })
}

fn controller(v: &Value) -> Result<Controller, FieldError> {
    let map = object(v, "controller")?;
    known_keys(map, "controller", &["name", "contact"])?;
    Ok(Controller {
        name: string(required(map, "controller", "name")?, "controller.name", 256)?,
        contact: string(
            required(map, "controller", "contact")?,
            "controller.contact",
            512,
        )?,
    })
}

fn categories(v: &Value) -> Result<Vec<DataCategory>, FieldError> {
    let map = object(v, "dataCategories")?;
    if map.len() > MAX_CATEGORIES {
        return Err(FieldError::new(
            "dataCategories",
            format!("at most {MAX_CATEGORIES} categories"),
        ));
    }
    map.iter()
        .map(|(id, decl)| {
            let path = child("dataCategories", id);
            identifier(&Value::String(id.clone()), &path)?;
            let decl = object(decl, &path)?;
            known_keys(decl, &path, &["label", "sensitive"])?;
            Ok(DataCategory {
                id: id.clone(),
                label: Text::parse(required(decl, &path, "label")?, &child(&path, "label"))?,
                sensitive: flag(decl, &path, "sensitive")?,
            })
        })
        .collect()
}

fn flag(map: &Map<String, Value>, path: &str, key: &str) -> Result<bool, FieldError> {
    optional(map, key).map_or(Ok(false), |v| boolean(v, &child(path, key)))
}

fn modules(v: &Value, known: &SortedSet<&str>) -> Result<Vec<ModuleDecl>, FieldError> {
    let items = array(v, "modules", MAX_MODULES)?;
    if items.is_empty() {
        return Err(FieldError::new("modules", "declare at least one module"));
    }
    let mut seen = SortedSet::new();
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = index("modules", i);
        let m = module(item, &path, known)?;
        if !seen.insert(m.id.clone()) {
            return Err(FieldError::new(
                child(&path, "id"),
                format!("duplicate module id \"{}\"", m.id),
            ));
        }
        out.push(m);
    }
    Ok(out)
}

fn module(v: &Value, path: &str, known: &SortedSet<&str>) -> Result<ModuleDecl, FieldError> {
    let map = object(v, path)?;
    known_keys(
        map,
        path,
        &[
            "id",
            "title",
            "purpose",
            "benefit",
            "uses",
            "retentionDays",
            "essential",
            "signals",
            "shares",
            "halfLifeDays",
            "halfLifeInteractions",
            "featureWeight",
            "embeddingWeight",
        ],
    )?;
    let id = identifier(required(map, path, "id")?, &child(path, "id"))?;
    let text = |key: &str| Text::parse(required(map, path, key)?, &child(path, key));
    let (title, purpose, benefit) = (text("title")?, text("purpose")?, text("benefit")?);
    let uses_path = child(path, "uses");
    let mut uses = Vec::new();
    for (i, u) in array(required(map, path, "uses")?, &uses_path, MAX_CATEGORIES)?
        .iter()
        .enumerate()
    {
        let p = index(&uses_path, i);
        let category = identifier(u, &p)?;
        if !known.contains(category.as_str()) {
            return Err(FieldError::new(
                p,
                format!("unknown data category \"{category}\""),
            ));
        }
        if uses.contains(&category) {
            return Err(FieldError::new(
                p,
                format!("data category \"{category}\" listed twice"),
            ));
        }
        uses.push(category);
    }
    let essential = flag(map, path, "essential")?;
    let shares = flag(map, path, "shares")?;
    if essential && !uses.is_empty() {
        return Err(FieldError::new(
            uses_path,
            "an essential module needs no consent, so it may not use personal data categories",
        ));
    }
    let retention_days = match optional(map, "retentionDays") {
        Some(v) => integer(v, &child(path, "retentionDays"), 1, MAX_RETENTION_DAYS)? as u32,
        None if uses.is_empty() => 1,
        None => {
            return Err(FieldError::new(
                child(path, "retentionDays"),
                "is required for a module that uses data",
            ))
        }
    };
    if essential && shares {
        return Err(FieldError::new(
            child(path, "shares"),
            "an essential module may not share anything",
        ));
    }
    let mut signals = Vec::new();
    if let Some(sv) = optional(map, "signals") {
        let sp = child(path, "signals");
        for (i, s) in array(sv, &sp, 2)?.iter().enumerate() {
            let signal = match s.as_str() {
                Some("features") => Signal::Features,
                Some("embedding") => Signal::Embedding,
                _ => {
                    return Err(FieldError::new(
                        index(&sp, i),
                        "expected \"features\" or \"embedding\"",
                    ))
                }
            };
            if !signals.contains(&signal) {
                signals.push(signal);
            }
        }
    }
    // Granting such a module would store events that nothing reads: the profile is fed by
    // signals, private reports by a sharing module.
    if signals.is_empty() && !uses.is_empty() && !shares {
        return Err(FieldError::new(
            child(path, "signals"),
            "needs \"features\", \"embedding\" or both (or \"shares\": true): otherwise granting it would collect data that nothing uses",
        ));
    }
    let half_life_days = optional(map, "halfLifeDays")
        .map(|v| number(v, &child(path, "halfLifeDays"), 0.01, 3650.0))
        .transpose()?
        .unwrap_or(14.0);
    let half_life_interactions = match optional(map, "halfLifeInteractions") {
        None => Some(DEFAULT_HALF_LIFE_INTERACTIONS),
        Some(v) => match number(v, &child(path, "halfLifeInteractions"), 0.0, 1e6)? {
            0.0 => None,
            h => Some(h),
        },
    };
    Ok(ModuleDecl {
        id,
        title,
        purpose,
        benefit,
        uses,
        retention_days,
        essential,
        signals,
        shares,
        half_life_days,
        half_life_interactions,
        feature_weight: optional(map, "featureWeight")
            .map(|v| number(v, &child(path, "featureWeight"), 0.0, 1000.0))
            .transpose()?
            .unwrap_or(DEFAULT_FEATURE_WEIGHT),
        embedding_weight: optional(map, "embeddingWeight")
            .map(|v| number(v, &child(path, "embeddingWeight"), 0.0, 1000.0))
            .transpose()?
            .unwrap_or(1.0),
    })
}

fn metrics(v: &Value) -> Result<Vec<MetricDecl>, FieldError> {
    let items = array(v, "metrics", MAX_METRICS)?;
    let mut seen = SortedSet::new();
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = index("metrics", i);
        let m = metric(item, &path)?;
        if !seen.insert(m.id.clone()) {
            return Err(FieldError::new(
                child(&path, "id"),
                format!("duplicate metric id \"{}\"", m.id),
            ));
        }
        out.push(m);
    }
    Ok(out)
}

/// Parses one metric declaration at `path`.
pub(crate) fn metric(item: &Value, path: &str) -> Result<MetricDecl, FieldError> {
    let map = object(item, path)?;
    known_keys(
        map,
        path,
        &["id", "label", "type", "domain", "min", "max", "epsilon"],
    )?;
    let id = identifier(required(map, path, "id")?, &child(path, "id"))?;
    let label = optional(map, "label")
        .map(|l| Text::parse(l, &child(path, "label")))
        .transpose()?;
    let kind = match required(map, path, "type")?.as_str() {
        Some("boolean") => MetricKind::Boolean,
        Some("categorical") => {
            let dp = child(path, "domain");
            let values = array(required(map, path, "domain")?, &dp, MAX_DOMAIN)?;
            if values.len() < 2 {
                return Err(FieldError::new(dp, "needs at least 2 values"));
            }
            let mut domain = Vec::with_capacity(values.len());
            let mut unique = SortedSet::new();
            for (j, value) in values.iter().enumerate() {
                let s = string(value, &index(&dp, j), 256)?;
                if !unique.insert(s.clone()) {
                    return Err(FieldError::new(
                        index(&dp, j),
                        format!("duplicate value \"{s}\""),
                    ));
                }
                domain.push(s);
            }
            MetricKind::Categorical { domain }
        }
        Some("numeric") => {
            let min = number(
                required(map, path, "min")?,
                &child(path, "min"),
                -1e12,
                1e12,
            )?;
            let max = number(
                required(map, path, "max")?,
                &child(path, "max"),
                -1e12,
                1e12,
            )?;
            if max <= min {
                return Err(FieldError::new(
                    child(path, "max"),
                    "must be greater than min",
                ));
            }
            MetricKind::Numeric { min, max }
        }
        _ => {
            return Err(FieldError::new(
                child(path, "type"),
                "expected \"boolean\", \"categorical\" or \"numeric\"",
            ))
        }
    };
    let foreign = |key: &str, owner: &str| match optional(map, key) {
        Some(_) => Err(FieldError::new(
            child(path, key),
            format!("only a \"{owner}\" metric has {key}"),
        )),
        None => Ok(()),
    };
    if !matches!(kind, MetricKind::Categorical { .. }) {
        foreign("domain", "categorical")?;
    }
    if !matches!(kind, MetricKind::Numeric { .. }) {
        foreign("min", "numeric")?;
        foreign("max", "numeric")?;
    }
    let epsilon = positive(required(map, path, "epsilon")?, &child(path, "epsilon"))?;
    Ok(MetricDecl {
        id,
        label,
        kind,
        epsilon,
    })
}

fn positive(v: &Value, path: &str) -> Result<f64, FieldError> {
    let e = number(v, path, 0.0, MAX_EPSILON)?;
    if e <= 0.0 {
        return Err(FieldError::new(path, "must be greater than 0"));
    }
    Ok(e)
}

fn budget(v: &Value) -> Result<PrivacyBudget, FieldError> {
    let map = object(v, "privacyBudget")?;
    known_keys(map, "privacyBudget", &["epsilon", "periodDays"])?;
    Ok(PrivacyBudget {
        epsilon: positive(
            required(map, "privacyBudget", "epsilon")?,
            "privacyBudget.epsilon",
        )?,
        period_days: integer(
            required(map, "privacyBudget", "periodDays")?,
            "privacyBudget.periodDays",
            1,
            3650,
        )? as u32,
    })
}

fn check_reports(
    modules: &[ModuleDecl],
    metrics: &[MetricDecl],
    budget: Option<PrivacyBudget>,
) -> Result<(), FieldError> {
    if metrics.is_empty() {
        return Ok(());
    }
    if !modules.iter().any(|m| m.shares) {
        return Err(FieldError::new(
            "metrics",
            "metrics need a module with \"shares\": true to report them",
        ));
    }
    let Some(budget) = budget else {
        return Err(FieldError::new(
            "privacyBudget",
            "is required when metrics are declared",
        ));
    };
    for (i, m) in metrics.iter().enumerate() {
        if m.epsilon > budget.epsilon {
            return Err(FieldError::new(
                child(&index("metrics", i), "epsilon"),
                format!(
                    "{} exceeds the whole privacyBudget.epsilon {}",
                    crate::validate::Num(m.epsilon),
                    crate::validate::Num(budget.epsilon)
                ),
            ));
        }
    }
    Ok(())
}

fn samples(
    v: &Value,
    is_category: &dyn Fn(&str) -> bool,
) -> Result<Vec<SamplePersona>, FieldError> {
    let items = array(v, "samples", MAX_SAMPLES)?;
    let mut seen = SortedSet::new();
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = index("samples", i);
        let map = object(item, &path)?;
        known_keys(map, &path, &["id", "label", "events"])?;
        let id = identifier(required(map, &path, "id")?, &child(&path, "id"))?;
        if !seen.insert(id.clone()) {
            return Err(FieldError::new(
                child(&path, "id"),
                format!("duplicate sample id \"{id}\""),
            ));
        }
        let label = Text::parse(required(map, &path, "label")?, &child(&path, "label"))?;
        let events = Event::parse_many(
            required(map, &path, "events")?,
            &child(&path, "events"),
            MAX_SAMPLE_EVENTS,
            is_category,
        )?;
        out.push(SamplePersona { id, label, events });
    }
    Ok(out)
}

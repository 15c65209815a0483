//! The command line, the splits, and the grid: embeddings × baseline shapes, each cell with
//! popularity, centralized ALS, the engine's defaults and the engine with the benefit check.

use std::collections::HashSet;
use std::fs;
use std::time::Instant;

use nalgebra::DMatrix;
use optin::rank::{Catalog, ExposureConstraint};
use serde_json::{json, Value};

use crate::benefit_sim;
use crate::catalog::{self, Shape};
use crate::data::{self, Data, FeatureSource, Histories, Source};
use crate::embed::{self, Embedding};
use crate::metrics::{metrics, share_below, Metrics, K_RECALL};
use crate::replay::{lists, Config};

const HELP: &str = "evaluate: on-device ranking on your data

  --movielens DIR            a MovieLens directory (ratings.csv, movies.csv)
  --interactions FILE        CSV/TSV with a header: one interaction per row
  --user COL --item COL --time COL   its columns (time: seconds, milliseconds or ISO 8601)
  --rating COL --min-rating X        keep rows rated at least X (default: every row)
  --items FILE               item features: one item per row
  --item-column COL          its item column (default: the --item name)
  --features COL             its feature list column
  --feature-separator S      inside that column (default |)
  --feature-prefix P         prepended to each feature name (default none)
  --delimiter tab|comma|C    field delimiter of both files (default comma)
  --tune                     also search the blend's defaults on the validation split
  --tune-only                only that (the test split is not touched)
  --quick                    one embedding (the tuned ALS), the count baseline
  --packed-out FILE          where the packed catalog goes (default bench/out/catalog.optin)
  --out FILE                 the JSON report (default bench/out/evaluate.json)";

struct Args {
    source: Source,
    name: String,
    tune: bool,
    tune_only: bool,
    quick: bool,
    packed_out: String,
    out: String,
}

fn parse_args() -> Result<Args, String> {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let get = |flag: &str| -> Option<String> {
        let at = argv.iter().position(|a| a == flag)?;
        argv.get(at + 1).cloned()
    };
    let has = |flag: &str| std::env::args().any(|a| a == flag);
    if has("--help") || argv.is_empty() {
        return Err(HELP.into());
    }
    let delimiter = match get("--delimiter").as_deref() {
        None | Some("comma") => ',',
        Some("tab") => '\t',
        Some(d) => d.chars().next().unwrap_or(','),
    };
    let (source, name) = if let Some(dir) = get("--movielens") {
        (
            Source {
                interactions: format!("{dir}/ratings.csv"),
                user: "userId".into(),
                item: "movieId".into(),
                time: "timestamp".into(),
                rating: None,
                features: Some(FeatureSource {
                    file: format!("{dir}/movies.csv"),
                    item: "movieId".into(),
                    column: "genres".into(),
                    separator: '|',
                    prefix: "genre:".into(),
                }),
                delimiter: ',',
            },
            dir,
        )
    } else {
        let need = |v: Option<String>, flag: &str| v.ok_or(format!("{flag} is required\n\n{HELP}"));
        let interactions = need(get("--interactions"), "--interactions")?;
        let item = need(get("--item"), "--item")?;
        let features = match get("--items") {
            Some(file) => Some(FeatureSource {
                file,
                item: get("--item-column").unwrap_or_else(|| item.clone()),
                column: need(get("--features"), "--features")?,
                separator: get("--feature-separator")
                    .and_then(|s| s.chars().next())
                    .unwrap_or('|'),
                prefix: get("--feature-prefix").unwrap_or_default(),
            }),
            None => None,
        };
        let rating = match get("--rating") {
            Some(col) => Some((
                col,
                get("--min-rating")
                    .map(|x| x.parse::<f64>().map_err(|_| "--min-rating: a number"))
                    .transpose()?
                    .unwrap_or(f64::NEG_INFINITY),
            )),
            None => None,
        };
        (
            Source {
                user: need(get("--user"), "--user")?,
                time: need(get("--time"), "--time")?,
                item,
                rating,
                features,
                delimiter,
                interactions: interactions.clone(),
            },
            interactions,
        )
    };
    Ok(Args {
        source,
        name,
        tune: has("--tune"),
        tune_only: has("--tune-only"),
        quick: has("--quick"),
        packed_out: get("--packed-out").unwrap_or_else(|| "bench/out/catalog.optin".into()),
        out: get("--out").unwrap_or_else(|| "bench/out/evaluate.json".into()),
    })
}

/// What one split trains and ranks on.
pub struct Stage {
    pub train: Histories,
    pub truth: Vec<Vec<usize>>,
    pub counts: Vec<f64>,
    /// Centralized ALS (the server-side anchor): user and item factors.
    pub als_users: DMatrix<f64>,
    pub als_items: DMatrix<f64>,
    /// Item embeddings per variant.
    pub embeddings: Vec<(Embedding, DMatrix<f64>)>,
}

const ANCHOR_DIM: usize = 64;

fn variants(anchor: Embedding, quick: bool) -> Vec<Embedding> {
    if quick {
        return vec![anchor];
    }
    vec![
        anchor,
        Embedding::Als {
            dim: 32,
            lambda: 0.1,
            alpha: 1.0,
        },
        Embedding::Als {
            dim: 128,
            lambda: 100.0,
            alpha: 40.0,
        },
        Embedding::Svd { dim: 64 },
        Embedding::Content,
    ]
}

fn train_embedding(e: Embedding, train: &Histories, data: &Data) -> DMatrix<f64> {
    let n = data.items.len();
    match e {
        Embedding::Als { dim, lambda, alpha } => {
            embed::als(train, n, dim, lambda, alpha, if dim > 64 { 8 } else { 12 }).1
        }
        Embedding::Svd { dim } => embed::svd(train, n, dim),
        Embedding::Content => embed::content(&data.features, 256),
    }
}

fn stage(
    data: &Data,
    train: Histories,
    truth: Vec<Vec<usize>>,
    anchor: Embedding,
    quick: bool,
) -> Stage {
    let mut counts = vec![0.0; data.items.len()];
    for v in &train {
        for &(i, _) in v {
            counts[i] += 1.0;
        }
    }
    let Embedding::Als { lambda, alpha, .. } = anchor else {
        panic!("the anchor is ALS")
    };
    let (als_users, als_items) =
        embed::als(&train, data.items.len(), ANCHOR_DIM, lambda, alpha, 12);
    let embeddings = variants(anchor, quick)
        .into_iter()
        .map(|e| {
            let m = if e == anchor {
                als_items.clone()
            } else {
                let t = Instant::now();
                let m = train_embedding(e, &train, data);
                eprintln!(
                    "  trained {} in {:.1}s",
                    e.name(),
                    t.elapsed().as_secs_f64()
                );
                m
            };
            (e, m)
        })
        .collect();
    Stage {
        train,
        truth,
        counts,
        als_users,
        als_items,
        embeddings,
    }
}

fn top_excluding(scores: &[f64], seen: &HashSet<usize>, k: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).filter(|i| !seen.contains(i)).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    order.truncate(k);
    order
}

fn seen(h: &[(usize, i64)]) -> HashSet<usize> {
    h.iter().map(|&(i, _)| i).collect()
}

pub fn popularity_lists(s: &Stage) -> Vec<Vec<usize>> {
    s.train
        .iter()
        .map(|h| top_excluding(&s.counts, &seen(h), K_RECALL))
        .collect()
}

fn als_lists(s: &Stage) -> Vec<Vec<usize>> {
    s.train
        .iter()
        .enumerate()
        .map(|(u, h)| {
            let scores: Vec<f64> = (&s.als_items * s.als_users.row(u).transpose())
                .iter()
                .copied()
                .collect();
            top_excluding(&scores, &seen(h), K_RECALL)
        })
        .collect()
}

/// A cell: its embedding, baseline shape, catalog, the metrics of each configuration, and the
/// benefit check's outcome.
type CellResult = (
    String,
    Shape,
    Catalog,
    Vec<Metrics>,
    Option<benefit_sim::Outcome>,
);

fn cells(s: &Stage, data: &Data, configs: &[Config], with_benefit: bool) -> Vec<CellResult> {
    let n = data.items.len();
    let mut out = Vec::new();
    for (e, m) in &s.embeddings {
        for shape in Shape::ALL {
            let catalog = catalog::build(data, m, &shape.baseline(&s.counts));
            let results = configs
                .iter()
                .map(|c| {
                    metrics(
                        &lists(c, &catalog, &s.train, data, &ExposureConstraint::default()),
                        &s.truth,
                        n,
                    )
                })
                .collect();
            let t = Instant::now();
            let benefit = with_benefit.then(|| benefit_sim::run(&catalog, s, data));
            if with_benefit {
                eprintln!(
                    "  benefit check simulated in {:.1}s",
                    t.elapsed().as_secs_f64()
                );
            }
            out.push((e.name(), shape, catalog, results, benefit));
        }
    }
    out
}

fn row(name: &str, m: &Metrics) -> Value {
    json!({"method": name, "metrics": m})
}

pub fn run() -> Result<(), String> {
    let args = parse_args()?;
    let started = Instant::now();
    let data = data::load(&args.source)?;
    let n = data.items.len();
    let interactions: usize = data.users.iter().map(Vec::len).sum();
    println!(
        "{}: {} users, {n} items, {interactions} interactions, {} features",
        args.name,
        data.users.len(),
        data.features.iter().flatten().collect::<HashSet<_>>().len()
    );
    let (train_all, test) = data::split(&data.users, 0.2);
    let (fit, validation) = data::split(&train_all, 0.2);

    // The server-side anchor's regularisation and confidence, on validation.
    let mut best = (f64::MIN, 5.0, 2.0);
    for &(lambda, alpha) in &[(5.0, 2.0), (10.0, 5.0), (10.0, 20.0), (50.0, 20.0)] {
        let (u, i) = embed::als(&fit, n, ANCHOR_DIM, lambda, alpha, 12);
        let s = Stage {
            train: fit.clone(),
            truth: validation.clone(),
            counts: Vec::new(),
            als_users: u,
            als_items: i,
            embeddings: Vec::new(),
        };
        let m = metrics(&als_lists(&s), &s.truth, n).ndcg10;
        println!("  centralized ALS λ={lambda} α={alpha}: validation NDCG@10 {m:.4}");
        if m > best.0 {
            best = (m, lambda, alpha);
        }
    }
    let anchor = Embedding::Als {
        dim: ANCHOR_DIM,
        lambda: best.1,
        alpha: best.2,
    };

    let mut report = json!({
        "dataset": args.name, "users": data.users.len(), "items": n, "interactions": interactions,
        "split": "per user by time: last 20% test; validation = last 20% of the rest",
        "anchor": anchor, "defaults": {
            "baselineWeight": optin::manifest::DEFAULT_BASELINE_WEIGHT,
            "featureWeight": optin::manifest::DEFAULT_FEATURE_WEIGHT,
            "halfLifeInteractions": optin::manifest::DEFAULT_HALF_LIFE_INTERACTIONS,
        },
    });
    if args.tune || args.tune_only {
        report["tuning"] = tune(&data, fit.clone(), validation.clone(), anchor, args.quick);
    }
    if args.tune_only {
        return write_report(&args.out, &report, started);
    }

    let test_stage = stage(&data, train_all, test, anchor, args.quick);
    let pop = metrics(&popularity_lists(&test_stage), &test_stage.truth, n);
    let als = metrics(&als_lists(&test_stage), &test_stage.truth, n);
    println!(
        "\nTest split: NDCG@10 ± standard error (per user), {} users",
        pop.users
    );
    println!(
        "popularity {:.4} ± {:.4}; centralized ALS ({}) {:.4} ± {:.4}",
        pop.ndcg10,
        pop.ndcg10_se,
        anchor.name(),
        als.ndcg10,
        als.ndcg10_se
    );
    println!("\n| item embeddings | baseline | popularity | centralized ALS | optin default | × popularity | optin + benefit check | users below popularity: default → with check |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let mut grid = Vec::new();
    let mut default_catalog = None;
    for (embedding, shape, catalog, results, benefit) in
        cells(&test_stage, &data, &[Config::default()], true)
    {
        let d = &results[0];
        let b = benefit.as_ref();
        let bm = b.map(|b| &b.metrics);
        println!(
            "| {embedding} | {} | {:.4} ± {:.4} | {:.4} ± {:.4} | **{:.4} ± {:.4}** | {:.2}× | {} | {:.0}% → {} |",
            shape.name(),
            pop.ndcg10,
            pop.ndcg10_se,
            als.ndcg10,
            als.ndcg10_se,
            d.ndcg10,
            d.ndcg10_se,
            d.ndcg10 / pop.ndcg10,
            bm.map_or("–".into(), |m| format!("{:.4} ± {:.4}", m.ndcg10, m.ndcg10_se)),
            100.0 * share_below(d, &pop),
            bm.map_or("–".into(), |m| format!("{:.0}%", 100.0 * share_below(m, &pop))),
        );
        grid.push(json!({
            "embedding": embedding, "baseline": shape.name(),
            "rows": [row("popularity", &pop), row("centralized ALS", &als), row("optin default", d)],
            "benefit": b.map(|b| json!({"metrics": b.metrics, "measured": b.measured,
                "medianRankPersonalized": b.median_personal, "medianRankBaseline": b.median_baseline,
                "strength": b.strength})),
            "shareBelowPopularity": {"default": share_below(d, &pop), "benefitCheck": bm.map(|m| share_below(m, &pop))},
        }));
        if default_catalog.is_none() {
            default_catalog = Some(catalog);
        }
    }
    report["grid"] = Value::Array(grid);
    if let Some(c) = &default_catalog {
        report["fairness"] = crate::fairness::report(
            &Config::default(),
            c,
            &test_stage.train,
            &test_stage.truth,
            &popularity_lists(&test_stage),
            &data,
        );
    }

    // The catalog an app ships: embeddings trained on every interaction.
    let mut counts = vec![0.0; n];
    for v in &data.users {
        for &(i, _) in v {
            counts[i] += 1.0;
        }
    }
    let (_, items) = embed::als(&data.users, n, ANCHOR_DIM, best.1, best.2, 12);
    let packed = catalog::packed(&data, &items, &Shape::Count.baseline(&counts));
    if let Some(dir) = std::path::Path::new(&args.packed_out).parent() {
        fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    catalog::write(&args.packed_out, &packed)?;
    let back = Catalog::from_packed(catalog::read(&args.packed_out)?)
        .map_err(|e| format!("{}: does not load: {e}", args.packed_out))?;
    println!(
        "\nwrote {} ({} items, {} dimensions, {:.1} MB): load it with setCatalogPacked (README, \"Quality\")",
        args.packed_out,
        back.len(),
        ANCHOR_DIM,
        fs::metadata(&args.packed_out).map_or(0.0, |m| m.len() as f64 / 1e6)
    );
    write_report(&args.out, &report, started)
}

fn write_report(out: &str, report: &Value, started: Instant) -> Result<(), String> {
    if let Some(dir) = std::path::Path::new(out).parent() {
        fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    fs::write(
        out,
        serde_json::to_string_pretty(report).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    println!("wrote {out} in {:.0}s", started.elapsed().as_secs_f64());
    Ok(())
}

/// The blend's defaults, searched on validation across the whole grid at once: one
/// configuration for every embedding and baseline shape, judged by its worst cell.
fn tune(
    data: &Data,
    fit: Histories,
    validation: Vec<Vec<usize>>,
    anchor: Embedding,
    quick: bool,
) -> Value {
    let n = data.items.len();
    let s = stage(data, fit, validation, anchor, quick);
    let pop = metrics(&popularity_lists(&s), &s.truth, n);
    let als = metrics(&als_lists(&s), &s.truth, n);
    let mut configs = Vec::new();
    for h in [4.0, 8.0] {
        for b in [0.75, 1.0, 1.5] {
            for f in [0.5, 1.0] {
                configs.push(Config {
                    half_life_interactions: Some(h),
                    baseline_weight: Some(b),
                    feature_weight: Some(f),
                    embedding_weight: Some(1.0),
                });
            }
        }
    }
    configs.push(Config::default());
    let results = cells(&s, data, &configs, false);
    println!(
        "\nValidation: popularity {:.4}, centralized ALS {:.4}; per configuration: worst and mean NDCG@10 / popularity over {} cells",
        pop.ndcg10,
        als.ndcg10,
        results.len()
    );
    let mut table = Vec::new();
    let mut chosen: Option<(f64, usize)> = None;
    for (k, c) in configs.iter().enumerate() {
        let ratios: Vec<f64> = results.iter().map(|r| r.3[k].ndcg10 / pop.ndcg10).collect();
        let worst = ratios.iter().copied().fold(f64::INFINITY, f64::min);
        let mean = ratios.iter().sum::<f64>() / ratios.len() as f64;
        let below_als = results
            .iter()
            .filter(|r| r.3[k].ndcg10 < als.ndcg10)
            .count();
        println!("  {c:?}: worst {worst:.3}, mean {mean:.3}, cells below ALS {below_als}");
        // The rule for the defaults: no cell below popularity (opting in must never cost),
        // then the best mean over the grid.
        if worst >= 1.0 && chosen.is_none_or(|(m, _)| mean > m) {
            chosen = Some((mean, k));
        }
        table.push(json!({"config": c, "worst": worst, "mean": mean, "cellsBelowAls": below_als,
            "cells": results.iter().map(|r| json!({"embedding": r.0, "baseline": r.1.name(), "ndcg10": r.3[k].ndcg10})).collect::<Vec<_>>()}));
    }
    let chosen = chosen.map(|(_, k)| configs[k]);
    println!("  chosen (no cell below popularity, then the best mean): {chosen:?}");
    json!({"popularity": pop.ndcg10, "als": als.ndcg10, "configs": table, "chosen": chosen,
        "rule": "no cell below popularity, then the highest mean NDCG@10 / popularity over the grid"})
}

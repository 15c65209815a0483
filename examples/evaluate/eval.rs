//! Offline evaluation of on-device ranking on MovieLens (ml-latest-small).
//!
//! Plays the site and each user: trains item embeddings (implicit ALS) on the training
//! interactions only, ships them in the catalog, then replays each user's training events
//! through the same engine code the npm package runs (`Personalizer` -> `record` -> `rank`)
//! and ranks the whole catalog. Per user, interactions are split by time: the last 20% are
//! the test set; every tuning choice uses a validation split carved the same way from the
//! rest. Prints a table and writes bench/out/movielens.json.
//!
//!     cargo run --release --example evaluate -- ../shared/data/ml-latest-small
//!
//! The data set is read where it lies and never copied (see its README for its licence).

use std::collections::{HashMap, HashSet};
use std::fs;
use std::time::Instant;

use nalgebra::{DMatrix, DVector};
use optin::event::Event;
use optin::ids::SequentialIds;
use optin::manifest::Manifest;
use optin::personalizer::{OpenConfig, Personalizer};
use optin::rank::{Catalog, ExposureConstraint, PackedCatalog, RankOptions};
use optin::store::MemoryStore;
use serde_json::json;

const FACTORS: usize = 64;
const K_NDCG: usize = 10;
const K_RECALL: usize = 20;

struct Data {
    items: Vec<u32>,
    genres: Vec<Vec<String>>,
    /// Per user: (item index, unix seconds), in time order.
    users: Vec<Vec<(usize, i64)>>,
}

fn load(dir: &str) -> Result<Data, String> {
    let read =
        |f: &str| fs::read_to_string(format!("{dir}/{f}")).map_err(|e| format!("{dir}/{f}: {e}"));
    let ratings = read("ratings.csv")?;
    let movies = read("movies.csv")?;
    let mut genres_of: HashMap<u32, Vec<String>> = HashMap::new();
    for line in movies.lines().skip(1) {
        let (id, rest) = line.split_once(',').ok_or("bad movies.csv")?;
        let genres = rest.rsplit_once(',').map_or("", |(_, g)| g);
        let list = genres
            .split('|')
            .filter(|g| *g != "(no genres listed)")
            .map(|g| format!("genre:{}", g.replace(' ', "-")))
            .collect();
        genres_of.insert(id.parse().map_err(|_| "bad movie id")?, list);
    }
    let mut index: HashMap<u32, usize> = HashMap::new();
    let mut items = Vec::new();
    let mut by_user: HashMap<u32, Vec<(usize, i64)>> = HashMap::new();
    for line in ratings.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f.len() < 4 {
            continue;
        }
        let (user, movie, ts): (u32, u32, i64) = (
            f[0].parse().map_err(|_| "bad user")?,
            f[1].parse().map_err(|_| "bad movie")?,
            f[3].parse().map_err(|_| "bad time")?,
        );
        let i = *index.entry(movie).or_insert_with(|| {
            items.push(movie);
            items.len() - 1
        });
        by_user.entry(user).or_default().push((i, ts));
    }
    let mut users: Vec<(u32, Vec<(usize, i64)>)> = by_user.into_iter().collect();
    users.sort_by_key(|(u, _)| *u);
    let users = users
        .into_iter()
        .map(|(_, mut v)| {
            v.sort_by_key(|&(i, t)| (t, i));
            v
        })
        .collect();
    let genres = items
        .iter()
        .map(|m| genres_of.get(m).cloned().unwrap_or_default())
        .collect();
    Ok(Data {
        items,
        genres,
        users,
    })
}

/// Splits each user's interactions by time: the last `fraction` is held out.
/// Per user: (item index, unix seconds), in time order.
type Histories = Vec<Vec<(usize, i64)>>;

fn split(users: &[Vec<(usize, i64)>], fraction: f64) -> (Histories, Vec<Vec<usize>>) {
    users
        .iter()
        .map(|v| {
            let held = ((v.len() as f64 * fraction).round() as usize)
                .clamp(1, v.len().saturating_sub(1).max(1));
            let cut = v.len() - held;
            (
                v[..cut].to_vec(),
                v[cut..].iter().map(|&(i, _)| i).collect(),
            )
        })
        .unzip()
}

/// Implicit ALS (Hu, Koren, Volinsky 2008): confidence 1 + alpha for observed pairs.
fn als(
    train: &[Vec<(usize, i64)>],
    n_items: usize,
    lambda: f64,
    alpha: f64,
    iters: usize,
) -> (DMatrix<f64>, DMatrix<f64>) {
    let k = FACTORS;
    let mut seed = 42u64;
    let mut rnd = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as f64 / (1u64 << 31) as f64 - 0.5) * 0.1
    };
    let mut users = DMatrix::from_fn(train.len(), k, |_, _| rnd());
    let mut items = DMatrix::from_fn(n_items, k, |_, _| rnd());
    let mut by_item: Vec<Vec<usize>> = vec![Vec::new(); n_items];
    for (u, v) in train.iter().enumerate() {
        for &(i, _) in v {
            by_item[i].push(u);
        }
    }
    let by_user: Vec<Vec<usize>> = train
        .iter()
        .map(|v| v.iter().map(|&(i, _)| i).collect())
        .collect();
    let solve = |fixed: &DMatrix<f64>, rows: &[Vec<usize>], out: &mut DMatrix<f64>| {
        let gram = fixed.transpose() * fixed;
        for (r, observed) in rows.iter().enumerate() {
            let mut a = gram.clone();
            let mut b = DVector::zeros(k);
            for &j in observed {
                let y = fixed.row(j).transpose();
                a += alpha * &y * y.transpose();
                b += (1.0 + alpha) * &y;
            }
            for d in 0..k {
                a[(d, d)] += lambda;
            }
            if let Some(ch) = a.cholesky() {
                out.set_row(r, &ch.solve(&b).transpose());
            }
        }
    };
    for _ in 0..iters {
        solve(&items, &by_user, &mut users);
        solve(&users, &by_item, &mut items);
    }
    (users, items)
}

#[derive(Default, Clone, serde::Serialize)]
struct Metrics {
    ndcg10: f64,
    ndcg10_se: f64,
    recall20: f64,
    hit10: f64,
    coverage10: f64,
    gini10: f64,
    users: usize,
}

fn metrics(lists: &[Vec<usize>], truth: &[Vec<usize>], n_items: usize) -> Metrics {
    let mut ndcgs = Vec::with_capacity(lists.len());
    let (mut recall, mut hits) = (0.0, 0.0);
    let mut exposure = vec![0u64; n_items];
    for (list, t) in lists.iter().zip(truth) {
        let relevant: HashSet<usize> = t.iter().copied().collect();
        let dcg: f64 = list
            .iter()
            .take(K_NDCG)
            .enumerate()
            .filter(|(_, i)| relevant.contains(i))
            .map(|(r, _)| 1.0 / (r as f64 + 2.0).log2())
            .sum();
        let ideal: f64 = (0..relevant.len().min(K_NDCG))
            .map(|r| 1.0 / (r as f64 + 2.0).log2())
            .sum();
        ndcgs.push(if ideal > 0.0 { dcg / ideal } else { 0.0 });
        let found = list
            .iter()
            .take(K_RECALL)
            .filter(|i| relevant.contains(i))
            .count();
        recall += found as f64 / relevant.len().max(1) as f64;
        hits += f64::from(list.iter().take(K_NDCG).any(|i| relevant.contains(i)));
        for &i in list.iter().take(K_NDCG) {
            exposure[i] += 1;
        }
    }
    let n = ndcgs.len() as f64;
    let mean = ndcgs.iter().sum::<f64>() / n;
    let var = ndcgs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    exposure.sort_unstable();
    let total: u64 = exposure.iter().sum();
    let gini = if total == 0 {
        0.0
    } else {
        let m = exposure.len() as f64;
        exposure
            .iter()
            .enumerate()
            .map(|(i, &x)| (2.0 * (i as f64 + 1.0) - m - 1.0) * x as f64)
            .sum::<f64>()
            / (m * total as f64)
    };
    Metrics {
        ndcg10: mean,
        ndcg10_se: (var / n).sqrt(),
        recall20: recall / n,
        hit10: hits / n,
        coverage10: exposure.iter().filter(|&&x| x > 0).count() as f64 / n_items as f64,
        gini10: gini,
        users: ndcgs.len(),
    }
}

/// Exposure by group (a film's first genre) in the top 10: position-discounted share over all
/// users, divided by the group's share of the catalog.
#[derive(Debug, Clone, serde::Serialize)]
struct GroupExposure {
    min_ratio: f64,
    min_group: String,
    groups_under_half: usize,
    groups: usize,
    /// (genre, catalog share, exposure / catalog share), genres of at least 1%.
    per_group: Vec<(String, f64, f64)>,
}

fn group_exposure(lists: &[Vec<usize>], catalog: &Catalog) -> GroupExposure {
    let names = catalog.group_names();
    let groups = catalog.group_indices();
    let mut share = vec![0.0; names.len()];
    for &g in groups {
        share[g as usize] += 1.0 / groups.len() as f64;
    }
    let mut exposure = vec![0.0; names.len()];
    for list in lists {
        for (r, &i) in list.iter().take(K_NDCG).enumerate() {
            exposure[groups[i] as usize] += 1.0 / (r as f64 + 2.0).log2();
        }
    }
    let total: f64 = exposure.iter().sum::<f64>().max(1e-12);
    // Groups of at least 1% of the catalog, so a handful of films doesn't decide.
    let ratios: Vec<(f64, &String)> = names
        .iter()
        .enumerate()
        .filter(|(g, _)| share[*g] >= 0.01)
        .map(|(g, n)| (exposure[g] / total / share[g], n))
        .collect();
    let (min_ratio, min_group) =
        ratios.iter().copied().fold(
            (f64::INFINITY, &names[0]),
            |a, b| if b.0 < a.0 { b } else { a },
        );
    GroupExposure {
        min_ratio,
        min_group: min_group.clone(),
        groups_under_half: ratios.iter().filter(|(r, _)| *r < 0.5).count(),
        groups: ratios.len(),
        per_group: names
            .iter()
            .enumerate()
            .filter(|(g, _)| share[*g] >= 0.01)
            .map(|(g, n)| (n.clone(), share[g], exposure[g] / total / share[g]))
            .collect(),
    }
}

fn top_excluding(scores: &[f64], seen: &HashSet<usize>, k: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).filter(|i| !seen.contains(i)).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    order.truncate(k);
    order
}

/// The engine's configuration knobs, as manifest fields.
#[derive(Clone, Copy, Debug, serde::Serialize)]
struct Config {
    half_life_interactions: Option<f64>,
    baseline_weight: f64,
    feature_weight: f64,
    embedding_weight: f64,
}

fn manifest(c: &Config) -> Manifest {
    // Retention and the time half-life cover the data's twenty years of history; every
    // ranking knob comes from the config.
    let module = json!({
        "id": "taste", "title": "Taste", "purpose": "Learns what you watch, on this device.", "benefit": "Films for you.",
        "uses": ["watching"], "retentionDays": 3650, "halfLifeDays": 3650,
        "signals": ["features", "embedding"], "featureWeight": c.feature_weight, "embeddingWeight": c.embedding_weight,
        "halfLifeInteractions": c.half_life_interactions.unwrap_or(0.0),
    });
    let m = json!({
        "policyVersion": "eval", "controller": {"name": "eval", "contact": "eval@example.com"},
        "dataCategories": {"watching": {"label": "What you watched"}},
        "modules": [module], "baselineWeight": c.baseline_weight,
    });
    Manifest::from_json(&m).unwrap_or_else(|e| panic!("evaluation manifest: {e}"))
}

/// Ranks for every user through the shipped engine.
fn engine_lists(
    config: &Config,
    catalog: &Catalog,
    train: &[Vec<(usize, i64)>],
    data: &Data,
) -> Vec<Vec<usize>> {
    engine_lists_with(config, catalog, train, data, &ExposureConstraint::default())
}

fn engine_lists_with(
    config: &Config,
    catalog: &Catalog,
    train: &[Vec<(usize, i64)>],
    data: &Data,
    exposure: &ExposureConstraint,
) -> Vec<Vec<usize>> {
    let m = manifest(config);
    let options = RankOptions {
        limit: K_RECALL,
        explain: false,
        diversity: 0.0,
        exclude_seen: true,
        exposure: exposure.clone(),
    };
    train
        .iter()
        .map(|history| {
            let now = history.last().map_or(0, |&(_, t)| t * 1000);
            let mut store = MemoryStore::new();
            let mut config = OpenConfig::new("en", false, now);
            config.max_events_per_category = 100_000;
            let Ok(mut p) =
                Personalizer::open_store(m.clone(), &mut store, config, Box::new(SequentialIds(1)))
            else {
                return Vec::new();
            };
            p.set_catalog(catalog.clone());
            if let Ok(plan) = p.plan_grant("taste", now) {
                let _ = p.commit(&mut store, plan);
            }
            let events = history
                .iter()
                .map(|&(i, t)| Event {
                    category: "watching".into(),
                    kind: "view".into(),
                    item: data.items[i].to_string(),
                    at: Some(t * 1000),
                    weight: 1.0,
                    features: Vec::new(),
                })
                .collect();
            if let Ok(plan) = p.plan_record(events, now) {
                let _ = p.commit(&mut store, plan);
            }
            p.rank(None, &options, now)
                .map(|r| {
                    r.iter()
                        .filter_map(|x| catalog.position(&x.id).map(|i| i as usize))
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect()
}

fn build_catalog(data: &Data, item_factors: &DMatrix<f64>, popularity: &[f64]) -> Catalog {
    let mut names: Vec<String> = Vec::new();
    let mut name_index: HashMap<String, u32> = HashMap::new();
    let mut p = PackedCatalog {
        feature_offsets: vec![0],
        dim: FACTORS,
        ..Default::default()
    };
    for (i, id) in data.items.iter().enumerate() {
        p.ids.push(&id.to_string());
        for g in &data.genres[i] {
            let f = *name_index.entry(g.clone()).or_insert_with(|| {
                names.push(g.clone());
                names.len() as u32 - 1
            });
            p.feature_ids.push(f);
            p.feature_values.push(1.0);
        }
        p.feature_offsets.push(p.feature_ids.len() as u32);
        p.embeddings
            .extend(item_factors.row(i).iter().map(|&x| x as f32));
        p.baseline.push(popularity[i] as f32);
        // The group of a film, for the exposure check: its first genre.
        let genre = data.genres[i]
            .first()
            .cloned()
            .unwrap_or_else(|| "genre:none".into());
        let next = p.group_names.len() as u32;
        let g = p.group_names.iter().position(|x| *x == genre).map_or_else(
            || {
                p.group_names.push(genre.clone());
                next
            },
            |x| x as u32,
        );
        p.groups.push(g);
    }
    p.feature_names = names;
    Catalog::from_packed(p).unwrap_or_else(|e| panic!("catalog: {e}"))
}

struct Stage {
    train: Vec<Vec<(usize, i64)>>,
    truth: Vec<Vec<usize>>,
    popularity: Vec<f64>,
    users: DMatrix<f64>,
    items: DMatrix<f64>,
    catalog: Catalog,
}

fn stage(
    data: &Data,
    train: Vec<Vec<(usize, i64)>>,
    truth: Vec<Vec<usize>>,
    lambda: f64,
    alpha: f64,
) -> Stage {
    let n = data.items.len();
    let mut popularity = vec![0.0; n];
    for v in &train {
        for &(i, _) in v {
            popularity[i] += 1.0;
        }
    }
    let (users, items) = als(&train, n, lambda, alpha, 12);
    let catalog = build_catalog(data, &items, &popularity);
    Stage {
        train,
        truth,
        popularity,
        users,
        items,
        catalog,
    }
}

fn popularity_lists(s: &Stage) -> Vec<Vec<usize>> {
    s.train
        .iter()
        .map(|h| {
            top_excluding(
                &s.popularity,
                &h.iter().map(|&(i, _)| i).collect(),
                K_RECALL,
            )
        })
        .collect()
}

fn als_lists(s: &Stage) -> Vec<Vec<usize>> {
    s.train
        .iter()
        .enumerate()
        .map(|(u, h)| {
            let scores: Vec<f64> = (s.items.clone() * s.users.row(u).transpose())
                .iter()
                .copied()
                .collect();
            top_excluding(&scores, &h.iter().map(|&(i, _)| i).collect(), K_RECALL)
        })
        .collect()
}

pub fn run() -> Result<(), String> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/data/ml-latest-small".into());
    let started = Instant::now();
    let data = load(&dir)?;
    let n = data.items.len();
    println!(
        "MovieLens {dir}: {} users, {n} items, {} interactions",
        data.users.len(),
        data.users.iter().map(Vec::len).sum::<usize>()
    );
    let (train_all, test) = split(&data.users, 0.2);
    let (fit, validation) = split(&train_all, 0.2);

    // Tuning on validation only: the ALS anchor's regularisation and confidence, then the
    // engine's knobs, then the genre-content row's.
    let mut best_als = (f64::MIN, 0.0, 0.0);
    let mut val_stage = None;
    for &(lambda, alpha) in &[(5.0, 2.0), (10.0, 5.0), (10.0, 20.0), (50.0, 20.0)] {
        let s = stage(&data, fit.clone(), validation.clone(), lambda, alpha);
        let m = metrics(&als_lists(&s), &s.truth, n).ndcg10;
        println!("  tune ALS lambda={lambda} alpha={alpha}: validation NDCG@10 {m:.4}");
        if m > best_als.0 {
            best_als = (m, lambda, alpha);
            val_stage = Some(s);
        }
    }
    let val = val_stage.ok_or("no validation stage")?;
    let mut best_engine = (
        f64::MIN,
        Config {
            half_life_interactions: None,
            baseline_weight: 0.0,
            feature_weight: 0.0,
            embedding_weight: 1.0,
        },
    );
    for &h in &[None, Some(2.0), Some(4.0), Some(8.0)] {
        for &b in &[0.0, 0.1, 0.3] {
            for &f in &[0.0, 0.1, 0.3] {
                let c = Config {
                    half_life_interactions: h,
                    baseline_weight: b,
                    feature_weight: f,
                    embedding_weight: 1.0,
                };
                let m = metrics(
                    &engine_lists(&c, &val.catalog, &val.train, &data),
                    &val.truth,
                    n,
                )
                .ndcg10;
                if m > best_engine.0 {
                    best_engine = (m, c);
                }
            }
        }
    }
    println!(
        "  tuned engine on validation: {:?} (NDCG@10 {:.4})",
        best_engine.1, best_engine.0
    );
    let mut best_content = (f64::MIN, 0.0);
    for &b in &[0.0, 0.1, 0.3, 1.0, 3.0] {
        let c = Config {
            half_life_interactions: Some(5.0),
            baseline_weight: b,
            feature_weight: 1.0,
            embedding_weight: 0.0,
        };
        let m = metrics(
            &engine_lists(&c, &val.catalog, &val.train, &data),
            &val.truth,
            n,
        )
        .ndcg10;
        if m > best_content.0 {
            best_content = (m, b);
        }
    }

    // Test: retrain the embeddings on all training data, then each row once.
    let test_stage = stage(&data, train_all, test, best_als.1, best_als.2);
    // The shipped defaults (chosen on validation with this tool; see manifest::DEFAULT_*).
    let default_config = Config {
        half_life_interactions: Some(optin::manifest::DEFAULT_HALF_LIFE_INTERACTIONS),
        baseline_weight: optin::manifest::DEFAULT_BASELINE_WEIGHT,
        feature_weight: optin::manifest::DEFAULT_FEATURE_WEIGHT,
        embedding_weight: 1.0,
    };
    let content = Config {
        half_life_interactions: Some(5.0),
        baseline_weight: best_content.1,
        feature_weight: 1.0,
        embedding_weight: 0.0,
    };
    let rows = vec![
        (
            "popularity",
            metrics(&popularity_lists(&test_stage), &test_stage.truth, n),
        ),
        (
            "genre content (on-device, features only)",
            metrics(
                &engine_lists(&content, &test_stage.catalog, &test_stage.train, &data),
                &test_stage.truth,
                n,
            ),
        ),
        (
            "centralized ALS (per-user factors on a server)",
            metrics(&als_lists(&test_stage), &test_stage.truth, n),
        ),
        (
            "optin engine, default configuration",
            metrics(
                &engine_lists(
                    &default_config,
                    &test_stage.catalog,
                    &test_stage.train,
                    &data,
                ),
                &test_stage.truth,
                n,
            ),
        ),
        (
            "optin engine, tuned on validation",
            metrics(
                &engine_lists(
                    &best_engine.1,
                    &test_stage.catalog,
                    &test_stage.train,
                    &data,
                ),
                &test_stage.truth,
                n,
            ),
        ),
    ];
    println!("\n| method | NDCG@10 (± s.e.) | Recall@20 | HitRate@10 | coverage@10 | Gini@10 |\n| --- | ---: | ---: | ---: | ---: | ---: |");
    for (name, m) in &rows {
        println!(
            "| {name} | {:.4} ± {:.4} | {:.4} | {:.4} | {:.4} | {:.4} |",
            m.ndcg10, m.ndcg10_se, m.recall20, m.hit10, m.coverage10, m.gini10
        );
    }
    // Fairness: exposure by genre, and what a rule costs in NDCG that gives every genre of at
    // least 3% of the catalog at least 1 of every 10 slots. (A rule of "half the catalog
    // share" would round to zero items per list for every genre: per-list prefix rules only
    // bite where share × length reaches 1.)
    let c = &test_stage.catalog;
    let n_items = c.len() as f64;
    let mut share = vec![0.0; c.group_names().len()];
    for &g in c.group_indices() {
        share[g as usize] += 1.0 / n_items;
    }
    let rule = ExposureConstraint {
        min: share
            .iter()
            .enumerate()
            .filter(|(_, s)| **s >= 0.03)
            .map(|(g, _)| (g as u32, 0.1))
            .collect(),
        max: vec![],
    };
    let popularity = popularity_lists(&test_stage);
    let personal = engine_lists(&default_config, c, &test_stage.train, &data);
    let mitigated = engine_lists_with(&default_config, c, &test_stage.train, &data, &rule);
    let fairness = vec![
        (
            "popularity",
            metrics(&popularity, &test_stage.truth, n).ndcg10,
            group_exposure(&popularity, c),
        ),
        (
            "optin engine, default",
            metrics(&personal, &test_stage.truth, n).ndcg10,
            group_exposure(&personal, c),
        ),
        (
            "optin engine, default + exposure rule",
            metrics(&mitigated, &test_stage.truth, n).ndcg10,
            group_exposure(&mitigated, c),
        ),
    ];
    println!(
        "\nExposure by genre (a film's first genre; genres of at least 1% of the catalog), top 10; rule: {} genres of >= 3% get >= 1 in 10:",
        rule.min.len()
    );
    println!("| ranking | NDCG@10 | lowest exposure / catalog share | genres under half their share |\n| --- | ---: | ---: | ---: |");
    for (name, ndcg, e) in &fairness {
        println!(
            "| {name} | {ndcg:.4} | {:.2} ({}) | {} of {} |",
            e.min_ratio, e.min_group, e.groups_under_half, e.groups
        );
    }
    println!("\n| genre | catalog share | popularity | optin default | optin + rule |\n| --- | ---: | ---: | ---: | ---: |");
    for (k, (genre, share, _)) in fairness[0].2.per_group.iter().enumerate() {
        let ratio = |r: usize| fairness[r].2.per_group.get(k).map_or(0.0, |x| x.2);
        println!(
            "| {} | {:.3} | {:.2} | {:.2} | {:.2} |",
            genre.trim_start_matches("genre:"),
            share,
            ratio(0),
            ratio(1),
            ratio(2)
        );
    }
    let pop = rows[0].1.ndcg10;
    let als_row = rows[2].1.ndcg10;
    let engine = rows[3].1.ndcg10;
    println!(
        "\nengine default / popularity = {:.2}x (target >= 1.5x); engine default vs centralized ALS: {:+.4}; {:.1}s",
        engine / pop,
        engine - als_row,
        started.elapsed().as_secs_f64()
    );
    let report = json!({
        "dataset": dir, "users": data.users.len(), "items": n,
        "split": "per user by time: last 20% test; validation = last 20% of the rest",
        "als": {"factors": FACTORS, "lambda": best_als.1, "alpha": best_als.2, "iterations": 12},
        "defaultConfig": default_config, "tunedConfig": best_engine.1,
        "rows": rows.iter().map(|(name, m)| json!({"method": name, "metrics": m})).collect::<Vec<_>>(),
        "engineOverPopularity": engine / pop,
        "fairness": fairness.iter().map(|(name, ndcg, e)| json!({"ranking": name, "ndcg10": ndcg, "exposure": e})).collect::<Vec<_>>(),
    });
    fs::create_dir_all("bench/out").map_err(|e| e.to_string())?;
    fs::write(
        "bench/out/movielens.json",
        serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    println!("wrote bench/out/movielens.json");
    Ok(())
}

//! The derived profile kept in memory and brought up to date as the log changes, instead of
//! being derived again from every event (see [`super::derive`], which stays the definition).
//!
//! Time decay and interaction-count decay both scale every existing term of a module by one
//! factor: when the clock moves by `dt`, by `0.5^(dt / halfLife)`; when an event newer than
//! all others arrives, by `0.5^(1 / halfLifeInteractions)`. So the per-module sums (decayed
//! feature weights, embedding sums and masses, per-item weights) are kept as of a reference
//! time, and an appended event costs one scaling of the sums plus its own terms, however
//! many events are stored. Removals are exact subtractions: the event's term at its rank,
//! and for the events on one side of it, whose rank moves by one, the difference their
//! count decay makes (the older ones; or, when the newer ones are fewer, every term scaled
//! and the newer ones put back). An event inserted in the middle is handled the same way.
//!
//! Invariants:
//! - The cache holds for one set of inputs: the consent states, the blocked features, the
//!   catalog (its stamp) and the window's categories. Anything else (another state, a block,
//!   a catalog, a category erased, an event in the future of the clock, more than
//!   [`MAX_FIXUPS`] events to adjust on both sides of a removal or insertion, a journal longer than [`MAX_JOURNAL`]) rebuilds
//!   it from the log with the same arithmetic, in the same order, as `derive`.
//! - Incremental results equal `derive` up to floating-point rounding (property test
//!   `src/personalizer/tests_incremental_props.rs`): counts, the sets of features, items and
//!   disliked items are exact; weights and embeddings agree to rounding (the test allows
//!   1e-9 of the module's largest weight), so rankings agree but for near-ties.
//! - Nothing outlives its event: a removed event's terms are subtracted, a feature or item
//!   whose last event goes is dropped (by count, not by weight), and an embedding whose last
//!   contributing event goes is reset to exact zeros.

use std::collections::{HashMap, HashSet};

use super::derive::RecentItem;
use super::derive::{
    decay, event_features, strongest, FeatureWeight, ItemSource, ModuleProfile, Profile,
};
use super::log::{EventLog, StoredEvent};
use super::window::Window;
use crate::consent::ConsentState;
use crate::manifest::{Manifest, ModuleDecl, Signal};
use crate::sorted::{SortedMap, SortedSet};
use crate::time::{Millis, DAY_MS};

/// Most changes kept between two reads; more (a `recordMany`) rebuild at the next read.
pub const MAX_JOURNAL: usize = 1024;
/// Most older events whose rank an insertion or removal may shift before it rebuilds instead.
pub const MAX_FIXUPS: usize = 256;
/// Most recent items kept for explanations (as `derive`).
const RECENT_ITEMS: usize = 20;

/// One change to the event log, noted when it is applied.
pub enum Change {
    /// An event was stored.
    Added(StoredEvent),
    /// An event was deleted (it carries its data: the log no longer does).
    Removed(StoredEvent),
}

/// What one derivation gives: the profile and the catalog positions `excludeSeen` leaves out.
#[derive(Default)]
pub struct Derived {
    /// The profile, as [`super::derive`] gives it.
    pub profile: Profile,
    /// The catalog positions of the items of every event in force of the categories the
    /// profile's modules learn from (the positions of [`super::seen_items`]).
    pub seen: HashSet<u32>,
    /// Per category of the window with events in force, the time of its oldest.
    pub oldest: Vec<(String, Millis)>,
}

type Key = (Millis, u64);

fn key(e: &StoredEvent) -> Key {
    (e.at, e.id)
}

/// The events in force of one category: their keys, oldest first, and the catalog positions
/// of their items, counted.
struct CatState {
    category: String,
    since: Millis,
    keys: Vec<Key>,
    /// Events per catalog position (dense: a map per type would cost the module more).
    seen: Vec<u32>,
}

#[derive(Default)]
struct Sum {
    sum: Option<Vec<f64>>,
    mass: f64,
    n: i64,
}

impl Sum {
    /// As `derive`'s mean: the first vector fixes the length; `w` of `mult` times the term.
    fn apply(&mut self, v: &[f32], w: f64, count: i64) {
        let sum = self.sum.get_or_insert_with(|| vec![0.0; v.len()]);
        if sum.len() != v.len() {
            return;
        }
        self.n += count;
        if self.n <= 0 {
            sum.iter_mut().for_each(|x| *x = 0.0);
            self.mass = 0.0;
            self.n = 0;
            return;
        }
        if w != 0.0 && (w > 0.0 || count <= 0) {
            for (a, x) in sum.iter_mut().zip(v) {
                *a += w * f64::from(*x);
            }
            self.mass += w;
        }
    }

    fn scale(&mut self, f: f64) {
        if let Some(s) = &mut self.sum {
            s.iter_mut().for_each(|x| *x *= f);
        }
        self.mass *= f;
    }

    fn finish(&self) -> Option<Vec<f32>> {
        let mass = self.mass;
        self.sum
            .as_ref()
            .filter(|_| mass > 0.0)
            .map(|s| s.iter().map(|x| (x / mass) as f32).collect())
    }
}

struct Feat {
    weight: f64,
    events: i64,
    by_category: Vec<f64>,
}

/// An item behind the user embedding; `events == 0`: none.
#[derive(Default)]
struct Item {
    item: String,
    weight: f64,
    events: i64,
    category: String,
    newest: Key,
}

/// One granted module's sums, as of the cache's reference time.
struct ModState {
    /// Index in `manifest.modules`.
    module: usize,
    /// Indices into the cache's categories of the categories it uses (in force).
    cats: Vec<usize>,
    features: HashMap<String, Feat>,
    liked: Sum,
    disliked_mean: Sum,
    /// By catalog position (dense, as `seen`).
    items: Vec<Item>,
    disliked: SortedMap<String, u64>,
    events: i64,
}

/// The cache itself (see the module documentation).
#[derive(Default)]
pub struct ProfileCache {
    state: Option<State>,
    journal: Vec<Change>,
    /// Whether changes are journalled (a state exists and the journal didn't overflow).
    tracking: bool,
    /// How many times it was built from the whole log.
    rebuilds: u64,
}

struct State {
    states: SortedMap<String, ConsentState>,
    blocked: SortedSet<String>,
    stamp: u64,
    /// The reference time of the sums.
    at: Millis,
    cats: Vec<CatState>,
    mods: Vec<ModState>,
}

/// Adds `by` to the count at `i`, growing the vector as needed.
fn count(counts: &mut Vec<u32>, i: u32, by: i32) {
    let i = i as usize;
    if i >= counts.len() {
        counts.resize(i + 1, 0);
    }
    counts[i] = counts[i].saturating_add_signed(by);
}

/// Why an incremental step gave up (then the cache rebuilds).
struct Rebuild;

impl ProfileCache {
    /// Notes a change applied to the log.
    pub fn note(&mut self, change: Change) {
        if !self.tracking {
            return;
        }
        if self.journal.len() >= MAX_JOURNAL {
            self.invalidate();
            return;
        }
        self.journal.push(change);
    }

    /// Forgets everything: the next read rebuilds.
    pub fn invalidate(&mut self) {
        self.state = None;
        self.journal.clear();
        self.tracking = false;
    }

    /// How many times the profile was derived from every event (for tests and benchmarks).
    pub fn rebuilds(&self) -> u64 {
        self.rebuilds
    }

    /// Whether changes are being noted (callers may skip computing them otherwise).
    pub fn is_tracking(&self) -> bool {
        self.tracking
    }

    /// The profile of `log` in `window`, as [`super::derive`] with the same arguments gives it
    /// (to rounding), brought up to date from the noted changes, or rebuilt.
    #[allow(clippy::too_many_arguments)]
    pub fn derive(
        &mut self,
        manifest: &Manifest,
        states: &SortedMap<String, ConsentState>,
        log: &EventLog,
        window: &Window<'_>,
        blocked: &SortedSet<String>,
        items: &dyn ItemSource,
        stamp: u64,
        now: Millis,
    ) -> Derived {
        let journal = std::mem::take(&mut self.journal);
        let reusable = self
            .state
            .as_ref()
            .is_some_and(|s| s.stamp == stamp && s.states == *states && s.blocked == *blocked);
        let mut state = match self.state.take().filter(|_| reusable) {
            Some(mut s) => match s.update(manifest, log, window, blocked, items, &journal, now) {
                Ok(()) => Some(s),
                Err(Rebuild) => None,
            },
            None => None,
        };
        if state.is_none() {
            self.rebuilds += 1;
            state = Some(State::build(
                manifest, states, log, window, blocked, items, stamp, now,
            ));
        }
        let Some(state) = state else {
            return Derived::default();
        };
        let derived = state.finish(manifest);
        // Kept only while every event in force lies in the clock's past: an event ahead of it
        // counts as age 0, which no scaling reproduces.
        if state.max_at() <= now {
            self.state = Some(state);
            self.tracking = true;
        } else {
            self.tracking = false;
        }
        derived
    }
}

/// The events of `category` with the given keys, from the journal's removed events first
/// (the log no longer holds them), then from the log (its oldest pages first: the events
/// looked up are the oldest of their category, as a rule). `None` if one isn't found.
fn find(
    log: &EventLog,
    journal: &[Change],
    category: &str,
    keys: &[Key],
) -> Option<Vec<StoredEvent>> {
    let mut out: Vec<Option<StoredEvent>> = vec![None; keys.len()];
    let mut missing = keys.len();
    let removed = journal.iter().filter_map(|c| match c {
        Change::Removed(e) => Some(e),
        Change::Added(_) => None,
    });
    for e in removed.chain(log.in_category(category)) {
        if missing == 0 {
            break;
        }
        if e.category != category {
            continue;
        }
        if let Ok(i) = keys.binary_search(&key(e)) {
            if out[i].is_none() {
                out[i] = Some(e.clone());
                missing -= 1;
            }
        }
    }
    out.into_iter().collect()
}

impl State {
    #[allow(clippy::too_many_arguments)]
    fn build(
        manifest: &Manifest,
        states: &SortedMap<String, ConsentState>,
        log: &EventLog,
        window: &Window<'_>,
        blocked: &SortedSet<String>,
        items: &dyn ItemSource,
        stamp: u64,
        now: Millis,
    ) -> State {
        let mut cats = Vec::new();
        for (category, since) in window.categories() {
            let events = window.events(log, Some(category));
            let mut keys: Vec<Key> = events.iter().map(|e| key(e)).collect();
            crate::sort::sort(&mut keys);
            let mut seen: Vec<u32> = Vec::new();
            for e in &events {
                if let Some(i) = items.position(&e.item) {
                    count(&mut seen, i, 1);
                }
            }
            cats.push(CatState {
                category: category.to_owned(),
                since,
                keys,
                seen,
            });
        }
        let mut mods = Vec::new();
        for (index, m) in manifest.modules.iter().enumerate() {
            if m.signals.is_empty() || !states.get(&m.id).is_some_and(|s| s.is_on()) {
                continue;
            }
            let cats = m
                .uses
                .iter()
                .filter_map(|c| cats.iter().position(|s| s.category == *c))
                .collect();
            let ms = ModState::build(index, cats, m, log, window, blocked, items, now);
            mods.push(ms);
        }
        State {
            states: states.clone(),
            blocked: blocked.clone(),
            stamp,
            at: now,
            cats,
            mods,
        }
    }

    fn max_at(&self) -> Millis {
        self.cats
            .iter()
            .filter_map(|c| c.keys.last().map(|k| k.0))
            .max()
            .unwrap_or(Millis::MIN)
    }

    /// The term of event `e` at `rank` (0 = newest) as of the reference time: `derive`'s decay
    /// without its clamp at age 0 (never needed: every event in force lies before the clock).
    fn term(&self, m: &ModuleDecl, e: &StoredEvent, rank: usize) -> f64 {
        decay(m, self.at - e.at, rank) * e.weight
    }

    #[allow(clippy::too_many_arguments)]
    fn update(
        &mut self,
        manifest: &Manifest,
        log: &EventLog,
        window: &Window<'_>,
        blocked: &SortedSet<String>,
        items: &dyn ItemSource,
        journal: &[Change],
        now: Millis,
    ) -> Result<(), Rebuild> {
        // The same categories in force, none of them reaching further back than before.
        let categories: Vec<(&str, Millis)> = window.categories().collect();
        if categories.len() != self.cats.len()
            || categories
                .iter()
                .zip(&self.cats)
                .any(|((c, since), s)| *c != s.category || *since < s.since)
        {
            return Err(Rebuild);
        }
        // The clock first: every term is then as of `now`, new ones too.
        if self.max_at() > now {
            return Err(Rebuild);
        }
        if now != self.at {
            for ms in &mut self.mods {
                let Some(m) = manifest.modules.get(ms.module) else {
                    return Err(Rebuild);
                };
                let f = 0.5f64.powf(((now - self.at) as f64 / DAY_MS as f64) / m.half_life_days);
                ms.scale(f);
            }
            self.at = now;
        }
        for change in journal {
            match change {
                Change::Added(e) => {
                    let Some(c) = self.cats.iter().position(|s| s.category == e.category) else {
                        continue;
                    };
                    if e.at < self.cats[c].since {
                        continue;
                    }
                    if e.at > self.at {
                        return Err(Rebuild);
                    }
                    self.insert(manifest, log, journal, c, e, blocked, items)?;
                }
                Change::Removed(e) => {
                    let Some(c) = self.cats.iter().position(|s| s.category == e.category) else {
                        continue;
                    };
                    if self.cats[c].keys.binary_search(&key(e)).is_err() {
                        continue;
                    }
                    self.remove(manifest, log, journal, c, e, blocked, items)?;
                }
            }
        }
        // Events that left the window as the clock moved: oldest first, across categories.
        let mut expired: Vec<(StoredEvent, usize)> = Vec::new();
        for (c, (_, since)) in categories.iter().enumerate() {
            let s = &mut self.cats[c];
            s.since = *since;
            let gone = s.keys.partition_point(|k| k.0 < *since);
            if gone > 0 {
                let keys = s.keys[..gone].to_vec();
                let events = find(log, journal, &s.category, &keys).ok_or(Rebuild)?;
                expired.extend(events.into_iter().map(|e| (e, c)));
            }
        }
        crate::sort::sort_by(&mut expired, |a, b| key(&a.0).cmp(&key(&b.0)));
        for (e, c) in &expired {
            self.remove(manifest, log, journal, *c, e, blocked, items)?;
        }
        if self.max_at() > now {
            return Err(Rebuild);
        }
        Ok(())
    }

    /// How many of the module's events are newer than `k`.
    fn count_newer(&self, ms: &ModState, k: Key) -> usize {
        ms.cats
            .iter()
            .map(|&c| {
                let keys = &self.cats[c].keys;
                keys.len() - keys.partition_point(|x| *x <= k)
            })
            .sum()
    }

    /// How many of the module's events are older than `k`.
    fn count_older(&self, ms: &ModState, k: Key) -> usize {
        ms.cats
            .iter()
            .map(|&c| self.cats[c].keys.partition_point(|x| *x < k))
            .sum()
    }

    /// The module's events older than `k` (ascending), each with its category index.
    fn older(&self, ms: &ModState, k: Key) -> Vec<(Key, usize)> {
        let mut out = Vec::new();
        for &c in &ms.cats {
            let keys = &self.cats[c].keys;
            out.extend(
                keys[..keys.partition_point(|x| *x < k)]
                    .iter()
                    .map(|x| (*x, c)),
            );
        }
        crate::sort::sort(&mut out);
        out
    }

    /// The module's events newer than `k` (ascending), each with its category index.
    fn newer(&self, ms: &ModState, k: Key) -> Vec<(Key, usize)> {
        let mut out = Vec::new();
        for &c in &ms.cats {
            let keys = &self.cats[c].keys;
            out.extend(
                keys[keys.partition_point(|x| *x <= k)..]
                    .iter()
                    .map(|x| (*x, c)),
            );
        }
        crate::sort::sort(&mut out);
        out
    }

    /// Multiplies the terms of the listed events (ascending; the first is at `rank_of_first`,
    /// ranks counting down from there) by `1 + mult`.
    #[allow(clippy::too_many_arguments)]
    fn adjust(
        &self,
        m: &ModuleDecl,
        ms: &mut ModState,
        log: &EventLog,
        journal: &[Change],
        list: &[(Key, usize)],
        rank_of_first: usize,
        mult: f64,
        blocked: &SortedSet<String>,
        items: &dyn ItemSource,
    ) -> Result<(), Rebuild> {
        for &c in &ms.cats.clone() {
            let keys: Vec<Key> = list.iter().filter(|x| x.1 == c).map(|x| x.0).collect();
            if keys.is_empty() {
                continue;
            }
            let events = find(log, journal, &self.cats[c].category, &keys).ok_or(Rebuild)?;
            for e in events {
                let p = list.partition_point(|x| x.0 < key(&e));
                let rank = rank_of_first.checked_sub(p).ok_or(Rebuild)?;
                let d = self.term(m, &e, rank);
                ms.apply(m, &e, d, mult, 0, blocked, items)?;
            }
        }
        Ok(())
    }

    /// Adds event `e` of category `c` (in force, not in the future) to every module using it.
    #[allow(clippy::too_many_arguments)]
    fn insert(
        &mut self,
        manifest: &Manifest,
        log: &EventLog,
        journal: &[Change],
        c: usize,
        e: &StoredEvent,
        blocked: &SortedSet<String>,
        items: &dyn ItemSource,
    ) -> Result<(), Rebuild> {
        let k = key(e);
        if self.cats[c].keys.binary_search(&k).is_ok() {
            return Ok(());
        }
        let mut mods = std::mem::take(&mut self.mods);
        let result = (|| {
            for ms in mods.iter_mut().filter(|ms| ms.cats.contains(&c)) {
                let m = manifest.modules.get(ms.module).ok_or(Rebuild)?;
                let newer = self.count_newer(ms, k);
                // Every older event moves one rank back: its term times `f`.
                if let Some(f) = m.half_life_interactions.map(|h| 0.5f64.powf(1.0 / h)) {
                    let older = self.count_older(ms, k);
                    if newer <= older.min(MAX_FIXUPS) || newer <= MAX_FIXUPS && older > MAX_FIXUPS {
                        // All scaled, then the newer ones (whose rank stays) put back: their
                        // terms were scaled by f, and (1 - f) of the unscaled term restores them.
                        ms.scale(f);
                        let list = self.newer(ms, k);
                        let first = newer.saturating_sub(1);
                        self.adjust(m, ms, log, journal, &list, first, 1.0 - f, blocked, items)?;
                    } else if older <= MAX_FIXUPS {
                        let list = self.older(ms, k);
                        let first = newer + older.saturating_sub(1);
                        self.adjust(m, ms, log, journal, &list, first, f - 1.0, blocked, items)?;
                    } else {
                        return Err(Rebuild);
                    }
                }
                let d = self.term(m, e, newer);
                ms.apply(m, e, d, 1.0, 1, blocked, items)?;
            }
            Ok(())
        })();
        self.mods = mods;
        result?;
        let s = &mut self.cats[c];
        let at = s.keys.partition_point(|x| *x < k);
        s.keys.insert(at, k);
        if let Some(i) = items.position(&e.item) {
            count(&mut s.seen, i, 1);
        }
        Ok(())
    }

    /// Removes event `e` of category `c` (one of the cache's) from every module using it.
    #[allow(clippy::too_many_arguments)]
    fn remove(
        &mut self,
        manifest: &Manifest,
        log: &EventLog,
        journal: &[Change],
        c: usize,
        e: &StoredEvent,
        blocked: &SortedSet<String>,
        items: &dyn ItemSource,
    ) -> Result<(), Rebuild> {
        let k = key(e);
        let mut mods = std::mem::take(&mut self.mods);
        let result = (|| {
            for ms in mods.iter_mut().filter(|ms| ms.cats.contains(&c)) {
                let m = manifest.modules.get(ms.module).ok_or(Rebuild)?;
                let newer = self.count_newer(ms, k);
                let d = self.term(m, e, newer);
                ms.apply(m, e, d, -1.0, -1, blocked, items)?;
                // Every older event moves one rank forward: its term times `f`.
                if let Some(f) = m.half_life_interactions.map(|h| 0.5f64.powf(-1.0 / h)) {
                    let older = self.count_older(ms, k);
                    if older <= newer.min(MAX_FIXUPS) || older <= MAX_FIXUPS && newer > MAX_FIXUPS {
                        // Ranks as they were (the removed event still counted).
                        let list = self.older(ms, k);
                        let first = newer + older;
                        self.adjust(m, ms, log, journal, &list, first, f - 1.0, blocked, items)?;
                    } else if newer <= MAX_FIXUPS {
                        ms.scale(f);
                        let list = self.newer(ms, k);
                        let first = newer.saturating_sub(1);
                        self.adjust(m, ms, log, journal, &list, first, 1.0 - f, blocked, items)?;
                    } else {
                        return Err(Rebuild);
                    }
                }
            }
            Ok(())
        })();
        self.mods = mods;
        result?;
        let s = &mut self.cats[c];
        if let Ok(at) = s.keys.binary_search(&k) {
            s.keys.remove(at);
        }
        if let Some(i) = items.position(&e.item) {
            count(&mut s.seen, i, -1);
        }
        Ok(())
    }

    /// The profile, the seen items and the oldest event per category.
    fn finish(&self, manifest: &Manifest) -> Derived {
        let mut modules = Vec::with_capacity(self.mods.len());
        let mut seen_cats: Vec<usize> = Vec::new();
        for ms in &self.mods {
            let Some(m) = manifest.modules.get(ms.module) else {
                continue;
            };
            for &c in &ms.cats {
                if !seen_cats.contains(&c) {
                    seen_cats.push(c);
                }
            }
            modules.push(ms.finish(m));
        }
        let mut seen = HashSet::new();
        for c in seen_cats {
            let counts = &self.cats[c].seen;
            seen.extend((0..counts.len() as u32).filter(|&i| counts[i as usize] > 0));
        }
        let oldest = self
            .cats
            .iter()
            .filter_map(|c| c.keys.first().map(|k| (c.category.clone(), k.0)))
            .collect();
        Derived {
            profile: Profile { modules },
            seen,
            oldest,
        }
    }
}

/// `derive` for one module: the sums of its events in `window`, finished.
pub(super) fn derive_module(
    module: &ModuleDecl,
    log: &EventLog,
    window: &Window<'_>,
    blocked: &SortedSet<String>,
    items: &dyn ItemSource,
    now: Millis,
) -> ModuleProfile {
    ModState::build(0, Vec::new(), module, log, window, blocked, items, now).finish(module)
}

impl ModState {
    /// The module's sums from its events in `window`, with `derive`'s arithmetic in its
    /// order: newest first, each at its rank.
    #[allow(clippy::too_many_arguments)]
    fn build(
        module: usize,
        cats: Vec<usize>,
        m: &ModuleDecl,
        log: &EventLog,
        window: &Window<'_>,
        blocked: &SortedSet<String>,
        items: &dyn ItemSource,
        now: Millis,
    ) -> ModState {
        let mut ms = ModState {
            module,
            cats,
            features: HashMap::new(),
            liked: Sum::default(),
            disliked_mean: Sum::default(),
            items: Vec::new(),
            disliked: SortedMap::new(),
            events: 0,
        };
        let mut events: Vec<&StoredEvent> = Vec::new();
        for category in &m.uses {
            events.extend(window.events(log, Some(category)));
        }
        // Newest first: the interaction-count half-life counts back from the latest event.
        // The log keeps each category's events in the order they were recorded, so reversed
        // they are (nearly) in order already, which the sort goes through in about one
        // comparison each.
        events.reverse();
        crate::sort::sort_by(&mut events, |a, b| b.at.cmp(&a.at).then(b.id.cmp(&a.id)));
        for (rank, e) in events.iter().enumerate() {
            let d = decay(m, now - e.at, rank) * e.weight;
            // Adding (count 1) never fails.
            let _ = ms.apply(m, e, d, 1.0, 1, blocked, items);
        }
        ms
    }

    /// Adds `mult` times the terms of event `e` (`d`: its decay times its weight), counting
    /// it `count` times (1 added, -1 removed, 0 a change of its rank): `derive`'s steps.
    #[allow(clippy::too_many_arguments)]
    fn apply(
        &mut self,
        m: &ModuleDecl,
        e: &StoredEvent,
        d: f64,
        mult: f64,
        count: i64,
        blocked: &SortedSet<String>,
        items: &dyn ItemSource,
    ) -> Result<(), Rebuild> {
        let dm = mult * d;
        let sign = mult.signum();
        let category = m.uses.iter().position(|c| *c == e.category).unwrap_or(0);
        let categories = m.uses.len();
        let mut broken = false;
        self.events += count;
        if e.weight < 0.0 && count > 0 {
            *self.disliked.get_or_insert_with(e.item.clone(), || 0) += 1;
        } else if e.weight < 0.0 && count < 0 {
            match self.disliked.get_mut(&e.item) {
                Some(n) if *n > 1 => *n -= 1,
                Some(_) => {
                    self.disliked.remove(&e.item);
                }
                None => broken = true,
            }
        }
        if m.signals.contains(&Signal::Features) {
            let features = &mut self.features;
            event_features(e, items, &mut |f, v| {
                if blocked.contains(f) {
                    return;
                }
                if !features.contains_key(f) {
                    if count <= 0 {
                        broken = true;
                        return;
                    }
                    features.insert(
                        f.to_owned(),
                        Feat {
                            weight: 0.0,
                            events: 0,
                            by_category: vec![0.0; categories],
                        },
                    );
                }
                if let Some(w) = features.get_mut(f) {
                    w.weight += dm * v;
                    w.events += count;
                    if let Some(c) = w.by_category.get_mut(category) {
                        *c += (dm * v).abs() * sign;
                    }
                    if w.events <= 0 {
                        broken |= w.events < 0;
                        features.remove(f);
                    }
                }
            });
        }
        let about_blocked = !blocked.is_empty() && {
            let mut hit = false;
            event_features(e, items, &mut |f, _| hit |= blocked.contains(f));
            hit
        };
        if m.signals.contains(&Signal::Embedding) && !about_blocked {
            if let Some((i, v)) = items.embedding(&e.item) {
                if e.weight > 0.0 {
                    self.liked.apply(v, dm, count);
                    let k = key(e);
                    let i = i as usize;
                    if i >= self.items.len() {
                        if count <= 0 {
                            return Err(Rebuild);
                        }
                        self.items.resize_with(i + 1, Item::default);
                    }
                    let it = &mut self.items[i];
                    if it.events == 0 {
                        if count <= 0 {
                            return Err(Rebuild);
                        }
                        *it = Item {
                            item: e.item.clone(),
                            weight: dm,
                            events: count,
                            category: e.category.clone(),
                            newest: k,
                        };
                    } else {
                        it.weight += dm;
                        it.events += count;
                        if it.events <= 0 {
                            broken |= it.events < 0;
                            *it = Item::default();
                        } else if count > 0 && k > it.newest {
                            it.newest = k;
                            it.category = e.category.clone();
                        } else if count < 0 && k == it.newest {
                            // Its category is that of its newest event, now another one.
                            broken = true;
                        }
                    }
                } else {
                    self.disliked_mean
                        .apply(v, -dm, if e.weight < 0.0 { count } else { 0 });
                }
            }
        }
        if broken {
            Err(Rebuild)
        } else {
            Ok(())
        }
    }

    fn scale(&mut self, f: f64) {
        for w in self.features.values_mut() {
            w.weight *= f;
            w.by_category.iter_mut().for_each(|c| *c *= f);
        }
        self.liked.scale(f);
        self.disliked_mean.scale(f);
        for it in self.items.iter_mut().filter(|it| it.events > 0) {
            it.weight *= f;
        }
    }

    fn finish(&self, m: &ModuleDecl) -> ModuleProfile {
        // What cancelled out (a like and a dislike) or is rounding left by a subtraction is
        // dropped: weights within 1e-12 of nothing, relative to the strongest (see
        // `strongest`: an absolute floor dropped every interest of a user away 1.5 years).
        let floor = strongest(self.features.values().map(|w| w.weight)) * 1e-12;
        let mut features: Vec<FeatureWeight> = self
            .features
            .iter()
            .filter(|(_, w)| w.weight.abs() > floor && w.weight.is_finite())
            .map(|(feature, w)| FeatureWeight {
                feature: feature.clone(),
                weight: w.weight,
                events: w.events.max(0) as usize,
                category: w
                    .by_category
                    .iter()
                    .enumerate()
                    .max_by(|a, b| a.1.total_cmp(b.1))
                    .and_then(|(c, _)| m.uses.get(c).cloned())
                    .unwrap_or_default(),
            })
            .collect();
        crate::sort::sort_by(&mut features, |a, b| {
            b.weight
                .total_cmp(&a.weight)
                .then_with(|| a.feature.cmp(&b.feature))
        });
        // The heaviest RECENT_ITEMS in one pass (the order is total: ids are distinct).
        let before = |a: &Item, b: &Item| {
            b.weight
                .total_cmp(&a.weight)
                .then_with(|| a.item.cmp(&b.item))
                .is_lt()
        };
        let mut top: Vec<&Item> = Vec::with_capacity(RECENT_ITEMS + 1);
        for it in self.items.iter().filter(|it| it.events > 0) {
            if top.len() == RECENT_ITEMS && !top.last().is_some_and(|l| before(it, l)) {
                continue;
            }
            let at = top.partition_point(|x| before(x, it));
            top.insert(at, it);
            top.truncate(RECENT_ITEMS);
        }
        let recent_items = top
            .into_iter()
            .map(|it| RecentItem {
                item: it.item.clone(),
                weight: it.weight,
                category: it.category.clone(),
            })
            .collect();
        let mut disliked: Vec<&String> = self.disliked.keys().collect();
        crate::sort::sort(&mut disliked);
        ModuleProfile {
            module: m.id.clone(),
            features,
            embedding: self.liked.finish(),
            disliked_embedding: self.disliked_mean.finish(),
            recent_items,
            disliked_items: disliked.into_iter().cloned().collect(),
            events: self.events.max(0) as usize,
        }
    }
}

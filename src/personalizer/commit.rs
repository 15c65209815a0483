//! From plan to storage: every batch the core plans is sealed here, in one place, before it
//! is committed (each value bound to its commit, see `store::fresh`), and settled here once
//! the store answered. Not generic: plans are split from their output first.

use super::plan::{json, Effect, Pending};
use super::Personalizer;
use crate::error::StoreError;
use crate::store::fresh::{new_tag, tag_batch, Tags};
use crate::store::{Store, WriteBatch, HEAD_KEY};

/// A plan ready to commit: first `erasure` (when not empty), then `batch`.
#[derive(Debug)]
#[must_use = "a sealed plan changes nothing until it is committed and settled"]
pub struct Sealed {
    /// Deletions to commit first, on their own: they free space and are never refused for
    /// quota. Empty for every plan but a revoke.
    pub erasure: WriteBatch,
    /// What to commit, atomically: the plan's writes, tagged, and the new head (after any
    /// earlier writes that could not be stored yet).
    pub batch: WriteBatch,
    tags: Tags,
    effects: Vec<Effect>,
}

const OWED: &str = "a withdrawal of consent is in force but could not be stored yet; it is stored with the next change";

impl Personalizer {
    /// Seals a plan for commit: a fresh commit tag on every value it writes, the head
    /// listing them, and first whatever an earlier revoke could not store.
    pub fn seal(&self, plan: Pending<()>) -> Sealed {
        let mut tags = self.tags.clone();
        let mut batch = self.owed.as_ref().map(|o| o.0.clone()).unwrap_or_default();
        let mut own = plan.batch;
        if tag_batch(&mut own, &mut tags, new_tag()) {
            own.put(HEAD_KEY, json(&tags));
        }
        batch.ops.append(&mut own.ops);
        Sealed {
            erasure: plan.erasure,
            batch,
            tags,
            effects: plan.effects,
        }
    }

    /// Applies a sealed plan once the store answered: `erased` says whether its erasure (if
    /// any) was committed, `stored` how committing its batch went. A plan without an
    /// erasure applies only if stored: a failed commit changes nothing. A plan with one (a
    /// revoke) always applies, at once: its erasure is the write that is never refused,
    /// and what could not be stored is written with the next commit; until then `health()`
    /// says so. It fails only if even its erasure could not be stored.
    pub fn settle(
        &mut self,
        sealed: Sealed,
        erased: bool,
        stored: Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let Sealed {
            erasure,
            batch,
            tags,
            effects,
        } = sealed;
        if stored.is_err() && erasure.is_empty() {
            return stored;
        }
        self.tags = tags;
        self.apply_effects(effects);
        self.owed = stored.is_err().then(|| {
            let mut owed = if erased {
                WriteBatch::default()
            } else {
                erasure
            };
            owed.ops.extend(batch.ops);
            (owed, OWED)
        });
        if erased {
            Ok(())
        } else {
            stored
        }
    }

    /// Seals, commits to `store` and settles a plan (for synchronous stores).
    pub fn commit<T>(&mut self, store: &mut dyn Store, plan: Pending<T>) -> Result<T, StoreError> {
        let (plan, output) = plan.split();
        let sealed = self.seal(plan);
        let erased = match sealed.erasure.is_empty() {
            true => Ok(()),
            false => store.commit(&sealed.erasure),
        };
        let was_erased = erased.is_ok();
        let stored = match erased {
            Err(e) => Err(e),
            Ok(()) if sealed.batch.is_empty() => Ok(()),
            Ok(()) => store.commit(&sealed.batch),
        };
        self.settle(sealed, was_erased, stored).map(|()| output)
    }
}

//! From plan to storage: every batch the core plans is sealed here, in one place, before it
//! is committed (each value bound to its commit, see `store::fresh`), and settled here once
//! the store answered.

use super::plan::{Effect, Pending};
use super::Personalizer;
use crate::error::StoreError;
use crate::store::fresh::{new_tag, tag_batch, Tags};
use crate::store::{Store, WriteBatch, WriteOp};

/// A plan ready to commit: first `erasure` (when not empty), then `batch`.
#[derive(Debug)]
#[must_use = "a sealed plan changes nothing until it is committed and settled"]
pub struct Sealed<T> {
    /// Deletions to commit first, on their own: they free space and are never refused for
    /// quota. Empty for every plan but a revoke.
    pub erasure: WriteBatch,
    /// What to commit, atomically: the plan's writes, tagged, and the new head (after any
    /// earlier writes that could not be stored yet).
    pub batch: WriteBatch,
    tags: Tags,
    effects: Vec<Effect>,
    output: T,
}

impl<T> Sealed<T> {
    /// What the change will report once settled.
    pub fn output(&self) -> &T {
        &self.output
    }

    /// The sealed plan without its output, and the output.
    pub fn split(self) -> (Sealed<()>, T) {
        (
            Sealed {
                erasure: self.erasure,
                batch: self.batch,
                tags: self.tags,
                effects: self.effects,
                output: (),
            },
            self.output,
        )
    }
}

impl Personalizer {
    /// Seals a plan for commit: a fresh commit tag on every value it writes, the head
    /// listing them, and first whatever an earlier revoke could not store.
    pub fn seal<T>(&self, plan: Pending<T>) -> Sealed<T> {
        let mut tags = self.tags.clone();
        let tagged = tag_batch(plan.batch, &mut tags, new_tag());
        let batch = match &self.owed {
            Some((owed, _)) => {
                let mut all = owed.clone();
                all.ops.extend(tagged.ops);
                all
            }
            None => tagged,
        };
        Sealed {
            erasure: plan.erasure,
            batch,
            tags,
            effects: plan.effects,
            output: plan.output,
        }
    }

    /// Applies a sealed plan once the store answered: `erased` says whether its erasure (if
    /// any) was committed, `stored` how committing its batch went. A plan without an
    /// erasure applies only if stored: a failed commit changes nothing. A plan with one (a
    /// revoke) always applies, at once: its erasure is the write that is never refused,
    /// and what could not be stored is written with the next commit; until then `health()`
    /// says so. It fails only if even its erasure could not be stored.
    pub fn settle<T>(
        &mut self,
        sealed: Sealed<T>,
        erased: bool,
        stored: Result<(), StoreError>,
    ) -> Result<T, StoreError> {
        let Err(error) = stored else {
            self.owed = None;
            return Ok(self.apply_sealed(sealed));
        };
        if sealed.erasure.is_empty() {
            return Err(error);
        }
        let mut owed = WriteBatch::default();
        if !erased {
            owed.ops.extend(sealed.erasure.ops.iter().cloned());
        }
        owed.ops.extend(sealed.batch.ops.iter().cloned());
        let problem = format!(
            "a withdrawal of consent is in force but could not be stored ({error}): {}; it is written with the next change",
            if erased {
                "the data it erases is deleted, and so is the grant it withdraws, so that storage reads as not granted"
            } else {
                "the data it erases is no longer used but still stored"
            }
        );
        let output = self.apply_sealed(sealed);
        self.owed = Some((owed, problem));
        if erased {
            Ok(output)
        } else {
            Err(error)
        }
    }

    fn apply_sealed<T>(&mut self, sealed: Sealed<T>) -> T {
        // A key written again holds a fresh value: no longer one to delete as unreadable.
        let written = |k: &String| {
            sealed
                .batch
                .ops
                .iter()
                .any(|op| matches!(op, WriteOp::Put(p, _) if p == k))
        };
        self.unreadable.retain(|k| !written(k));
        self.tags = sealed.tags;
        self.apply_effects(sealed.effects);
        sealed.output
    }

    /// Seals, commits to `store` and settles a plan (for synchronous stores).
    pub fn commit<T>(&mut self, store: &mut dyn Store, plan: Pending<T>) -> Result<T, StoreError> {
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
        self.settle(sealed, was_erased, stored)
    }
}

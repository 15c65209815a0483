//! What is in force as of now. Reads see the world as of the clock, not as of the last write:
//! an event past its retention, or of a category whose last granted module lapsed, is gone
//! for every read at once, and the next commit of any kind deletes it (`housekeep_into`).

use crate::sorted::SortedMap;

use super::plan::Builder;
use super::Personalizer;
use crate::consent::ConsentState;
use crate::profile::{derive, seen_items, Derived, EventLog, PageEditor, Window};
use crate::time::{Millis, DAY_MS};

impl Personalizer {
    /// The events in force under `states`: per category, those no older than the longest
    /// retention of the modules in `states` that use it (promise 3).
    pub(super) fn window(
        &self,
        states: &SortedMap<String, ConsentState>,
        now: Millis,
    ) -> Window<'_> {
        let mut window = Window::default();
        for c in &self.manifest.data_categories {
            if let Some(days) = self.retention_days(&c.id, states) {
                window.admit(&c.id, now.saturating_sub(i64::from(days) * DAY_MS));
            }
        }
        window
    }

    /// The events held as of `now`: those the next commit keeps (a module whose consent
    /// could not be read keeps its data, unused, within its retention).
    pub(super) fn held(&self, now: Millis) -> Window<'_> {
        let states = self
            .ledger
            .states_for_erasure(&self.manifest, &self.notices, now);
        self.window(&states, now)
    }

    /// Until when a ranking profile derived at `now` from `window` under `states` (`oldest`:
    /// the time of each category's oldest event in force) stays in force: the first moment one of its events passes its retention or one of its grants
    /// lapses. Reused past that, it would personalize from data no longer there.
    pub(super) fn in_force_until(
        &self,
        states: &SortedMap<String, ConsentState>,
        window: &Window<'_>,
        oldest: &[(String, Millis)],
        now: Millis,
    ) -> Millis {
        let mut until = Millis::MAX;
        for m in &self.manifest.modules {
            let granted = states.get(&m.id) == Some(&ConsentState::Granted);
            if let Some(last) = self
                .ledger
                .last_for(&m.id)
                .filter(|_| granted && !m.essential)
            {
                if let Some(end) = self.manifest.consent_expires_at(last.decided_at()) {
                    until = until.min(end);
                }
            }
        }
        for (category, since) in window.categories() {
            // In force while `at >= now - days`: the oldest leaves `now - since` after `at`.
            let span = now - since;
            let found = oldest.iter().find(|(c, _)| c == category).map(|o| o.1);
            if let Some(oldest) = found {
                until = until.min(oldest.saturating_add(span).saturating_add(1));
            }
        }
        until
    }

    /// The profile of the events in `window` under `states` at `now` with the catalog, as
    /// `derive` gives it, from the profile cache (brought up to date from the changes since
    /// it was last read, or rebuilt), with the seen items and each category's oldest event.
    pub(super) fn derived(
        &self,
        states: &SortedMap<String, ConsentState>,
        window: &Window<'_>,
        now: Millis,
    ) -> Derived {
        if let Ok(mut cache) = self.profile_cache.try_borrow_mut() {
            return cache.derive(
                &self.manifest,
                states,
                &self.log,
                window,
                &self.blocks,
                &self.catalog,
                self.catalog_stamp,
                now,
            );
        }
        // Reentered (not a path the core takes): derived from the log as it stands.
        self.derived_from(&self.log, states, window, now)
    }

    /// The same as [`Self::derived`] from another log than the stored one, rebuilt from
    /// every event (no cache): the benefit check's view of a bulk import's earlier events.
    pub(super) fn derived_from(
        &self,
        log: &EventLog,
        states: &SortedMap<String, ConsentState>,
        window: &Window<'_>,
        now: Millis,
    ) -> Derived {
        let profile = derive(
            &self.manifest,
            states,
            log,
            window,
            &self.blocks,
            &self.catalog,
            now,
        );
        let seen = seen_items(&self.manifest, &profile, log, window)
            .into_iter()
            .filter_map(|i| self.catalog.position(i))
            .collect();
        let oldest = window
            .categories()
            .filter_map(|(c, _)| {
                let events = window.events(log, Some(c));
                events
                    .iter()
                    .map(|e| e.at)
                    .min()
                    .map(|at| (c.to_owned(), at))
            })
            .collect();
        Derived {
            profile,
            seen,
            oldest,
        }
    }

    /// Adds the housekeeping of the event log (retention, erasure of categories no granted
    /// module uses, caps) to a plan: every commit deletes what is no longer in force.
    pub(super) fn housekeep_into(&self, b: &mut Builder, now: Millis) {
        let states = self
            .ledger
            .states_for_erasure(&self.manifest, &self.notices, now);
        let mut editor = PageEditor::new(&self.log);
        self.housekeep(&mut editor, &states, now);
        self.put_pages(b, editor);
        self.put_benefit(b, self.benefit_in_force(&states, now));
    }
}

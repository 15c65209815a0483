//! The private profile: the stored events (the source of truth) and what is derived from them.
//!
//! Invariants (tested in `src/personalizer/tests_profile.rs` and `tests/profile_properties.rs`):
//! - an event is stored only while a granted module uses its category (promise 1);
//! - no event is older than the longest `retentionDays` of the granted modules using its
//!   category, after `open` and after every write (promise 3); between writes, reads see
//!   only the events in force ([`Window`]);
//! - the profile is a deterministic function of the stored events, the blocked features, the
//!   consent state, the catalog and the clock: nothing derived outlives its events.

mod derive;
mod incremental;
mod log;
mod page_json;
mod window;

pub use derive::{
    decay, derive, event_features, seen_items, strongest, FeatureWeight, ItemSource, ModuleProfile,
    NoItems, Profile, RecentItem,
};
pub use incremental::{Change, Derived, ProfileCache};
pub use log::{page_key, EventLog, PageEditor, StoredEvent, PAGE_SIZE};
pub use page_json::read_page;
pub use window::Window;

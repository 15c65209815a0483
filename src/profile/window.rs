//! Which stored events are in force: those a module in force may still keep.

use super::log::{EventLog, StoredEvent};
use crate::time::Millis;

/// Per data category, the oldest event time in force; a category it doesn't list has no event
/// in force. Reads go through it, so an event is gone for them the moment it passes its
/// retention, not at the next write that deletes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Window<'a> {
    since: Vec<(&'a str, Millis)>,
}

impl<'a> Window<'a> {
    /// Puts the events of `category` from `since` on in force.
    pub fn admit(&mut self, category: &'a str, since: Millis) {
        self.since.push((category, since));
    }

    /// The oldest event time in force in `category`, if any event of it is.
    pub fn since(&self, category: &str) -> Option<Millis> {
        self.since
            .iter()
            .find(|(c, _)| *c == category)
            .map(|&(_, t)| t)
    }

    /// The categories with events in force, with their oldest time.
    pub fn categories(&self) -> impl Iterator<Item = (&'a str, Millis)> + '_ {
        self.since.iter().copied()
    }

    /// The events in force of `category` (of every category: `None`), in log order. One
    /// function rather than an iterator per caller: each iterator over the log would be
    /// compiled again for every use.
    pub fn events<'l>(&self, log: &'l EventLog, category: Option<&'l str>) -> Vec<&'l StoredEvent> {
        let mut out = Vec::new();
        match category {
            Some(c) => {
                if let Some(since) = self.since(c) {
                    out.extend(log.in_category(c).filter(|e| e.at >= since));
                }
            }
            None => out.extend(
                log.iter()
                    .filter(|e| self.since(&e.category).is_some_and(|t| e.at >= t)),
            ),
        }
        out
    }
}

//! The event log, stored in pages of up to [`PAGE_SIZE`] events per category.
//!
//! Pages keep storage writes few: recording one event rewrites one page, recording 10,000
//! writes about 40. Edits go through a [`PageEditor`], which copies only the pages it touches
//! and turns them into effects to apply after the commit.

use crate::sorted::{SortedMap, SortedSet};

use serde::Serialize;

use crate::store::category_prefix;
use crate::time::Millis;

/// Most events in one stored page.
pub const PAGE_SIZE: usize = 256;

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredEvent {
    /// Its id, unique within this profile.
    pub id: u64,
    /// Data category.
    pub category: String,
    /// Kind (`view`, `like`, ...).
    pub kind: String,
    /// The item.
    pub item: String,
    /// When it happened.
    pub at: Millis,
    /// Its weight.
    pub weight: f64,
    /// Features it carried.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<(String, f64)>,
}

/// The storage key of page `page` of `category`.
pub fn page_key(category: &str, page: u32) -> String {
    format!("{}{page:08}", category_prefix(category))
}

/// Every stored event, by category and page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventLog {
    pages: Pages,
}

impl EventLog {
    /// Sets a page (loading and applying).
    pub fn put_page(&mut self, category: &str, page: u32, events: Vec<StoredEvent>) {
        if events.is_empty() {
            self.pages.remove(&(category.to_owned(), page));
        } else {
            self.pages.insert((category.to_owned(), page), events);
        }
    }

    /// The events of one page (none if it isn't stored).
    pub fn page(&self, category: &str, page: u32) -> &[StoredEvent] {
        self.pages
            .get(&(category.to_owned(), page))
            .map_or(&[], Vec::as_slice)
    }

    /// Removes a page.
    pub fn delete_page(&mut self, category: &str, page: u32) {
        self.pages.remove(&(category.to_owned(), page));
    }

    /// Removes every page of a category.
    pub fn erase_category(&mut self, category: &str) {
        self.pages.retain(|(c, _), _| c != category);
    }

    /// Removes everything.
    pub fn clear(&mut self) {
        self.pages.clear();
    }

    /// Every event, in storage order.
    pub fn iter(&self) -> impl Iterator<Item = &StoredEvent> {
        self.pages.values().flatten()
    }

    /// The events of one category.
    pub fn in_category<'a>(
        &'a self,
        category: &'a str,
    ) -> impl Iterator<Item = &'a StoredEvent> + 'a {
        self.pages
            .iter()
            .filter(move |((c, _), _)| c == category)
            .flat_map(|(_, e)| e)
    }

    /// How many events there are.
    pub fn len(&self) -> usize {
        self.pages.values().map(Vec::len).sum()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }

    /// The highest event id, if any.
    pub fn max_id(&self) -> Option<u64> {
        self.iter().map(|e| e.id).max()
    }

    /// The pages of a category.
    fn page_numbers(&self, category: &str) -> Vec<u32> {
        self.pages
            .keys()
            .filter(|(c, _)| c == category)
            .map(|(_, p)| *p)
            .collect()
    }
}

/// Pages by (category, page number).
pub type Pages = SortedMap<(String, u32), Vec<StoredEvent>>;

/// Copy-on-write edits of an [`EventLog`]: only touched pages are copied.
pub struct PageEditor<'a> {
    log: &'a EventLog,
    touched: Pages,
    erased: SortedSet<String>,
}

impl<'a> PageEditor<'a> {
    /// Starts editing `log`.
    pub fn new(log: &'a EventLog) -> Self {
        Self {
            log,
            touched: SortedMap::new(),
            erased: SortedSet::new(),
        }
    }

    fn pages(&self, category: &str) -> Vec<u32> {
        let mut pages = if self.erased.contains(category) {
            Vec::new()
        } else {
            self.log.page_numbers(category)
        };
        pages.extend(
            self.touched
                .keys()
                .filter(|(c, _)| c == category)
                .map(|(_, p)| *p),
        );
        crate::sort::sort(&mut pages);
        pages.dedup();
        pages
    }

    fn current(&self, category: &str, page: u32) -> &[StoredEvent] {
        let key = (category.to_owned(), page);
        if let Some(p) = self.touched.get(&key) {
            return p;
        }
        if self.erased.contains(category) {
            return &[];
        }
        self.log.pages.get(&key).map_or(&[], Vec::as_slice)
    }

    fn touch(&mut self, category: &str, page: u32) -> &mut Vec<StoredEvent> {
        let key = (category.to_owned(), page);
        // The page is copied the first time it is touched only: appending 10,000 events
        // used to copy the page being filled once per event.
        let initial = if self.touched.contains_key(&key) {
            Vec::new()
        } else {
            self.current(category, page).to_vec()
        };
        self.touched.get_or_insert_with(key, || initial)
    }

    /// The events of a category as they will be.
    pub fn events(&self, category: &str) -> Vec<&StoredEvent> {
        self.pages(category)
            .into_iter()
            .flat_map(|p| self.current(category, p))
            .collect()
    }

    /// Appends to the last page of its category, or starts a new page.
    pub fn append(&mut self, event: StoredEvent) {
        let category = event.category.clone();
        let pages = self.pages(&category);
        let page = match pages.last() {
            Some(&last) if self.current(&category, last).len() < PAGE_SIZE => last,
            Some(&last) => last.saturating_add(1),
            None => 0,
        };
        self.touch(&category, page).push(event);
    }

    /// Removes the events of `category` for which `remove` holds; returns how many.
    pub fn remove_where(&mut self, category: &str, remove: &dyn Fn(&StoredEvent) -> bool) -> usize {
        let mut removed = 0;
        for page in self.pages(category) {
            if self.current(category, page).iter().any(remove) {
                let events = self.touch(category, page);
                let before = events.len();
                events.retain(|e| !remove(e));
                removed += before - events.len();
            }
        }
        removed
    }

    /// Removes every event of a category.
    pub fn erase_category(&mut self, category: &str) {
        self.touched.retain(|(c, _), _| c != category);
        self.erased.insert(category.to_owned());
    }

    /// Whether the log will hold no event at all once these edits are applied.
    pub fn leaves_no_events(&self) -> bool {
        let mut categories = SortedSet::new();
        categories.extend(self.log.pages.keys().map(|(c, _)| c.as_str()));
        categories.extend(self.touched.keys().map(|(c, _)| c.as_str()));
        categories.into_iter().all(|c| {
            self.pages(c)
                .into_iter()
                .all(|p| self.current(c, p).is_empty())
        })
    }

    /// The log as these edits will leave it, keeping only the events `keep` admits (the
    /// benefit check measures a bulk import's last events against the ones before them).
    pub fn to_log(&self, keep: &dyn Fn(&StoredEvent) -> bool) -> EventLog {
        let mut categories = SortedSet::new();
        categories.extend(self.log.pages.keys().map(|(c, _)| c.as_str()));
        categories.extend(self.touched.keys().map(|(c, _)| c.as_str()));
        let mut log = EventLog::default();
        for c in categories {
            for p in self.pages(c) {
                let events: Vec<StoredEvent> = self
                    .current(c, p)
                    .iter()
                    .filter(|e| keep(e))
                    .cloned()
                    .collect();
                log.put_page(c, p, events);
            }
        }
        log
    }

    /// The categories erased whole.
    pub fn erased(&self) -> impl Iterator<Item = &String> {
        self.erased.iter()
    }

    /// The touched pages (empty ones are deletions).
    pub fn into_touched(self) -> (SortedSet<String>, Pages) {
        (self.erased, self.touched)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: u64, category: &str, at: Millis) -> StoredEvent {
        StoredEvent {
            id,
            category: category.into(),
            kind: "view".into(),
            item: format!("i{id}"),
            at,
            weight: 1.0,
            features: vec![],
        }
    }

    #[test]
    fn appends_fill_pages_then_start_new_ones() {
        let log = EventLog::default();
        let mut ed = PageEditor::new(&log);
        for i in 0..(PAGE_SIZE as u64 + 3) {
            ed.append(ev(i, "reading", 0));
        }
        ed.append(ev(999, "reactions", 0));
        let (_, touched) = ed.into_touched();
        let sizes: Vec<_> = touched
            .iter()
            .map(|((c, p), e)| (c.as_str(), *p, e.len()))
            .collect();
        assert_eq!(
            sizes,
            [
                ("reactions", 0, 1),
                ("reading", 0, PAGE_SIZE),
                ("reading", 1, 3)
            ]
        );
    }

    #[test]
    fn removal_touches_only_pages_that_change() {
        let mut log = EventLog::default();
        log.put_page(
            "reading",
            0,
            (0..10).map(|i| ev(i, "reading", i as Millis)).collect(),
        );
        log.put_page(
            "reading",
            1,
            (10..20).map(|i| ev(i, "reading", i as Millis)).collect(),
        );
        let mut ed = PageEditor::new(&log);
        assert_eq!(ed.remove_where("reading", &|e| e.at < 3), 3);
        assert_eq!(ed.events("reading").len(), 17);
        let (_, touched) = ed.into_touched();
        assert_eq!(
            touched.keys().collect::<Vec<_>>(),
            [&("reading".to_owned(), 0)]
        );
    }

    #[test]
    fn an_erased_category_reads_empty_and_restarts_at_page_zero() {
        let mut log = EventLog::default();
        log.put_page("reading", 3, vec![ev(1, "reading", 0)]);
        let mut ed = PageEditor::new(&log);
        ed.erase_category("reading");
        assert!(ed.events("reading").is_empty());
        ed.append(ev(2, "reading", 0));
        let (erased, touched) = ed.into_touched();
        assert!(erased.contains("reading"));
        assert_eq!(
            touched.keys().collect::<Vec<_>>(),
            [&("reading".to_owned(), 0)]
        );
    }
}

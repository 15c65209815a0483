//! Item ids, all in one string: a catalog of 100,000 items then costs one allocation for its
//! ids instead of 100,000, and the JS layer can hand them over joined, without splitting.

/// What separates ids in [`ItemIds`]'s text (a control character no sane id contains; ids
/// that do contain it are pushed one by one, which keeps them intact).
pub const SEPARATOR: char = '\u{1f}';

/// A list of item ids stored as `id SEP id SEP …` with the offset of each id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemIds {
    text: String,
    /// `starts[i]` is where id `i` begins; `starts[len]` is one past the last separator.
    starts: Vec<u32>,
}

impl ItemIds {
    /// No ids.
    pub fn new() -> Self {
        ItemIds {
            text: String::new(),
            starts: vec![0],
        }
    }

    /// Takes over `joined`, the ids joined by [`SEPARATOR`], if it holds exactly `count` of
    /// them (otherwise some id contained the separator, and `None` says to push one by one).
    pub fn from_joined(mut joined: String, count: usize) -> Option<Self> {
        if count == 0 {
            return joined.is_empty().then(ItemIds::new);
        }
        if joined.len() >= u32::MAX as usize {
            return None;
        }
        let mut starts = Vec::with_capacity(count + 1);
        starts.push(0);
        for (at, _) in joined.match_indices(SEPARATOR) {
            starts.push((at + SEPARATOR.len_utf8()) as u32);
        }
        joined.push(SEPARATOR);
        starts.push(joined.len() as u32);
        (starts.len() == count + 1).then_some(ItemIds {
            text: joined,
            starts,
        })
    }

    /// Appends an id.
    pub fn push(&mut self, id: &str) {
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        self.text.push_str(id);
        self.text.push(SEPARATOR);
        self.starts.push(self.text.len() as u32);
    }

    /// How many ids.
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Id `i`.
    pub fn get(&self, i: usize) -> Option<&str> {
        let start = *self.starts.get(i)? as usize;
        let end = *self.starts.get(i + 1)? as usize - SEPARATOR.len_utf8();
        self.text.get(start..end)
    }

    /// The length in bytes of each id, in order (from the offsets alone: no text is read).
    pub fn byte_lengths(&self) -> impl Iterator<Item = usize> + '_ {
        self.starts
            .windows(2)
            .map(|w| (w[1] - w[0]) as usize - SEPARATOR.len_utf8())
    }

    /// The ids in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).filter_map(move |i| self.get(i))
    }
}

impl Default for ItemIds {
    fn default() -> Self {
        ItemIds::new()
    }
}

impl From<Vec<String>> for ItemIds {
    fn from(ids: Vec<String>) -> Self {
        let mut out = ItemIds::new();
        for id in &ids {
            out.push(id);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_and_pushed_ids_read_back_the_same() {
        let ids = ["a", "", "ü-1", "item-42"];
        let joined = ids.join(&SEPARATOR.to_string());
        let from_joined = ItemIds::from_joined(joined, ids.len()).unwrap_or_default();
        let pushed = ItemIds::from(ids.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        for list in [&from_joined, &pushed] {
            assert_eq!(list.len(), 4);
            assert_eq!(list.iter().collect::<Vec<_>>(), ids);
            assert_eq!(list.get(4), None);
            let lengths: Vec<usize> = list.byte_lengths().collect();
            assert_eq!(lengths, ids.map(str::len), "bytes, not characters: ü is 2");
        }
        assert_eq!(from_joined, pushed);
    }

    #[test]
    fn a_separator_inside_an_id_is_detected() {
        let joined = format!("a{SEPARATOR}b{SEPARATOR}c");
        assert!(ItemIds::from_joined(joined.clone(), 2).is_none());
        assert!(ItemIds::from_joined(joined, 3).is_some());
        assert_eq!(ItemIds::from_joined(String::new(), 0), Some(ItemIds::new()));
        assert!(
            ItemIds::from_joined(String::new(), 1).is_some(),
            "one empty id"
        );
        assert_eq!(ItemIds::default(), ItemIds::new());
    }
}

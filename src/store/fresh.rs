//! Freshness: every stored value is bound to the commit that wrote it, so a record put back
//! from an earlier moment, or deleted, is detected at open.
//!
//! Each commit gets a random tag. Every value the core writes starts with the tag of the
//! commit that wrote it (8 bytes, little-endian), and the head ([`HEAD_KEY`]), rewritten by
//! every commit, lists each stored key with the tag it must carry. At open a value whose tag
//! differs from the head's (an older ciphertext put back), a key the head doesn't list (a
//! deleted record put back) and a key the head lists but storage lacks are all detected. An
//! old head put back next to newer records disagrees with them in the same way. Only a
//! rollback of everything to one earlier moment goes unseen.
//!
//! Tags are random, not counters: nothing stored tells how many commits there were. The
//! schema marker and the head itself carry no tag (the marker must stay readable by every
//! version; the head is what tags are checked against).

use super::{WriteBatch, WriteOp, SCHEMA_KEY, UNREADABLE_PREFIX};
use crate::sorted::SortedMap;

/// Key of the head: every stored key with the tag of the commit that last wrote it (JSON).
pub const HEAD_KEY: &str = "meta/head";

/// The tags the head lists, by key.
pub type Tags = SortedMap<String, i64>;

/// Bytes of a tag at the start of every tagged value.
pub const TAG_LEN: usize = 8;

/// The tag a key is listed with when it must exist but no value can carry it (a record the
/// head of an older schema counted but storage lacks): it stays missing until deleted.
pub const NEVER_WRITTEN: i64 = 0;

/// Whether `key` carries a tag (everything but the schema marker and the head).
pub fn is_tagged(key: &str) -> bool {
    key != SCHEMA_KEY && key != HEAD_KEY
}

/// A fresh random commit tag (63 random bits; never [`NEVER_WRITTEN`]). Where the platform
/// has no secure random source there is no persistent store either (IndexedDB needs
/// WebCrypto), and in-memory storage can't be put back.
pub fn new_tag() -> i64 {
    let mut bytes = [0u8; TAG_LEN];
    let _ = getrandom::fill(&mut bytes);
    i64::from_le_bytes(bytes) | 1
}

/// Prefixes every put value of `batch` with `tag` and updates `tags` to what storage will
/// hold once it is committed. Returns whether the head must be written (put last, by the
/// caller); when nothing is left to list, the head's deletion is added instead (unless the
/// batch clears everything). An empty batch stays empty.
pub fn tag_batch(batch: &mut WriteBatch, tags: &mut Tags, tag: i64) -> bool {
    if batch.is_empty() {
        return false;
    }
    let mut cleared = false;
    for op in &mut batch.ops {
        match op {
            WriteOp::Put(key, value) if is_tagged(key) => {
                let mut tagged = tag.to_le_bytes().to_vec();
                tagged.append(value);
                *value = tagged;
                tags.insert(key.clone(), tag);
            }
            WriteOp::Put(..) => {}
            WriteOp::Delete(key) => {
                tags.remove(key.as_str());
            }
            WriteOp::DeletePrefix(prefix) => tags.retain(|k, _| !k.starts_with(prefix.as_str())),
            WriteOp::Clear => {
                tags.clear();
                cleared = true;
            }
        }
    }
    if tags.is_empty() && !cleared {
        batch.delete(HEAD_KEY);
    }
    !tags.is_empty()
}

/// The head's tags, or `None` if it is unreadable. (The notice-view log has the same shape,
/// and is read by the same function.)
pub fn read_head(bytes: &[u8]) -> Option<Tags> {
    let mut tags = Tags::new();
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    for (key, tag) in value.as_object()? {
        tags.insert(key.clone(), tag.as_i64()?);
    }
    Some(tags)
}

/// Checks stored `entries` (sorted by key) against the head's `tags`: strips the tag from
/// every value that carries the one the head lists, and takes out the others (put back from
/// an earlier moment, or not listed at all). Returns the keys taken out and those the head
/// lists but storage lacks, in order. Entries a store could not decrypt pass as they are.
pub fn check(entries: &mut Vec<(String, Vec<u8>)>, tags: &Tags) -> Vec<String> {
    let mut bad = Vec::new();
    let mut listed = tags.keys().peekable();
    entries.retain_mut(|(key, value)| {
        // Both are sorted: what the head lists before this key is missing.
        while let Some(gone) = listed.next_if(|l| l.as_str() < key.as_str()) {
            bad.push(gone.clone());
        }
        listed.next_if(|l| *l == key);
        if !is_tagged(key) || key.starts_with(UNREADABLE_PREFIX) {
            return true;
        }
        let fresh = untag(tags, key, value).is_some();
        match fresh {
            true => drop(value.drain(..TAG_LEN)),
            false => bad.push(key.clone()),
        }
        fresh
    });
    bad.extend(listed.cloned());
    bad
}

/// The value of a tagged record if it carries the tag the head lists for `key`.
pub fn untag<'a>(tags: &Tags, key: &str, value: &'a [u8]) -> Option<&'a [u8]> {
    let (tag, rest) = value.split_first_chunk::<TAG_LEN>()?;
    (tags.get(key) == Some(&i64::from_le_bytes(*tag))).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tagged(b: WriteBatch, tags: &mut Tags, tag: i64) -> WriteBatch {
        let mut b = b;
        if tag_batch(&mut b, tags, tag) {
            b.put(HEAD_KEY, serde_json::to_vec(&*tags).unwrap());
        }
        b
    }

    #[test]
    fn tags_every_value_and_lists_it_in_the_head() {
        let mut tags = Tags::new();
        let mut b = WriteBatch::default();
        b.put("events/a/1", b"[1]".to_vec());
        b.put(SCHEMA_KEY, b"2".to_vec());
        let out = tagged(b, &mut tags, 7);
        let WriteOp::Put(_, value) = &out.ops[0] else {
            panic!("a put")
        };
        assert_eq!(untag(&tags, "events/a/1", value), Some(&b"[1]"[..]));
        assert_eq!(out.ops[1], WriteOp::Put(SCHEMA_KEY.into(), b"2".to_vec()));
        let WriteOp::Put(head, listed) = &out.ops[2] else {
            panic!("the head")
        };
        assert_eq!(head, HEAD_KEY);
        assert_eq!(read_head(listed), Some(tags.clone()));
        // An older value of the same key no longer matches once the key is rewritten.
        let mut again = WriteBatch::default();
        again.put("events/a/1", b"[2]".to_vec());
        tagged(again, &mut tags, 8);
        assert_eq!(untag(&tags, "events/a/1", value), None);
    }

    #[test]
    fn deletions_leave_the_head_and_an_empty_head_is_deleted() {
        let mut tags = Tags::new();
        let mut b = WriteBatch::default();
        b.put("events/a/1", vec![1]);
        b.put("blocks", vec![2]);
        tagged(b, &mut tags, 3);
        let mut d = WriteBatch::default();
        d.delete_prefix("events/");
        let out = tagged(d, &mut tags, 4);
        assert_eq!(tags.keys().collect::<Vec<_>>(), ["blocks"]);
        assert!(matches!(&out.ops[1], WriteOp::Put(k, _) if k == HEAD_KEY));
        let mut last = WriteBatch::default();
        last.delete("blocks");
        let out = tagged(last, &mut tags, 5);
        assert_eq!(out.ops[1], WriteOp::Delete(HEAD_KEY.into()));
        let mut clear = WriteBatch::default();
        clear.ops.push(WriteOp::Clear);
        assert_eq!(tagged(clear, &mut tags, 6).ops, [WriteOp::Clear]);
        assert!(tagged(WriteBatch::default(), &mut tags, 7).is_empty());
    }

    #[test]
    fn check_strips_fresh_values_and_names_the_rest() {
        let mut tags = Tags::new();
        let mut b = WriteBatch::default();
        b.put("a", vec![1]);
        b.put("c", vec![3]);
        b.put("d", vec![4]);
        let old = tagged(b, &mut tags, 1);
        let mut b = WriteBatch::default();
        b.put("c", vec![30]);
        b.put("e", vec![5]);
        let new = tagged(b, &mut tags, 2);
        let value = |batch: &WriteBatch, i: usize| match &batch.ops[i] {
            WriteOp::Put(k, v) => (k.clone(), v.clone()),
            _ => panic!("a put"),
        };
        // "a" fresh, "b" never listed, "c" put back from before, "d" and "e" missing.
        let mut entries = vec![
            value(&old, 0),
            ("b".into(), vec![0; 9]),
            value(&old, 1),
            (format!("{UNREADABLE_PREFIX}x"), vec![]),
        ];
        let bad = check(&mut entries, &tags);
        assert_eq!(bad, ["b", "c", "d", "e"]);
        let kept: Vec<_> = entries
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_slice()))
            .collect();
        assert_eq!(kept, [("a", &[1u8][..]), ("unreadable/x", &[][..])]);
        let _ = new;
    }

    #[test]
    fn tags_are_random_and_never_the_reserved_one() {
        let (a, b) = (new_tag(), new_tag());
        assert_ne!(a, b);
        assert_ne!(a, NEVER_WRITTEN);
    }
}

//! Storage: a key-value store of opaque records, written in atomic batches.
//!
//! The core never waits on storage. Every operation first *plans* its change (a
//! [`WriteBatch`] plus what to apply in memory), the caller commits the batch (synchronously
//! to [`MemoryStore`], or in one IndexedDB transaction from JS), and only then is the change
//! applied in memory. A failed commit therefore leaves everything as it was.
//!
//! Key layout (schema 2):
//! - `meta/schema`: the schema version, ASCII digits;
//! - `meta/head`: every other key with the tag of the commit that wrote it (see [`fresh`]);
//! - `consent/<seq>`: one consent record (JSON), `seq` zero-padded so keys sort in order;
//! - `consent-views`: first time each module's notice was shown (JSON);
//! - `events/<category>/<page>`: up to 256 events of one data category (erased per category);
//! - `blocks`, `meta/next-event`, `report/budget`: user choices, the next event id, the privacy
//!   budget;
//! - `unreadable/<id>`: reported by a store for an entry it could not decrypt.
//!
//! Every value but the schema marker and the head starts with its commit tag. Schema 1 had
//! no tags and no head but `meta/consent-head`, the number of consent records; it is read
//! as it is and rewritten as schema 2 by the first commit (`Personalizer::open` plans it).

pub mod fresh;
mod memory;

pub use fresh::HEAD_KEY;
pub use memory::MemoryStore;

use crate::error::StoreError;

/// The schema version this build writes and the newest it reads.
pub const SCHEMA_VERSION: u32 = 2;
/// The schema without commit tags, read and upgraded.
pub const LEGACY_SCHEMA: u32 = 1;
/// Key of the schema version.
pub const SCHEMA_KEY: &str = "meta/schema";
/// Prefix of consent records.
pub const CONSENT_PREFIX: &str = "consent/";
/// Key of the notice-view log.
pub const VIEWS_KEY: &str = "consent-views";
/// Prefix under which a store reports entries it could not decrypt (the rest is its own key
/// for the entry, so that deleting the reported key deletes the entry).
pub const UNREADABLE_PREFIX: &str = "unreadable/";

/// The key of consent record number `seq`.
pub fn consent_key(seq: u64) -> String {
    format!("{CONSENT_PREFIX}{seq:012}")
}

/// The key prefix holding the events of one data category.
pub fn category_prefix(category: &str) -> String {
    format!("events/{category}/")
}

/// One change in a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOp {
    /// Set `key` to the bytes.
    Put(String, Vec<u8>),
    /// Remove `key`.
    Delete(String),
    /// Remove every key starting with the prefix.
    DeletePrefix(String),
    /// Remove everything, including whatever the store keeps for itself (encryption keys).
    Clear,
}

/// Changes that commit together or not at all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteBatch {
    /// The changes, applied in order.
    pub ops: Vec<WriteOp>,
}

impl WriteBatch {
    /// Adds a put.
    pub fn put(&mut self, key: impl Into<String>, value: Vec<u8>) {
        self.ops.push(WriteOp::Put(key.into(), value));
    }

    /// Adds a deletion.
    pub fn delete(&mut self, key: impl Into<String>) {
        self.ops.push(WriteOp::Delete(key.into()));
    }

    /// Adds a prefix deletion.
    pub fn delete_prefix(&mut self, prefix: impl Into<String>) {
        self.ops.push(WriteOp::DeletePrefix(prefix.into()));
    }

    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// A store of records. Implementations commit a batch atomically.
pub trait Store {
    /// Every record, sorted by key.
    fn load(&self) -> Result<Vec<(String, Vec<u8>)>, StoreError>;
    /// Applies the batch entirely, or not at all.
    fn commit(&mut self, batch: &WriteBatch) -> Result<(), StoreError>;
}

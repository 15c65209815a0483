//! The machinery behind every `Personalizer` call: storage backends, the write queue, tabs.
//!
//! Writes run one at a time per instance (a promise queue) and, with IndexedDB, one at a
//! time per namespace across tabs (a Web Lock). Inside that: reload if another tab wrote
//! (the stored generation moved), plan, commit, apply, tell the other tabs. Reads are
//! synchronous and see the last applied state.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::error::{optin_error, to_js, InputError};
use super::idb::{self, IdbStore};
use super::listeners::Listeners;
use super::options::Clock;
use super::tabs::{with_lock, TabChannel};
use crate::error::StoreError;
use crate::ids::RandomIds;
use crate::manifest::Manifest;
use crate::personalizer::{OpenConfig, Pending, Personalizer as Core, Sealed};
use crate::store::{MemoryStore, Store, WriteBatch, SCHEMA_KEY, SCHEMA_VERSION};
use crate::time::Millis;

/// Where the data lives.
pub enum Backend {
    /// In memory only.
    Memory(RefCell<MemoryStore>),
    /// Encrypted IndexedDB.
    Idb(IdbStore),
    /// An IndexedDB database written by a newer schema: never read nor written, only deleted
    /// by `eraseAll`.
    Newer,
}

impl Backend {
    async fn commit(&self, batch: &WriteBatch) -> Result<(), StoreError> {
        match self {
            Backend::Memory(m) => m
                .try_borrow_mut()
                .map_err(|_| StoreError::Failed("store busy".into()))?
                .commit(batch),
            Backend::Idb(db) => db.commit(batch).await,
            Backend::Newer => Err(StoreError::NewerSchema {
                found: SCHEMA_VERSION + 1,
                supported: SCHEMA_VERSION,
            }),
        }
    }

    /// The kind, as the `storage` option names it.
    pub fn kind(&self) -> &'static str {
        match self {
            Backend::Memory(_) => "memory",
            Backend::Idb(_) | Backend::Newer => "indexeddb",
        }
    }
}

/// What a reopen needs.
pub struct Setup {
    pub manifest: Manifest,
    pub locale: String,
    pub gpc: bool,
    pub max_events_per_category: usize,
    pub namespace: String,
}

/// The state shared by a `Personalizer` and its pending operations.
pub struct Shared {
    pub core: RefCell<Option<Core>>,
    pub backend: RefCell<Rc<Backend>>,
    pub setup: Setup,
    pub clock: Clock,
    pub listeners: Listeners,
    pub extra_problems: RefCell<Vec<String>>,
    /// The secure generator for private reports, kept so its buffer is reused.
    pub random: RefCell<crate::report::SecureRandom>,
    queue: RefCell<Promise>,
    channel: RefCell<Option<TabChannel>>,
    closed: Cell<bool>,
}

type Op = Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>;

impl Shared {
    /// Opens the core over `backend`, committing the open plan (lapsed grants, expired data).
    pub async fn open(
        setup: Setup,
        backend: Backend,
        clock: Clock,
        problems: Vec<String>,
    ) -> Result<Rc<Shared>, JsValue> {
        let shared = Rc::new(Shared {
            core: RefCell::new(None),
            backend: RefCell::new(Rc::new(backend)),
            setup,
            clock,
            listeners: Listeners::default(),
            extra_problems: RefCell::new(problems),
            random: RefCell::new(crate::report::SecureRandom::default()),
            queue: RefCell::new(Promise::resolve(&JsValue::UNDEFINED)),
            channel: RefCell::new(None),
            closed: Cell::new(false),
        });
        shared.load().await?;
        if matches!(*shared.backend(), Backend::Idb(_)) {
            shared.listen_to_other_tabs();
        }
        Ok(shared)
    }

    fn backend(&self) -> Rc<Backend> {
        self.backend
            .try_borrow()
            .map(|b| Rc::clone(&b))
            .unwrap_or_else(|_| Rc::new(Backend::Newer))
    }

    fn lock_name(&self) -> String {
        format!("optin:{}", self.setup.namespace)
    }

    /// (Re)builds the core from storage.
    async fn load(&self) -> Result<(), JsValue> {
        let backend = self.backend();
        let entries = match &*backend {
            Backend::Memory(m) => m
                .try_borrow()
                .map_err(|_| optin_error("storage-failed", "store busy"))?
                .load()
                .map_err(to_js)?,
            Backend::Idb(db) => db.load().await.map_err(to_js)?,
            Backend::Newer => vec![(
                SCHEMA_KEY.to_owned(),
                (SCHEMA_VERSION + 1).to_string().into_bytes(),
            )],
        };
        let now = self.clock.now()?;
        let mut config = OpenConfig::new(self.setup.locale.clone(), self.setup.gpc, now);
        config.max_events_per_category = self.setup.max_events_per_category;
        let (mut core, plan) = Core::open(
            self.setup.manifest.clone(),
            entries,
            config,
            Box::new(RandomIds::default()),
        );
        {
            let mut slot = self.core.try_borrow_mut().map_err(|_| busy())?;
            // The catalog is the app's, not stored: it survives every reload.
            if let Some(previous) = slot.as_mut() {
                core.take_app_data(previous);
            }
            // The core as read; its open plan (lapsed grants, expired data, an upgrade) goes
            // the way of every write.
            *slot = Some(core);
        }
        self.commit_and_apply(plan.split().0).await
    }

    /// Runs `f` on the core. Never panics: closed or re-entrant use is an error.
    pub fn with_core<T>(
        &self,
        f: impl FnOnce(&mut Core) -> Result<T, JsValue>,
    ) -> Result<T, JsValue> {
        if self.closed.get() {
            return Err(to_js(InputError::Closed));
        }
        let mut guard = self.core.try_borrow_mut().map_err(|_| busy())?;
        let core = guard.as_mut().ok_or_else(|| to_js(InputError::Closed))?;
        f(core)
    }

    /// The time now, from the app's clock.
    pub fn now(&self) -> Result<Millis, JsValue> {
        self.clock.now()
    }

    /// Queues `op` after every earlier operation of this instance, under the namespace lock.
    pub fn enqueue(self: &Rc<Self>, op: impl FnOnce(Rc<Shared>) -> Op + 'static) -> Promise {
        self.enqueue_boxed(Box::new(op))
    }

    // Not generic: the queueing future is compiled once, not once per operation.
    fn enqueue_boxed(self: &Rc<Self>, op: Box<dyn FnOnce(Rc<Shared>) -> Op>) -> Promise {
        if self.closed.get() {
            return Promise::reject(&to_js(InputError::Closed));
        }
        let previous = self
            .queue
            .try_borrow()
            .map(|q| q.clone())
            .unwrap_or_else(|_| Promise::resolve(&JsValue::UNDEFINED));
        let shared = Rc::clone(self);
        let lock = self.lock_name();
        let uses_lock = matches!(*self.backend(), Backend::Idb(_));
        let promise = future_to_promise(async move {
            let _ = JsFuture::from(previous).await;
            if uses_lock {
                with_lock(&lock, op(shared)).await
            } else {
                op(shared).await
            }
        });
        // The queue's tail settles either way: one failed operation must not block the next.
        let watched = promise.clone();
        let tail = future_to_promise(async move {
            let _ = JsFuture::from(watched).await;
            Ok(JsValue::UNDEFINED)
        });
        if let Ok(mut q) = self.queue.try_borrow_mut() {
            *q = tail;
        }
        promise
    }

    /// Plans with the core, commits, applies: the body of every write.
    pub async fn write<T>(
        self: &Rc<Self>,
        plan: impl FnOnce(&mut Core, Millis) -> Result<Pending<T>, JsValue>,
    ) -> Result<T, JsValue> {
        self.refresh_if_stale().await?;
        let now = self.now()?;
        let (pending, output) = self.with_core(|core| plan(core, now))?.split();
        self.commit_and_apply(pending).await?;
        Ok(output)
    }

    // The part of `write` that doesn't depend on the output type, compiled once.
    async fn commit_and_apply(&self, pending: Pending<()>) -> Result<(), JsValue> {
        let sealed = self.with_core(|core| Ok(core.seal(pending)))?;
        let (erased, stored) = commit_sealed(&self.backend(), &sealed).await;
        // Something was stored: the batch, or at least a revoke's erasure.
        let wrote =
            stored.is_ok() && !sealed.batch.is_empty() || erased && !sealed.erasure.is_empty();
        let settled = self.with_core(|core| core.settle(sealed, erased, stored).map_err(to_js));
        if let Some(channel) = self
            .channel
            .try_borrow()
            .ok()
            .as_deref()
            .and_then(Option::as_ref)
            .filter(|_| wrote)
        {
            channel.tell();
        }
        settled
    }

    /// With IndexedDB: if another tab wrote since we last read, reload before planning.
    async fn refresh_if_stale(&self) -> Result<(), JsValue> {
        if let Backend::Idb(db) = &*self.backend() {
            if db.is_stale().await.map_err(to_js)? {
                self.load().await?;
                self.notify_kind("reload");
            }
        }
        Ok(())
    }

    /// Deletes everything, including the database and its keys.
    pub async fn erase_all(self: &Rc<Self>) -> Result<(), JsValue> {
        if matches!(*self.backend(), Backend::Newer) {
            let fresh = idb::delete_database(&self.setup.namespace)
                .await
                .map_err(to_js)?;
            *self.backend.try_borrow_mut().map_err(|_| busy())? = Rc::new(Backend::Idb(fresh));
            self.listen_to_other_tabs();
            if let Ok(mut p) = self.extra_problems.try_borrow_mut() {
                p.clear();
            }
            return self.load().await;
        }
        self.write(|core, _| Ok(core.plan_erase_all())).await?;
        if let Ok(mut p) = self.extra_problems.try_borrow_mut() {
            p.clear();
        }
        Ok(())
    }

    /// Calls the listeners with `{ type }`.
    pub fn notify_kind(&self, kind: &str) {
        let event = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&event, &"type".into(), &kind.into());
        self.listeners.emit(&event);
    }

    fn listen_to_other_tabs(self: &Rc<Self>) {
        let weak: Weak<Shared> = Rc::downgrade(self);
        let on_change = Closure::<dyn FnMut()>::new(move || {
            if let Some(shared) = weak.upgrade() {
                // Reload in the queue, so it never interleaves with a write of ours.
                let _ = shared.enqueue(|s| {
                    Box::pin(async move { s.refresh_if_stale().await.map(|_| JsValue::UNDEFINED) })
                });
            }
        });
        let Some(channel) = TabChannel::listen(&self.lock_name(), on_change) else {
            return;
        };
        if let Ok(mut c) = self.channel.try_borrow_mut() {
            if let Some(old) = c.take() {
                old.close();
            }
            *c = Some(channel);
        }
    }

    /// Closes: later calls fail with `closed`; the database connection and channel close.
    pub fn close(&self) {
        self.closed.set(true);
        if let Ok(mut c) = self.channel.try_borrow_mut() {
            if let Some(channel) = c.take() {
                channel.close();
            }
        }
        if let Backend::Idb(db) = &*self.backend() {
            db.close();
        }
        self.listeners.clear();
        if let Ok(mut core) = self.core.try_borrow_mut() {
            *core = None;
        }
    }
}

/// Commits a sealed plan: its erasure first, alone (if any), then its batch. Says whether the
/// erasure was stored, and how the batch went.
async fn commit_sealed(backend: &Backend, sealed: &Sealed) -> (bool, Result<(), StoreError>) {
    let erased = match sealed.erasure.is_empty() {
        true => Ok(()),
        false => backend.commit(&sealed.erasure).await,
    };
    let was_erased = erased.is_ok();
    let stored = match erased {
        Err(e) => Err(e),
        Ok(()) if sealed.batch.is_empty() => Ok(()),
        Ok(()) => backend.commit(&sealed.batch).await,
    };
    (was_erased, stored)
}

fn busy() -> JsValue {
    optin_error(
        "invalid-argument",
        "this Personalizer is busy (called from inside its own callback)",
    )
}

/// Rejects with `err` as a promise.
pub fn reject(err: JsValue) -> Promise {
    Promise::reject(&err)
}

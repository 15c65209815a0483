//! `onChange` listeners. A listener that throws does not stop the others or the change.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::prelude::*;

/// The registered listeners, shared with the unsubscribe closures.
#[derive(Default, Clone)]
pub struct Listeners {
    entries: Rc<RefCell<Vec<(u64, Function)>>>,
    next: Rc<RefCell<u64>>,
}

impl Listeners {
    /// Adds a listener; returns the JS function that removes it.
    pub fn add(&self, listener: Function) -> JsValue {
        let id = match self.next.try_borrow_mut() {
            Ok(mut n) => {
                *n += 1;
                *n
            }
            Err(_) => return JsValue::UNDEFINED,
        };
        if let Ok(mut e) = self.entries.try_borrow_mut() {
            e.push((id, listener));
        }
        let entries = Rc::clone(&self.entries);
        Closure::<dyn FnMut()>::new(move || {
            if let Ok(mut e) = entries.try_borrow_mut() {
                e.retain(|(i, _)| *i != id);
            }
        })
        .into_js_value()
    }

    /// Calls every listener with `value`. Listeners may (un)subscribe while being called.
    pub fn emit(&self, value: &JsValue) {
        let snapshot: Vec<Function> = match self.entries.try_borrow() {
            Ok(e) => e.iter().map(|(_, f)| f.clone()).collect(),
            Err(_) => return,
        };
        for f in snapshot {
            // A throwing listener is the app's bug; it must not undo or block the change.
            let _ = f.call1(&JsValue::UNDEFINED, value);
        }
    }

    /// Removes every listener.
    pub fn clear(&self) {
        if let Ok(mut e) = self.entries.try_borrow_mut() {
            e.clear();
        }
    }
}

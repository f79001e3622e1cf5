//! Interned qualified names (`multiprocessing.pool.Pool`, `.helpers.run_all`).
//!
//! Resolving `mp.get_context("spawn").Pool` asks for the same few names again
//! and again, in every module: a [`QualifiedName`] is a `u32` into one table
//! shared by all threads, so that extending a name by an attribute
//! ([`QualifiedName::child`]) is two hash lookups once the name has been seen,
//! and comparing two names is comparing two integers. Each name's dotted text
//! is kept once, for the whole run, and read with [`QualifiedName::as_str`].

use std::cell::RefCell;
use std::fmt;
use std::sync::{OnceLock, RwLock};

use rustc_hash::FxHashMap;

/// A dotted name, interned: `Copy`, compared and hashed as an integer, its
/// text at hand without a look-up.
#[derive(Copy, Clone)]
pub struct QualifiedName {
    id: u32,
    text: &'static str,
}

impl PartialEq for QualifiedName {
    fn eq(&self, other: &QualifiedName) -> bool {
        self.id == other.id
    }
}

impl Eq for QualifiedName {}

impl std::hash::Hash for QualifiedName {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

#[derive(Default)]
struct Interner {
    /// The text of each name (leaked: names live for the whole run).
    text: Vec<&'static str>,
    by_text: FxHashMap<&'static str, u32>,
    /// Every attribute segment seen, by text.
    segments: FxHashMap<&'static str, u32>,
    /// `(name, segment)` to the name extended by that segment.
    children: FxHashMap<(u32, u32), u32>,
}

impl Interner {
    fn name(&self, id: u32) -> QualifiedName {
        QualifiedName {
            id,
            text: self.text[id as usize],
        }
    }

    fn intern(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.by_text.get(text) {
            return id;
        }
        let text: &'static str = Box::leak(text.into());
        let id = u32::try_from(self.text.len()).expect("fewer than 2^32 names");
        self.text.push(text);
        self.by_text.insert(text, id);
        id
    }

    /// The segment's id, and its text as kept for the whole run.
    fn segment(&mut self, segment: &str) -> (&'static str, u32) {
        if let Some((&text, &id)) = self.segments.get_key_value(segment) {
            return (text, id);
        }
        let segment: &'static str = Box::leak(segment.into());
        let id = u32::try_from(self.segments.len()).expect("fewer than 2^32 segments");
        self.segments.insert(segment, id);
        (segment, id)
    }
}

fn interner() -> &'static RwLock<Interner> {
    static INTERNER: OnceLock<RwLock<Interner>> = OnceLock::new();
    INTERNER.get_or_init(Default::default)
}

/// Each thread's copy of the names it has looked up, so that a name seen
/// before is found without taking the shared table's lock.
#[derive(Default)]
struct ThreadCache {
    by_text: FxHashMap<&'static str, QualifiedName>,
    /// Each name's children by attribute.
    children: FxHashMap<u32, FxHashMap<&'static str, QualifiedName>>,
}

thread_local! {
    /// A buffer to assemble a name in before looking it up, reused.
    static BUFFER: RefCell<String> = const { RefCell::new(String::new()) };
    static CACHE: RefCell<ThreadCache> = RefCell::new(ThreadCache::default());
}

impl QualifiedName {
    /// The name with this dotted text.
    pub fn new(text: &str) -> QualifiedName {
        if let Some(name) = CACHE.with(|cache| cache.borrow().by_text.get(text).copied()) {
            return name;
        }
        let name = QualifiedName::new_shared(text);
        CACHE.with(|cache| cache.borrow_mut().by_text.insert(name.text, name));
        name
    }

    fn new_shared(text: &str) -> QualifiedName {
        {
            let interner = interner().read().expect("interner");
            if let Some(&id) = interner.by_text.get(text) {
                return interner.name(id);
            }
        }
        let mut interner = interner().write().expect("interner");
        let id = interner.intern(text);
        interner.name(id)
    }

    /// The name `from <dots><module> import <name>` binds: `.helpers.run_all`
    /// for `from .helpers import run_all`, `..run_all` for `from .. import run_all`.
    pub fn from_import(level: u32, module: Option<&str>, name: &str) -> QualifiedName {
        BUFFER.with(|buffer| {
            let mut buffer = buffer.borrow_mut();
            buffer.clear();
            for _ in 0..level {
                buffer.push('.');
            }
            if let Some(module) = module {
                buffer.push_str(module);
                buffer.push('.');
            }
            buffer.push_str(name);
            QualifiedName::new(&buffer)
        })
    }

    /// This name extended by an attribute: `multiprocessing` → `multiprocessing.Pool`.
    pub fn child(self, attribute: &str) -> QualifiedName {
        let cached = CACHE.with(|cache| {
            let cache = cache.borrow();
            cache.children.get(&self.id)?.get(attribute).copied()
        });
        if let Some(child) = cached {
            return child;
        }
        let (segment, child) = self.child_shared(attribute);
        CACHE.with(|cache| {
            cache
                .borrow_mut()
                .children
                .entry(self.id)
                .or_default()
                .insert(segment, child)
        });
        child
    }

    /// The child, and the attribute's text as kept for the whole run.
    fn child_shared(self, attribute: &str) -> (&'static str, QualifiedName) {
        {
            let interner = interner().read().expect("interner");
            if let Some((&text, segment)) = interner.segments.get_key_value(attribute) {
                if let Some(&child) = interner.children.get(&(self.id, *segment)) {
                    return (text, interner.name(child));
                }
            }
        }
        let mut interner = interner().write().expect("interner");
        let (text, segment) = interner.segment(attribute);
        if let Some(&child) = interner.children.get(&(self.id, segment)) {
            return (text, interner.name(child));
        }
        let parent = self.text;
        let child = BUFFER.with(|buffer| {
            let mut buffer = buffer.borrow_mut();
            buffer.clear();
            buffer.push_str(parent);
            buffer.push('.');
            buffer.push_str(attribute);
            interner.intern(&buffer)
        });
        interner.children.insert((self.id, segment), child);
        (text, interner.name(child))
    }

    /// The dotted text.
    pub fn as_str(self) -> &'static str {
        self.text
    }
}

impl std::ops::Deref for QualifiedName {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for QualifiedName {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq<str> for QualifiedName {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for QualifiedName {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for QualifiedName {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl From<&str> for QualifiedName {
    fn from(text: &str) -> QualifiedName {
        QualifiedName::new(text)
    }
}

impl From<QualifiedName> for String {
    fn from(name: QualifiedName) -> String {
        name.as_str().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_text_is_the_same_name_however_it_is_made() {
        let pool = QualifiedName::new("multiprocessing")
            .child("pool")
            .child("Pool");
        assert_eq!(pool, QualifiedName::new("multiprocessing.pool.Pool"));
        assert_eq!(pool.as_str(), "multiprocessing.pool.Pool");
        assert_eq!(pool, "multiprocessing.pool.Pool");
        assert_ne!(pool, QualifiedName::new("multiprocessing.Pool"));
    }

    #[test]
    fn relative_imports_keep_their_dots() {
        let name = QualifiedName::from_import(1, Some("helpers"), "run_all");
        assert_eq!(name.as_str(), ".helpers.run_all");
        assert_eq!(QualifiedName::from_import(2, None, "run").as_str(), "..run");
        assert_eq!(
            QualifiedName::from_import(0, Some("os"), "path").child("join"),
            QualifiedName::new("os.path.join")
        );
    }
}

//! A bounded pool of inference sessions, created on demand.
//!
//! A session serves one inference at a time and costs ~200 MB, so a voice
//! gets at most `max` of them, made only when parallel requests need them.
//! Requests take a session per chunk, not per request, so a long audiobook
//! and a short reply interleave instead of queueing behind each other; and
//! waiters are served by priority (a request's chunk number), so a new
//! request's first chunk goes before the tenth chunk of one already
//! playing: time to first audio stays low under load.

use std::sync::{Condvar, Mutex};

use crate::EngineError;

type Factory<T> = Box<dyn Fn() -> Result<T, EngineError> + Send + Sync>;

struct State<T> {
    idle: Vec<T>,
    /// Sessions that exist (idle or lent) or are being made.
    created: usize,
    /// Waiting borrowers as (priority, arrival); the smallest goes first.
    waiting: std::collections::BTreeSet<(u64, u64)>,
    next_ticket: u64,
}

pub struct Pool<T> {
    state: Mutex<State<T>>,
    available: Condvar,
    max: usize,
    factory: Factory<T>,
}

/// A session on loan; it goes back to the pool when dropped.
pub struct Lease<'a, T> {
    pool: &'a Pool<T>,
    item: Option<T>,
}

impl<T> Pool<T> {
    pub fn new(
        max: usize,
        factory: impl Fn() -> Result<T, EngineError> + Send + Sync + 'static,
    ) -> Self {
        Pool {
            state: Mutex::new(State {
                idle: Vec::new(),
                created: 0,
                waiting: std::collections::BTreeSet::new(),
                next_ticket: 0,
            }),
            available: Condvar::new(),
            max: max.max(1),
            factory: Box::new(factory),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Borrows an idle session, makes a new one while under `max`, or
    /// waits; among waiters, the lowest `priority` (then the earliest) is
    /// served first.
    pub fn get(&self, priority: u64) -> Result<Lease<'_, T>, EngineError> {
        let mut st = self.lock();
        let ticket = (priority, st.next_ticket);
        st.next_ticket += 1;
        st.waiting.insert(ticket);
        loop {
            let my_turn = st.waiting.first() == Some(&ticket);
            if !my_turn {
                st = self.available.wait(st).unwrap_or_else(|p| p.into_inner());
                continue;
            }
            if let Some(item) = st.idle.pop() {
                st.waiting.remove(&ticket);
                // The next waiter may find another idle session.
                self.available.notify_all();
                return Ok(Lease {
                    pool: self,
                    item: Some(item),
                });
            }
            if st.created < self.max {
                st.created += 1;
                st.waiting.remove(&ticket);
                self.available.notify_all();
                drop(st);
                // Make the session outside the lock: it takes ~0.4 s.
                return match (self.factory)() {
                    Ok(item) => Ok(Lease {
                        pool: self,
                        item: Some(item),
                    }),
                    Err(e) => {
                        self.lock().created -= 1;
                        self.available.notify_all();
                        Err(e)
                    }
                };
            }
            st = self.available.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Sessions that exist now.
    pub fn size(&self) -> usize {
        self.lock().created
    }

    pub fn max(&self) -> usize {
        self.max
    }
}

impl<T> std::ops::Deref for Lease<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // Invariant: `item` is Some until drop.
        self.item
            .as_ref()
            .expect("lease holds its item until dropped")
    }
}

impl<T> std::ops::DerefMut for Lease<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.item
            .as_mut()
            .expect("lease holds its item until dropped")
    }
}

impl<T> Drop for Lease<'_, T> {
    fn drop(&mut self) {
        if let Some(item) = self.item.take() {
            self.pool.lock().idle.push(item);
            self.pool.available.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn creates_lazily_up_to_max_and_reuses() {
        let made = Arc::new(AtomicUsize::new(0));
        let m = made.clone();
        let pool = Pool::new(2, move || Ok(m.fetch_add(1, Ordering::SeqCst)));
        {
            let a = pool.get(0).unwrap();
            let b = pool.get(0).unwrap();
            assert_ne!(*a, *b);
        }
        let _c = pool.get(0).unwrap();
        assert_eq!(made.load(Ordering::SeqCst), 2);
        assert_eq!(pool.size(), 2);
    }

    #[test]
    fn waits_when_all_are_lent() {
        let pool = Arc::new(Pool::new(1, || Ok(())));
        let lease = pool.get(0).unwrap();
        let p = pool.clone();
        let t = std::thread::spawn(move || {
            let _l = p.get(0).unwrap();
        });
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(!t.is_finished());
        drop(lease);
        t.join().unwrap();
    }

    #[test]
    fn failed_creation_frees_the_slot() {
        let tries = Arc::new(AtomicUsize::new(0));
        let t = tries.clone();
        let pool = Pool::new(1, move || {
            if t.fetch_add(1, Ordering::SeqCst) == 0 {
                Err(EngineError::Runtime("boom".into()))
            } else {
                Ok(7)
            }
        });
        assert!(pool.get(0).is_err());
        assert_eq!(*pool.get(0).unwrap(), 7);
    }

    #[test]
    fn lower_priority_numbers_are_served_first() {
        let pool = Arc::new(Pool::new(1, || Ok(())));
        let lease = pool.get(0).unwrap();
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut threads = Vec::new();
        // A late chunk waits first, then a first chunk arrives.
        for prio in [9u64, 0] {
            let (p, o) = (pool.clone(), order.clone());
            threads.push(std::thread::spawn(move || {
                let _l = p.get(prio).unwrap();
                o.lock().unwrap().push(prio);
                std::thread::sleep(std::time::Duration::from_millis(20));
            }));
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        drop(lease);
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![0, 9]);
    }
}

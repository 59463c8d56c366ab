//! Copies of one batch sent at the same moment (a retry racing the first
//! try, a user's double click) take turns at the batch's work before its
//! transaction (hashing passwords, delivering it elsewhere), so that a copy
//! finds the batch stored by the one before and skips the work. This keeps
//! one process from doing slow work once per copy; across processes the
//! `(import id, seq)` claim in the transaction still decides what is stored.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::OwnedMutexGuard;

type Key = (String, u32);
type Turns = Mutex<HashMap<Key, Arc<tokio::sync::Mutex<()>>>>;

fn turns() -> &'static Turns {
    static TURNS: OnceLock<Turns> = OnceLock::new();
    TURNS.get_or_init(Turns::default)
}

/// A batch's turn, held until dropped; the last one out forgets the batch.
pub(super) struct Turn {
    key: Key,
    lock: Option<Arc<tokio::sync::Mutex<()>>>,
    guard: Option<OwnedMutexGuard<()>>,
}

impl Turn {
    /// Wait for the turn of batch `seq` of `import_id`. A request dropped
    /// while it waits leaves the line as one that had its turn.
    pub(super) async fn take(import_id: &str, seq: u32) -> Turn {
        let key = (import_id.to_string(), seq);
        let lock = turns().lock().unwrap_or_else(|e| e.into_inner()).entry(key.clone()).or_default().clone();
        let mut turn = Turn { key, lock: Some(lock.clone()), guard: None };
        turn.guard = Some(lock.lock_owned().await);
        turn
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        self.guard.take();
        self.lock.take();
        let mut all = turns().lock().unwrap_or_else(|e| e.into_inner());
        // Only the table holds it: nobody has or waits for this turn.
        if all.get(&self.key).is_some_and(|lock| Arc::strong_count(lock) == 1) {
            all.remove(&self.key);
        }
    }
}

/// How many batches of `import_id` have a turn held or waited for.
#[cfg(test)]
fn batches_in_line(import_id: &str) -> usize {
    turns().lock().unwrap().keys().filter(|(id, _)| id == import_id).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn copies_take_turns_and_the_table_empties() {
        let first = Turn::take("in-flight-test", 1).await;
        let other_batch = Turn::take("in-flight-test", 2).await;
        let second = tokio::spawn(async { Turn::take("in-flight-test", 1).await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!second.is_finished(), "the second copy waits for the first");
        drop(first);
        let second = second.await.unwrap();
        drop(second);
        drop(other_batch);
        // A copy dropped while it waits leaves nothing behind either.
        let holder = Turn::take("in-flight-test", 3).await;
        let waiter = tokio::spawn(async { Turn::take("in-flight-test", 3).await });
        tokio::time::sleep(Duration::from_millis(20)).await;
        waiter.abort();
        let _ = waiter.await;
        drop(holder);
        assert_eq!(batches_in_line("in-flight-test"), 0);
    }
}

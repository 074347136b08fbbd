//! The bot's long-running tasks, watched together.
//!
//! Sync, the processor, the outbox sender, the timers, the Space keeper and
//! the maintenance jobs each run forever. If one of them ends (it returned,
//! or it panicked), the bot is no longer whole: it might keep syncing and
//! recording commands that nobody answers. So the first task to end ends
//! `boucle run` with an error, the process exits non-zero, and systemd (or
//! Docker) starts it again with everything reloaded from the store.

use std::collections::HashMap;
use std::future::Future;

use tokio::task::{Id, JoinSet};

/// Why the bot stopped running.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TaskEnded {
    #[error("the {0} task stopped, which it never should: exiting so that the bot is restarted")]
    Returned(&'static str),
    #[error("the {0} task failed (a bug): exiting so that the bot is restarted")]
    Panicked(&'static str),
}

/// Tasks that must all keep running.
#[derive(Default)]
pub struct Tasks {
    set: JoinSet<()>,
    names: HashMap<Id, &'static str>,
}

impl Tasks {
    pub fn spawn(&mut self, name: &'static str, task: impl Future<Output = ()> + Send + 'static) {
        let handle = self.set.spawn(task);
        self.names.insert(handle.id(), name);
    }

    /// Waits until one task ends, and says which and how; the others are
    /// stopped (dropping the set aborts them).
    pub async fn until_one_ends(mut self) -> TaskEnded {
        let name = |id: Id, names: &HashMap<Id, &'static str>| {
            names.get(&id).copied().unwrap_or("unnamed")
        };
        match self.set.join_next_with_id().await {
            Some(Ok((id, ()))) => TaskEnded::Returned(name(id, &self.names)),
            Some(Err(error)) => TaskEnded::Panicked(name(error.id(), &self.names)),
            None => TaskEnded::Returned("every"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    async fn forever() {
        loop {
            tokio::time::sleep(Duration::from_secs(3600)).await;
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_task_that_panics_ends_the_run_with_its_name() {
        let mut tasks = Tasks::default();
        tasks.spawn("sync", forever());
        tasks.spawn("outbox", async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            panic!("a bug in the sender");
        });
        assert_eq!(tasks.until_one_ends().await, TaskEnded::Panicked("outbox"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_task_that_returns_ends_the_run_too() {
        let mut tasks = Tasks::default();
        tasks.spawn("sync", forever());
        tasks.spawn("timers", async {});
        assert_eq!(tasks.until_one_ends().await, TaskEnded::Returned("timers"));
    }
}

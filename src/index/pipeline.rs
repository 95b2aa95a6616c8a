//! Building documents on every core while the files are still being read: the reader hands
//! articles to a bounded queue, one worker per core extracts entities, builds the document and
//! gives it to tantivy's writer. The queue bounds memory (a few hundred articles wait at most),
//! and commits wait until every queued article is in the writer, so a commit covers exactly
//! what the file cache then claims.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::thread::JoinHandle;

use tantivy::{IndexWriter, TantivyDocument, Term};

use super::document::{self, NewArticle};
use super::schema::Fields;
use crate::entities::Aliases;

/// Articles waiting per worker: enough that a slow article does not idle the others.
const QUEUE_PER_WORKER: usize = 64;

struct Shared {
    /// Workers add under the read lock; commits take the write lock.
    writer: RwLock<IndexWriter<TantivyDocument>>,
    fields: Fields,
    entities: bool,
    aliases: Aliases,
    /// Jobs sent and not yet in the writer.
    in_flight: Mutex<usize>,
    drained: Condvar,
    /// The first error a worker met; reported at the next drain.
    error: Mutex<Option<String>>,
}

pub(super) struct Pipeline {
    sender: Option<SyncSender<NewArticle>>,
    workers: Vec<JoinHandle<()>>,
    shared: Arc<Shared>,
}

impl Pipeline {
    pub fn start(
        writer: IndexWriter<TantivyDocument>,
        fields: Fields,
        entities: bool,
        aliases: Aliases,
    ) -> Pipeline {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let (sender, receiver) = sync_channel::<NewArticle>(threads * QUEUE_PER_WORKER);
        let receiver = Arc::new(Mutex::new(receiver));
        let shared = Arc::new(Shared {
            writer: RwLock::new(writer),
            fields,
            entities,
            aliases,
            in_flight: Mutex::new(0),
            drained: Condvar::new(),
            error: Mutex::new(None),
        });
        let workers = (0..threads)
            .map(|_| {
                let (shared, receiver) = (shared.clone(), receiver.clone());
                std::thread::spawn(move || work(&shared, &receiver))
            })
            .collect();
        Pipeline {
            sender: Some(sender),
            workers,
            shared,
        }
    }

    /// Queues an article, replacing any stored document with the same hash; blocks while
    /// the queue is full.
    pub fn send(&self, job: NewArticle) -> anyhow::Result<()> {
        *lock(&self.shared.in_flight) += 1;
        let sent = match &self.sender {
            Some(s) => s.send(job).is_ok(),
            None => false,
        };
        if !sent {
            *lock(&self.shared.in_flight) -= 1;
            anyhow::bail!("the indexing workers stopped");
        }
        Ok(())
    }

    /// Waits until every queued article is in the writer.
    pub fn drain(&self) -> anyhow::Result<()> {
        let mut n = lock(&self.shared.in_flight);
        while *n > 0 {
            n = self
                .shared
                .drained
                .wait(n)
                .unwrap_or_else(|e| e.into_inner());
        }
        drop(n);
        match lock(&self.shared.error).take() {
            Some(e) => Err(anyhow::anyhow!(e)),
            None => Ok(()),
        }
    }

    /// Replaces the stored document with `hash` by `doc`, on the calling thread.
    pub fn replace(&self, hash: u64, doc: TantivyDocument) -> anyhow::Result<()> {
        let writer = self.shared.writer.read().unwrap_or_else(|e| e.into_inner());
        writer.delete_term(Term::from_field_u64(self.shared.fields.hash, hash));
        writer.add_document(doc)?;
        Ok(())
    }

    pub fn delete(&self, hash: u64) {
        let writer = self.shared.writer.read().unwrap_or_else(|e| e.into_inner());
        writer.delete_term(Term::from_field_u64(self.shared.fields.hash, hash));
    }

    pub fn delete_all(&self) -> anyhow::Result<()> {
        let writer = self.shared.writer.read().unwrap_or_else(|e| e.into_inner());
        writer.delete_all_documents()?;
        Ok(())
    }

    /// Drains the queue and commits.
    pub fn commit(&self) -> anyhow::Result<()> {
        self.drain()?;
        let mut writer = self
            .shared
            .writer
            .write()
            .unwrap_or_else(|e| e.into_inner());
        writer.commit()?;
        Ok(())
    }

    /// Stops the workers and hands the writer back.
    pub fn finish(mut self) -> anyhow::Result<IndexWriter<TantivyDocument>> {
        self.drain()?;
        self.sender = None;
        for worker in self.workers.drain(..) {
            worker
                .join()
                .map_err(|_| anyhow::anyhow!("an indexing worker panicked"))?;
        }
        let shared = Arc::try_unwrap(self.shared)
            .map_err(|_| anyhow::anyhow!("the index writer is still shared"))?;
        Ok(shared
            .writer
            .into_inner()
            .unwrap_or_else(|e| e.into_inner()))
    }
}

fn work(shared: &Shared, receiver: &Mutex<Receiver<NewArticle>>) {
    loop {
        let job = match lock(receiver).recv() {
            Ok(job) => job,
            Err(_) => return,
        };
        // Caught so that a bug on one article fails the build with a message instead of
        // leaving the reader waiting for a job that never finishes.
        let added = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let doc = document::build(&shared.fields, &job, shared.entities, &shared.aliases);
            let writer = shared.writer.read().unwrap_or_else(|e| e.into_inner());
            writer.delete_term(Term::from_field_u64(shared.fields.hash, job.hash));
            writer.add_document(doc).map(|_| ())
        }));
        let failed = match added {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(format!("cannot index {}: {e}", job.article.path.display())),
            Err(_) => Some(format!(
                "indexing {} failed unexpectedly",
                job.article.path.display()
            )),
        };
        if let Some(e) = failed {
            lock(&shared.error).get_or_insert(e);
        }
        let mut n = lock(&shared.in_flight);
        *n -= 1;
        if *n == 0 {
            shared.drained.notify_all();
        }
    }
}

/// A poisoned lock only means another thread panicked while holding it; the counters and the
/// error slot it guards are still meaningful.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

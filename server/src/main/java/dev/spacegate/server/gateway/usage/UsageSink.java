package dev.spacegate.server.gateway.usage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Carries usage records from the request path to the {@link UsageWriter} without ever making a request wait.
 *
 * <p>Records go into a bounded queue; one writer thread sends them in batches. When the writer fails (database
 * down) the batch is spilled to a local journal and replayed once a write succeeds again; when the queue is
 * full, records go straight to the journal. Nothing is dropped while the disk takes writes.
 */
public final class UsageSink implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UsageSink.class.getName());
    private static final Duration RETRY_DELAY = Duration.ofSeconds(5);
    /** How long the first record of a batch waits for company; a crash loses at most this much usage. */
    private static final Duration GATHER = Duration.ofMillis(100);

    private final UsageWriter writer;
    private final UsageJournal journal;
    private final BlockingQueue<Object> queue;
    private final int batchSize;
    private final Duration linger;
    private final Thread thread;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong spilled = new AtomicLong();
    private volatile boolean running = true;
    private long retryAfterNanos;
    private volatile boolean journalMayHaveData = true;

    /** A flush request travelling through the queue behind the records submitted before it. */
    private record Flush(CountDownLatch done) {
    }

    public UsageSink(UsageWriter writer, Path journalDir) throws IOException {
        this(writer, journalDir, 10_000, 500, Duration.ofMillis(500));
    }

    public UsageSink(UsageWriter writer, Path journalDir, int capacity, int batchSize, Duration linger)
            throws IOException {
        this.writer = writer;
        this.journal = new UsageJournal(journalDir);
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.batchSize = batchSize;
        this.linger = linger;
        this.thread = Thread.ofPlatform().daemon().name("usage-sink").start(this::run);
    }

    /** Hands a record over; never blocks on the writer. */
    public void submit(ObjectNode record) {
        if (!queue.offer(record)) {
            try {
                journal.overflow(record);
                spilled.incrementAndGet();
                journalMayHaveData = true;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "usage record lost: queue full and journal not writable");
            }
        }
    }

    /** Waits until everything submitted before this call was written or spilled, and tries a replay. */
    public boolean flush(Duration timeout) throws InterruptedException {
        CountDownLatch l = new CountDownLatch(1);
        if (!queue.offer(new Flush(l), timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        return l.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Records the writer accepted. */
    public long written() {
        return written.get();
    }

    /** Records that went to the journal. */
    public long spilled() {
        return spilled.get();
    }

    /** Number of journal files waiting for replay. */
    public int journalFiles() throws IOException {
        return journal.files().size();
    }

    private void run() {
        List<ObjectNode> batch = new ArrayList<>(batchSize);
        List<Flush> flushes = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Object first = queue.poll(linger.toMillis(), TimeUnit.MILLISECONDS);
                if (first != null) {
                    take(first, batch, flushes);
                    gather(batch, flushes);
                }
                if (!batch.isEmpty()) {
                    writeOrSpill(batch);
                    batch.clear();
                }
                replayIfDue(!flushes.isEmpty());
                flushes.forEach(f -> f.done().countDown());
                flushes.clear();
            } catch (InterruptedException e) {
                if (!running) {
                    continue;
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "usage sink loop: " + e.getClass().getSimpleName());
            }
        }
    }

    /**
     * Collects what arrives within {@link #GATHER} of the first record (less when the batch fills or someone
     * waits on a flush): one transaction per request cost the database more CPU than the requests themselves.
     */
    private void gather(List<ObjectNode> batch, List<Flush> flushes) {
        long deadline = System.nanoTime() + GATHER.toNanos();
        List<Object> more = new ArrayList<>();
        while (batch.size() < batchSize && flushes.isEmpty()) {
            queue.drainTo(more, batchSize - batch.size());
            more.forEach(o -> take(o, batch, flushes));
            more.clear();
            long left = deadline - System.nanoTime();
            if (left <= 0 || batch.size() >= batchSize || !flushes.isEmpty()) {
                return;
            }
            Object next;
            try {
                next = queue.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                return; // closing: write what was gathered; the loop ends once the queue is empty
            }
            if (next == null) {
                return;
            }
            take(next, batch, flushes);
        }
    }

    private static void take(Object o, List<ObjectNode> batch, List<Flush> flushes) {
        if (o instanceof ObjectNode r) {
            batch.add(r);
        } else if (o instanceof Flush f) {
            flushes.add(f);
        }
    }

    private void writeOrSpill(List<ObjectNode> batch) {
        if (System.nanoTime() - retryAfterNanos < 0) {
            spill(batch);
            return;
        }
        try {
            writer.write(List.copyOf(batch));
            written.addAndGet(batch.size());
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "usage store unavailable (" + e.getClass().getSimpleName()
                    + "); spilling " + batch.size() + " records to the journal");
            retryAfterNanos = System.nanoTime() + RETRY_DELAY.toNanos();
            spill(batch);
        }
    }

    private void spill(List<ObjectNode> batch) {
        try {
            journal.spill(batch);
            spilled.addAndGet(batch.size());
            journalMayHaveData = true;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, batch.size() + " usage records lost: journal not writable");
        }
    }

    private void replayIfDue(boolean force) {
        if (!journalMayHaveData || (!force && System.nanoTime() - retryAfterNanos < 0)) {
            return;
        }
        try {
            journal.sealOverflow();
            for (Path f : journal.files()) {
                List<ObjectNode> records = journal.read(f);
                for (int i = 0; i < records.size(); i += batchSize) {
                    writer.write(List.copyOf(records.subList(i, Math.min(records.size(), i + batchSize))));
                }
                // a file is replayed whole or again later; a partial replay may write some records twice
                Files.delete(f);
                written.addAndGet(records.size());
            }
            journalMayHaveData = false;
            retryAfterNanos = System.nanoTime();
        } catch (Exception e) {
            retryAfterNanos = System.nanoTime() + RETRY_DELAY.toNanos();
        }
    }

    @Override
    public void close() {
        try {
            flush(Duration.ofSeconds(10));
            running = false;
            thread.interrupt();
            thread.join(5_000);
        } catch (InterruptedException e) {
            running = false;
            Thread.currentThread().interrupt();
        }
    }
}

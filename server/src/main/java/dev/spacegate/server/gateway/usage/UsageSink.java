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
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Carries usage records from the request path to the {@link UsageWriter} without ever making a request wait.
 *
 * <p>Records go into a bounded queue; one writer thread sends what has gathered there every {@link #TICK}. When
 * the writer fails (database down) the batch is spilled to a local journal and replayed once a write succeeds
 * again; when the queue is full, records go straight to the journal. Nothing is dropped while the disk takes writes.
 */
public final class UsageSink implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UsageSink.class.getName());
    private static final Duration RETRY_DELAY = Duration.ofSeconds(5);

    /**
     * How often the writer thread looks for records (sooner once a batch is full); a crash loses at most this much
     * usage. Each write costs a transaction whatever its size: fewer, larger ones disturb requests less.
     */
    private static final Duration TICK = Duration.ofSeconds(1);

    private final UsageWriter writer;
    private final UsageJournal journal;
    private final BlockingQueue<Object> queue;
    private final int batchSize;
    private final Duration tick;
    private final Thread thread;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong spilled = new AtomicLong();
    private volatile boolean running = true;
    private long retryAfterNanos;
    private volatile boolean journalMayHaveData = true;

    /** A flush request travelling through the queue behind the records submitted before it. */
    private record Flush(CountDownLatch done) {
    }

    public UsageSink(UsageWriter writer, Path journalDir) throws IOException {
        this(writer, journalDir, 10_000, 500, TICK);
    }

    public UsageSink(UsageWriter writer, Path journalDir, int capacity, int batchSize, Duration tick)
            throws IOException {
        this.writer = writer;
        this.journal = new UsageJournal(journalDir);
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.batchSize = batchSize;
        this.tick = tick;
        this.thread = Thread.ofPlatform().daemon().name("usage-sink").start(this::run);
    }

    /** Hands a record over; never blocks on the writer, and leaves turning it into JSON to the writer thread. */
    public void submit(UsageRecord record) {
        offer(record);
    }

    /** Hands a record already turned into JSON over (it also went to the usage queue); never blocks. */
    public void submit(ObjectNode record) {
        offer(record);
    }

    private void offer(Object record) {
        if (queue.offer(record)) {
            if (offered.incrementAndGet() % batchSize == 0) {
                LockSupport.unpark(thread); // a full batch need not wait for the tick
            }
        } else {
            try {
                journal.overflow(record instanceof UsageRecord u ? u.toJson() : (ObjectNode) record);
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
        LockSupport.unpark(thread);
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

    /** Whether the writer thread is parked until its tick (for tests that need it idle). */
    boolean waiting() {
        return thread.getState() == Thread.State.TIMED_WAITING;
    }

    /** Number of journal files waiting for replay. */
    public int journalFiles() throws IOException {
        return journal.files().size();
    }

    private void run() {
        List<Object> drained = new ArrayList<>(batchSize);
        List<ObjectNode> batch = new ArrayList<>(batchSize);
        List<Flush> flushes = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                queue.drainTo(drained, batchSize);
                drained.forEach(o -> take(o, batch, flushes));
                drained.clear();
                if (!batch.isEmpty()) {
                    writeOrSpill(batch);
                    batch.clear();
                }
                replayIfDue(!flushes.isEmpty());
                flushes.forEach(f -> f.done().countDown());
                flushes.clear();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "usage sink loop: " + e.getClass().getSimpleName());
            }
            if (running && queue.isEmpty()) {
                // woken by the clock, not by each record: a wake-up per request cost the request path a
                // context switch on small machines, and one transaction per tick writes far less than one each
                LockSupport.parkNanos(this, tick.toNanos());
            }
        }
    }

    private static void take(Object o, List<ObjectNode> batch, List<Flush> flushes) {
        if (o instanceof UsageRecord r) {
            batch.add(r.toJson());
        } else if (o instanceof ObjectNode r) {
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
            LockSupport.unpark(thread);
            thread.join(5_000);
        } catch (InterruptedException e) {
            running = false;
            Thread.currentThread().interrupt();
        }
    }
}

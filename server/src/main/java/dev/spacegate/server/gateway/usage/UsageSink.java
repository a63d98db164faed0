package dev.spacegate.server.gateway.usage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Carries usage records from the request path to the {@link UsageWriter} without ever losing one or making a
 * request wait on the database.
 *
 * <p>Every record is first appended to the {@link UsageLog} on the request's thread (before its response is
 * sent); the writer reads the log every {@link #TICK} (at once when a batch is full), stores what it read and
 * moves the log's checkpoint past it. A database call is given {@link #CALL_TIMEOUT}; when it fails or takes
 * longer the records simply stay in the log and are tried again, and after a restart they are read again from
 * the checkpoint (the store ignores records it already has).
 *
 * <p>Reading, normalising and storing run on a thread of the lowest Java priority (so does the thread that hands
 * them batches), which the image's JVM flags map to the operating system's lowest
 * ({@code -XX:ThreadPriorityPolicy=1 -XX:JavaPriority1_To_OSPriority=19}): on two shared cores the writer's bursts
 * otherwise sat in front of woken request threads, and were most of the gateway's p99 at one connection
 * (docs/benchmarks.md). Records are safe in the log meanwhile. When the writer has found a full batch waiting every
 * time for {@link #CATCH_UP_LAG} (a long burst of requests), or finds records of an earlier run at start, batches go
 * to a thread of normal priority until a batch is not full: a thread cannot raise its own priority again without
 * privileges, so there are two.
 */
public final class UsageSink implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UsageSink.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RETRY_DELAY = Duration.ofSeconds(2);
    /** How long the writer waits for one database call before it treats the database as unavailable. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    /** How often the writer stores what gathered in the log: one transaction per tick disturbs requests least. */
    private static final Duration TICK = Duration.ofSeconds(1);
    /** How long the writer may stay behind (every batch full) before batches are written at normal priority. */
    private static final Duration CATCH_UP_LAG = Duration.ofSeconds(10);

    private final UsageWriter writer;
    private final UsageLog log;
    private final LogReader reader;
    private final int batchSize;
    private final Duration tick;
    private final long catchUpLagNanos;
    private final Thread thread;
    /** Where batches are read and stored normally, at the lowest priority. */
    private final ThreadPoolExecutor background;
    /** Where they go while the writer is behind, and while closing. */
    private final ThreadPoolExecutor catchUp;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private volatile long oldestPendingMs;
    private volatile long deadlineNanos;
    private volatile boolean closing;
    private volatile boolean unavailable;
    /** Since when every batch read was full (0: the last one was not), on {@link System#nanoTime}'s clock. */
    private long behindSinceNanos;
    private volatile boolean parked;
    private Future<LogReader.Batch> inFlight;
    /** When the task in flight began to run (0 before): a batch waiting for its low-priority thread is not late. */
    private volatile long inFlightStartedNanos;

    public UsageSink(UsageWriter writer, Path logDir) throws IOException {
        this(writer, logDir, 500, TICK);
    }

    public UsageSink(UsageWriter writer, Path logDir, int batchSize, Duration tick) throws IOException {
        this(writer, logDir, batchSize, tick, CATCH_UP_LAG);
    }

    UsageSink(UsageWriter writer, Path logDir, int batchSize, Duration tick, Duration catchUpLag) throws IOException {
        this.writer = writer;
        this.log = new UsageLog(logDir);
        this.reader = new LogReader(log);
        this.batchSize = batchSize;
        this.tick = tick;
        this.catchUpLagNanos = catchUpLag.toNanos();
        LegacyJournal.importInto(logDir, log);
        long pending = reader.pending();
        if (pending > 0) {
            LOG.log(System.Logger.Level.INFO, pending + " usage records from an earlier run wait in the usage log"
                    + " and are being written to the database");
            behindSinceNanos = System.nanoTime() - catchUpLagNanos; // an earlier run's records: caught up at once
        }
        this.background = writerThread("usage-db", Thread.MIN_PRIORITY);
        this.catchUp = writerThread("usage-catch-up", Thread.NORM_PRIORITY);
        // the coordinating thread wakes once per batch: at normal priority that wake-up preempted request threads
        this.thread = Thread.ofPlatform().daemon().name("usage-sink").priority(Thread.MIN_PRIORITY).start(this::run);
    }

    /**
     * One writer thread, started now: a thread inherits its creator's operating-system priority and may not raise
     * it, so the normal-priority one must not be made by a thread already lowered.
     */
    private static ThreadPoolExecutor writerThread(String name, int priority) {
        ThreadPoolExecutor t = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().daemon().name(name).priority(priority).factory());
        t.prestartCoreThread();
        return t;
    }

    /** Appends a record to the log; turning it into JSON happens here because it must be on disk before the reply. */
    public void submit(UsageRecord record) {
        append(record.toJsonLine());
    }

    /** Appends a record already turned into JSON (it also went to the usage queue); never waits on the database. */
    public void submit(ObjectNode record) {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a tree always serializes
        }
        byte[] line = Arrays.copyOf(json, json.length + 1);
        line[json.length] = '\n';
        append(line);
    }

    private void append(byte[] line) {
        try {
            log.append(line);
        } catch (IOException e) {
            lost.incrementAndGet();
            LOG.log(System.Logger.Level.ERROR, "usage record lost: the usage log is not writable ("
                    + e.getClass().getSimpleName() + ")");
            return;
        }
        if (log.appended() % batchSize == 0) {
            LockSupport.unpark(thread); // a full batch need not wait for the tick
        }
    }

    /** Waits until every record appended before this call is stored; false when a write failed or time ran out. */
    public boolean flush(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long failed = failures.get();
        long target = reader.total();
        while (reader.consumed() < target) {
            if (failures.get() != failed || System.nanoTime() - deadline > 0 || !thread.isAlive()) {
                return false;
            }
            LockSupport.unpark(thread);
            Thread.sleep(5); // a test and shutdown helper: polling keeps the writer free of waiter bookkeeping
        }
        return true;
    }

    /** Records the writer stored. */
    public long written() {
        return written.get();
    }

    /** Records in the log that are not stored yet. */
    public long pending() {
        return reader.pending();
    }

    /** Age in seconds of the oldest record not stored yet (0 when none is waiting). */
    public long oldestPendingAgeSeconds() {
        long at = oldestPendingMs;
        return reader.pending() == 0 || at == 0 ? 0 : Math.max(0, (System.currentTimeMillis() - at) / 1000);
    }

    /** Whether the writer thread is parked until its tick (for tests that need it idle). */
    boolean waiting() {
        return parked;
    }

    /** Whether the last database call failed or timed out. */
    public boolean unavailable() {
        return unavailable;
    }

    /** Records that could not even be appended to the log (disk full or read-only). */
    public long lost() {
        return lost.get();
    }

    private void run() {
        while (!closing || reader.pending() > 0 && System.nanoTime() - deadlineNanos < 0) {
            boolean more;
            try {
                more = writeOnce();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "usage log read: " + e.getClass().getSimpleName());
                more = false;
            }
            if (!more) {
                long wait = unavailable ? RETRY_DELAY.toNanos() : closing ? 0 : tick.toNanos();
                if (closing) {
                    wait = Math.min(wait, Math.max(0, deadlineNanos - System.nanoTime()));
                }
                if (wait > 0) {
                    // woken by the clock, not by each record: a wake-up per request cost the request path a
                    // context switch on small machines, and one transaction per tick writes far less than one each
                    parked = true;
                    LockSupport.parkNanos(this, wait);
                    parked = false;
                }
            }
        }
    }

    /** One batch: read, store, commit (or keep waiting for the batch in flight); true when more is waiting. */
    private boolean writeOnce() throws IOException {
        if (inFlight == null) {
            inFlightStartedNanos = 0;
            boolean behind = closing
                    || behindSinceNanos != 0 && System.nanoTime() - behindSinceNanos >= catchUpLagNanos;
            inFlight = (behind ? catchUp : background).submit(this::storeNextBatch);
        }
        LogReader.Batch b;
        try {
            b = await(inFlight);
        } catch (TimeoutException e) {
            failed("no answer within " + CALL_TIMEOUT.toSeconds() + " s");
            return false; // the call keeps running; the next round waits for it again
        } catch (ExecutionException e) {
            inFlight = null;
            if (e.getCause() instanceof LogUnreadable u) {
                throw u.getCause();
            }
            failed(e.getCause() == null ? "error" : e.getCause().getClass().getSimpleName());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (b == null) {
            return false; // closing ran out of time; the batch keeps running
        }
        inFlight = null;
        boolean full = b.lines() >= batchSize;
        if (!full) {
            behindSinceNanos = 0;
        } else if (behindSinceNanos == 0) {
            behindSinceNanos = System.nanoTime();
        }
        if (b.isEmpty()) {
            oldestPendingMs = 0;
            return false;
        }
        written.addAndGet(b.records().size());
        if (unavailable) {
            unavailable = false;
            LOG.log(System.Logger.Level.INFO, "usage store available again; " + reader.pending()
                    + " usage records still in the log");
        }
        return full || closing && reader.pending() > 0;
    }

    /** Runs on a writer thread: reads the next batch, stores it and moves the checkpoint past it. */
    private LogReader.Batch storeNextBatch() throws Exception {
        inFlightStartedNanos = System.nanoTime();
        LogReader.Batch b;
        try {
            b = reader.next(batchSize);
        } catch (IOException e) {
            throw new LogUnreadable(e);
        }
        if (!b.records().isEmpty()) {
            oldestPendingMs = b.records().getFirst().timestampMs();
            writer.write(b.records());
        }
        if (!b.isEmpty()) {
            try {
                reader.commit(b);
            } catch (IOException e) {
                throw new LogUnreadable(e);
            }
        }
        return b;
    }

    /**
     * Waits for the batch in flight: up to {@link #CALL_TIMEOUT} after it began to run, or until the closing
     * deadline (then null). Time before it began does not count: at the lowest priority it may wait for the cores.
     */
    private LogReader.Batch await(Future<LogReader.Batch> f)
            throws ExecutionException, InterruptedException, TimeoutException {
        while (true) {
            long started = inFlightStartedNanos;
            long wait = started == 0 ? CALL_TIMEOUT.toNanos()
                    : CALL_TIMEOUT.toNanos() - (System.nanoTime() - started);
            if (closing) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                wait = Math.min(wait, left);
            }
            try {
                return f.get(Math.max(1, wait), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (inFlightStartedNanos != 0 && System.nanoTime() - inFlightStartedNanos >= CALL_TIMEOUT.toNanos()) {
                    throw e;
                }
            }
        }
    }

    /** A log read or checkpoint failure inside a writer task: not the store's fault, so not counted as one. */
    private static final class LogUnreadable extends RuntimeException {
        LogUnreadable(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    private void failed(String why) {
        failures.incrementAndGet();
        if (!unavailable) {
            unavailable = true;
            LOG.log(System.Logger.Level.WARNING, "usage store unavailable (" + why + "); usage records are kept in"
                    + " the usage log and written when it answers again");
        }
    }

    /**
     * Keeps writing until the log is drained or {@code deadlineNanos} (a {@link System#nanoTime} value) passes,
     * then closes the log. Returns the number of records left in the log (written at the next start).
     */
    public long close(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
        closing = true;
        LockSupport.unpark(thread);
        try {
            long left = deadlineNanos - System.nanoTime();
            if (left > 0) {
                thread.join(Duration.ofNanos(left).toMillis() + 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.close();
        background.shutdownNow();
        catchUp.shutdownNow();
        return reader.pending();
    }

    @Override
    public void close() {
        close(System.nanoTime() + Duration.ofSeconds(10).toNanos());
    }
}

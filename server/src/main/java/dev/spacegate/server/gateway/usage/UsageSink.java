package dev.spacegate.server.gateway.usage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * sent); one writer thread reads the log every {@link #TICK} (at once when a batch is full), stores what it read
 * and moves the log's checkpoint past it. A database call is given {@link #CALL_TIMEOUT}; when it fails or takes
 * longer the records simply stay in the log and are tried again, and after a restart they are read again from
 * the checkpoint (the store ignores records it already has).
 */
public final class UsageSink implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UsageSink.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RETRY_DELAY = Duration.ofSeconds(2);
    /** How long the writer waits for one database call before it treats the database as unavailable. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    /** How often the writer stores what gathered in the log: one transaction per tick disturbs requests least. */
    private static final Duration TICK = Duration.ofSeconds(1);

    private final UsageWriter writer;
    private final UsageLog log;
    private final LogReader reader;
    private final int batchSize;
    private final Duration tick;
    private final Thread thread;
    private final ExecutorService database = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("usage-db").factory());
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private volatile long oldestPendingMs;
    private volatile long deadlineNanos;
    private volatile boolean closing;
    private volatile boolean unavailable;
    private Future<?> inFlight;
    private LogReader.Batch inFlightBatch;

    public UsageSink(UsageWriter writer, Path logDir) throws IOException {
        this(writer, logDir, 500, TICK);
    }

    public UsageSink(UsageWriter writer, Path logDir, int batchSize, Duration tick) throws IOException {
        this.writer = writer;
        this.log = new UsageLog(logDir);
        this.reader = new LogReader(log);
        this.batchSize = batchSize;
        this.tick = tick;
        LegacyJournal.importInto(logDir, log);
        long pending = reader.pending();
        if (pending > 0) {
            LOG.log(System.Logger.Level.INFO, pending + " usage records from an earlier run wait in the usage log"
                    + " and are being written to the database");
        }
        this.thread = Thread.ofPlatform().daemon().name("usage-sink").start(this::run);
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
        return thread.getState() == Thread.State.TIMED_WAITING;
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
                    LockSupport.parkNanos(this, wait);
                }
            }
        }
    }

    /** One batch: read (or keep waiting for the call in flight), store, commit; true when more is waiting. */
    private boolean writeOnce() throws IOException {
        if (inFlight == null) {
            LogReader.Batch b = reader.next(batchSize);
            if (b.isEmpty()) {
                oldestPendingMs = 0;
                return false;
            }
            if (!b.records().isEmpty()) {
                oldestPendingMs = b.records().getFirst().timestampMs();
            }
            inFlightBatch = b;
            inFlight = b.records().isEmpty() ? java.util.concurrent.CompletableFuture.completedFuture(null)
                    : database.submit(() -> {
                        writer.write(b.records());
                        return null;
                    });
        }
        long wait = CALL_TIMEOUT.toNanos();
        if (closing) {
            wait = Math.min(wait, Math.max(1, deadlineNanos - System.nanoTime()));
        }
        try {
            inFlight.get(wait, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            failed("no answer within " + CALL_TIMEOUT.toSeconds() + " s");
            return false; // the call keeps running; the next round waits for it again
        } catch (ExecutionException e) {
            inFlight = null;
            failed(e.getCause() == null ? "error" : e.getCause().getClass().getSimpleName());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        LogReader.Batch b = inFlightBatch;
        inFlight = null;
        inFlightBatch = null;
        reader.commit(b);
        written.addAndGet(b.records().size());
        if (unavailable) {
            unavailable = false;
            LOG.log(System.Logger.Level.INFO, "usage store available again; " + reader.pending()
                    + " usage records still in the log");
        }
        return b.lines() >= batchSize || closing && reader.pending() > 0;
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
        database.shutdownNow();
        return reader.pending();
    }

    @Override
    public void close() {
        close(System.nanoTime() + Duration.ofSeconds(10).toNanos());
    }
}

package dev.spacegate.server.gateway.usage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The usage write-ahead log: append-only segment files of one JSON record per line.
 *
 * <p>{@link #append} writes the line into the file on the caller's thread (one {@code write} call), so a record is
 * in the operating system's hands before the response that produced it is sent: a killed process loses nothing.
 * A syncer thread makes what was appended durable on disk with one {@code fsync} per {@link #SYNC_WINDOW_NANOS} for all
 * records of that window (group commit), so a machine crash loses at most that window. The writer reads the
 * segments with {@link LogReader} and deletes those it has stored completely.
 */
final class UsageLog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UsageLog.class.getName());
    static final String PREFIX = "wal-";
    static final String SUFFIX = ".log";
    /**
     * Group commit window: appends within it share one fsync. Only a machine or kernel crash can lose what is not
     * synced yet (a killed process cannot: the kernel has the bytes). With 3 ms, requests arriving a few
     * milliseconds apart each paid an fsync of their own: +0.19 ms added p50 at one connection in GatewayBench
     * against 50 ms, with the same throughput at 64 (docs/benchmarks.md).
     */
    static final long SYNC_WINDOW_NANOS = 50_000_000L;
    static final long SEGMENT_BYTES = 16L * 1024 * 1024;

    private final Path dir;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong appendedBytes = new AtomicLong();
    private final AtomicLong appendedRecords = new AtomicLong();
    private final AtomicBoolean syncerParked = new AtomicBoolean();
    private final Thread syncer;
    private volatile FileChannel active;
    private volatile long activeSeq;
    private long activeSize;
    private volatile boolean open = true;
    private volatile IOException failure;

    /** Opens the log in {@code dir}; appends always go to a new segment, so a torn tail is never appended to. */
    UsageLog(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        List<Long> existing = segments(dir);
        openSegment(existing.isEmpty() ? 1 : existing.getLast() + 1);
        this.syncer = Thread.ofPlatform().daemon().name("usage-log-sync").start(this::syncLoop);
    }

    Path dir() {
        return dir;
    }

    /** The sequence numbers of the segment files in {@code dir}, oldest first. */
    static List<Long> segments(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(PREFIX) && n.endsWith(SUFFIX))
                    .map(n -> Long.parseLong(n.substring(PREFIX.length(), n.length() - SUFFIX.length())))
                    .sorted().toList();
        }
    }

    static Path segment(Path dir, long seq) {
        String digits = Long.toString(seq); // zero-padded to 16 by hand: String.format showed in the writer's profile
        return dir.resolve(PREFIX + "0".repeat(Math.max(0, 16 - digits.length())) + digits + SUFFIX);
    }

    /** The segment appends go to; every older one is complete. */
    long activeSeq() {
        return activeSeq;
    }

    /** Records appended since this log was opened. */
    long appended() {
        return appendedRecords.get();
    }

    /** Appends one record (a JSON object without line breaks, ending in {@code '\n'}). */
    void append(byte[] line) throws IOException {
        lock.lock();
        try {
            if (!open) {
                throw new ClosedChannelException();
            }
            if (activeSize >= SEGMENT_BYTES) {
                FileChannel old = active;
                openSegment(activeSeq + 1);
                old.force(false);
                old.close();
            }
            ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining()) {
                active.write(b);
            }
            activeSize += line.length;
            appendedRecords.incrementAndGet();
        } finally {
            lock.unlock();
        }
        appendedBytes.addAndGet(line.length);
        if (syncerParked.get() && syncerParked.compareAndSet(true, false)) {
            LockSupport.unpark(syncer);
        }
    }

    private void openSegment(long seq) throws IOException {
        FileChannel ch = FileChannel.open(segment(dir, seq), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        activeSize = ch.size();
        activeSeq = seq;
        active = ch;
    }

    private void syncLoop() {
        long synced = 0;
        while (open) {
            long target = appendedBytes.get();
            if (target == synced) {
                syncerParked.set(true);
                if (appendedBytes.get() == synced && open) {
                    LockSupport.park(this);
                }
                syncerParked.set(false);
                continue;
            }
            try {
                active.force(false);
                synced = target;
                failure = null;
            } catch (ClosedChannelException e) {
                continue; // rolled over: the old segment was forced before it was closed; sync the new one
            } catch (IOException e) {
                if (failure == null) {
                    LOG.log(System.Logger.Level.ERROR, "usage log cannot be synced to disk: "
                            + e.getClass().getSimpleName());
                }
                failure = e;
            }
            LockSupport.parkNanos(this, SYNC_WINDOW_NANOS);
        }
    }

    /** Forces everything appended to disk and stops accepting appends. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!open) {
                return;
            }
            open = false;
            active.force(false);
            active.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "usage log close: " + e.getClass().getSimpleName());
        } finally {
            lock.unlock();
        }
        LockSupport.unpark(syncer);
    }
}

package dev.spacegate.server.gateway.usage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import dev.spacegate.persistence.PersistenceException;
import dev.spacegate.persistence.usage.UsageEvent;

/**
 * The database writer's side of the {@link UsageLog}: reads records after the durable checkpoint, and after they
 * were stored moves the checkpoint past them and deletes the segments it has left behind.
 *
 * <p>The checkpoint file is replaced atomically but not synced: after a machine crash it may point a little back,
 * and the store ignores records it already has (their event hash is unique), so nothing is counted twice.
 */
final class LogReader {
    private static final System.Logger LOG = System.getLogger(LogReader.class.getName());
    private static final String CHECKPOINT = "checkpoint";
    /** The read buffer's first size; it grows (up to a segment) only for a record longer than that. */
    private static final int READ_BYTES = 256 * 1024;

    /** Records read from the log and the position just after them. */
    record Batch(List<UsageEvent> records, int lines, long endSeq, long endOffset) {
        boolean isEmpty() {
            return lines == 0;
        }
    }

    private final UsageLog log;
    private final Path dir;
    private final long pendingAtOpen;
    /** Reused for every read: a fresh megabyte per batch was an eighth of the gateway's allocation. */
    private byte[] buffer = new byte[READ_BYTES];
    private long seq;
    private long offset;
    private volatile long consumed;

    LogReader(UsageLog log) throws IOException {
        this.log = log;
        this.dir = log.dir();
        long[] at = readCheckpoint();
        List<Long> segments = UsageLog.segments(dir);
        long first = segments.isEmpty() ? log.activeSeq() : segments.getFirst();
        if (at == null || at[0] < first) {
            seq = first;
            offset = 0;
        } else {
            seq = at[0];
            offset = at[1];
        }
        for (long s : segments) {
            if (s < seq) {
                Files.deleteIfExists(UsageLog.segment(dir, s)); // stored before, its deletion cut short
            }
        }
        this.pendingAtOpen = countPending(segments);
    }

    /** Records in the log not yet stored. */
    long pending() {
        return total() - consumed;
    }

    /** Records read and stored since this reader was opened. */
    long consumed() {
        return consumed;
    }

    /** Records waiting when this reader was opened plus those appended since. */
    long total() {
        return pendingAtOpen + log.appended();
    }

    /** Reads up to {@code max} records after the checkpoint (malformed lines count as read, and are skipped). */
    Batch next(int max) throws IOException {
        List<UsageEvent> out = new ArrayList<>(Math.min(max, 512));
        long s = seq;
        long off = offset;
        int lines = 0;
        while (lines < max) {
            long active = log.activeSeq();
            Path file = UsageLog.segment(dir, s);
            int n;
            long size;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                size = ch.size();
                n = read(ch, off, (int) Math.min(buffer.length, Math.max(0, size - off)));
            } catch (NoSuchFileException e) {
                if (s < active) {
                    s++;
                    off = 0;
                    continue;
                }
                break;
            }
            byte[] data = buffer;
            int used = 0;
            for (int i = 0; i < n && lines < max; i++) {
                if (data[i] == '\n') {
                    parse(data, used, i, out);
                    lines++;
                    used = i + 1;
                }
            }
            off += used;
            boolean more = off + (n - used) < size;
            if (lines >= max || more && used > 0) {
                continue; // batch full, or more of this segment to read
            }
            if (more && n == buffer.length && buffer.length < UsageLog.SEGMENT_BYTES) {
                buffer = new byte[buffer.length * 2]; // one record longer than the buffer: read it whole next round
                continue;
            }
            if (s < active && !more) {
                if (used < n) {
                    LOG.log(System.Logger.Level.WARNING, "usage log " + file.getFileName()
                            + " ends in a torn record (a crash while writing it); skipped");
                }
                s++;
                off = 0;
                continue;
            }
            break;
        }
        return new Batch(out, lines, s, off);
    }

    /** Reads up to {@code n} bytes at {@code from} into {@link #buffer}; returns how many. */
    private int read(FileChannel ch, long from, int n) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
        while (b.hasRemaining() && ch.read(b, from + b.position()) > 0) {
            // keep reading
        }
        return b.position();
    }

    /** Normalises one line straight from the buffer, streaming, with no JSON tree in between. */
    private static void parse(byte[] data, int from, int to, List<UsageEvent> out) {
        if (to <= from) {
            return;
        }
        try {
            out.add(UsageEvent.fromJson(data, from, to - from));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "usage log: a malformed record was skipped");
        } catch (PersistenceException e) {
            // not an object, or a record the store cannot take (an unreadable timestamp): retrying cannot help
            LOG.log(System.Logger.Level.WARNING, "usage log: a record that is not a usage record was skipped");
        }
    }

    /** The batch was stored: move the durable checkpoint past it and delete the segments left behind. */
    void commit(Batch b) throws IOException {
        Path tmp = dir.resolve(CHECKPOINT + ".tmp");
        Files.writeString(tmp, b.endSeq() + " " + b.endOffset() + "\n");
        Files.move(tmp, dir.resolve(CHECKPOINT), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        for (long s = seq; s < b.endSeq(); s++) {
            Files.deleteIfExists(UsageLog.segment(dir, s));
        }
        seq = b.endSeq();
        offset = b.endOffset();
        consumed += b.lines();
    }

    private long[] readCheckpoint() {
        try {
            String[] parts = Files.readString(dir.resolve(CHECKPOINT)).trim().split(" ");
            return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
        } catch (IOException | RuntimeException e) {
            return null; // none yet, or unreadable: start at the oldest segment (the store ignores repeats)
        }
    }

    private long countPending(List<Long> segments) throws IOException {
        long n = 0;
        for (long s : segments) {
            if (s < seq) {
                continue;
            }
            byte[] data = Files.readAllBytes(UsageLog.segment(dir, s));
            for (int i = (int) (s == seq ? Math.min(offset, data.length) : 0); i < data.length; i++) {
                if (data[i] == '\n') {
                    n++;
                }
            }
        }
        return n;
    }
}

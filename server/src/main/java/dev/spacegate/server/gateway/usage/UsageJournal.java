package dev.spacegate.server.gateway.usage;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Local spill files for usage records the store could not take: one JSON object per line, one file per
 * spilled batch (written to a temp name, then renamed, so a crash never leaves half a batch to replay).
 */
final class UsageJournal {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUFFIX = ".jsonl";

    private final Path dir;
    private final AtomicLong seq = new AtomicLong();
    private final ReentrantLock overflowLock = new ReentrantLock();
    private BufferedWriter overflow;
    private Path overflowPath;

    UsageJournal(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    /** Writes one batch as a new journal file. */
    void spill(List<ObjectNode> batch) throws IOException {
        Path tmp = dir.resolve(nextName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            for (ObjectNode r : batch) {
                w.write(JSON.writeValueAsString(r));
                w.write('\n');
            }
        }
        Files.move(tmp, dir.resolve(tmp.getFileName().toString().replace(".tmp", SUFFIX)),
                StandardCopyOption.ATOMIC_MOVE);
    }

    /** Appends one record to the overflow file (used when the in-memory queue is full). */
    void overflow(ObjectNode record) throws IOException {
        overflowLock.lock();
        try {
            if (overflow == null) {
                overflowPath = dir.resolve(nextName() + ".open");
                overflow = Files.newBufferedWriter(overflowPath, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            }
            overflow.write(JSON.writeValueAsString(record));
            overflow.write('\n');
            overflow.flush();
        } finally {
            overflowLock.unlock();
        }
    }

    /** Closes the overflow file so the next replay picks it up. */
    void sealOverflow() throws IOException {
        overflowLock.lock();
        try {
            if (overflow != null) {
                overflow.close();
                Files.move(overflowPath, dir.resolve(overflowPath.getFileName().toString().replace(".open", SUFFIX)),
                        StandardCopyOption.ATOMIC_MOVE);
                overflow = null;
            }
        } finally {
            overflowLock.unlock();
        }
    }

    /** Sealed journal files, oldest first. */
    List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        }
    }

    /** Reads a journal file; malformed lines (a torn write) are skipped. */
    List<ObjectNode> read(Path file) throws IOException {
        List<ObjectNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add((ObjectNode) JSON.readTree(line));
            } catch (IOException | ClassCastException e) {
                // a line cut short by a crash: nothing to replay
            }
        }
        return out;
    }

    private String nextName() {
        return "usage-" + String.format("%015d", System.currentTimeMillis()) + "-"
                + String.format("%06d", seq.incrementAndGet());
    }
}

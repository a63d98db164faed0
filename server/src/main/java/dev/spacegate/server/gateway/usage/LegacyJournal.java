package dev.spacegate.server.gateway.usage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Moves the spill files of earlier versions ({@code usage-*.jsonl}, {@code usage-*.open}) into the usage log. */
final class LegacyJournal {
    private LegacyJournal() {
    }

    static void importInto(Path dir, UsageLog log) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("usage-") && (n.endsWith(".jsonl") || n.endsWith(".open"));
            }).sorted().toList();
        }
        for (Path f : files) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    log.append((line.strip() + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            Files.delete(f); // appended first: a crash in between replays the file again, which the store ignores
        }
    }
}

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * Where a gateway's CPU and allocation go, from a JFR recording made by bench/profile.sh: CPU samples (JDK 25's
 * CPU-time sampler, else execution samples) sorted into the request path's parts, and bytes allocated per request
 * from the heap before and after each collection. Run: {@code java JfrSummary.java <recording.jfr> <requests>}.
 */
public final class JfrSummary {
    /** A part of the work: its name and the test on (stack from the leaf, thread name); the first that holds wins. */
    private record Part(String name, BiPredicate<String, String> holds) {
    }

    private static final List<Part> PARTS = List.of(
            new Part("usage writer threads: storing into SQLite",
                    (s, t) -> t.startsWith("usage-") && (s.contains("DbUsageStore") || s.contains("sqlite"))),
            new Part("usage writer threads: reading the log back, parsing, normalising",
                    (s, t) -> t.startsWith("usage-")),
            new Part("socket pollers (the JDK's epoll threads)", (s, t) -> t.contains("Poller")),
            new Part("virtual-thread scheduling on carrier threads",
                    (s, t) -> s.startsWith("java.util.concurrent.ForkJoinPool") || s.contains("VirtualThread.park")
                            || s.contains("VirtualThread.unpark") || s.contains("Continuation.yield")),
            new Part("request: socket reads and writes (client and upstream)", (s, t) -> s.contains("NioSocketImpl")),
            new Part("request: the usage record (JSON line, log append)",
                    (s, t) -> s.contains("spacegate.server.gateway.usage.")),
            new Part("request: Helidon (HTTP parsing, routing, response writing)",
                    (s, t) -> "helidon".equals(owner(s))),
            new Part("request: Spacegate (filters, routing, intake, pool, relay, token counts)",
                    (s, t) -> "spacegate".equals(owner(s))),
            new Part("other Java threads (access-log writer, watchdog, JDK)", (s, t) -> true));

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long requests = Long.parseLong(args[1]);
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        boolean cpuTime = events.stream().anyMatch(e -> e.getEventType().getName().equals("jdk.CPUTimeSample"));
        String sampleEvent = cpuTime ? "jdk.CPUTimeSample" : "jdk.ExecutionSample";
        Map<String, Integer> counts = new LinkedHashMap<>();
        PARTS.forEach(p -> counts.put(p.name(), 0));
        int total = 0;
        long allocated = 0;
        Long lastAfter = null;
        int collections = 0;
        for (RecordedEvent e : events) {
            String type = e.getEventType().getName();
            if (type.equals(sampleEvent)) {
                String stack = stack(e);
                String thread = threadName(e, cpuTime ? "eventThread" : "sampledThread");
                for (Part p : PARTS) {
                    if (p.holds().test(stack, thread)) {
                        counts.merge(p.name(), 1, Integer::sum);
                        break;
                    }
                }
                total++;
            } else if (type.equals("jdk.GCHeapSummary")) {
                long used = e.getLong("heapUsed");
                if ("Before GC".equals(e.getString("when"))) {
                    if (lastAfter != null) {
                        allocated += used - lastAfter;
                    }
                    collections++;
                } else {
                    lastAfter = used;
                }
            }
        }
        System.out.printf("%s: %d samples of Java threads (JIT and GC threads are not sampled)%n", sampleEvent, total);
        System.out.println("| where | share |\n|---|---|");
        for (Map.Entry<String, Integer> c : counts.entrySet()) {
            System.out.printf("| %s | %.1f %% |%n", c.getKey(), total == 0 ? 0.0 : 100.0 * c.getValue() / total);
        }
        System.out.printf("allocated per request: %.1f KB (heap before each collection minus after the previous one,"
                + " %d collections)%n", allocated / 1024.0 / requests, collections);
    }

    /** The frames from the leaf up, as type.method joined by '|'. */
    private static String stack(RecordedEvent e) {
        if (e.getStackTrace() == null) {
            return "";
        }
        List<String> frames = new ArrayList<>();
        for (RecordedFrame f : e.getStackTrace().getFrames()) {
            frames.add(f.getMethod().getType().getName() + "." + f.getMethod().getName());
        }
        return String.join("|", frames);
    }

    /** Whose code a sample ran in: the first Spacegate or Helidon frame from the leaf. */
    private static String owner(String stack) {
        for (String frame : stack.split("\\|")) {
            if (frame.startsWith("dev.spacegate.")) {
                return "spacegate";
            }
            if (frame.startsWith("io.helidon.")) {
                return "helidon";
            }
        }
        return "";
    }

    private static String threadName(RecordedEvent e, String field) {
        RecordedThread t = e.hasField(field) ? e.getThread(field) : e.getThread();
        if (t == null) {
            return "";
        }
        return t.getJavaName() == null ? "" : t.getJavaName();
    }
}

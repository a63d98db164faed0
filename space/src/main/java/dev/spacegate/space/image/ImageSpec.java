package dev.spacegate.space.image;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything that goes into the server image. Same spec and same jar bytes give the same digest.
 *
 * @param base base image: a registry reference (pin it by digest) or {@code tar:///path.tar}
 * @param jar the server jar, placed at {@code /app/<file name>}
 * @param libsDir directory of dependency jars, placed under {@code /app/libs}
 * @param mainClass the server's main class
 * @param jvmFlags JVM flags baked into the entrypoint
 * @param target where to push: {@code registry/repository} (tagged with {@code tags}), ignored when {@code tarOutput} set
 * @param tags tags for the pushed image; the first is the primary one
 * @param tarOutput when set, write the image to this tar instead of pushing
 * @param registryUser registry user, or null for anonymous
 * @param registryPassword registry password or token, or null
 * @param insecureRegistry allow plain HTTP (loopback test registries)
 * @param cacheDir Jib's layer cache
 */
public record ImageSpec(String base, Path jar, Path libsDir, String mainClass, List<String> jvmFlags, String target,
        List<String> tags, Path tarOutput, String registryUser, String registryPassword, boolean insecureRegistry,
        Path cacheDir) {

    /** Base image used when none is given: Temurin 21 JRE, pinned by digest so builds are reproducible. */
    public static final String DEFAULT_BASE =
            "eclipse-temurin:21-jre@sha256:7a65df4b22d2de92d4e04056e884f3b9122d70b21e2847fd66084278bd0ce037";

    /**
     * JVM flags for a one-container deployment (2 vCPU / 16 GB Space): explicit sizes, because a heap share of the
     * machine's RAM (the old {@code MaxRAMPercentage=60}) lets a 16 GB Space's JVM grow to about 800 MB of RSS under
     * load. Under steady load SerialGC fills the whole {@code -Xmx} with garbage between full collections, so the RSS
     * is about {@code Xmx} + 96 MB (metaspace, code cache, CDS, libraries, malloc): {@code -Xmx144m} keeps it under
     * 256 MB after 60 s at 64 connections (234 MB measured; 256 MB of heap: 352-380 MB). {@code -Xmn48m}: with
     * {@code -Xms32m} the young generation otherwise stays at a third of the small committed heap, collected every
     * 40-100 ms with requests' garbage promoted; fixed at 48 MB requests took 9-11 % less CPU and the
     * 1,000-stream gaps were shorter (docs/operations.md); {@code -Xms64m} keeps the initial heap above it, since a
     * JVM whose old generation starts at 64 KB cannot load the AOT cache's archived heap objects and refuses to start.
     * The live set is 20 MB idle
     * plus about 53 KB per open stream, so 1,000 open streams fit (no OutOfMemoryError; their event gaps were shorter
     * than with 256 MB in five of ten rounds; docs/operations.md has the measurements).
     * SerialGC: one core's pauses on a heap this small, without G1's or ZGC's helper threads competing for the two
     * vCPUs. {@code TrimNativeHeapInterval}: glibc keeps what the JIT compilers freed after warm-up (a 42 MB malloc
     * peak) as RSS; trimming every 5 s gives back about 28 MB (a product flag from JDK 21.0.4 and in 25, experimental
     * in 21.0.1 to 21.0.3, hence the unlock). The priority flags let threads of the lowest Java priority (the usage
     * writer's) run at the operating system's lowest, so request threads come first on two cores, and keep the JVM's
     * own threads of priority 8-10 (compilers, GC, reference handler) at the normal one, which they would otherwise
     * raise when run as root; the JVM warns at start that raising a priority may need privileges
     * (docs/operations.md). Die fast on OOM so the Space restarts. Native access is granted to the class path because
     * sqlite-jdbc (the embedded store) loads a JNI library, which newer JDKs warn about and will block.
     */
    public static final List<String> DEFAULT_JVM_FLAGS = List.of("-Xms64m", "-Xmx144m", "-Xmn48m", "-XX:+UseSerialGC",
            "-XX:MaxMetaspaceSize=96m", "-XX:ReservedCodeCacheSize=48m", "-XX:MaxDirectMemorySize=32m", "-Xss512k",
            "-XX:+UnlockExperimentalVMOptions", "-XX:TrimNativeHeapInterval=5000", "-XX:ThreadPriorityPolicy=1",
            "-XX:JavaPriority1_To_OSPriority=19", "-XX:JavaPriority8_To_OSPriority=0",
            "-XX:JavaPriority9_To_OSPriority=0", "-XX:JavaPriority10_To_OSPriority=0", "-XX:+ExitOnOutOfMemoryError",
            "-Djava.security.egd=file:/dev/./urandom", "--enable-native-access=ALL-UNNAMED");

    /** Where the application lives in the image. */
    public static final String APP_ROOT = "/app";

    /** The user the image runs as; Hugging Face runs Space containers as uid 1000. */
    public static final String USER = "1000";

    /** Listening port: the {@code app_port} the Space's README declares. */
    public static final int PORT = 7860;

    /**
     * The server's local state directory (usage journal, embedded SQLite when no PGSTORE_DSN, generated keys).
     * {@value #APP_ROOT} belongs to root, so uid 1000 cannot write there; {@code /tmp} is writable by every user
     * in every base image, and a Space's disk is wiped on restart anyway. Durable state belongs in PGSTORE_DSN.
     */
    public static final String DATA_DIR = "/tmp/spacegate";

    /**
     * Environment baked into the image; the Space's secrets and variables are added on top and win. Sorted: the
     * order lands in the image config, and {@code Map.of} iterates differently in every JVM (a new digest).
     * {@code MALLOC_ARENA_MAX=2}: glibc otherwise keeps up to 8 malloc arenas per core for native allocations
     * (SQLite, the JIT), tens of MB of RSS the Java flags do not bound.
     */
    public static final Map<String, String> ENVIRONMENT = Collections.unmodifiableMap(new TreeMap<>(
            Map.of("PORT", String.valueOf(PORT), "DATA_DIR", DATA_DIR, "MALLOC_ARENA_MAX", "2")));

    public ImageSpec {
        jvmFlags = List.copyOf(jvmFlags);
        tags = List.copyOf(tags);
    }
}

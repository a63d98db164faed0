package dev.spacegate.space.image;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InsecureRegistryException;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryAuthenticationFailedException;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Port;
import dev.spacegate.space.PublishException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Builds the server image with jib-core: base image + a layer of dependency jars + a layer with the server jar
 * (+ a layer with the class archive, {@link AotArchive}), entrypoint {@code java <flags> [archive flag] -cp
 * /app/<jar>:/app/libs/<each jar, sorted> <main>}, user 1000, port 7860, environment {@link ImageSpec#ENVIRONMENT}
 * ({@code PORT=7860}, a {@code DATA_DIR} that uid 1000 may write). Creation time and file times are fixed, so the
 * same jars and archive on the same base give the same digest.
 */
public final class ImageBuilder {
    /** Files get this modification time (Jib's own default): fixed, so layers are reproducible. */
    private static final Instant FILE_TIME = Instant.EPOCH.plusSeconds(1);
    private static final FilePermissions FILE_PERMISSIONS = FilePermissions.fromOctalString("644");
    private static final String SQLITE_NATIVE_ENTRY = "org/sqlite/native/Linux/x86_64/libsqlitejdbc.so";
    private static final String SQLITE_NATIVE_DIR = ImageSpec.APP_ROOT + "/native";
    private static final String SQLITE_NATIVE_NAME = "libsqlitejdbc.so";
    /** sqlite-jdbc loads the library named here instead of unpacking its own copy (it falls back to that). */
    public static final List<String> SQLITE_NATIVE_FLAGS = List.of("-Dorg.sqlite.lib.path=" + SQLITE_NATIVE_DIR,
            "-Dorg.sqlite.lib.name=" + SQLITE_NATIVE_NAME);

    private ImageBuilder() {
    }

    /**
     * Builds and pushes (or writes) the final image; {@code archive}, when not null, becomes one more layer and its
     * flag goes into the entrypoint. {@code log} receives Jib's progress lines.
     */
    public static ImageResult build(ImageSpec spec, AotArchive archive, Consumer<String> log) {
        String primaryTag = spec.tags().isEmpty() ? "latest" : spec.tags().getFirst();
        ImageReference target = reference(spec.target() + ":" + primaryTag, "target image");
        try {
            Containerizer containerizer;
            if (spec.tarOutput() != null) {
                containerizer = Containerizer.to(TarImage.at(spec.tarOutput()).named(target));
            } else {
                RegistryImage to = RegistryImage.named(target);
                if (spec.registryUser() != null && spec.registryPassword() != null) {
                    to.addCredential(spec.registryUser(), spec.registryPassword());
                }
                containerizer = Containerizer.to(to);
                for (String tag : spec.tags().subList(Math.min(1, spec.tags().size()), spec.tags().size())) {
                    containerizer.withAdditionalTag(tag);
                }
            }
            JibContainer container = containerize(spec, archive, target, containerizer, log);
            return new ImageResult(repository(target), container.getDigest().toString(), spec.tarOutput() == null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted", "interrupted while building the image");
        } catch (Exception e) {
            throw translate(e, target);
        }
    }

    /**
     * Writes the stage-1 image (everything but the archive) to {@code tar} under the local name {@code name}, for a
     * training run; returns its digest, which names exactly the inputs the archive depends on.
     */
    static String buildStageOne(ImageSpec spec, Path tar, String name, Consumer<String> log) {
        ImageReference local = reference(name, "training image");
        ImageReference target = reference(spec.target() + ":latest", "target image");
        try {
            Containerizer containerizer = Containerizer.to(TarImage.at(tar).named(local));
            return containerize(spec, null, target, containerizer, log).getDigest().toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted", "interrupted while building the image");
        } catch (Exception e) {
            throw translate(e, target);
        }
    }

    /**
     * The image's entrypoint: {@code java <flags> <extraFlags> -cp <class path> <main>}. The class path names every
     * jar, sorted, instead of {@code /app/libs/*}: the launcher expands a wildcard in directory order, which the
     * training container and a Space's runtime need not share, and an archive is only valid for the class path it
     * was trained with.
     */
    static List<String> entrypoint(ImageSpec spec, List<String> extraFlags) {
        List<String> classPath = new ArrayList<>();
        classPath.add(ImageSpec.APP_ROOT + "/" + spec.jar().getFileName());
        for (Path lib : libs(spec)) {
            classPath.add(libPath(lib));
        }
        List<String> entrypoint = new ArrayList<>();
        entrypoint.add("java");
        entrypoint.addAll(spec.jvmFlags());
        if (sqliteNative(spec) != null) {
            entrypoint.addAll(SQLITE_NATIVE_FLAGS);
        }
        entrypoint.addAll(extraFlags);
        entrypoint.addAll(List.of("-cp", String.join(":", classPath), spec.mainClass()));
        return entrypoint;
    }

    private static JibContainer containerize(ImageSpec spec, AotArchive archive, ImageReference target,
            Containerizer containerizer, Consumer<String> log) throws Exception {
        List<Path> libs = libs(spec);
        if (!Files.isRegularFile(spec.jar())) {
            throw new PublishException("missing_jar", "server jar " + spec.jar()
                    + " not found: build it first (./mvnw -pl server -am package) or pass --jar");
        }
        if (spec.insecureRegistry() && isLoopback(target.getRegistry())) {
            // Jib refuses to send credentials over plain HTTP unless told to; only ever for loopback test registries.
            System.setProperty("sendCredentialsOverHttp", "true");
        }
        JibContainerBuilder builder = base(spec, target);
        FileEntriesLayer.Builder libsLayer = FileEntriesLayer.builder().setName("dependencies");
        for (Path lib : libs) {
            libsLayer.addEntry(lib, AbsoluteUnixPath.get(libPath(lib)), FILE_PERMISSIONS, FILE_TIME);
        }
        FileEntriesLayer appLayer = FileEntriesLayer.builder().setName("application").addEntry(spec.jar(),
                AbsoluteUnixPath.get(ImageSpec.APP_ROOT + "/" + spec.jar().getFileName()), FILE_PERMISSIONS,
                FILE_TIME).build();
        List<FileEntriesLayer> layers = new ArrayList<>(List.of(libsLayer.build(), appLayer));
        Path sqlite = sqliteNative(spec);
        if (sqlite != null) {
            layers.add(FileEntriesLayer.builder().setName("native").addEntry(sqlite,
                    AbsoluteUnixPath.get(SQLITE_NATIVE_DIR + "/" + SQLITE_NATIVE_NAME), FILE_PERMISSIONS, FILE_TIME)
                    .build());
        }
        List<String> archiveFlags = List.of();
        if (archive != null) {
            // Its own layer, last: the layers below are byte for byte the ones the archive was trained on.
            layers.add(FileEntriesLayer.builder().setName("aot-cache").addEntry(archive.file(),
                    AbsoluteUnixPath.get(archive.kind().imagePath()), FILE_PERMISSIONS, FILE_TIME).build());
            archiveFlags = List.of(archive.kind().useFlag());
        }
        builder.setFileEntriesLayers(layers)
                .setEntrypoint(entrypoint(spec, archiveFlags))
                .setProgramArguments(List.of())
                .setEnvironment(ImageSpec.ENVIRONMENT)
                .setExposedPorts(Port.tcp(ImageSpec.PORT))
                .setUser(ImageSpec.USER)
                .setWorkingDirectory(AbsoluteUnixPath.get(ImageSpec.APP_ROOT))
                .setLabels(Map.of("org.opencontainers.image.title", "spacegate"))
                .setFormat(ImageFormat.Docker)
                .setCreationTime(Instant.EPOCH);
        containerizer.setAllowInsecureRegistries(spec.insecureRegistry())
                .setToolName("spacegate-publisher")
                .setBaseImageLayersCache(spec.cacheDir().resolve("base"))
                .setApplicationLayersCache(spec.cacheDir().resolve("application"))
                .addEventHandler(LogEvent.class, e -> {
                    if ((e.getLevel() == LogEvent.Level.WARN || e.getLevel() == LogEvent.Level.LIFECYCLE)
                            && !e.getMessage().isBlank()) {
                        log.accept(e.getMessage().strip());
                    }
                });
        return builder.containerize(containerizer);
    }

    private static String libPath(Path lib) {
        return ImageSpec.APP_ROOT + "/libs/" + lib.getFileName();
    }

    /** {@code registry/repository} without tag or digest. */
    static String repository(ImageReference ref) {
        return ref.getRegistry() + "/" + ref.getRepository();
    }

    private static JibContainerBuilder base(ImageSpec spec, ImageReference target) throws InvalidImageReferenceException {
        if (spec.base().startsWith(Jib.TAR_IMAGE_PREFIX)) {
            Path tar = Path.of(spec.base().substring(Jib.TAR_IMAGE_PREFIX.length()));
            if (!Files.isRegularFile(tar)) {
                throw new PublishException("missing_base", "base image tar " + tar + " not found");
            }
            return Jib.from(TarImage.at(tar));
        }
        ImageReference baseRef = reference(spec.base(), "base image");
        RegistryImage base = RegistryImage.named(baseRef);
        // The target registry's credentials also open a private base image on the same registry.
        if (baseRef.getRegistry().equals(target.getRegistry()) && spec.registryUser() != null
                && spec.registryPassword() != null) {
            base.addCredential(spec.registryUser(), spec.registryPassword());
        }
        return Jib.from(base);
    }

    /**
     * sqlite-jdbc's native library for the image's platform (linux/amd64), unpacked from its jar at build time into
     * the publisher's cache; null when the dependencies hold no such jar or entry. Without it the driver copies the
     * library to a temporary file and runs a child process to probe the OS at every start: about 0.1 s of a Space's
     * cold start on two cores (docs/benchmarks.md). {@link #SQLITE_NATIVE_FLAGS} point the driver at the unpacked one.
     */
    static Path sqliteNative(ImageSpec spec) {
        Path jar = libs(spec).stream().filter(p -> p.getFileName().toString().startsWith("sqlite-jdbc-")).findFirst()
                .orElse(null);
        if (jar == null) {
            return null;
        }
        Path out = spec.cacheDir().resolve("native").resolve(jar.getFileName().toString()).resolve(SQLITE_NATIVE_NAME);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(SQLITE_NATIVE_ENTRY);
            if (entry == null) {
                return null;
            }
            if (!Files.isRegularFile(out) || Files.size(out) != entry.getSize()) {
                Files.createDirectories(out.getParent());
                Path tmp = Files.createTempFile(out.getParent(), SQLITE_NATIVE_NAME, ".tmp");
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
            return out;
        } catch (IOException e) {
            throw new PublishException("missing_libs", "cannot unpack " + SQLITE_NATIVE_ENTRY + " from " + jar + ": "
                    + e.getMessage());
        }
    }

    private static List<Path> libs(ImageSpec spec) {
        if (!Files.isDirectory(spec.libsDir())) {
            throw new PublishException("missing_libs", "dependency directory " + spec.libsDir()
                    + " not found: build the server first (./mvnw -pl server -am package) or pass --libs");
        }
        try (Stream<Path> s = Files.list(spec.libsDir())) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new PublishException("missing_libs", "cannot list " + spec.libsDir() + ": " + e.getMessage());
        }
    }

    private static ImageReference reference(String text, String what) {
        try {
            return ImageReference.parse(text);
        } catch (InvalidImageReferenceException e) {
            throw new PublishException("bad_image_ref", what + " '" + text + "' is not a valid image reference");
        }
    }

    static boolean isLoopback(String registry) {
        String host = registry.replaceFirst(":\\d+$", "");
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]");
    }

    private static PublishException translate(Exception e, ImageReference target) {
        String registry = target.getRegistry();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PublishException p) {
                return p;
            }
            if (t instanceof RegistryUnauthorizedException || t instanceof RegistryAuthenticationFailedException) {
                return new PublishException("registry_auth", "the registry " + registry + " refused the credentials for "
                        + repository(target) + " (unauthorized): check REGISTRY_USERNAME / REGISTRY_PASSWORD and that "
                        + "they may push to this repository");
            }
            if (t instanceof InsecureRegistryException) {
                return new PublishException("registry_insecure", "the registry " + registry
                        + " does not offer a verifiable HTTPS connection; pass --insecure-registry only for a "
                        + "registry on loopback");
            }
            if (t instanceof ConnectException || t instanceof UnknownHostException) {
                return new PublishException("registry_unreachable", "cannot connect to the registry " + registry
                        + " (" + t.getClass().getSimpleName() + ")");
            }
        }
        Throwable root = e;
        while (root.getCause() != null && (root instanceof java.util.concurrent.ExecutionException
                || root.getMessage() == null)) {
            root = root.getCause();
        }
        String kind = e instanceof RegistryException || root instanceof RegistryException ? "registry_error" : "image_build";
        return new PublishException(kind, "image build for " + repository(target) + " failed: "
                + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage()));
    }
}

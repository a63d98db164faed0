package dev.spacegate.space.image;

/**
 * The two kinds of class archive the publisher can bake into the image, chosen by the base image's JVM: the JDK's
 * ahead-of-time cache (JEP 483/514/515, JDK 25+; classes loaded and linked, method profiles) or, on older JVMs, a
 * dynamic AppCDS archive (JDK 13+; classes parsed and verified). Each is written by a training run of the image
 * and read by the flag the final image's entrypoint carries. With either flag a missing, damaged or mismatched
 * archive makes the JVM print one line and start without it (the flags' default {@code auto} mode), except that a
 * JDK 25 JVM whose initial old generation is too small for the cache's archived heap objects refuses to start
 * ({@code -Xms} not above {@code -Xmn}; ImageSpec keeps it above).
 */
public enum ArchiveKind {
    /** JDK 25+: {@code -XX:AOTCacheOutput} in one training run, {@code -XX:AOTCache} to use it. */
    AOT_CACHE("spacegate.aot", "-XX:AOTCacheOutput=", "-XX:AOTCache="),
    /** JDK 21-24: a dynamic archive on top of the JDK's own CDS archive. */
    DYNAMIC_CDS("spacegate.jsa", "-XX:ArchiveClassesAtExit=", "-XX:SharedArchiveFile=");

    /** The first JDK whose launcher writes an AOT cache in a single training run (JEP 514). */
    static final int AOT_CACHE_SINCE = 25;

    private final String fileName;
    private final String writeFlag;
    private final String useFlag;

    ArchiveKind(String fileName, String writeFlag, String useFlag) {
        this.fileName = fileName;
        this.writeFlag = writeFlag;
        this.useFlag = useFlag;
    }

    /** The kind a JVM of this feature version ({@code java.specification.version}) writes. */
    public static ArchiveKind forJavaVersion(int version) {
        return version >= AOT_CACHE_SINCE ? AOT_CACHE : DYNAMIC_CDS;
    }

    /** The kind whose file has this name, or null. */
    static ArchiveKind byFileName(String name) {
        for (ArchiveKind k : values()) {
            if (k.fileName.equals(name)) {
                return k;
            }
        }
        return null;
    }

    public String fileName() {
        return fileName;
    }

    /** Where the archive lives in the final image. */
    public String imagePath() {
        return ImageSpec.APP_ROOT + "/" + fileName;
    }

    /** The flag that makes the training JVM write the archive to {@code path} when it exits. */
    public String writeFlag(String path) {
        return writeFlag + path;
    }

    /** The flag the final image's entrypoint carries. */
    public String useFlag() {
        return useFlag + imagePath();
    }
}

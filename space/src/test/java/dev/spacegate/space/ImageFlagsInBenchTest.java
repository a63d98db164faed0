package dev.spacegate.space;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spacegate.space.image.ArchiveKind;
import dev.spacegate.space.image.ImageBuilder;
import dev.spacegate.space.image.ImageSpec;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The benchmark and the docs measure and describe the flags the image really uses. */
class ImageFlagsInBenchTest {
    @Test
    void benchmarkAndDocsUseTheImageFlags() throws Exception {
        String flags = String.join(" ", ImageSpec.DEFAULT_JVM_FLAGS);
        String bench = Files.readString(WorkflowLintTest.ROOT.resolve("bench/common.sh"));
        assertTrue(bench.contains("IMAGE_FLAGS=\"" + flags + "\""), "bench/common.sh IMAGE_FLAGS differ from " + flags);
        String deploy = Files.readString(WorkflowLintTest.ROOT.resolve("docs/deploy.md"));
        // the default base (Temurin 21) gets a dynamic CDS archive, whose flag follows the image's flags
        String entrypoint = "`java " + flags + " " + String.join(" ", ImageBuilder.SQLITE_NATIVE_FLAGS) + " "
                + ArchiveKind.DYNAMIC_CDS.useFlag() + " -cp";
        assertTrue(deploy.contains(entrypoint), "docs/deploy.md's entrypoint differs from " + entrypoint);
        String operations = Files.readString(WorkflowLintTest.ROOT.resolve("docs/operations.md"));
        assertTrue(operations.contains(flags), "docs/operations.md does not show " + flags);
    }
}
